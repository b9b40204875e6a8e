// 年度报送 (issue 16): a region's yearly submission (county → city review; the city closes its own year), the figures
// as of 12-31 snapshotted per round of submission, and the reasons given for back-dated changes that altered a
// closed year. The CHECK lists are copied from server/coverage/years/kinds.ts as they stand today
// (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const statuses = ['submitted', 'returned', 'accepted'];
const indicators = ['counties', 'townships', 'villages', 'central_villages', 'cremation_counties', 'communities'];

export const checks: Record<string, Check[]> = {
  year_submissions: [
    ['year_submissions_status_in', oneOf('status', statuses)],
    ['year_submissions_year_range', 'year BETWEEN 2000 AND 2100'],
    ['year_submissions_round_positive', 'round > 0'],
    // A returned year always says why; a reviewed one names its reviewer.
    ['year_submissions_returned_reason', "status <> 'returned' OR return_reason IS NOT NULL"],
    ['year_submissions_reviewed', "status = 'submitted' OR (reviewed_by IS NOT NULL AND reviewed_at IS NOT NULL)"],
  ],
  year_snapshot_rows: [
    ['year_snapshot_rows_indicator_in', oneOf('indicator', indicators)],
    ['year_snapshot_rows_counts', 'total >= 0 AND covered >= 0 AND covered <= total'],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('year_submissions', (t) => {
    t.increments('id');
    t.string('region_code', 12).notNullable();
    t.integer('year').notNullable();
    t.string('status', 16).notNullable(); // submitted | returned | accepted
    t.integer('round').notNullable(); // 1 for the first submission, one more after each return
    t.integer('submitted_by').notNullable().references('id').inTable('users');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.integer('reviewed_by').nullable().references('id').inTable('users');
    t.timestamp('reviewed_at', { useTz: true }).nullable();
    t.string('return_reason', 500).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    // One submission per region and year: two first submissions at once, one wins.
    t.unique(['region_code', 'year'], { indexName: 'year_submissions_region_year_unique' });
  });
  await knex.schema.createTable('year_snapshot_rows', (t) => {
    t.integer('submission_id').notNullable().references('id').inTable('year_submissions');
    t.integer('round').notNullable();
    t.string('region_code', 12).notNullable(); // the submitting region or one of its children
    t.string('region_name', 100).notNullable();
    t.string('indicator', 24).notNullable();
    t.integer('total').notNullable();
    t.integer('covered').notNullable();
    t.primary(['submission_id', 'round', 'region_code', 'indicator']);
  });
  await knex.schema.createTable('closed_year_changes', (t) => {
    t.increments('id');
    t.integer('submission_id').notNullable().references('id').inTable('year_submissions');
    t.string('entity', 40).notNullable();
    t.string('entity_id', 40).nullable();
    t.string('reason', 500).notNullable();
    t.text('differences').notNullable(); // JSON: [{region_code, indicator, submitted, after}]
    t.integer('changed_by').nullable().references('id').inTable('users');
    t.timestamp('changed_at', { useTz: true }).notNullable();
    t.index(['submission_id']);
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('closed_year_changes');
  await knex.schema.dropTable('year_snapshot_rows');
  await knex.schema.dropTable('year_submissions');
}

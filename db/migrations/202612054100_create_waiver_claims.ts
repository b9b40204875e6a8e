// Claims of fee waivers (惠民殡葬, issue 19 item 4): each case with waivers makes one claim from its funeral home;
// its lines copy the case's waiver lines as claimed (item, policy version, group, quantity, fen), so that later changes
// to the bill never rewrite a claim: they make correction lines instead. The bureau reviews claims and settles
// approved ones in batches (结算批次) per funeral home and month; a settled claim and its batch are immutable. Every
// step is also a row of waiver_claim_events (and of the audit log). The CHECK lists are copied from
// server/waivers/kinds.ts as they stand today (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const claimStatuses = ['submitted', 'evidence_requested', 'approved', 'rejected', 'settled'];
const claimLineKinds = ['waiver', 'correction'];

export const checks: Record<string, Check[]> = {
  waiver_claims: [
    ['waiver_claims_status_in', oneOf('status', claimStatuses)],
    ['waiver_claims_month_format', "length(month) = 7 AND substr(month, 5, 1) = '-'"],
    ['waiver_claims_amount_not_negative', 'amount_fen >= 0'],
    // Settled exactly when it belongs to a batch.
    ['waiver_claims_settled_in_batch', "(status = 'settled') = (batch_id IS NOT NULL)"],
    // A rejection and a request for evidence say why.
    ['waiver_claims_reason', "status NOT IN ('rejected', 'evidence_requested') OR review_note IS NOT NULL"],
  ],
  waiver_claim_lines: [
    ['waiver_claim_lines_kind_in', oneOf('kind', claimLineKinds)],
    // A waiver line is a positive amount; a correction may be either sign, never zero, and says why.
    [
      'waiver_claim_lines_amount_by_kind',
      "(kind = 'waiver' AND amount_fen > 0 AND quantity > 0) OR (kind = 'correction' AND amount_fen <> 0 AND reason IS NOT NULL)",
    ],
  ],
  waiver_claim_events: [['waiver_claim_events_to_status_in', oneOf('to_status', claimStatuses)]],
  waiver_settlement_batches: [
    ['waiver_settlement_batches_month_format', "length(month) = 7 AND substr(month, 5, 1) = '-'"],
    ['waiver_settlement_batches_totals', 'claims_count > 0 AND amount_fen >= 0'],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('waiver_settlement_batches', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities'); // the funeral home paid
    t.string('month', 7).notNullable(); // YYYY-MM of the claims it settles
    t.string('batch_number', 20).notNullable(); // e.g. JS-2026-0001, per bureau region and year
    t.string('region_code', 12).notNullable().references('code').inTable('regions'); // the settling bureau's region
    t.integer('claims_count').notNullable();
    t.integer('amount_fen').notNullable();
    t.string('note', 200).nullable();
    t.integer('settled_by').nullable().references('id').inTable('users');
    t.timestamp('settled_at', { useTz: true }).notNullable();
    t.unique(['batch_number'], { indexName: 'waiver_settlement_batches_number_unique' });
    t.index(['facility_id', 'month']);
  });
  await knex.schema.createTable('waiver_claims', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.integer('facility_id').notNullable().references('id').inTable('facilities'); // the claiming funeral home
    t.string('claim_number', 20).notNullable(); // e.g. 2026-000012, per home and year
    t.string('status', 20).notNullable();
    // What reports group by, copied when the claim is made so later edits of the case do not move it.
    t.string('household_region_code', 12).nullable().references('code').inTable('regions');
    t.date('death_date').notNullable();
    t.string('month', 7).notNullable(); // YYYY-MM (Asia/Shanghai) the claim was first submitted: its settlement month
    t.integer('amount_fen').notNullable(); // the sum of its lines, kept with them in the same transaction
    t.string('review_note', 200).nullable(); // the reason of a rejection or of a request for evidence
    t.integer('reviewed_by').nullable().references('id').inTable('users');
    t.timestamp('reviewed_at', { useTz: true }).nullable();
    t.integer('batch_id').nullable().references('id').inTable('waiver_settlement_batches');
    t.integer('submitted_by').nullable().references('id').inTable('users');
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['case_id'], { indexName: 'waiver_claims_one_per_case' });
    t.unique(['facility_id', 'claim_number'], { indexName: 'waiver_claims_facility_number_unique' });
    t.index(['facility_id', 'month', 'status'], 'waiver_claims_facility_month_status');
    t.index(['status', 'month'], 'waiver_claims_status_month');
    t.index(['batch_id']);
  });
  await knex.schema.createTable('waiver_claim_counters', (t) => {
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.integer('year').notNullable();
    t.integer('last').notNullable();
    t.primary(['facility_id', 'year']);
  });
  await knex.schema.createTable('waiver_claim_lines', (t) => {
    t.increments('id');
    t.integer('claim_id').notNullable().references('id').inTable('waiver_claims');
    t.string('kind', 12).notNullable(); // waiver | correction
    // Copied from case_waiver_lines and case_lines at the time: a claim line never follows later edits.
    t.integer('case_line_id').nullable(); // no foreign key: the case line may later be corrected away
    t.integer('policy_version_id').notNullable().references('id').inTable('waiver_policy_versions');
    t.string('group_code', 30).notNullable().references('code').inTable('waiver_groups');
    t.string('basis', 12).notNullable(); // residence | list | declared, as on the case
    t.string('item_code', 30).notNullable();
    t.string('item_name', 60).notNullable();
    t.string('basic_kind', 20).nullable();
    t.integer('quantity').notNullable();
    t.integer('amount_fen').notNullable();
    t.string('reason', 200).nullable(); // why a correction was made
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['claim_id']);
  });
  await knex.schema.createTable('waiver_claim_events', (t) => {
    t.increments('id');
    t.integer('claim_id').notNullable().references('id').inTable('waiver_claims');
    t.string('from_status', 20).nullable();
    t.string('to_status', 20).notNullable();
    t.string('note', 200).nullable();
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['claim_id']);
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'waiver_claim_events',
    'waiver_claim_lines',
    'waiver_claim_counters',
    'waiver_claims',
    'waiver_settlement_batches',
  ])
    await knex.schema.dropTable(t);
}

// Green-burial rewards (生态安葬奖补, issue 19 item 1): a fixed amount per green placement (tree, lawn, flower bed,
// wall, no-mound burial, scattering) for a deceased a policy covers, chosen by the policy version valid on the date of
// death. One reward per placement at most (the unique index), written in the transaction that records the placement;
// what reports group by is copied on the row so that later edits never move it. The CHECK list of bases is copied
// from server/waivers/kinds.ts as it stands today (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const bases = ['residence', 'list', 'declared'];

export const checks: Record<string, Check[]> = {
  waiver_green_rewards: [
    ['waiver_green_rewards_basis_in', oneOf('basis', bases)],
    ['waiver_green_rewards_amount', 'amount_fen > 0'],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('waiver_green_rewards', (t) => {
    t.increments('id');
    t.integer('placement_id').notNullable().references('id').inTable('resting_placements');
    t.integer('facility_id').notNullable().references('id').inTable('facilities'); // where the placement was made
    t.integer('policy_version_id').notNullable().references('id').inTable('waiver_policy_versions');
    t.string('group_code', 30).notNullable().references('code').inTable('waiver_groups');
    t.string('basis', 12).notNullable();
    t.string('burial_method', 16).notNullable();
    t.string('deceased_name', 60).notNullable();
    t.string('household_region_code', 12).nullable().references('code').inTable('regions');
    t.date('death_date').notNullable();
    t.integer('amount_fen').notNullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['placement_id'], { indexName: 'waiver_green_rewards_one_per_placement' });
    t.index(['death_date'], 'waiver_green_rewards_death_date');
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('waiver_green_rewards');
}

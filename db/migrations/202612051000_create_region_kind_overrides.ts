// The bureau's corrections of one village-level unit's kind (行政村 or 社区): the import applies them after the name
// rule, so a correction is kept across re-imports. The change itself is in the audit log.
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const villageKinds = ['village', 'community'];

export const checks: Record<string, Check[]> = {
  region_kind_overrides: [['region_kind_overrides_kind_in', oneOf('kind', villageKinds)]],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('region_kind_overrides', (t) => {
    t.string('code', 12).primary().references('code').inTable('regions');
    t.string('kind', 10).notNullable();
    t.string('reason', 200).notNullable();
    t.integer('set_by').nullable().references('id').inTable('users');
    t.timestamp('set_at', { useTz: true }).notNullable();
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('region_kind_overrides');
}

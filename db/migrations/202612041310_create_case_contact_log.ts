// The contact log of a case (联系记录): calls, visits and messages with the family, when, with whom, by whom.
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const contactKinds = ['call', 'visit', 'message'];

export const checks: Record<string, Check[]> = {
  case_contact_log: [['case_contact_log_kind_in', oneOf('kind', contactKinds)]],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_contact_log', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.integer('contact_id').nullable().references('id').inTable('case_contacts');
    t.string('kind', 10).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.string('note', 500).notNullable();
    t.integer('recorded_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id', 'at']);
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('case_contact_log');
}

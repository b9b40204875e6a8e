// One person, one case under way: a second open case for an ID number is refused by the database as well as by
// intake, so that two clerks (or a clerk and a hospital's notification) registering one death at once open one case.
// The index names the open statuses one by one (as server/cases/states.ts `openStatuses` stood when this was
// written; test/db/constraints.test.ts compares them), so that a status added later is not counted as open unnoticed.
import type { Knex } from 'knex';
import { oneOf } from '../constraints.js';

const openStatuses = ['registered', 'body_received', 'stored', 'farewell_done', 'cremated'];

export async function up(knex: Knex): Promise<void> {
  // Rows that already break the rule are not changed: the migration stops, naming how many ID numbers.
  const twice = await knex('funeral_cases')
    .whereRaw(oneOf('status', openStatuses))
    .groupBy('id_number')
    .havingRaw('COUNT(*) > 1')
    .select('id_number');
  if (twice.length)
    throw new Error(
      `funeral_cases: ${twice.length} ID number(s) have more than one open case; close or correct them, then migrate again`,
    );
  await knex.raw(
    `CREATE UNIQUE INDEX funeral_cases_id_number_open ON funeral_cases (id_number) WHERE ${oneOf('status', openStatuses)}`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX funeral_cases_id_number_open');
}

// A request id (a form or API call sent twice opens one case, records one payment) was unique across the whole
// platform, so one funeral home's ids could block another's: scope it to the home for cases, to the case for payments.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('funeral_cases', (t) => {
    t.dropUnique(['request_id']);
    t.unique(['facility_id', 'request_id'], { indexName: 'funeral_cases_facility_request_id_unique' });
  });
  await knex.schema.alterTable('case_payments', (t) => {
    t.dropUnique(['request_id']);
    t.unique(['case_id', 'request_id'], { indexName: 'case_payments_case_request_id_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('case_payments', (t) => {
    t.dropUnique(['case_id', 'request_id'], 'case_payments_case_request_id_unique');
    t.unique(['request_id']);
  });
  await knex.schema.alterTable('funeral_cases', (t) => {
    t.dropUnique(['facility_id', 'request_id'], 'funeral_cases_facility_request_id_unique');
    t.unique(['request_id']);
  });
}

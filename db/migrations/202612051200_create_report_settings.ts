// What a region's printed report and tables carry in their formal block (填报单位, 负责人, 审核人, 联系电话), one row per
// region that keeps its own: a city bureau, and county bureaus that differ from their city's. A region without a
// row uses its nearest ancestor's (server/reports/settings-service.ts). Empty text is stored as NULL.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('report_settings', (t) => {
    t.string('region_code', 12).primary().references('code').inTable('regions');
    t.string('issuer', 60).nullable();
    t.string('head', 30).nullable();
    t.string('reviewer', 30).nullable();
    // Stored normalised: 0858-8221234, 13812345678, with an extension as 0858-8221234-801 (server/cases/phone.ts).
    t.string('phone', 30).nullable();
    t.integer('updated_by').nullable().references('id').inTable('users');
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('report_settings');
}

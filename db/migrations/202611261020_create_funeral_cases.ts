// Funeral cases (治丧业务): the deceased, the family contact, pickup, status; numbered per funeral home and year.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_counters', (t) => {
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.integer('year').notNullable();
    t.integer('last').notNullable();
    t.primary(['facility_id', 'year']);
  });
  await knex.schema.createTable('funeral_cases', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.string('case_number', 20).notNullable(); // e.g. 2026-000123
    t.string('status', 20).notNullable();
    t.string('deceased_name', 60).notNullable();
    t.string('id_number', 18).notNullable();
    t.string('sex', 6).notNullable(); // male | female
    t.date('birth_date').notNullable();
    t.timestamp('death_at', { useTz: true }).notNullable();
    t.string('death_place', 200).nullable();
    t.string('death_certificate_no', 40).nullable();
    t.string('household_region_code', 12).nullable().references('code').inTable('regions');
    t.string('contact_name', 60).notNullable();
    t.string('contact_phone', 11).notNullable();
    t.string('contact_relationship', 20).notNullable();
    t.string('pickup_address', 200).nullable();
    t.timestamp('pickup_at', { useTz: true }).nullable();
    t.string('request_id', 64).nullable().unique(); // a form submitted twice creates one case
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'case_number']);
    t.index(['facility_id', 'created_at']);
    t.index(['id_number']);
    t.index(['deceased_name']);
  });
  await knex.schema.createTable('case_events', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.string('from_status', 20).nullable();
    t.string('to_status', 20).notNullable();
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.string('note', 200).nullable();
    t.index(['case_id']);
  });
  await knex.schema.createTable('case_lines', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.integer('price_item_id').notNullable().references('id').inTable('price_items');
    // copied from the price list at the time, so later price changes do not rewrite a case
    t.string('code', 30).notNullable();
    t.string('name_zh', 60).notNullable();
    t.string('category', 10).notNullable();
    t.string('unit', 10).notNullable();
    t.integer('quantity').notNullable();
    t.integer('unit_price_fen').notNullable();
    t.integer('amount_fen').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id']);
  });
  await knex.schema.createTable('case_deductions', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.string('source', 30).notNullable(); // e.g. waiver policy, green-burial reward
    t.string('label', 100).notNullable();
    t.integer('amount_fen').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['case_id']);
  });
  await knex.schema.createTable('case_payments', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.string('method', 20).notNullable(); // cash | wechat | alipay | card | transfer
    t.integer('amount_fen').notNullable();
    t.timestamp('paid_at', { useTz: true }).notNullable();
    t.integer('received_by').nullable().references('id').inTable('users');
    t.string('request_id', 64).nullable().unique();
    t.index(['case_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['case_payments', 'case_deductions', 'case_lines', 'case_events', 'funeral_cases', 'case_counters']) await knex.schema.dropTable(t);
}

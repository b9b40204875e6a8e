// A funeral home's price list: basic services (government-priced) and optional ones, valid over a date range.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('price_items', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.string('code', 30).notNullable();
    t.string('name_zh', 60).notNullable();
    t.string('name_en', 100).notNullable();
    t.string('category', 10).notNullable(); // basic | optional
    // For basic items, which basic service: transport | refrigeration | cremation | ash_storage | urn
    t.string('basic_kind', 20).nullable();
    t.string('unit', 10).notNullable(); // time | day | year | piece
    t.integer('price_fen').notNullable();
    t.date('valid_from').notNullable();
    t.date('valid_to').nullable(); // inclusive; null = open-ended
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'code', 'valid_from']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('price_items');
}

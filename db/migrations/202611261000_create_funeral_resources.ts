// Cremators and farewell halls of a funeral home, with working hours and slot length, and their closures.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  for (const table of ['cremators', 'farewell_halls']) {
    await knex.schema.createTable(table, (t) => {
      t.increments('id');
      t.integer('facility_id').notNullable().references('id').inTable('facilities');
      t.string('name', 60).notNullable();
      t.integer('slot_minutes').notNullable();
      t.string('day_start', 5).notNullable(); // 'HH:MM', Asia/Shanghai
      t.string('day_end', 5).notNullable();
      if (table === 'farewell_halls') t.integer('capacity').notNullable(); // people
      t.boolean('active').notNullable().defaultTo(true);
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.unique(['facility_id', 'name']);
    });
  }
  await knex.schema.createTable('resource_closures', (t) => {
    t.increments('id');
    t.string('resource_type', 10).notNullable(); // cremator | hall
    t.integer('resource_id').notNullable();
    t.timestamp('starts_at', { useTz: true }).notNullable(); // [starts_at, ends_at)
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.string('reason', 200).notNullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['resource_type', 'resource_id', 'starts_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resource_closures');
  await knex.schema.dropTable('farewell_halls');
  await knex.schema.dropTable('cremators');
}

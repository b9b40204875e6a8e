// Cremator and farewell-hall bookings. One active booking per slot is enforced by a partial unique index, so a
// slot can never be booked twice, on SQLite or PostgreSQL, whatever the number of app processes.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  for (const [table, resource, ref] of [['cremation_bookings', 'cremator_id', 'cremators'], ['hall_bookings', 'hall_id', 'farewell_halls']] as const) {
    await knex.schema.createTable(table, (t) => {
      t.increments('id');
      t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
      t.integer(resource).notNullable().references('id').inTable(ref);
      t.timestamp('starts_at', { useTz: true }).notNullable(); // [starts_at, ends_at)
      t.timestamp('ends_at', { useTz: true }).notNullable();
      t.string('status', 12).notNullable(); // booked | cancelled
      t.string('cancel_reason', 200).nullable();
      t.integer('created_by').nullable().references('id').inTable('users');
      t.timestamp('created_at', { useTz: true }).notNullable();
      t.timestamp('updated_at', { useTz: true }).notNullable();
      t.index(['case_id']);
    });
    await knex.raw(`CREATE UNIQUE INDEX ${table}_slot_active ON ${table} (${resource}, starts_at) WHERE status <> 'cancelled'`);
    await knex.raw(`CREATE UNIQUE INDEX ${table}_case_active ON ${table} (case_id) WHERE status <> 'cancelled'`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('hall_bookings');
  await knex.schema.dropTable('cremation_bookings');
}

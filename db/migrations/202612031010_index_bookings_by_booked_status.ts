// The partial unique indexes that keep one active booking per slot and per case now name the active status
// (`status = 'booked'`) instead of excluding the cancelled one, so that an unknown status is never taken for an
// active booking. Same columns, same rows: booked is the only other status the CHECK allows.
import type { Knex } from 'knex';

const tables = [
  ['cremation_bookings', 'cremator_id'],
  ['hall_bookings', 'hall_id'],
] as const;

export async function up(knex: Knex): Promise<void> {
  for (const [table, resource] of tables) {
    await knex.raw(`DROP INDEX ${table}_slot_active`);
    await knex.raw(`DROP INDEX ${table}_case_active`);
    await knex.raw(
      `CREATE UNIQUE INDEX ${table}_slot_booked ON ${table} (${resource}, starts_at) WHERE status = 'booked'`,
    );
    await knex.raw(`CREATE UNIQUE INDEX ${table}_case_booked ON ${table} (case_id) WHERE status = 'booked'`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [table, resource] of tables) {
    await knex.raw(`DROP INDEX ${table}_slot_booked`);
    await knex.raw(`DROP INDEX ${table}_case_booked`);
    await knex.raw(
      `CREATE UNIQUE INDEX ${table}_slot_active ON ${table} (${resource}, starts_at) WHERE status <> 'cancelled'`,
    );
    await knex.raw(`CREATE UNIQUE INDEX ${table}_case_active ON ${table} (case_id) WHERE status <> 'cancelled'`);
  }
}

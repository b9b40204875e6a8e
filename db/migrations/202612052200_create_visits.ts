// Visit reservations (扫墓预约): a facility's booking rules, its visit windows with their capacity and the places
// booked, the reservations, the per-day counts that hold a facility's limits per phone and ID number, and the
// answers kept for idempotent JSON requests. Capacity is the database's rule: `booked <= capacity` is a CHECK, and
// places are taken by one conditional UPDATE (server/visits/store.ts). The CHECK lists are copies of
// server/visits/kinds.ts as it stands today (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const windowStatuses = ['open', 'closed'];
const reservationStatuses = ['booked', 'cancelled'];
const reservationChannels = ['public', 'staff'];
const dayCountKinds = ['phone', 'id_number'];

export const checks: Record<string, Check[]> = {
  visit_settings: [
    ['visit_settings_open_percent_range', 'open_percent BETWEEN 1 AND 100'],
    ['visit_settings_ahead_range', 'book_ahead_days BETWEEN 0 AND 60'],
    ['visit_settings_phone_limit_range', 'max_per_phone_day BETWEEN 1 AND 20'],
    ['visit_settings_id_limit_range', 'max_per_id_day BETWEEN 1 AND 20'],
    ['visit_settings_party_range', 'max_party_size BETWEEN 1 AND 20'],
  ],
  visit_windows: [
    ['visit_windows_status_in', oneOf('status', windowStatuses)],
    ['visit_windows_capacity_range', 'capacity BETWEEN 0 AND 100000'],
    // The rule no concurrent booking may break: never more places taken than the window has.
    ['visit_windows_booked_within_capacity', 'booked >= 0 AND booked <= capacity'],
    ['visit_windows_interval_forwards', 'ends_at > starts_at'],
  ],
  visit_reservations: [
    ['visit_reservations_status_in', oneOf('status', reservationStatuses)],
    ['visit_reservations_channel_in', oneOf('channel', reservationChannels)],
    ['visit_reservations_party_range', 'party_size BETWEEN 1 AND 20'],
    // A staff booking (代约) names the staff member; a family's names nobody.
    ['visit_reservations_staff_named', "(channel = 'staff') = (booked_by IS NOT NULL)"],
    ['visit_reservations_cancelled_when', "(status = 'cancelled') = (cancelled_at IS NOT NULL)"],
    ['visit_reservations_arrived_booked', "arrived_at IS NULL OR status = 'booked'"],
  ],
  visit_day_counts: [
    ['visit_day_counts_kind_in', oneOf('kind', dayCountKinds)],
    ['visit_day_counts_count_positive', 'count >= 0'],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('visit_settings', (t) => {
    t.integer('facility_id').primary().references('id').inTable('facilities');
    t.integer('open_percent').notNullable();
    t.integer('book_ahead_days').notNullable();
    t.integer('max_per_phone_day').notNullable();
    t.boolean('id_required').notNullable();
    t.integer('max_per_id_day').notNullable();
    t.integer('max_party_size').notNullable();
    t.boolean('has_parking').notNullable();
    t.integer('updated_by').nullable().references('id').inTable('users');
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('visit_windows', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.date('visit_date').notNullable(); // the day in Asia/Shanghai
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.integer('capacity').notNullable();
    t.integer('booked').notNullable().defaultTo(0);
    t.string('status', 8).notNullable(); // open | closed
    t.boolean('is_peak').notNullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'starts_at'], { indexName: 'visit_windows_facility_start_unique' });
    t.index(['facility_id', 'visit_date'], 'visit_windows_facility_date');
  });
  await knex.schema.createTable('visit_reservations', (t) => {
    t.increments('id');
    t.string('code', 12).notNullable().unique();
    t.integer('window_id').notNullable().references('id').inTable('visit_windows');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.date('visit_date').notNullable();
    t.string('name', 40).notNullable();
    t.string('phone', 20).notNullable();
    t.string('id_number', 18).nullable();
    t.integer('party_size').notNullable();
    t.string('visiting', 60).nullable(); // whom they visit: a name, or a niche or plot code
    t.string('car_plate', 12).nullable();
    t.string('status', 10).notNullable(); // booked | cancelled
    t.string('channel', 8).notNullable(); // public | staff (代约)
    t.integer('booked_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('cancelled_at', { useTz: true }).nullable();
    t.timestamp('arrived_at', { useTz: true }).nullable();
    t.integer('checked_in_by').nullable().references('id').inTable('users');
  });
  await knex.raw(
    `CREATE INDEX visit_reservations_window_booked ON visit_reservations (window_id) WHERE status = 'booked'`,
  );
  await knex.raw(`CREATE INDEX visit_reservations_facility_date ON visit_reservations (facility_id, visit_date)`);
  await knex.schema.createTable('visit_day_counts', (t) => {
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.date('visit_date').notNullable();
    t.string('kind', 10).notNullable(); // phone | id_number
    t.string('subject', 20).notNullable();
    t.integer('count').notNullable();
    t.primary(['facility_id', 'visit_date', 'kind', 'subject']);
  });
  await knex.schema.createTable('idempotency_keys', (t) => {
    t.string('key', 120).primary(); // the route's scope and the client's key
    t.string('request_hash', 64).notNullable();
    t.integer('status_code').nullable();
    t.text('response').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['created_at'], 'idempotency_keys_created');
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
  await knex.schema.dropTable('visit_day_counts');
  await knex.schema.dropTable('visit_reservations');
  await knex.schema.dropTable('visit_windows');
  await knex.schema.dropTable('visit_settings');
}

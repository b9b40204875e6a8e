// The front desk's lists of cases under way (pickups due, papers missing, the cases list by status, the cases a
// cremation may be booked for) ask for one home's cases at some statuses. With only the index on (facility, created
// at) each read every case the home ever had: at 20,000 finished cases, 1.4 ms for the pickups and 1.9 ms for the
// papers missing on every dashboard view, growing with the years (docs/BENCHMARKS.md, "The front desk's dashboard
// over the years"). With this one they read the cases at those statuses only: on SQLite, for the lists sorted by
// created at, once the planner has its counts (server/db.ts optimizePlanner).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX funeral_cases_facility_status ON funeral_cases (facility_id, status)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX funeral_cases_facility_status');
}

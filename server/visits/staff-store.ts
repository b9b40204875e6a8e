// Queries of the staff's visit pages that the core store has no need for: which windows of a range already exist
// (the generation's confirm step), the day of the next windows.
import type { Knex } from 'knex';

/** The start instants of a facility's windows from one day to another (inclusive). */
export async function windowStartsBetween(
  db: Knex,
  facilityId: number,
  from: string,
  to: string,
): Promise<Set<string>> {
  const rows = await db('visit_windows')
    .select('starts_at')
    .where({ facility_id: facilityId })
    .whereBetween('visit_date', [from, to]);
  return new Set(rows.map((r: { starts_at: unknown }) => String(r.starts_at)));
}

/** The last day with a window at the facility, or undefined when it has none. */
export async function lastWindowDate(db: Knex, facilityId: number): Promise<string | undefined> {
  const r = await db('visit_windows').where({ facility_id: facilityId }).max({ last: 'visit_date' }).first();
  return r?.last ? String(r.last) : undefined;
}

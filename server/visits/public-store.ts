// Queries of the families' booking pages that the core store does not have: which facilities have windows ahead.
import type { Knex } from 'knex';

/** Facilities with at least one open window on `from` or later (the ones that take bookings). */
export async function facilityIdsWithWindows(db: Knex, from: string): Promise<number[]> {
  const rows = await db('visit_windows')
    .distinct('facility_id')
    .where('visit_date', '>=', from)
    .where({ status: 'open' });
  return rows.map((r: { facility_id: unknown }) => Number(r.facility_id));
}

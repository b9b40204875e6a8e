// Queries the printed documents need beyond the case itself: when the body was cremated, and in which cremator.
import type { Knex } from 'knex';

export interface Cremation {
  at: string | null;
  cremator: string | null;
}

export async function cremation(db: Knex, caseId: number): Promise<Cremation> {
  const [event, booking] = await Promise.all([
    db('case_events').where({ case_id: caseId, to_status: 'cremated' }).orderBy('id', 'desc').first('at'),
    db('cremation_bookings as b')
      .join('cremators as k', 'k.id', 'b.cremator_id')
      .where({ 'b.case_id': caseId, 'b.status': 'booked' })
      .first('k.name'),
  ]);
  return { at: event?.at ?? null, cremator: booking?.name ?? null };
}

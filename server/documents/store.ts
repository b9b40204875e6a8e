// Queries the printed documents need beyond the case itself: the cremation as recorded against its booking.
import type { Knex } from 'knex';

export interface Cremation {
  /** Actual start and end (ISO instants) and the cremator actually used, as recorded (记录火化); null when none. */
  startedAt: string | null;
  endedAt: string | null;
  cremator: string | null;
}

/** The case's done cremation booking: what the certificate prints. Never the time a status was clicked. */
export async function cremation(db: Knex, caseId: number): Promise<Cremation> {
  const done = await db('cremation_bookings as b')
    .join('cremators as k', 'k.id', 'b.actual_cremator_id')
    .where({ 'b.case_id': caseId, 'b.status': 'done' })
    .orderBy('b.id', 'desc')
    .first('b.actual_started_at', 'b.actual_ended_at', 'k.name');
  return {
    startedAt: done?.actual_started_at ?? null,
    endedAt: done?.actual_ended_at ?? null,
    cremator: done?.name ?? null,
  };
}

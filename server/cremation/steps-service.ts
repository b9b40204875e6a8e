// The case steps that are facts about its bookings (issue 15 item 1): a cremation recorded against its booking (the
// only way a case becomes cremated), a farewell marked held on its hall booking, and a case withdrawn from the
// cremation path, which cancels its bookings and their charges. Each is one transaction with the case's move.
import type { Knex } from 'knex';
import { assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import * as caseLines from '../cases/lines-service.js';
import * as cases from '../cases/service.js';
import type { CaseStatus } from '../cases/states.js';
import { endCustodyIn, leavePlaceIn } from '../custody/service.js';
import { nowIso } from '../db.js';
import { ConflictError, ValidationError } from '../http/errors.js';
import type { Actor } from './common.js';
import { forgetDays } from './day-cache.js';
import type { CremationRecordInput } from './schemas.js';
import { bookingOf, type ChargeChange } from './service.js';
import * as resourceStore from './resource-store.js';
import * as store from './store.js';

/** What the 记录火化 form offers: the booking, its case and the home's cremators (the booked one first). */
export async function cremationToRecord(db: Knex, actor: Actor, bookingId: number) {
  const booking = await bookingOf(db, actor, 'cremator', bookingId);
  assertCanWrite(actor, booking.facility_id);
  const cremators = await resourceStore.listResources(db, 'cremator', booking.facility_id);
  cremators.sort((a, b) => Number(b.id === booking.resource_id) - Number(a.id === booking.resource_id));
  return { booking, cremators };
}

/**
 * Records a cremation as it happened: not before its slot began, ended by now, in one of the home's cremators. The
 * booking becomes done with those facts and the case cremated, in one transaction; of two recordings of one
 * booking, the conditional update lets one through and the other gets 409 cremation_already_recorded. A case whose farewell
 * is still booked is refused (it must be marked held or cancelled first), so that no booking is skipped silently.
 */
export async function recordCremation(
  db: Knex,
  actor: Actor,
  bookingId: number,
  input: CremationRecordInput,
  ip: string | null,
  now = new Date(),
): Promise<store.Booking> {
  const booking = await bookingOf(db, actor, 'cremator', bookingId);
  assertCanWrite(actor, booking.facility_id);
  if (booking.status !== 'booked') throw new ConflictError('cremation_already_recorded');
  const errors: Record<string, { key: string; params?: Record<string, unknown> }> = {};
  if (input.started_at < booking.starts_at) errors.started_at = { key: 'errors.cremation_before_slot' };
  if (input.started_at > now.toISOString()) errors.started_at = { key: 'errors.cremation_in_future' };
  if (input.ended_at > now.toISOString()) errors.ended_at = { key: 'errors.cremation_in_future' };
  const cremator = await resourceStore.findResource(db, 'cremator', input.cremator_id);
  if (!cremator || cremator.facility_id !== booking.facility_id)
    errors.cremator_id = { key: 'errors.cremator_other_home' };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  const farewell = await store.activeBookingOfCase(db, 'hall', booking.case_id);
  if (farewell) throw new ConflictError('farewell_still_booked');
  const at = nowIso();
  await db.transaction(async (trx) => {
    const facts = {
      actual_started_at: input.started_at,
      actual_ended_at: input.ended_at,
      actual_cremator_id: cremator!.id,
      operator_name: input.operator_name ?? null,
      done_by: actor.id,
      done_at: at,
    };
    if (!(await store.markCremationDone(trx, bookingId, facts))) throw new ConflictError('cremation_already_recorded');
    // A farewell booked meanwhile would be skipped: the case index holds one per case, so read it again here.
    if (await store.activeBookingOfCase(trx, 'hall', booking.case_id)) throw new ConflictError('farewell_still_booked');
    await cases.moveCaseIn(trx, actor, booking.case_id, booking.case_status, 'cremated', undefined, ip);
    // The body leaves its last place in the home's keeping (custody) with the cremation.
    await leavePlaceIn(trx, booking.case_id);
    await audit.record(trx, {
      actor,
      action: 'record_cremation',
      entity: 'cremation_booking',
      entityId: bookingId,
      before: { status: 'booked', cremator_id: booking.resource_id, starts_at: booking.starts_at },
      after: { status: 'done', ...facts },
      ip,
    });
  });
  forgetDays(db);
  return (await store.findBooking(db, 'cremator', bookingId))!;
}

/**
 * A status move from the case page. Cremated is refused (recorded on the booking instead); farewell done completes
 * the case's hall booking, not before its slot begins; withdrawn needs a reason and cancels every active booking
 * with its charge. Any other move is the cases service's own.
 */
export async function moveCaseStep(
  db: Knex,
  actor: Actor,
  caseId: number,
  from: CaseStatus,
  to: CaseStatus,
  note: string | undefined,
  ip: string | null,
  reasons: cases.ClosingReasons = {},
  now = new Date(),
): Promise<ChargeChange> {
  if (to === 'farewell_done') {
    await completeFarewell(db, actor, caseId, from, note, ip, now);
    return {};
  }
  if (to === 'withdrawn') return withdrawCase(db, actor, caseId, from, note, ip);
  await cases.moveCase(db, actor, caseId, from, to, note, ip, reasons);
  return {};
}

async function completeFarewell(
  db: Knex,
  actor: Actor,
  caseId: number,
  from: CaseStatus,
  note: string | undefined,
  ip: string | null,
  now: Date,
): Promise<void> {
  const c = await cases.loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const hall = await store.activeBookingOfCase(db, 'hall', caseId);
  if (hall && hall.starts_at > now.toISOString())
    throw new ValidationError({ status: { key: 'errors.farewell_before_slot' } }, 'farewell_before_slot');
  await db.transaction(async (trx) => {
    if (hall) {
      if (!(await store.markHallDone(trx, hall.id, actor.id, nowIso()))) throw new ConflictError('booking_not_active');
      await audit.record(trx, {
        actor,
        action: 'farewell_done',
        entity: 'hall_booking',
        entityId: hall.id,
        before: { status: 'booked' },
        after: { status: 'done' },
        ip,
      });
    }
    await cases.moveCaseIn(trx, actor, caseId, from, 'farewell_done', note, ip);
  });
  if (hall) forgetDays(db);
}

async function withdrawCase(
  db: Knex,
  actor: Actor,
  caseId: number,
  from: CaseStatus,
  note: string | undefined,
  ip: string | null,
): Promise<ChargeChange> {
  if (!note)
    throw new ValidationError({ note: { key: 'errors.withdraw_reason_required' } }, 'withdraw_reason_required');
  const c = await cases.loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const removed = await db.transaction(async (trx) => {
    await cases.moveCaseIn(trx, actor, caseId, from, 'withdrawn', note, ip);
    // The body, if the home holds it, leaves with the withdrawal.
    await endCustodyIn(trx, caseId);
    const lines: { name_zh: string; amount_fen: number; line_id: number }[] = [];
    for (const kind of ['hall', 'cremator'] as const) {
      const b = await store.activeBookingOfCase(trx, kind, caseId);
      if (!b) continue;
      if (!(await store.cancelBooking(trx, kind, b.id, note, nowIso()))) throw new ConflictError('booking_not_active');
      await audit.record(trx, {
        actor,
        action: 'cancel',
        entity: kind === 'hall' ? 'hall_booking' : 'cremation_booking',
        entityId: b.id,
        before: { status: 'booked' },
        after: { status: 'cancelled', reason: note, case_status: 'withdrawn' },
        ip,
      });
      const line = await caseLines.removeBookingLine(trx, actor, caseId, { kind, id: b.id }, ip);
      if (line) lines.push(line);
    }
    return lines;
  });
  forgetDays(db);
  if (!removed.length) return {};
  return {
    removed: {
      line_id: removed[0].line_id,
      name_zh: removed.map((l) => l.name_zh).join('、'),
      amount_fen: removed.reduce((s, l) => s + l.amount_fen, 0),
    },
  };
}

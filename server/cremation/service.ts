// Use cases of cremation scheduling (resources and closures are in resources.ts, re-exported here; the day's grid,
// board and availability in day-service.ts): booking, rescheduling and cancelling a slot; a case's bookings for the
// case page.
// Every change is one transaction with its audit row. The partial unique indexes decide who gets a slot.
import type { Knex } from 'knex';
import { assertCanRead, assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { isExclusionViolation, isUniqueViolation, nowIso, violatedConstraint } from '../db.js';
import * as lines from '../cases/lines-service.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import type { ResourceKind } from './schemas.js';
import { dateOf, dayBounds, locateSlot, overlaps, timeOf } from './slots.js';
import { forgetDays, keptDay } from './day-cache.js';
import * as resourceStore from './resource-store.js';
import * as store from './store.js';
import { funeralHome, workingDay, type Actor } from './common.js';

export { funeralHome, type Actor } from './common.js';
export type { Booking, Facility } from './store.js';
export type { Closure, Resource } from './resource-store.js';

/** cancel_reason of a booking replaced by a reschedule (shown translated, never as typed text). */
export const RESCHEDULED = 'rescheduled';

const bookingEntity = { cremator: 'cremation_booking', hall: 'hall_booking' } as const;

/** The funeral home a page opens on: the one asked for, else the user's own, else the first. */
export async function defaultFuneralHome(
  db: Knex,
  actor: Actor,
  asked: number | undefined,
): Promise<number | undefined> {
  if (asked) return asked;
  if (actor.facility_id) return actor.facility_id;
  return (await listFuneralHomes(db))[0]?.id;
}

/** The funeral homes, for the pickers of the day pages; kept a moment like the days (day-cache.ts). */
export function listFuneralHomes(db: Knex): Promise<readonly store.Facility[]> {
  return keptDay(db, 'funeral-homes', () => store.listFuneralHomes(db));
}

export * from './resources.js';

// ## Booking

export interface BookingRequest {
  kind: ResourceKind;
  case_id: number;
  resource_id: number;
  starts_at: string;
}

/** What the booking form shows: the slot (checked now, so a stale link says so at once) and the cases to choose from. */
export async function bookingChoice(db: Knex, actor: Actor, req: Omit<BookingRequest, 'case_id'>, now = new Date()) {
  const resource = await resourceStore.findResource(db, req.kind, req.resource_id);
  if (!resource) throw new NotFoundError();
  const facility = await funeralHome(db, resource.facility_id);
  assertCanWrite(actor, resource.facility_id);
  const [cases, taken] = await Promise.all([
    store.casesToBook(db, req.kind, resource.facility_id),
    store.activeBookingsOf(
      db,
      req.kind,
      resource.id,
      req.starts_at,
      new Date(new Date(req.starts_at).getTime() + 1).toISOString(),
    ),
  ]);
  let problem: { key: string; params?: Record<string, unknown> } | undefined;
  let slot: { start: string; end: string } | undefined;
  try {
    slot = await checkSlot(db, resource, req.starts_at, now);
    if (taken.length) problem = { key: 'errors.slot_taken' };
    else if (!resource.active) problem = { key: 'errors.resource_inactive' };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    problem = Object.values(err.fields)[0] ?? { key: `errors.${err.code}` };
  }
  return { facility, resource, slot, cases, problem };
}

/** The case a grid was opened for (from the case page), when it belongs to that funeral home. */
export async function caseToBook(
  db: Knex,
  actor: Actor,
  caseId: number,
  facilityId: number,
): Promise<store.CaseRef | undefined> {
  const c = await store.findCase(db, caseId);
  if (!c || c.facility_id !== facilityId) return undefined;
  assertCanRead(actor, c.facility_id);
  return c;
}

/** The rules of a slot other than "nobody has it": on the grid, in the future, not closed. */
async function checkSlot(
  db: Knex,
  resource: resourceStore.Resource,
  startsAt: string,
  now: Date,
): Promise<{ start: string; end: string }> {
  const located = locateSlot(startsAt, workingDay(resource));
  if ('problem' in located) throw new ValidationError({ starts_at: { key: `errors.${located.problem}` } });
  if (located.slot.start < now.toISOString()) throw new ValidationError({ starts_at: { key: 'errors.slot_in_past' } });
  const closed = (
    await resourceStore.closuresOf(db, resource.kind, resource.id, located.slot.start, located.slot.end)
  ).find((c) => overlaps(located.slot, { start: c.starts_at, end: c.ends_at }));
  if (closed)
    throw new ValidationError({ starts_at: { key: 'errors.slot_closed', params: { reason: closed.reason } } });
  return located.slot;
}

/** The case may be booked at this resource: known, of the same funeral home, not past the step booked. */
function checkCase(kind: ResourceKind, c: store.CaseRef | undefined, resource: resourceStore.Resource): store.CaseRef {
  if (!c) throw new ValidationError({ case_id: { key: 'errors.case_unknown' } });
  if (c.facility_id !== resource.facility_id)
    throw new ValidationError({ case_id: { key: 'errors.case_other_facility' } });
  if ((store.closedCaseStatuses as readonly string[]).includes(c.status))
    throw new ValidationError({ case_id: { key: 'errors.case_closed' } });
  if (kind === 'hall' && c.status === 'farewell_done')
    throw new ValidationError({ case_id: { key: 'errors.case_farewell_held' } });
  return c;
}

/** What a booking change did to the case's charges, for the clerk to see (已添加费用 / 已移除费用). */
export interface ChargeChange {
  added?: lines.BookingCharge;
  removed?: lines.BookingCharge;
}

/**
 * Inside the caller's transaction: every rule, then the insert, whose unique indexes settle any race; then the
 * line of the resource's price item (issue 15 item 3), in the same transaction.
 */
async function placeBooking(
  trx: Knex.Transaction,
  actor: Actor,
  req: BookingRequest,
  now: Date,
  ip: string | null,
): Promise<{ id: number; charge?: lines.BookingCharge }> {
  const resource = await resourceStore.lockResource(trx, req.kind, req.resource_id, 'share');
  if (!resource) throw new ValidationError({ resource_id: { key: 'errors.resource_unknown' } });
  assertCanWrite(actor, resource.facility_id);
  if (!resource.active) throw new ValidationError({ resource_id: { key: 'errors.resource_inactive' } });
  checkCase(req.kind, await store.findCase(trx, req.case_id), resource);
  const slot = await checkSlot(trx, resource, req.starts_at, now);
  const id = await store.insertBooking(trx, req.kind, {
    case_id: req.case_id,
    resource_id: resource.id,
    starts_at: slot.start,
    ends_at: slot.end,
    created_by: actor.id,
    now: nowIso(),
  });
  if (!resource.price_item_id) return { id };
  const charge = await lines.addBookingLine(
    trx,
    actor,
    req.case_id,
    { kind: req.kind, id, price_item_id: resource.price_item_id, date: dateOf(slot.start) },
    ip,
  );
  return { id, charge };
}

/** Cancels an active booking and takes off its line, inside the caller's transaction. */
async function dropBooking(
  trx: Knex.Transaction,
  actor: Actor,
  booking: Pick<store.Booking, 'kind' | 'id' | 'case_id'>,
  reason: string,
  ip: string | null,
): Promise<lines.BookingCharge | undefined> {
  if (!(await store.cancelBooking(trx, booking.kind, booking.id, reason, nowIso())))
    throw new ConflictError('booking_not_active');
  return lines.removeBookingLine(trx, actor, booking.case_id, { kind: booking.kind, id: booking.id }, ip);
}

/**
 * Which constraint refused the insert: the partial unique index of one booking per case, or one per slot, or (on
 * PostgreSQL) the exclusion constraint against overlapping periods of the resource, which is a taken slot too.
 */
function conflictOf(kind: ResourceKind, err: unknown): ConflictError {
  const byCase = !isExclusionViolation(err) && /case_(id|booked|held)/.test(violatedConstraint(err));
  if (byCase)
    return new ConflictError(kind === 'cremator' ? 'case_already_booked' : 'case_already_booked_hall', {
      case_id: { key: kind === 'cremator' ? 'errors.case_already_booked' : 'errors.case_already_booked_hall' },
    });
  return new ConflictError('slot_taken');
}

const lostRace = (err: unknown) => isUniqueViolation(err) || isExclusionViolation(err);

/**
 * Books a slot for a case. The same user sending the same booking again gets it back (`created: false`), so a
 * double-clicked form or a retried API call books once; anyone else gets the 409 of the index that refused it.
 */
export async function book(
  db: Knex,
  actor: Actor,
  asked: BookingRequest,
  ip: string | null,
  now = new Date(),
): Promise<{ booking: store.Booking; created: boolean; charges: ChargeChange }> {
  const req = { ...asked, starts_at: new Date(asked.starts_at).toISOString() };
  let placed: { id: number; charge?: lines.BookingCharge };
  try {
    placed = await db.transaction(async (trx) => {
      const made = await placeBooking(trx, actor, req, now, ip);
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: bookingEntity[req.kind],
        entityId: made.id,
        after: req,
        ip,
      });
      return made;
    });
  } catch (err) {
    if (!lostRace(err)) throw err;
    const conflict = conflictOf(req.kind, err);
    const held = await store.activeBookingOfCase(db, req.kind, req.case_id);
    if (
      held &&
      held.resource_id === req.resource_id &&
      held.starts_at === req.starts_at &&
      held.created_by === actor.id
    )
      return { booking: held, created: false, charges: {} };
    throw conflict;
  }
  forgetDays(db);
  return {
    booking: (await store.findBooking(db, req.kind, placed.id))!,
    created: true,
    charges: { added: placed.charge },
  };
}

/** A booking the user may read, for the cancel and reschedule pages. */
export async function bookingOf(db: Knex, actor: Actor, kind: ResourceKind, id: number): Promise<store.Booking> {
  const b = await store.findBooking(db, kind, id);
  if (!b) throw new NotFoundError();
  assertCanRead(actor, b.facility_id);
  return b;
}

/** Moves a booking to another slot: the old one is cancelled and the new one made in one transaction, so a lost race leaves the old booking in place. */
export async function reschedule(
  db: Knex,
  actor: Actor,
  kind: ResourceKind,
  bookingId: number,
  to: { resource_id: number; starts_at: string },
  ip: string | null,
  now = new Date(),
): Promise<{ booking: store.Booking; charges: ChargeChange }> {
  const before = await bookingOf(db, actor, kind, bookingId);
  assertCanWrite(actor, before.facility_id);
  if (before.resource_id === to.resource_id && before.starts_at === to.starts_at)
    throw new ValidationError({ slot: { key: 'errors.same_slot' } });
  let moved: { id: number; charges: ChargeChange };
  try {
    moved = await db.transaction(async (trx) => {
      // The old line goes with the old booking; the new slot charges afresh (its resource's item, its date's price).
      const removed = await dropBooking(trx, actor, before, RESCHEDULED, ip);
      const placed = await placeBooking(trx, actor, { kind, case_id: before.case_id, ...to }, now, ip);
      await audit.record(trx, {
        actor,
        action: 'reschedule',
        entity: bookingEntity[kind],
        entityId: placed.id,
        ip,
        before: { id: bookingId, resource_id: before.resource_id, starts_at: before.starts_at },
        after: { id: placed.id, ...to },
      });
      return { id: placed.id, charges: sameCharge(removed, placed.charge) ? {} : { removed, added: placed.charge } };
    });
  } catch (err) {
    if (lostRace(err)) throw conflictOf(kind, err);
    throw err;
  }
  forgetDays(db);
  return { booking: (await store.findBooking(db, kind, moved.id))!, charges: moved.charges };
}

/** A reschedule that charges the same item at the same price changes nothing the clerk needs to hear about. */
const sameCharge = (a?: lines.BookingCharge, b?: lines.BookingCharge) =>
  (!a && !b) || (!!a && !!b && a.name_zh === b.name_zh && a.amount_fen === b.amount_fen);

export async function cancel(
  db: Knex,
  actor: Actor,
  kind: ResourceKind,
  bookingId: number,
  reason: string,
  ip: string | null,
): Promise<{ booking: store.Booking; charges: ChargeChange }> {
  const before = await bookingOf(db, actor, kind, bookingId);
  assertCanWrite(actor, before.facility_id);
  const removed = await db.transaction(async (trx) => {
    const line = await dropBooking(trx, actor, before, reason, ip);
    await audit.record(trx, {
      actor,
      action: 'cancel',
      entity: bookingEntity[kind],
      entityId: bookingId,
      before: { status: before.status },
      after: { status: 'cancelled', reason },
      ip,
    });
    return line;
  });
  forgetDays(db);
  return { booking: before, charges: { removed } };
}

// ## For the case page

export interface CaseBooking {
  kind: ResourceKind;
  id: number;
  resource_id: number;
  resource_name: string;
  starts_at: string;
  ends_at: string;
  /** Asia/Shanghai date of the slot, 'YYYY-MM-DD' */
  date: string;
  status: store.BookingStatus;
  /** The reason typed when cancelled; null when active or moved by a reschedule. */
  cancel_reason: string | null;
  rescheduled: boolean;
  /** Once done: what happened (cremations: actual times and cremator). */
  actual_started_at: string | null;
  actual_ended_at: string | null;
  actual_cremator_name: string | null;
  /** The actual end as shown after the start: 'HH:mm' on the same Shanghai day, else the instant itself. */
  actual_until: string | null;
  done_at: string | null;
  /** The slot has begun: a cremation may be recorded, a farewell marked held. */
  started: boolean;
}

const statusOrder: Record<store.BookingStatus, number> = { booked: 0, done: 1, cancelled: 2 };

/** A case's farewell and cremation bookings: active, then done, then cancelled ones; each group in time order. */
export async function bookingsForCase(db: Knex, caseId: number, now = new Date()): Promise<CaseBooking[]> {
  const [halls, cremations] = await Promise.all([
    store.bookingsOfCase(db, 'hall', caseId),
    store.bookingsOfCase(db, 'cremator', caseId),
  ]);
  return [...halls, ...cremations]
    .map((b) => ({
      kind: b.kind,
      id: b.id,
      resource_id: b.resource_id,
      resource_name: b.resource_name,
      starts_at: b.starts_at,
      ends_at: b.ends_at,
      date: dateOf(b.starts_at),
      status: b.status,
      rescheduled: b.cancel_reason === RESCHEDULED,
      cancel_reason: b.cancel_reason === RESCHEDULED ? null : b.cancel_reason,
      actual_started_at: b.actual_started_at,
      actual_ended_at: b.actual_ended_at,
      actual_cremator_name: b.actual_cremator_name,
      actual_until:
        b.actual_started_at && b.actual_ended_at
          ? dateOf(b.actual_ended_at) === dateOf(b.actual_started_at)
            ? timeOf(b.actual_ended_at)
            : b.actual_ended_at
          : null,
      done_at: b.done_at,
      started: b.starts_at <= now.toISOString(),
    }))
    .sort((a, b) => statusOrder[a.status] - statusOrder[b.status] || a.starts_at.localeCompare(b.starts_at));
}

export type { ScheduledBooking } from './store.js';

/** A home's farewell and cremation bookings on the Shanghai dates [fromDate, toDate), with their cases' status. */
export function bookingsBetween(
  db: Knex,
  facilityId: number,
  fromDate: string,
  toDate: string,
): Promise<store.ScheduledBooking[]> {
  return store.scheduledBookings(db, facilityId, dayBounds(fromDate).start, dayBounds(toDate).start);
}

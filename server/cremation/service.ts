// Use cases of cremation scheduling: a funeral home's cremators, farewell halls and closures; the day's grid;
// booking, rescheduling and cancelling a slot; the morning day board; a case's bookings for the case page.
// Every change is one transaction with its audit row. The partial unique indexes decide who gets a slot.
import type { Knex } from 'knex';
import { assertCanRead, assertCanWrite } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { dayGrid, type Grid } from './grid.js';
import type { ResourceInput, ResourceKind } from './schemas.js';
import { dateOf, dayBounds, locateSlot, overlaps, type WorkingDay } from './slots.js';
import * as store from './store.js';

export type Actor = Pick<User, 'id' | 'username' | 'role' | 'facility_id'>;
export type { Booking, Closure, Facility, Resource } from './store.js';

/** cancel_reason of a booking replaced by a reschedule (shown translated, never as typed text). */
export const RESCHEDULED = 'rescheduled';

const auditEntity = { cremator: 'cremator', hall: 'farewell_hall' } as const;
const bookingEntity = { cremator: 'cremation_booking', hall: 'hall_booking' } as const;

const workingDay = (r: store.Resource): WorkingDay => ({ dayStart: r.day_start, dayEnd: r.day_end, slotMinutes: r.slot_minutes });

/** The facility, when it is a funeral home; anything else has no cremation pages. */
export async function funeralHome(db: Knex, facilityId: number): Promise<store.Facility> {
  const f = await store.findFacility(db, facilityId);
  if (!f || f.kind !== 'funeral_home') throw new NotFoundError();
  return f;
}

/** The funeral home a page opens on: the one asked for, else the user's own, else the first. */
export async function defaultFuneralHome(db: Knex, actor: Actor, asked: number | undefined): Promise<number | undefined> {
  if (asked) return asked;
  if (actor.facility_id) return actor.facility_id;
  return (await store.listFuneralHomes(db))[0]?.id;
}

export const listFuneralHomes = store.listFuneralHomes;

// ## Resources and closures

export async function resourcesOf(db: Knex, actor: Actor, facilityId: number, now = new Date()) {
  const facility = await funeralHome(db, facilityId);
  assertCanRead(actor, facilityId);
  const [cremators, halls, closures] = await Promise.all([
    store.listResources(db, 'cremator', facilityId),
    store.listResources(db, 'hall', facilityId),
    store.closuresOfFacility(db, facilityId, now.toISOString(), '9999-12-31T00:00:00.000Z'),
  ]);
  return { facility, cremators, halls, closures };
}

/** A resource of this funeral home, for its edit form. */
export async function resourceOf(db: Knex, actor: Actor, facilityId: number, kind: ResourceKind, id: number): Promise<store.Resource> {
  await funeralHome(db, facilityId);
  assertCanRead(actor, facilityId);
  const r = await store.findResource(db, kind, id);
  if (!r || r.facility_id !== facilityId) throw new NotFoundError();
  return r;
}

function resourceRow(kind: ResourceKind, input: ResourceInput) {
  return { name: input.name, slot_minutes: input.slot_minutes, day_start: input.day_start, day_end: input.day_end, active: input.active,
    ...(kind === 'hall' ? { capacity: input.capacity } : {}) };
}

const nameTaken = () => new ConflictError('resource_name_taken', { name: { key: 'errors.resource_name_taken' } });

export async function createResource(db: Knex, actor: Actor, facilityId: number, kind: ResourceKind, input: ResourceInput, ip: string | null): Promise<number> {
  await funeralHome(db, facilityId);
  assertCanWrite(actor, facilityId);
  try {
    return await db.transaction(async (trx) => {
      const now = nowIso();
      const row = { facility_id: facilityId, ...resourceRow(kind, input), created_at: now, updated_at: now };
      const id = await store.insertResource(trx, kind, row);
      await audit.record(trx, { actor, action: 'create', entity: auditEntity[kind], entityId: id, after: row, ip });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/**
 * Changes a resource. New hours or slot length, or switching it off, must leave every future booking on a slot
 * the resource still offers: a booking off the grid would escape the unique index that prevents overlaps.
 */
export async function updateResource(db: Knex, actor: Actor, facilityId: number, kind: ResourceKind, id: number, input: ResourceInput, ip: string | null, now = new Date()): Promise<void> {
  await funeralHome(db, facilityId);
  assertCanWrite(actor, facilityId);
  try {
    await db.transaction(async (trx) => {
      const before = await store.lockResource(trx, kind, id, 'update');
      if (!before || before.facility_id !== facilityId) throw new NotFoundError();
      const patch = { ...resourceRow(kind, input), updated_at: nowIso() };
      const day: WorkingDay = { dayStart: input.day_start, dayEnd: input.day_end, slotMinutes: input.slot_minutes };
      const future = await store.activeBookingsOf(trx, kind, id, now.toISOString(), null);
      const stranded = input.active ? future.filter((b) => !('slot' in locateSlot(b.starts_at, day))) : future;
      if (stranded.length) throw new AppError(409, 'resource_has_bookings', {}, { count: stranded.length });
      await store.updateResource(trx, kind, id, patch);
      await audit.record(trx, { actor, action: 'update', entity: auditEntity[kind], entityId: id, before, after: patch, ip });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

export interface ClosureRequest {
  target: 'all' | { kind: ResourceKind; id: number };
  starts_at: string;
  ends_at: string;
  reason: string;
}

/**
 * Closes one resource, or all of the home's active ones, over [starts_at, ends_at). Refused while bookings lie in
 * that time: they must be moved first, so that no family's booking silently falls into a maintenance day.
 * Returns how many closures were added (an identical one submitted again is not added twice).
 */
export async function addClosure(db: Knex, actor: Actor, facilityId: number, req: ClosureRequest, ip: string | null, now = new Date()): Promise<number> {
  await funeralHome(db, facilityId);
  assertCanWrite(actor, facilityId);
  if (req.ends_at <= now.toISOString()) throw new ValidationError({ end_date: { key: 'errors.closure_in_past' } });
  return db.transaction(async (trx) => {
    let targets: { kind: ResourceKind; id: number }[];
    if (req.target === 'all') {
      const [c, h] = await Promise.all([store.listResources(trx, 'cremator', facilityId, { activeOnly: true }), store.listResources(trx, 'hall', facilityId, { activeOnly: true })]);
      targets = [...c, ...h].map((r) => ({ kind: r.kind, id: r.id }));
    } else targets = [req.target];
    if (targets.length === 0) throw new ValidationError({ target: { key: 'errors.resource_unknown' } });
    let blocking = 0;
    let added = 0;
    for (const t of targets) {
      const r = await store.lockResource(trx, t.kind, t.id, 'update');
      if (!r || r.facility_id !== facilityId) throw new ValidationError({ target: { key: 'errors.resource_unknown' } });
      blocking += (await store.activeBookingsOf(trx, t.kind, t.id, req.starts_at, req.ends_at)).length;
      if (blocking) continue;
      const same = (await store.closuresOf(trx, t.kind, t.id, req.starts_at, req.ends_at))
        .some((c) => c.starts_at === req.starts_at && c.ends_at === req.ends_at && c.reason === req.reason);
      if (same) continue;
      const row = { resource_type: t.kind, resource_id: t.id, starts_at: req.starts_at, ends_at: req.ends_at, reason: req.reason, created_by: actor.id, created_at: nowIso() };
      const id = await store.insertClosure(trx, row);
      await audit.record(trx, { actor, action: 'create', entity: 'resource_closure', entityId: id, after: row, ip });
      added += 1;
    }
    if (blocking) throw new AppError(409, 'closure_has_bookings', {}, { count: blocking });
    return added;
  });
}

export async function closureOf(db: Knex, actor: Actor, facilityId: number, closureId: number): Promise<store.Closure> {
  await funeralHome(db, facilityId);
  assertCanRead(actor, facilityId);
  const c = await store.findClosure(db, closureId);
  if (!c || Number(c.facility_id) !== facilityId) throw new NotFoundError();
  return c;
}

export async function removeClosure(db: Knex, actor: Actor, facilityId: number, closureId: number, ip: string | null): Promise<store.Closure> {
  const closure = await closureOf(db, actor, facilityId, closureId);
  assertCanWrite(actor, facilityId);
  await db.transaction(async (trx) => {
    if (!(await store.deleteClosure(trx, closureId))) throw new NotFoundError();
    await audit.record(trx, { actor, action: 'delete', entity: 'resource_closure', entityId: closureId, before: closure, ip });
  });
  return closure;
}

// ## The day: grid, availability, board

export interface DayView {
  facility: store.Facility;
  date: string;
  cremators: Grid<store.Resource>;
  halls: Grid<store.Resource>;
  cremations: store.Booking[];
  farewells: store.Booking[];
  closures: store.Closure[];
}

/** Everything a day's pages show, in four queries however many resources and bookings there are. */
export async function dayView(db: Knex, actor: Actor, facilityId: number, date: string, now = new Date()): Promise<DayView> {
  const facility = await funeralHome(db, facilityId);
  assertCanRead(actor, facilityId);
  const { start, end } = dayBounds(date);
  const [resources, closures, bookings] = await Promise.all([
    store.listAllResources(db, facilityId, { activeOnly: true }),
    store.closuresOfFacility(db, facilityId, start, end),
    store.activeBookingsOfFacilityAllKinds(db, facilityId, start, end),
  ]);
  const cremators = resources.filter((r) => r.kind === 'cremator');
  const halls = resources.filter((r) => r.kind === 'hall');
  const cremations = bookings.filter((b) => b.kind === 'cremator');
  const farewells = bookings.filter((b) => b.kind === 'hall');
  const closuresOf = (kind: ResourceKind) => closures.filter((c) => c.resource_type === kind);
  return {
    facility, date, closures, cremations, farewells,
    cremators: dayGrid(date, cremators, cremations, closuresOf('cremator'), now),
    halls: dayGrid(date, halls, farewells, closuresOf('hall'), now),
  };
}

export interface ApiSlot { cremator_id: number; starts_at: string; ends_at: string; state: 'free' | 'taken' | 'closed' }

/** Every slot of the home's active cremators on a day; a slot that has begun counts as closed. */
export async function cremationAvailability(db: Knex, actor: Actor, facilityId: number, date: string, now = new Date()): Promise<ApiSlot[]> {
  const facility = await funeralHome(db, facilityId);
  assertCanRead(actor, facility.id);
  const { start, end } = dayBounds(date);
  const [cremators, closures, bookings] = await Promise.all([
    store.listResources(db, 'cremator', facilityId, { activeOnly: true }),
    store.closuresOfFacility(db, facilityId, start, end),
    store.activeBookingsOfFacility(db, 'cremator', facilityId, start, end),
  ]);
  const grid = dayGrid(date, cremators, bookings, closures.filter((c) => c.resource_type === 'cremator'), now);
  return grid.rows.flatMap((row) => row.cells.filter((c) => c.state !== 'off').map((c) => ({
    cremator_id: row.resource.id, starts_at: c.starts_at!, ends_at: c.ends_at!,
    state: c.state === 'past' ? 'closed' as const : c.state as ApiSlot['state'],
  })));
}

// ## Booking

export interface BookingRequest { kind: ResourceKind; case_id: number; resource_id: number; starts_at: string }

/** What the booking form shows: the slot (checked now, so a stale link says so at once) and the cases to choose from. */
export async function bookingChoice(db: Knex, actor: Actor, req: Omit<BookingRequest, 'case_id'>, now = new Date()) {
  const resource = await store.findResource(db, req.kind, req.resource_id);
  if (!resource) throw new NotFoundError();
  const facility = await funeralHome(db, resource.facility_id);
  assertCanWrite(actor, resource.facility_id);
  const [cases, taken] = await Promise.all([
    store.casesToBook(db, req.kind, resource.facility_id),
    store.activeBookingsOf(db, req.kind, resource.id, req.starts_at, new Date(new Date(req.starts_at).getTime() + 1).toISOString()),
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
export async function caseToBook(db: Knex, actor: Actor, caseId: number, facilityId: number): Promise<store.CaseRef | undefined> {
  const c = await store.findCase(db, caseId);
  if (!c || c.facility_id !== facilityId) return undefined;
  assertCanRead(actor, c.facility_id);
  return c;
}

/** The rules of a slot other than "nobody has it": on the grid, in the future, not closed. */
async function checkSlot(db: Knex, resource: store.Resource, startsAt: string, now: Date): Promise<{ start: string; end: string }> {
  const located = locateSlot(startsAt, workingDay(resource));
  if ('problem' in located) throw new ValidationError({ starts_at: { key: `errors.${located.problem}` } });
  if (located.slot.start < now.toISOString()) throw new ValidationError({ starts_at: { key: 'errors.slot_in_past' } });
  const closed = (await store.closuresOf(db, resource.kind, resource.id, located.slot.start, located.slot.end))
    .find((c) => overlaps(located.slot, { start: c.starts_at, end: c.ends_at }));
  if (closed) throw new ValidationError({ starts_at: { key: 'errors.slot_closed', params: { reason: closed.reason } } });
  return located.slot;
}

/** The case may be booked at this resource: known, of the same funeral home, not past the step booked. */
function checkCase(kind: ResourceKind, c: store.CaseRef | undefined, resource: store.Resource): store.CaseRef {
  if (!c) throw new ValidationError({ case_id: { key: 'errors.case_unknown' } });
  if (c.facility_id !== resource.facility_id) throw new ValidationError({ case_id: { key: 'errors.case_other_facility' } });
  if ((store.closedCaseStatuses as readonly string[]).includes(c.status)) throw new ValidationError({ case_id: { key: 'errors.case_closed' } });
  if (kind === 'hall' && c.status === 'farewell_done') throw new ValidationError({ case_id: { key: 'errors.case_farewell_held' } });
  return c;
}

/** Inside the caller's transaction: every rule, then the insert, whose unique indexes settle any race. */
async function placeBooking(trx: Knex.Transaction, actor: Actor, req: BookingRequest, now: Date): Promise<number> {
  const resource = await store.lockResource(trx, req.kind, req.resource_id, 'share');
  if (!resource) throw new ValidationError({ resource_id: { key: 'errors.resource_unknown' } });
  assertCanWrite(actor, resource.facility_id);
  if (!resource.active) throw new ValidationError({ resource_id: { key: 'errors.resource_inactive' } });
  checkCase(req.kind, await store.findCase(trx, req.case_id), resource);
  const slot = await checkSlot(trx, resource, req.starts_at, now);
  return store.insertBooking(trx, req.kind, { case_id: req.case_id, resource_id: resource.id, starts_at: slot.start, ends_at: slot.end, created_by: actor.id, now: nowIso() });
}

/** Which partial unique index refused the insert: one booking per case, or one per slot. */
function conflictOf(kind: ResourceKind, err: unknown): ConflictError {
  // PostgreSQL names the index; SQLite lists its columns after "UNIQUE constraint failed:" (knex puts the SQL,
  // which mentions case_id either way, in front of that).
  const e = err as { constraint?: string; message?: string };
  const which = e.constraint ?? /UNIQUE constraint failed: (.*)$/m.exec(e.message ?? '')?.[1] ?? '';
  const byCase = /case_(id|active)/.test(which);
  if (byCase) return new ConflictError(kind === 'cremator' ? 'case_already_booked' : 'case_already_booked_hall', { case_id: { key: kind === 'cremator' ? 'errors.case_already_booked' : 'errors.case_already_booked_hall' } });
  return new ConflictError('slot_taken');
}

/**
 * Books a slot for a case. The same user sending the same booking again gets it back (`created: false`), so a
 * double-clicked form or a retried API call books once; anyone else gets the 409 of the index that refused it.
 */
export async function book(db: Knex, actor: Actor, asked: BookingRequest, ip: string | null, now = new Date()): Promise<{ booking: store.Booking; created: boolean }> {
  const req = { ...asked, starts_at: new Date(asked.starts_at).toISOString() };
  let id: number;
  try {
    id = await db.transaction(async (trx) => {
      const bookingId = await placeBooking(trx, actor, req, now);
      await audit.record(trx, { actor, action: 'create', entity: bookingEntity[req.kind], entityId: bookingId, after: req, ip });
      return bookingId;
    });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const conflict = conflictOf(req.kind, err);
    const held = await store.activeBookingOfCase(db, req.kind, req.case_id);
    if (held && held.resource_id === req.resource_id && held.starts_at === req.starts_at && held.created_by === actor.id) return { booking: held, created: false };
    throw conflict;
  }
  return { booking: (await store.findBooking(db, req.kind, id))!, created: true };
}

/** A booking the user may read, for the cancel and reschedule pages. */
export async function bookingOf(db: Knex, actor: Actor, kind: ResourceKind, id: number): Promise<store.Booking> {
  const b = await store.findBooking(db, kind, id);
  if (!b) throw new NotFoundError();
  assertCanRead(actor, b.facility_id);
  return b;
}

/** Moves a booking to another slot: the old one is cancelled and the new one made in one transaction, so a lost race leaves the old booking in place. */
export async function reschedule(db: Knex, actor: Actor, kind: ResourceKind, bookingId: number, to: { resource_id: number; starts_at: string }, ip: string | null, now = new Date()): Promise<store.Booking> {
  const before = await bookingOf(db, actor, kind, bookingId);
  assertCanWrite(actor, before.facility_id);
  if (before.resource_id === to.resource_id && before.starts_at === to.starts_at) throw new ValidationError({ slot: { key: 'errors.same_slot' } });
  let id: number;
  try {
    id = await db.transaction(async (trx) => {
      if (!(await store.cancelBooking(trx, kind, bookingId, RESCHEDULED, nowIso()))) throw new ConflictError('booking_not_active');
      const newId = await placeBooking(trx, actor, { kind, case_id: before.case_id, ...to }, now);
      await audit.record(trx, { actor, action: 'reschedule', entity: bookingEntity[kind], entityId: newId, ip,
        before: { id: bookingId, resource_id: before.resource_id, starts_at: before.starts_at }, after: { id: newId, ...to } });
      return newId;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflictOf(kind, err);
    throw err;
  }
  return (await store.findBooking(db, kind, id))!;
}

export async function cancel(db: Knex, actor: Actor, kind: ResourceKind, bookingId: number, reason: string, ip: string | null): Promise<store.Booking> {
  const before = await bookingOf(db, actor, kind, bookingId);
  assertCanWrite(actor, before.facility_id);
  await db.transaction(async (trx) => {
    if (!(await store.cancelBooking(trx, kind, bookingId, reason, nowIso()))) throw new ConflictError('booking_not_active');
    await audit.record(trx, { actor, action: 'cancel', entity: bookingEntity[kind], entityId: bookingId, before: { status: before.status }, after: { status: 'cancelled', reason }, ip });
  });
  return before;
}

/** The free slots of a kind on a day, per resource, for the reschedule page. */
export async function freeSlots(db: Knex, actor: Actor, kind: ResourceKind, facilityId: number, date: string, now = new Date()) {
  const view = await dayView(db, actor, facilityId, date, now);
  const grid = kind === 'cremator' ? view.cremators : view.halls;
  return grid.rows.map((row) => ({ resource: row.resource, slots: row.cells.filter((c) => c.state === 'free') }));
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
  status: 'booked' | 'cancelled';
  /** The reason typed when cancelled; null when active or moved by a reschedule. */
  cancel_reason: string | null;
  rescheduled: boolean;
}

/** A case's farewell and cremation bookings, active first, then cancelled ones; each group in time order. */
export async function bookingsForCase(db: Knex, caseId: number): Promise<CaseBooking[]> {
  const [halls, cremations] = await Promise.all([store.bookingsOfCase(db, 'hall', caseId), store.bookingsOfCase(db, 'cremator', caseId)]);
  return [...halls, ...cremations]
    .map((b) => ({
      kind: b.kind, id: b.id, resource_id: b.resource_id, resource_name: b.resource_name, starts_at: b.starts_at, ends_at: b.ends_at,
      date: dateOf(b.starts_at), status: b.status, rescheduled: b.cancel_reason === RESCHEDULED,
      cancel_reason: b.cancel_reason === RESCHEDULED ? null : b.cancel_reason,
    }))
    .sort((a, b) => (a.status === b.status ? a.starts_at.localeCompare(b.starts_at) : a.status === 'booked' ? -1 : 1));
}

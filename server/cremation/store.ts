// Queries on the bookings of cremators and farewell halls, the funeral homes and the cases to book. Plain rows in
// and out; callers pass the transaction. Instants are ISO strings in UTC on both databases (see server/db.ts). The
// cremators and halls themselves and their closures are in resource-store.ts.
import type { Knex } from 'knex';
import { caseStatuses, type CaseStatus } from '../cases/states.js';
import { tables } from './resource-store.js';
import type { ResourceKind } from './schemas.js';

export interface Facility {
  id: number;
  name: string;
  kind: string;
}

/**
 * A booking holds its slot while booked, and still when done (the cremation or farewell took place in it);
 * cancelling frees it. Queries name the statuses they mean, never "not cancelled".
 */
export const bookingStatuses = ['booked', 'cancelled', 'done'] as const;
/** The statuses that hold a slot (the partial unique indexes and PostgreSQL's exclusion constraints). */
export const heldStatuses = ['booked', 'done'] as const;
export type BookingStatus = (typeof bookingStatuses)[number];

export interface Booking {
  id: number;
  kind: ResourceKind;
  case_id: number;
  resource_id: number;
  resource_name: string;
  facility_id: number;
  starts_at: string;
  ends_at: string;
  status: BookingStatus;
  cancel_reason: string | null;
  case_number: string;
  deceased_name: string;
  /** The case's status now, for the day board. */
  case_status: CaseStatus;
  /** What happened, once done: the actual times and cremator (cremations), who recorded it and when. */
  actual_started_at: string | null;
  actual_ended_at: string | null;
  actual_cremator_id: number | null;
  actual_cremator_name: string | null;
  operator_name: string | null;
  done_by: number | null;
  done_by_name: string | null;
  done_at: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface CaseRef {
  id: number;
  facility_id: number;
  case_number: string;
  deceased_name: string;
  status: string;
  created_at: string;
}

// ## Facilities

export async function findFacility(db: Knex, id: number): Promise<Facility | undefined> {
  return db('facilities').where({ id }).first('id', 'name', 'kind');
}

export async function listFuneralHomes(db: Knex): Promise<Facility[]> {
  return db('facilities').where({ kind: 'funeral_home' }).orderBy('id').select('id', 'name', 'kind');
}

// ## Bookings

function bookings(db: Knex, kind: ResourceKind) {
  const t = tables[kind];
  const q = db(`${t.bookings} as b`)
    .join(`${t.resources} as r`, 'r.id', `b.${t.column}`)
    .join('funeral_cases as fc', 'fc.id', 'b.case_id')
    .leftJoin('users as du', 'du.id', 'b.done_by');
  if (kind === 'cremator') q.leftJoin('cremators as ak', 'ak.id', 'b.actual_cremator_id');
  return q;
}

/** The columns only a cremation records; a hall booking gives nulls, so that both kinds unite. */
const doneColumns = (db: Knex, kind: ResourceKind) =>
  kind === 'cremator'
    ? [
        'b.actual_started_at',
        'b.actual_ended_at',
        'b.actual_cremator_id',
        'ak.name as actual_cremator_name',
        'b.operator_name',
      ]
    : [
        db.raw('null as actual_started_at'),
        db.raw('null as actual_ended_at'),
        db.raw('null as actual_cremator_id'),
        db.raw('null as actual_cremator_name'),
        db.raw('null as operator_name'),
      ];

const bookingColumns = (db: Knex, kind: ResourceKind) => [
  ...doneColumns(db, kind),
  'fc.status as case_status',
  'b.done_by',
  'du.display_name as done_by_name',
  'b.done_at',
  'b.id',
  'b.case_id',
  `b.${tables[kind].column} as resource_id`,
  'r.name as resource_name',
  'r.facility_id',
  'b.starts_at',
  'b.ends_at',
  'b.status',
  'b.cancel_reason',
  'fc.case_number',
  'fc.deceased_name',
  'b.created_by',
  'b.created_at',
  'b.updated_at',
];

const toBooking =
  (kind: ResourceKind) =>
  (row: Record<string, unknown>): Booking => ({ ...(row as unknown as Booking), kind });

export async function findBooking(db: Knex, kind: ResourceKind, id: number): Promise<Booking | undefined> {
  const row = await bookings(db, kind).where('b.id', id).first(bookingColumns(db, kind));
  return row ? toBooking(kind)(row) : undefined;
}

/** Bookings holding a slot (booked or done) of the facility's resources that start in [from, to). */
export async function activeBookingsOfFacility(
  db: Knex,
  kind: ResourceKind,
  facilityId: number,
  from: string,
  to: string,
): Promise<Booking[]> {
  const rows = await bookings(db, kind)
    .where('r.facility_id', facilityId)
    .whereIn('b.status', heldStatuses)
    .where('b.starts_at', '>=', from)
    .where('b.starts_at', '<', to)
    .orderBy('b.starts_at')
    .orderBy('r.id')
    .select(bookingColumns(db, kind));
  return rows.map(toBooking(kind));
}

/** Bookings holding a slot (booked or done), both kinds, at the facility, starting in [from, to), in time order. */
export async function activeBookingsOfFacilityAllKinds(
  db: Knex,
  facilityId: number,
  from: string,
  to: string,
): Promise<Booking[]> {
  const part = (kind: ResourceKind) =>
    bookings(db, kind)
      .where('r.facility_id', facilityId)
      .whereIn('b.status', heldStatuses)
      .where('b.starts_at', '>=', from)
      .where('b.starts_at', '<', to)
      .select(db.raw(`'${kind}' as kind`), ...bookingColumns(db, kind));
  const rows: Booking[] = await part('cremator').unionAll(part('hall'));
  return rows.sort((a, b) => a.starts_at.localeCompare(b.starts_at) || a.resource_id - b.resource_id);
}

/** Active bookings of one resource that overlap [from, to) (to: null for "from then on"). */
export async function activeBookingsOf(
  db: Knex,
  kind: ResourceKind,
  resourceId: number,
  from: string,
  to: string | null,
): Promise<Pick<Booking, 'id' | 'starts_at' | 'ends_at'>[]> {
  const q = db(tables[kind].bookings)
    .where(tables[kind].column, resourceId)
    .where('status', 'booked')
    .where('ends_at', '>', from);
  if (to) q.where('starts_at', '<', to);
  return q.orderBy('starts_at').select('id', 'starts_at', 'ends_at');
}

export async function insertBooking(
  trx: Knex,
  kind: ResourceKind,
  row: {
    case_id: number;
    resource_id: number;
    starts_at: string;
    ends_at: string;
    created_by: number | null;
    now: string;
  },
): Promise<number> {
  const [out] = await trx(tables[kind].bookings)
    .insert({
      case_id: row.case_id,
      [tables[kind].column]: row.resource_id,
      starts_at: row.starts_at,
      ends_at: row.ends_at,
      status: 'booked',
      created_by: row.created_by,
      created_at: row.now,
      updated_at: row.now,
    })
    .returning('id');
  return typeof out === 'object' ? out.id : out;
}

/** Cancels an active booking; the row count says whether it was still active. Cancelling frees the slot. */
export async function cancelBooking(
  trx: Knex,
  kind: ResourceKind,
  id: number,
  reason: string,
  now: string,
): Promise<number> {
  const n = await trx(tables[kind].bookings)
    .where({ id })
    .where('status', 'booked')
    .update({ status: 'cancelled', cancel_reason: reason, updated_at: now });
  return n;
}

/** Records a cremation on its booking; the row count says whether it was still booked (one of two clicks wins). */
export async function markCremationDone(
  trx: Knex,
  id: number,
  facts: {
    actual_started_at: string;
    actual_ended_at: string;
    actual_cremator_id: number;
    operator_name: string | null;
    done_by: number;
    done_at: string;
  },
): Promise<number> {
  const n = await trx('cremation_bookings')
    .where({ id, status: 'booked' })
    .update({ status: 'done', ...facts, updated_at: facts.done_at });
  return n;
}

/** Marks a farewell held on its booking; the row count says whether it was still booked. */
export async function markHallDone(trx: Knex, id: number, by: number, at: string): Promise<number> {
  const n = await trx('hall_bookings')
    .where({ id, status: 'booked' })
    .update({ status: 'done', done_by: by, done_at: at, updated_at: at });
  return n;
}

export async function activeBookingOfCase(db: Knex, kind: ResourceKind, caseId: number): Promise<Booking | undefined> {
  const row = await bookings(db, kind)
    .where('b.case_id', caseId)
    .where('b.status', 'booked')
    .first(bookingColumns(db, kind));
  return row ? toBooking(kind)(row) : undefined;
}

export async function bookingsOfCase(db: Knex, kind: ResourceKind, caseId: number): Promise<Booking[]> {
  const rows = await bookings(db, kind)
    .where('b.case_id', caseId)
    .orderBy('b.created_at')
    .orderBy('b.id')
    .select(bookingColumns(db, kind));
  return rows.map(toBooking(kind));
}

// ## Cases

export const closedCaseStatuses = ['cremated', 'ashes_released', 'ashes_placed', 'withdrawn'] as const;
/** A farewell cannot be booked once it has been held. */
const noFarewellStatuses = [...closedCaseStatuses, 'farewell_done'];
/** The statuses of a case that may still be booked, named (so that a status unknown here is never taken for open). */
const bookableStatuses: Record<ResourceKind, CaseStatus[]> = {
  cremator: caseStatuses.filter((s) => !(closedCaseStatuses as readonly string[]).includes(s)),
  hall: caseStatuses.filter((s) => !noFarewellStatuses.includes(s)),
};

export async function findCase(db: Knex, id: number): Promise<CaseRef | undefined> {
  return db('funeral_cases')
    .where({ id })
    .first('id', 'facility_id', 'case_number', 'deceased_name', 'status', 'created_at');
}

/** The facility's open cases that have no active booking of this kind: those the booking form offers. */
export async function casesToBook(db: Knex, kind: ResourceKind, facilityId: number, limit = 300): Promise<CaseRef[]> {
  const t = tables[kind];
  return db('funeral_cases as fc')
    .where('fc.facility_id', facilityId)
    .whereIn('fc.status', bookableStatuses[kind])
    .whereNotExists((q) => {
      q.select(db.raw('1')).from(`${t.bookings} as b`).whereRaw('b.case_id = fc.id').where('b.status', 'booked');
    })
    .orderBy('fc.created_at', 'desc')
    .orderBy('fc.id', 'desc')
    .limit(limit)
    .select('fc.id', 'fc.facility_id', 'fc.case_number', 'fc.deceased_name', 'fc.status', 'fc.created_at');
}

export { noFarewellStatuses };

// ## Reads for the front desk's day (staff dashboard)

/** A booking as the dashboard lists it: with its kind and its case's status. */
export interface ScheduledBooking {
  id: number;
  kind: ResourceKind;
  case_id: number;
  resource_id: number;
  resource_name: string;
  starts_at: string;
  ends_at: string;
  status: BookingStatus;
  case_number: string;
  deceased_name: string;
  case_status: CaseStatus;
}

/** The statuses of bookings the dashboard shows, named: a booking that still happens or has happened. */
const scheduledStatuses: readonly BookingStatus[] = ['booked'];

/** Bookings of both kinds at the facility that start in [from, to), with their cases' status, in one query. */
export async function scheduledBookings(
  db: Knex,
  facilityId: number,
  from: string,
  to: string,
): Promise<ScheduledBooking[]> {
  const part = (kind: ResourceKind) =>
    bookings(db, kind)
      .where('r.facility_id', facilityId)
      .whereIn('b.status', scheduledStatuses)
      .where('b.starts_at', '>=', from)
      .where('b.starts_at', '<', to)
      .select(
        db.raw(`'${kind}' as kind`),
        'b.id',
        'b.case_id',
        `b.${tables[kind].column} as resource_id`,
        'r.name as resource_name',
        'b.starts_at',
        'b.ends_at',
        'b.status',
        'fc.case_number',
        'fc.deceased_name',
        'fc.status as case_status',
      );
  const rows: ScheduledBooking[] = await part('cremator').unionAll(part('hall'));
  // Farewells before cremations at the same time: the hall comes first in a family's day.
  const order = (k: ResourceKind) => (k === 'hall' ? 0 : 1);
  return rows.sort(
    (a, b) => a.starts_at.localeCompare(b.starts_at) || order(a.kind) - order(b.kind) || a.resource_id - b.resource_id,
  );
}

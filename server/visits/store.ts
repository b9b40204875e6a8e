// Queries on visit windows, reservations, the per-day counts behind a facility's limits and the kept answers of
// idempotent requests. Plain rows in and out; callers pass the transaction. Instants are ISO strings in UTC.
// Places are taken and given back by conditional statements whose row counts decide (DESIGN.md, Principles).
import type { Knex } from 'knex';
import { bool, dialectOf } from '../db.js';
import {
  defaultSettings,
  visitKinds,
  type DayCountKind,
  type Reservation,
  type ReservationChannel,
  type VisitSettings,
  type VisitWindow,
  type WindowStatus,
} from './kinds.js';

export interface VisitFacility {
  id: number;
  name: string;
  kind: string;
  status: string;
  region_code: string;
  address: string | null;
  phone: string | null;
}

const facilityColumns = ['id', 'name', 'kind', 'status', 'region_code', 'address', 'phone'];

/** Facilities that may keep visit windows (cemeteries and columbaria), by name; `ids` narrows to those. */
export function visitFacilities(db: Knex, opts: { operatingOnly?: boolean; ids?: number[] } = {}) {
  const q = db('facilities').select(facilityColumns).whereIn('kind', visitKinds).orderBy('region_code').orderBy('id');
  if (opts.operatingOnly) q.where('status', 'operating');
  if (opts.ids) q.whereIn('id', opts.ids);
  return q as Promise<VisitFacility[]>;
}

export async function visitFacility(db: Knex, id: number): Promise<VisitFacility | undefined> {
  return db('facilities').select(facilityColumns).where({ id }).whereIn('kind', visitKinds).first();
}

export function settingsRow(r: Record<string, unknown> | undefined, facilityId: number): VisitSettings {
  if (!r) return { facility_id: facilityId, ...defaultSettings };
  return {
    facility_id: facilityId,
    open_percent: Number(r.open_percent),
    book_ahead_days: Number(r.book_ahead_days),
    max_per_phone_day: Number(r.max_per_phone_day),
    id_required: bool(r.id_required),
    max_per_id_day: Number(r.max_per_id_day),
    max_party_size: Number(r.max_party_size),
    has_parking: bool(r.has_parking),
  };
}

export async function settings(db: Knex, facilityId: number): Promise<VisitSettings> {
  return settingsRow(await db('visit_settings').where({ facility_id: facilityId }).first(), facilityId);
}

export async function saveSettings(trx: Knex, s: VisitSettings, userId: number | null, now: string): Promise<void> {
  const row = { ...s, updated_by: userId, updated_at: now };
  await trx('visit_settings').insert(row).onConflict('facility_id').merge();
}

export function windowRow(r: Record<string, unknown>): VisitWindow {
  return {
    id: Number(r.id),
    facility_id: Number(r.facility_id),
    visit_date: String(r.visit_date),
    starts_at: String(r.starts_at),
    ends_at: String(r.ends_at),
    capacity: Number(r.capacity),
    booked: Number(r.booked),
    status: r.status as WindowStatus,
    is_peak: bool(r.is_peak),
  };
}

export const windowColumns = [
  'id',
  'facility_id',
  'visit_date',
  'starts_at',
  'ends_at',
  'capacity',
  'booked',
  'status',
  'is_peak',
];

export async function window(db: Knex, id: number): Promise<VisitWindow | undefined> {
  const r = await db('visit_windows').select(windowColumns).where({ id }).first();
  return r ? windowRow(r) : undefined;
}

/** A window with its facility's booking rules, in one read (the public booking path). */
export async function windowWithSettings(
  db: Knex,
  id: number,
): Promise<{ window: VisitWindow; settings: VisitSettings; facilityName: string } | undefined> {
  const r = await db('visit_windows as w')
    .join('facilities as f', 'f.id', 'w.facility_id')
    .leftJoin('visit_settings as s', 's.facility_id', 'w.facility_id')
    .select(
      ...windowColumns.map((c) => `w.${c}`),
      'f.name as facility_name',
      's.facility_id as settings_of',
      's.open_percent',
      's.book_ahead_days',
      's.max_per_phone_day',
      's.id_required',
      's.max_per_id_day',
      's.max_party_size',
      's.has_parking',
    )
    .where('w.id', id)
    .first();
  if (!r) return undefined;
  const w = windowRow(r);
  return {
    window: w,
    settings: settingsRow(r.settings_of == null ? undefined : r, w.facility_id),
    facilityName: String(r.facility_name),
  };
}

/** A facility's windows from one day to another (inclusive), in time order. */
export async function windowsBetween(db: Knex, facilityId: number, from: string, to: string): Promise<VisitWindow[]> {
  const rows = await db('visit_windows')
    .select(windowColumns)
    .where({ facility_id: facilityId })
    .whereBetween('visit_date', [from, to])
    .orderBy('starts_at');
  return rows.map(windowRow);
}

/** The days from `from` to `to` on which the facility has windows, with places and places booked. */
export async function daysWithWindows(
  db: Knex,
  facilityId: number,
  from: string,
  to: string,
): Promise<{ visit_date: string; windows: number; capacity: number; booked: number; open: number }[]> {
  const rows = await db('visit_windows')
    .select('visit_date')
    .count({ windows: '*' })
    .sum({ capacity: 'capacity', booked: 'booked' })
    .select(db.raw(`SUM(CASE WHEN status = 'open' THEN capacity - booked ELSE 0 END) AS open`))
    .where({ facility_id: facilityId })
    .whereBetween('visit_date', [from, to])
    .groupBy('visit_date')
    .orderBy('visit_date');
  return rows.map((r: Record<string, unknown>) => ({
    visit_date: String(r.visit_date),
    windows: Number(r.windows),
    capacity: Number(r.capacity),
    booked: Number(r.booked),
    open: Number(r.open),
  }));
}

export interface NewWindow {
  facility_id: number;
  visit_date: string;
  starts_at: string;
  ends_at: string;
  capacity: number;
  is_peak: boolean;
}

/** Adds windows, leaving alone any that already starts at the same time; returns how many were added. */
export async function insertWindows(trx: Knex, rows: NewWindow[], userId: number | null, now: string): Promise<number> {
  let added = 0;
  // In pieces: SQLite binds at most 32,766 parameters per statement.
  for (let i = 0; i < rows.length; i += 500) {
    const piece = rows.slice(i, i + 500).map((r) => ({
      ...r,
      booked: 0,
      status: 'open',
      created_by: userId,
      created_at: now,
      updated_at: now,
    }));
    const out = await trx('visit_windows')
      .insert(piece)
      .onConflict(['facility_id', 'starts_at'])
      .ignore()
      .returning('id');
    added += out.length;
  }
  return added;
}

/** Sets a window's capacity unless fewer places than are booked: true when it was set. */
export async function setCapacity(trx: Knex, id: number, capacity: number, now: string): Promise<boolean> {
  const n = await trx('visit_windows')
    .where({ id })
    .where('booked', '<=', capacity)
    .update({ capacity, updated_at: now });
  return n === 1;
}

export async function setStatus(trx: Knex, id: number, status: WindowStatus, now: string): Promise<boolean> {
  const n = await trx('visit_windows').where({ id }).update({ status, updated_at: now });
  return n === 1;
}

export interface NewReservation {
  code: string;
  window_id: number;
  name: string;
  phone: string;
  id_number: string | null;
  party_size: number;
  visiting: string | null;
  car_plate: string | null;
  channel: ReservationChannel;
  booked_by: number | null;
  created_at: string;
}

/** The conditions a window must meet to take a booking now: open, not over, and within the booking horizon. */
export interface BookableWhen {
  /** The last day that can be booked today (today + the facility's days ahead). */
  lastDate: string;
  /** Now: a window that has ended takes no booking. */
  now: string;
}

/**
 * Takes `party_size` places of the window and records the reservation, when the window is open, not over, within
 * the horizon and has the places; returns the new id, or undefined when the window refused. On PostgreSQL the update
 * and the insert are one statement, so the window's row is locked for that statement only (DESIGN.md: one
 * statement gave 1,023 reservations/s against 643 for four round trips). SQLite has no UPDATE inside WITH; it runs
 * one writer at a time, so the conditional update and the insert after it in the caller's transaction are as exact.
 */
export async function reserve(trx: Knex, r: NewReservation, when: BookableWhen): Promise<number | undefined> {
  if (dialectOf(trx) === 'postgres') {
    const out = await trx.raw(
      `WITH w AS (
         UPDATE visit_windows SET booked = booked + ?
          WHERE id = ? AND status = 'open' AND booked + ? <= capacity AND visit_date <= ? AND ends_at > ?
          RETURNING id, facility_id, visit_date)
       INSERT INTO visit_reservations (code, window_id, facility_id, visit_date, name, phone, id_number, party_size,
                                       visiting, car_plate, status, channel, booked_by, created_at)
       SELECT ?, w.id, w.facility_id, w.visit_date, ?, ?, ?, ?::int, ?, ?, 'booked', ?, ?::int, ?::timestamptz FROM w
       RETURNING id`,
      [
        r.party_size,
        r.window_id,
        r.party_size,
        when.lastDate,
        when.now,
        r.code,
        r.name,
        r.phone,
        r.id_number,
        r.party_size,
        r.visiting,
        r.car_plate,
        r.channel,
        r.booked_by,
        r.created_at,
      ],
    );
    const rows = out.rows as { id: number }[];
    return rows[0]?.id;
  }
  const taken = (await trx('visit_windows')
    .where({ id: r.window_id, status: 'open' })
    .whereRaw('booked + ? <= capacity', [r.party_size])
    .where('visit_date', '<=', when.lastDate)
    .where('ends_at', '>', when.now)
    .update({ booked: trx.raw('booked + ?', [r.party_size]) }, ['facility_id', 'visit_date'])) as {
    facility_id: number;
    visit_date: string;
  }[];
  if (taken.length !== 1) return undefined;
  const [row] = await trx('visit_reservations')
    .insert({ ...r, facility_id: taken[0].facility_id, visit_date: taken[0].visit_date, status: 'booked' })
    .returning('id');
  return typeof row === 'object' ? row.id : row;
}

/**
 * Counts one more reservation for (facility, day, kind, subject) unless it already holds `limit`: true when counted.
 * One upsert whose WHERE decides, so two requests at once never both pass the last place under the limit.
 */
export async function countDay(
  trx: Knex,
  key: { facility_id: number; visit_date: string; kind: DayCountKind; subject: string },
  limit: number,
): Promise<boolean> {
  const out = await trx.raw(
    `INSERT INTO visit_day_counts (facility_id, visit_date, kind, subject, count) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (facility_id, visit_date, kind, subject)
     DO UPDATE SET count = visit_day_counts.count + 1 WHERE visit_day_counts.count < ?
     RETURNING count`,
    [key.facility_id, key.visit_date, key.kind, key.subject, limit],
  );
  const rows = (Array.isArray(out) ? out : out.rows) as unknown[];
  return rows.length === 1;
}

/** Gives one back (a cancelled reservation). */
export async function uncountDay(
  trx: Knex,
  key: { facility_id: number; visit_date: string; kind: DayCountKind; subject: string },
): Promise<void> {
  await trx('visit_day_counts')
    .where(key)
    .where('count', '>', 0)
    .update({ count: trx.raw('count - 1') });
}

const reservationColumns = [
  'id',
  'code',
  'window_id',
  'facility_id',
  'visit_date',
  'name',
  'phone',
  'id_number',
  'party_size',
  'visiting',
  'car_plate',
  'status',
  'channel',
  'booked_by',
  'created_at',
  'cancelled_at',
  'arrived_at',
  'checked_in_by',
];

function reservationRow(r: Record<string, unknown>): Reservation {
  return {
    ...(r as unknown as Reservation),
    id: Number(r.id),
    window_id: Number(r.window_id),
    facility_id: Number(r.facility_id),
    visit_date: String(r.visit_date),
    party_size: Number(r.party_size),
    booked_by: r.booked_by == null ? null : Number(r.booked_by),
    checked_in_by: r.checked_in_by == null ? null : Number(r.checked_in_by),
  };
}

export async function reservationByCode(db: Knex, code: string): Promise<Reservation | undefined> {
  const r = await db('visit_reservations').select(reservationColumns).where({ code }).first();
  return r ? reservationRow(r) : undefined;
}

export async function reservationById(db: Knex, id: number): Promise<Reservation | undefined> {
  const r = await db('visit_reservations').select(reservationColumns).where({ id }).first();
  return r ? reservationRow(r) : undefined;
}

/** A window's reservations, booked ones first then by time of booking. */
export async function reservationsOfWindow(db: Knex, windowId: number): Promise<Reservation[]> {
  const rows = await db('visit_reservations')
    .select(reservationColumns)
    .where({ window_id: windowId })
    .orderByRaw(`CASE WHEN status = 'booked' THEN 0 ELSE 1 END`)
    .orderBy('created_at')
    .orderBy('id');
  return rows.map(reservationRow);
}

/**
 * Cancels the booked reservation with this code (and phone, when given) and gives its places back: the conditional
 * update on the reservation decides, so fifty cancels of one code release its places once. Returns the reservation
 * as it was, or undefined when nothing was cancelled.
 */
export async function cancel(
  trx: Knex,
  code: string,
  phone: string | undefined,
  now: string,
): Promise<Reservation | undefined> {
  const q = trx('visit_reservations')
    .where({ code, status: 'booked' })
    .whereNull('arrived_at')
    .update({ status: 'cancelled', cancelled_at: now }, reservationColumns);
  if (phone !== undefined) q.where({ phone });
  const rows = (await q) as Record<string, unknown>[];
  if (rows.length !== 1) return undefined;
  const r = reservationRow(rows[0]);
  await trx('visit_windows')
    .where({ id: r.window_id })
    .update({ booked: trx.raw('booked - ?', [r.party_size]), updated_at: now });
  return r;
}

/** Marks arrival once, on the reservation's own day at its own facility; undefined when it did not happen. */
export async function checkIn(
  trx: Knex,
  facilityId: number,
  code: string,
  today: string,
  userId: number,
  now: string,
): Promise<Reservation | undefined> {
  const rows = (await trx('visit_reservations')
    .where({ code, facility_id: facilityId, status: 'booked', visit_date: today })
    .whereNull('arrived_at')
    .update({ arrived_at: now, checked_in_by: userId }, reservationColumns)) as Record<string, unknown>[];
  return rows.length === 1 ? reservationRow(rows[0]) : undefined;
}

export interface WindowSummary {
  window_id: number;
  reservations: number;
  people: number;
  arrived_reservations: number;
  arrived_people: number;
}

/** Per window of the day: booked reservations and people, and how many of them arrived. */
export async function daySummary(db: Knex, facilityId: number, date: string): Promise<WindowSummary[]> {
  const rows = await db('visit_reservations')
    .select('window_id')
    .count({ reservations: '*' })
    .sum({ people: 'party_size' })
    .select(
      db.raw('SUM(CASE WHEN arrived_at IS NOT NULL THEN 1 ELSE 0 END) AS arrived_reservations'),
      db.raw('SUM(CASE WHEN arrived_at IS NOT NULL THEN party_size ELSE 0 END) AS arrived_people'),
    )
    .where({ facility_id: facilityId, visit_date: date, status: 'booked' })
    .groupBy('window_id');
  return rows.map((r: Record<string, unknown>) => ({
    window_id: Number(r.window_id),
    reservations: Number(r.reservations),
    people: Number(r.people ?? 0),
    arrived_reservations: Number(r.arrived_reservations ?? 0),
    arrived_people: Number(r.arrived_people ?? 0),
  }));
}

// ---- idempotent requests ----

export interface KeptAnswer {
  request_hash: string;
  status_code: number | null;
  response: string | null;
}

/** Claims a key for this request: true when it is new. A second claim waits for the first's transaction to end. */
export async function claimKey(trx: Knex, key: string, requestHash: string, now: string): Promise<boolean> {
  const out = await trx('idempotency_keys')
    .insert({ key, request_hash: requestHash, created_at: now })
    .onConflict('key')
    .ignore()
    .returning('key');
  return out.length === 1;
}

export async function keptAnswer(trx: Knex, key: string): Promise<KeptAnswer | undefined> {
  return trx('idempotency_keys').select('request_hash', 'status_code', 'response').where({ key }).first();
}

export async function keepAnswer(trx: Knex, key: string, status: number, response: string): Promise<void> {
  await trx('idempotency_keys').where({ key }).update({ status_code: status, response });
}

/** Forgets keys older than `before` (a day is long enough for any client to retry). */
export async function forgetKeys(db: Knex, before: string): Promise<number> {
  return db('idempotency_keys').where('created_at', '<', before).delete();
}

// The rules of visit reservations: windows made in bulk from a facility's daily times, bookings that take places by
// one conditional statement and hold the facility's limits, cancellation that gives places back once, and arrival
// marked once at the gate on the reservation's own day. See docs/ARCHITECTURE.md, "Visit reservations".
import { createHash, randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import {
  AppError,
  ConflictError,
  NotFoundError,
  TooManyRequestsError,
  UnprocessableError,
  ValidationError,
} from '../http/errors.js';
import { addDays, todayInShanghai, zone } from '../time.js';
import type { Reservation, VisitSettings, VisitWindow } from './kinds.js';
import { CODE_ALPHABET, CODE_LENGTH, type GenerateInput, type ReservationInput } from './schemas.js';
import * as store from './store.js';

export type { VisitFacility } from './store.js';
export { visitFacilities, visitFacility, settings, window, windowsBetween, daysWithWindows } from './store.js';
export { reservationByCode, reservationById, reservationsOfWindow } from './store.js';

/** The most days one generation may cover, and windows it may make: a season at most. */
export const MAX_GENERATE_DAYS = 120;

/** A window's instants from its day and its times of day in Asia/Shanghai. */
export function windowInstants(date: string, start: string, end: string): { starts_at: string; ends_at: string } {
  const at = (t: string) => DateTime.fromISO(`${date}T${t}`, { zone }).toUTC().toISO()!;
  return { starts_at: at(start), ends_at: at(end) };
}

/** Places opened on a window: the site's capacity times the facility's open share, rounded down (never above). */
export function openedCapacity(siteCapacity: number, openPercent: number): number {
  return Math.floor((siteCapacity * openPercent) / 100);
}

/**
 * The day of 清明 (Qingming, the fifth solar term) in a year of 1901–2099: April 4, 5 or 6. The usual rule of
 * thumb for the 21st century, floor(Y × 0.2422 + 4.81) − floor(Y / 4) with Y the last two digits, corrected for
 * the 20th century's constant (5.59); checked against the almanac for 2000–2050 in the tests.
 */
export function qingmingDay(year: number): string {
  const y = year % 100;
  const c = year >= 2001 ? 4.81 : 5.59;
  const day = Math.floor(y * 0.2422 + c) - Math.floor(y / 4);
  return `${year}-04-${String(day).padStart(2, '0')}`;
}

/** The last day that can be booked today: today + the days ahead, in Asia/Shanghai. */
export function lastBookableDate(s: Pick<VisitSettings, 'book_ahead_days'>, now: Date): string {
  return addDays(todayInShanghai(now), s.book_ahead_days);
}

/** What a family may do with a window now; the reason when it cannot be booked. */
export type WindowState = 'bookable' | 'full' | 'closed' | 'not_open' | 'past';

export function windowState(w: VisitWindow, s: VisitSettings, now: Date, partySize = 1): WindowState {
  return windowStateAt(w, partySize, now.toISOString(), lastBookableDate(s, now));
}

/** windowState given now as ISO text and the last bookable date, for a caller that needs them too (one booking). */
export function windowStateAt(w: VisitWindow, partySize: number, nowText: string, lastDate: string): WindowState {
  if (w.ends_at <= nowText) return 'past';
  if (w.status === 'closed') return 'closed';
  if (w.visit_date > lastDate) return 'not_open';
  if (w.booked + partySize > w.capacity) return 'full';
  return 'bookable';
}

/** The day booking opens for a window (for "not yet open" messages). */
export function bookingOpensOn(w: VisitWindow, s: VisitSettings): string {
  return DateTime.fromISO(w.visit_date, { zone }).minus({ days: s.book_ahead_days }).toISODate()!;
}

export interface GenerateResult {
  planned: number;
  added: number;
  skipped: number;
}

/** Makes the windows of a date range; windows that already exist (same start) are left as they are. */
export async function generateWindows(
  db: Knex,
  input: GenerateInput,
  actor: audit.Actor,
  regionCode: string,
): Promise<GenerateResult> {
  const from = DateTime.fromISO(input.from, { zone });
  const days = DateTime.fromISO(input.to, { zone }).diff(from, 'days').days + 1;
  if (days > MAX_GENERATE_DAYS)
    throw new ValidationError({ to: { key: 'errors.visit_range_too_long', params: { max: MAX_GENERATE_DAYS } } });
  const s = await store.settings(db, input.facility_id);
  const peaks = new Set(input.peak_dates);
  const rows: store.NewWindow[] = [];
  for (let i = 0; i < days; i++) {
    const date = from.plus({ days: i }).toISODate()!;
    const peak = peaks.has(date);
    const site = peak ? input.peak_capacity! : input.capacity;
    for (const t of input.times)
      rows.push({
        facility_id: input.facility_id,
        visit_date: date,
        ...windowInstants(date, t.start, t.end),
        capacity: openedCapacity(site, s.open_percent),
        is_peak: peak,
      });
  }
  return db.transaction(async (trx) => {
    const now = nowIso();
    const added = await store.insertWindows(trx, rows, actor.id, now);
    await audit.record(trx, {
      actor,
      action: 'visit_windows.generate',
      entity: 'facility',
      entityId: input.facility_id,
      after: { ...input, open_percent: s.open_percent, added, skipped: rows.length - added },
      regionCode,
    });
    return { planned: rows.length, added, skipped: rows.length - added };
  });
}

export async function saveSettings(db: Knex, s: VisitSettings, actor: audit.Actor, regionCode: string): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await store.settings(trx, s.facility_id);
    await store.saveSettings(trx, s, actor.id, nowIso());
    await audit.record(trx, {
      actor,
      action: 'visit_settings.update',
      entity: 'facility',
      entityId: s.facility_id,
      before,
      after: s,
      regionCode,
    });
  });
}

/** Sets a window's capacity; less than is booked is refused, saying how many are booked. */
export async function changeCapacity(
  db: Knex,
  windowId: number,
  capacity: number,
  actor: audit.Actor,
  regionCode: string,
): Promise<VisitWindow> {
  return db.transaction(async (trx) => {
    const before = await store.window(trx, windowId);
    if (!before) throw new NotFoundError();
    if (!(await store.setCapacity(trx, windowId, capacity, nowIso()))) {
      const now = await store.window(trx, windowId);
      throw new ConflictError(
        'visit_capacity_below_booked',
        { capacity: { key: 'errors.visit_capacity_below_booked', params: { booked: now!.booked } } },
        { booked: now!.booked },
      );
    }
    await audit.record(trx, {
      actor,
      action: 'visit_window.capacity',
      entity: 'visit_window',
      entityId: windowId,
      before: { capacity: before.capacity, booked: before.booked },
      after: { capacity },
      regionCode,
    });
    return (await store.window(trx, windowId))!;
  });
}

/** Closes a window to new bookings (its reservations stand) or opens it again. */
export async function setWindowStatus(
  db: Knex,
  windowId: number,
  status: 'open' | 'closed',
  actor: audit.Actor,
  regionCode: string,
): Promise<void> {
  await db.transaction(async (trx) => {
    const before = await store.window(trx, windowId);
    if (!before) throw new NotFoundError();
    await store.setStatus(trx, windowId, status, nowIso());
    await audit.record(trx, {
      actor,
      action: status === 'closed' ? 'visit_window.close' : 'visit_window.open',
      entity: 'visit_window',
      entityId: windowId,
      before: { status: before.status, booked: before.booked },
      after: { status },
      regionCode,
    });
  });
}

/** A new confirmation code: eight characters without 0/O or 1/I, 40 bits, drawn from the system's CSPRNG. */
export function newCode(): string {
  let s = '';
  for (let i = 0; i < CODE_LENGTH; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return s;
}

/** Who books: the family on the public pages, or a staff member for a caller (代约, audited). */
export type Booker = { channel: 'public' } | { channel: 'staff'; actor: audit.Actor; regionCode: string };

export interface Booked {
  reservation: Reservation;
  /** The window as read before booking: its times and capacity (its count of booked places is that of before). */
  window: VisitWindow;
  facilityName: string;
}

/** Settings-dependent field rules: party size, the ID number where asked, the car plate only where there is parking. */
export function checkAgainstSettings(input: ReservationInput, s: VisitSettings): void {
  const fields: ConstructorParameters<typeof ValidationError>[0] = {};
  if (input.party_size > s.max_party_size)
    fields.party_size = { key: 'errors.visit_party_over_limit', params: { max: s.max_party_size } };
  if (s.id_required && !input.id_number) fields.id_number = { key: 'errors.visit_id_number_required' };
  if (Object.keys(fields).length) throw new ValidationError(fields);
}

/** Why a window refused a booking, read after the statement said no. */
async function refusal(db: Knex, windowId: number, s: VisitSettings, now: Date, partySize: number): Promise<AppError> {
  return refusalOf(await store.window(db, windowId), s, now, partySize);
}

/** Why this window (as read after the statement said no) refuses a booking of `partySize` now. */
export function refusalOf(w: VisitWindow | undefined, s: VisitSettings, now: Date, partySize: number): AppError {
  if (!w) return new NotFoundError();
  const state = windowState(w, s, now, partySize);
  switch (state) {
    case 'past':
      return new ConflictError('past');
    case 'closed':
      return new ConflictError('closed');
    case 'not_open':
      return new ConflictError('not_open', {}, { date: bookingOpensOn(w, s) });
    default:
      return new ConflictError('full', {}, { remaining: Math.max(0, w.capacity - w.booked) });
  }
}

/**
 * Books a window: counts the phone (and ID) against the facility's daily limits, then takes the places and records
 * the reservation by one conditional statement; all in one short transaction, rolled back whole when any part says
 * no. A code that happens to exist already is drawn again.
 */
export async function reserve(
  db: Knex,
  windowId: number,
  input: ReservationInput,
  booker: Booker,
  now: Date = new Date(),
): Promise<Booked> {
  const found = await store.windowWithSettings(db, windowId);
  if (!found) throw new NotFoundError('visit_window_not_found');
  const { window: w, settings: s } = found;
  checkAgainstSettings(input, s);
  const state = windowState(w, s, now, input.party_size);
  if (state === 'past' || state === 'closed' || state === 'not_open')
    throw await refusal(db, windowId, s, now, input.party_size);
  const nowText = now.toISOString();
  const when = { lastDate: lastBookableDate(s, now), now: nowText };
  for (let attempt = 0; ; attempt++) {
    const code = newCode();
    try {
      const row: store.NewReservation = {
        code,
        window_id: windowId,
        name: input.name,
        phone: input.phone,
        id_number: s.id_required ? (input.id_number ?? null) : null,
        party_size: input.party_size,
        visiting: input.visiting ?? null,
        car_plate: s.has_parking ? (input.car_plate ?? null) : null,
        channel: booker.channel,
        booked_by: booker.channel === 'staff' ? booker.actor.id : null,
        created_at: nowText,
      };
      const id = await db.transaction(async (trx) => {
        const day = { facility_id: w.facility_id, visit_date: w.visit_date };
        if (!(await store.countDay(trx, { ...day, kind: 'phone', subject: input.phone }, s.max_per_phone_day)))
          throw new TooManyRequestsError('visit_phone_limit', secondsToMidnight(now));
        if (s.id_required && input.id_number)
          if (!(await store.countDay(trx, { ...day, kind: 'id_number', subject: input.id_number }, s.max_per_id_day)))
            throw new TooManyRequestsError('visit_id_limit', secondsToMidnight(now));
        const reservationId = await store.reserve(trx, row, when);
        if (reservationId === undefined) throw await refusal(trx, windowId, s, now, input.party_size);
        if (booker.channel === 'staff')
          await audit.record(trx, {
            actor: booker.actor,
            action: 'visit.reserve_for', // 代约
            entity: 'visit_reservation',
            entityId: reservationId,
            after: { code, window_id: windowId, party_size: input.party_size, phone: maskPhone(input.phone) },
            regionCode: booker.regionCode,
          });
        return reservationId;
      });
      // Built from what was written, not read back: the public path stays at its few statements.
      const reservation: Reservation = {
        ...row,
        id,
        facility_id: w.facility_id,
        visit_date: w.visit_date,
        status: 'booked',
        cancelled_at: null,
        arrived_at: null,
        checked_in_by: null,
      };
      return { reservation, window: w, facilityName: found.facilityName };
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

/** The seconds left of today in Shanghai (at least a minute): when the daily limits count again. */
export function secondsToMidnight(now: Date): number {
  const t = DateTime.fromJSDate(now).setZone(zone);
  return Math.max(60, Math.ceil(t.endOf('day').diff(t, 'seconds').seconds));
}

/** 138****5678: phones in lists, slips for others, logs and the audit. */
export function maskPhone(phone: string): string {
  return phone.length === 11 ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone.replace(/\d(?=\d{4})/g, '*');
}

/** The reservation with this code and phone (a family looking theirs up); the same 404 for either wrong. */
export async function findByCodeAndPhone(db: Knex, code: string, phone: string): Promise<Reservation> {
  const r = await store.reservationByCode(db, code);
  if (!r || r.phone !== phone) throw new NotFoundError('visit_reservation_not_found');
  return r;
}

/**
 * Cancels by code and phone (the family) or by code alone (staff, audited): the places go back exactly once.
 * A second cancel, an arrived visit or a window that has ended is refused with 409.
 */
export async function cancel(
  db: Knex,
  code: string,
  by: { phone: string } | { actor: audit.Actor; regionCode: string },
  now: Date = new Date(),
): Promise<Reservation> {
  return db.transaction(async (trx) => {
    const before = await store.reservationByCode(trx, code);
    if (!before || ('phone' in by && before.phone !== by.phone)) throw new NotFoundError('visit_reservation_not_found');
    const w = (await store.window(trx, before.window_id))!;
    if (before.status === 'booked' && !before.arrived_at && w.ends_at <= now.toISOString())
      throw new ConflictError('visit_cancel_past');
    const r = await store.cancel(trx, code, 'phone' in by ? by.phone : undefined, now.toISOString());
    if (!r) {
      const again = (await store.reservationByCode(trx, code))!;
      throw new ConflictError(again.arrived_at ? 'visit_cancel_arrived' : 'visit_already_cancelled');
    }
    const day = { facility_id: r.facility_id, visit_date: r.visit_date };
    await store.uncountDay(trx, { ...day, kind: 'phone', subject: r.phone });
    if (r.id_number) await store.uncountDay(trx, { ...day, kind: 'id_number', subject: r.id_number });
    if ('actor' in by)
      await audit.record(trx, {
        actor: by.actor,
        action: 'visit.cancel_for',
        entity: 'visit_reservation',
        entityId: r.id,
        before: { status: 'booked', party_size: r.party_size },
        after: { status: 'cancelled' },
        regionCode: by.regionCode,
      });
    return { ...r, status: 'cancelled', cancelled_at: now.toISOString() };
  });
}

/**
 * Marks a visitor's arrival at the gate: once, at the reservation's own facility, on its own day (Asia/Shanghai).
 * A code of another day, a cancelled one or one already used is refused, saying which.
 */
export async function checkIn(
  db: Knex,
  facilityId: number,
  code: string,
  actor: audit.Actor,
  now: Date = new Date(),
): Promise<Reservation> {
  const today = todayInShanghai(now);
  return db.transaction(async (trx) => {
    const r = await store.checkIn(trx, facilityId, code, today, actor.id, now.toISOString());
    if (!r) {
      const found = await store.reservationByCode(trx, code);
      if (!found || found.facility_id !== facilityId) throw new NotFoundError('visit_reservation_not_found');
      if (found.status === 'cancelled') throw new ConflictError('visit_cancelled');
      if (found.arrived_at) throw new ConflictError('visit_already_arrived', {}, { at: found.arrived_at });
      throw new ConflictError('visit_other_day', {}, { date: found.visit_date });
    }
    return r;
  });
}

export interface DayRow {
  window: VisitWindow;
  reservations: number;
  people: number;
  arrived: number;
  arrivedPeople: number;
  /** Reservations not arrived once the window has ended. */
  noShows: number;
}

/** Each window of a day with what was booked and who came. */
export async function daySummary(
  db: Knex,
  facilityId: number,
  date: string,
  now: Date = new Date(),
): Promise<DayRow[]> {
  const [windows, counts] = await Promise.all([
    store.windowsBetween(db, facilityId, date, date),
    store.daySummary(db, facilityId, date),
  ]);
  const by = new Map(counts.map((c) => [c.window_id, c]));
  return windows.map((w) => {
    const c = by.get(w.id);
    const reservations = c?.reservations ?? 0,
      arrived = c?.arrived_reservations ?? 0;
    return {
      window: w,
      reservations,
      people: c?.people ?? 0,
      arrived,
      arrivedPeople: c?.arrived_people ?? 0,
      noShows: w.ends_at <= now.toISOString() ? reservations - arrived : 0,
    };
  });
}

// ---- idempotent JSON requests ----

export interface Answer {
  status: number;
  body: unknown;
}

/** How long an idempotency key's answer is kept. */
export const KEY_KEPT_MS = 24 * 3_600_000;

/** Drops the idempotency keys older than KEY_KEPT_MS; returns how many. */
export function forgetOldKeys(db: Knex, now: Date = new Date()): Promise<number> {
  return store.forgetKeys(db, new Date(now.getTime() - KEY_KEPT_MS).toISOString());
}

/** A hash of what was asked: the same key with another request is refused (422). */
export function requestHash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

interface KeptError {
  error: { status: number; code: string; fields: AppError['fields']; params: AppError['params']; retry?: number };
}

/**
 * Runs `work` once per idempotency key: the key is claimed in the same transaction as the work, so a second request
 * with the key waits for the first to commit and then gets the first's answer, success or refusal, unchanged. The
 * work runs in a savepoint, so a refusal undoes it and still keeps the answer.
 */
export async function idempotent(
  db: Knex,
  key: string,
  hash: string,
  work: (trx: Knex) => Promise<Answer>,
): Promise<Answer> {
  const kept = await db.transaction(async (trx) => {
    if (!(await store.claimKey(trx, key, hash, nowIso()))) {
      const row = (await store.keptAnswer(trx, key))!;
      if (row.request_hash !== hash) throw new UnprocessableError('idempotency_key_reused');
      return JSON.parse(row.response!) as Answer | KeptError;
    }
    let answer: Answer | KeptError;
    try {
      answer = await trx.transaction((inner) => work(inner));
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      answer = {
        error: {
          status: err.status,
          code: err.code,
          fields: err.fields,
          params: err.params,
          retry: err instanceof TooManyRequestsError ? err.retryAfterSeconds : undefined,
        },
      };
    }
    await store.keepAnswer(trx, key, 'error' in answer ? answer.error.status : answer.status, JSON.stringify(answer));
    return answer;
  });
  if ('error' in kept) throw keptError(kept.error);
  return kept;
}

function keptError(e: KeptError['error']): AppError {
  if (e.status === 429) return new TooManyRequestsError(e.code, e.retry ?? 60);
  if (e.status === 404) return new NotFoundError(e.code);
  if (e.status === 400) return new ValidationError(e.fields, e.code);
  return new ConflictError(e.code, e.fields, e.params);
}

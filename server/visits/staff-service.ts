// What the cemetery's staff do with visits beyond the core rules: see a facility's windows a fortnight at a time,
// preview a generation before it is made, book for a caller with a slip to print, and check visitors in at the gate
// (audited, in the same transaction as the arrival).
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import QRCode from 'qrcode';
import { facilityScope, bureauRoles, type User } from '../accounts/roles.js';
import { canRead } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors.js';
import { inShanghai, todayInShanghai, zone } from '../time.js';
import type { Reservation, VisitSettings, VisitWindow } from './kinds.js';
import { normaliseCode, type GenerateInput } from './schemas.js';
import * as visits from './service.js';
import * as store from './staff-store.js';

/** Days shown on one page of a facility's windows. */
export const DAYS_PER_PAGE = 14;

/** What the QR code of a reservation holds: a prefix the gate recognises, then the code. */
export const QR_PREFIX = 'SHIAN-VISIT:';

export type Facility = visits.VisitFacility;

/**
 * The facility a staff page is about. Cemetery staff have their own and no other (another one asked for is 403);
 * the administrator names one (none: the page offers a choice); a bureau reads those of its region and changes
 * none. Undefined when the user must still choose.
 */
export async function facilityFor(
  db: Knex,
  user: User,
  asked: number | undefined,
  mode: 'read' | 'write',
): Promise<Facility | undefined> {
  const own = facilityScope(user);
  if (own !== undefined && asked !== undefined && asked !== own) throw new ForbiddenError();
  const id = own ?? asked;
  if (id === undefined) return undefined;
  const f = await visits.visitFacility(db, id);
  if (!f) throw new NotFoundError();
  assertMay(user, f, mode);
  return f;
}

/** Whether the user may read (or change) this facility's visits: 403 otherwise, as the staff pages answer. */
export function assertMay(user: User, f: Facility, mode: 'read' | 'write'): void {
  if (user.role === 'admin') return;
  if (bureauRoles.includes(user.role)) {
    if (mode === 'write' || !canRead(user, { id: f.id, region_code: f.region_code })) throw new ForbiddenError();
    return;
  }
  if (facilityScope(user) !== f.id) throw new ForbiddenError();
}

/** The facilities the user may choose from (the administrator: all; a bureau: those of its region). */
export async function choices(db: Knex, user: User): Promise<Facility[]> {
  const all = await visits.visitFacilities(db);
  return all.filter((f) => {
    try {
      assertMay(user, f, 'read');
      return true;
    } catch {
      return false;
    }
  });
}

/** A window with its facility, or 404; the user must be allowed to `mode` it (403). */
export async function windowFor(
  db: Knex,
  user: User,
  windowId: number,
  mode: 'read' | 'write',
): Promise<{ window: LabelledWindow; facility: Facility; settings: VisitSettings }> {
  const w = await visits.window(db, windowId);
  if (!w) throw new NotFoundError('visit_window_not_found');
  const facility = (await visits.visitFacility(db, w.facility_id))!;
  assertMay(user, facility, mode);
  return { window: labelled(w), facility, settings: await visits.settings(db, w.facility_id) };
}

/** A reservation by its code, at a facility the user may change (403 elsewhere, 404 for none). */
export async function reservationFor(
  db: Knex,
  user: User,
  code: string,
): Promise<{ reservation: Reservation; window: LabelledWindow; facility: Facility; settings: VisitSettings }> {
  const r = await visits.reservationByCode(db, normaliseCode(code));
  if (!r) throw new NotFoundError('visit_reservation_not_found');
  return { reservation: r, ...(await windowFor(db, user, r.window_id, 'write')) };
}

export const addDays = (date: string, n: number) => DateTime.fromISO(date, { zone }).plus({ days: n }).toISODate()!;

/** A window with its times of day in Asia/Shanghai for the pages: "08:00–10:00". */
export type LabelledWindow = VisitWindow & { times: string };

export function labelled(w: VisitWindow): LabelledWindow {
  const hm = (v: string) => inShanghai(v).toFormat('HH:mm');
  return { ...w, times: `${hm(w.starts_at)}–${hm(w.ends_at)}` };
}

export interface WindowLine {
  window: LabelledWindow;
  left: number;
  state: visits.WindowState;
}

/** A fortnight of windows from `from` (today by default), grouped by day, with the links to the fortnights around. */
export async function fortnight(db: Knex, f: Facility, from: string | undefined, now = new Date()) {
  const start = from ?? todayInShanghai(now);
  const end = addDays(start, DAYS_PER_PAGE - 1);
  const s = await visits.settings(db, f.id);
  const windows = await visits.windowsBetween(db, f.id, start, end);
  const days = new Map<string, WindowLine[]>();
  for (const w of windows) {
    const line = {
      window: labelled(w),
      left: Math.max(0, w.capacity - w.booked),
      state: visits.windowState(w, s, now),
    };
    days.set(w.visit_date, [...(days.get(w.visit_date) ?? []), line]);
  }
  return {
    settings: s,
    from: start,
    to: end,
    days: [...days].map(([date, lines]) => ({
      date,
      lines,
      capacity: lines.reduce((n, l) => n + l.window.capacity, 0),
      booked: lines.reduce((n, l) => n + l.window.booked, 0),
    })),
    prev: addDays(start, -DAYS_PER_PAGE),
    next: addDays(start, DAYS_PER_PAGE),
    lastDate: await store.lastWindowDate(db, f.id),
  };
}

/** The first day from today without windows (within a generation's reach): where new windows would follow on. */
export async function firstDayWithout(db: Knex, f: Facility, now = new Date()): Promise<string> {
  const today = todayInShanghai(now);
  const have = new Set(
    (await visits.daysWithWindows(db, f.id, today, addDays(today, visits.MAX_GENERATE_DAYS))).map((d) => d.visit_date),
  );
  let day = today;
  while (have.has(day)) day = addDays(day, 1);
  return day;
}

/** The Qingming period of the coming spring (清明 −3 … +3 days): the peak dates the generate form suggests. */
export function qingmingPeriod(now = new Date()): string[] {
  const today = todayInShanghai(now);
  let year = Number(today.slice(0, 4));
  if (today > addDays(visits.qingmingDay(year), 3)) year += 1;
  const day = visits.qingmingDay(year);
  return [-3, -2, -1, 0, 1, 2, 3].map((n) => addDays(day, n));
}

export interface GenerationPreview {
  days: number;
  perDay: number;
  planned: number;
  existing: number;
  toAdd: number;
  peakDays: number;
  openPercent: number;
  capacity: number;
  peakCapacity: number | undefined;
  /** Capacities after the facility's open share. */
  opened: number;
  peakOpened: number | undefined;
}

/** What a generation would make, before it is made: windows planned, those that exist already, opened places. */
export async function previewGeneration(db: Knex, input: GenerateInput): Promise<GenerationPreview> {
  const from = DateTime.fromISO(input.from, { zone });
  const days = DateTime.fromISO(input.to, { zone }).diff(from, 'days').days + 1;
  // The same refusal as generateWindows, at the first step rather than after the confirmation.
  if (days > visits.MAX_GENERATE_DAYS)
    throw new ValidationError({
      to: { key: 'errors.visit_range_too_long', params: { max: visits.MAX_GENERATE_DAYS } },
    });
  const s = await visits.settings(db, input.facility_id);
  const existingStarts = await store.windowStartsBetween(db, input.facility_id, input.from, input.to);
  let existing = 0;
  for (let i = 0; i < days; i++) {
    const date = from.plus({ days: i }).toISODate()!;
    for (const t of input.times)
      if (existingStarts.has(visits.windowInstants(date, t.start, t.end).starts_at)) existing++;
  }
  const inRange = input.peak_dates.filter((d) => d >= input.from && d <= input.to);
  const planned = days * input.times.length;
  return {
    days,
    perDay: input.times.length,
    planned,
    existing,
    toAdd: planned - existing,
    peakDays: new Set(inRange).size,
    openPercent: s.open_percent,
    capacity: input.capacity,
    peakCapacity: input.peak_capacity,
    opened: visits.openedCapacity(input.capacity, s.open_percent),
    peakOpened:
      input.peak_capacity === undefined ? undefined : visits.openedCapacity(input.peak_capacity, s.open_percent),
  };
}

/** The windows staff may book for a caller: today to the last bookable day, open and not over. */
export async function bookableDays(db: Knex, f: Facility, now = new Date()) {
  const s = await visits.settings(db, f.id);
  const today = todayInShanghai(now);
  const last = visits.lastBookableDate(s, now);
  const windows = await visits.windowsBetween(db, f.id, today, last);
  const days = new Map<string, WindowLine[]>();
  for (const w of windows) {
    const state = visits.windowState(w, s, now);
    if (state === 'past') continue;
    const line = { window: labelled(w), left: Math.max(0, w.capacity - w.booked), state };
    days.set(w.visit_date, [...(days.get(w.visit_date) ?? []), line]);
  }
  return { settings: s, today, last, days: [...days].map(([date, lines]) => ({ date, lines })) };
}

/** The slip's QR code as an SVG drawing, made on the server (no script, no image request). */
export function qrSvg(code: string): Promise<string> {
  return QRCode.toString(QR_PREFIX + code, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** A code as the gate receives it: typed, pasted or scanned (`SHIAN-VISIT:CODE`), any case, spaces between. */
export function gateCode(raw: string): string {
  return raw.normalize('NFKC').replace(/^\s*shian\s*-?\s*visit\s*:\s*/i, '');
}

/** Marks arrival (once, on its day, at this facility) and audits it in the same transaction. */
export async function checkIn(db: Knex, f: Facility, code: string, actor: audit.Actor, now = new Date()) {
  return db.transaction(async (trx) => {
    const r = await visits.checkIn(trx, f.id, code, actor, now);
    await audit.record(trx, {
      actor,
      action: 'visit.check_in',
      entity: 'visit_reservation',
      entityId: r.id,
      after: { code: r.code, party_size: r.party_size, arrived_at: r.arrived_at },
      regionCode: f.region_code,
    });
    return { reservation: r, window: labelled((await visits.window(trx, r.window_id))!) };
  });
}

/** A window's reservations with their totals: booked ones, people booked and arrived, by channel. */
export async function windowSheet(db: Knex, w: VisitWindow) {
  const reservations = await visits.reservationsOfWindow(db, w.id);
  const booked = reservations.filter((r) => r.status === 'booked');
  const sum = (rs: Reservation[]) => rs.reduce((n, r) => n + r.party_size, 0);
  return {
    reservations,
    totals: {
      reservations: booked.length,
      people: sum(booked),
      arrived: booked.filter((r) => r.arrived_at).length,
      arrivedPeople: sum(booked.filter((r) => r.arrived_at)),
      byStaff: booked.filter((r) => r.channel === 'staff').length,
      cancelled: reservations.length - booked.length,
    },
  };
}

/** A day's summary per window with the day's totals. */
export async function day(db: Knex, f: Facility, date: string, now = new Date()) {
  const rows = (await visits.daySummary(db, f.id, date, now)).map((r) => ({ ...r, window: labelled(r.window) }));
  const total = (k: 'reservations' | 'people' | 'arrived' | 'arrivedPeople' | 'noShows') =>
    rows.reduce((n, r) => n + r[k], 0);
  return {
    rows,
    totals: {
      capacity: rows.reduce((n, r) => n + r.window.capacity, 0),
      reservations: total('reservations'),
      people: total('people'),
      arrived: total('arrived'),
      arrivedPeople: total('arrivedPeople'),
      noShows: total('noShows'),
    },
  };
}

// What the families' booking pages show: the facilities that take bookings, their days and windows with the places
// left and each one's state in words, and the ticket (code, QR made on the server) of a reservation. The rules
// themselves (what may be booked, limits, cancelling) are the core's (service.ts).
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import QRCode from 'qrcode';
import { NotFoundError } from '../http/errors.js';
import type { Lang } from '../i18n/types.js';
import { regionNames } from '../regions/service.js';
import { inShanghai, todayInShanghai, zone } from '../time.js';
import type { Reservation, VisitSettings, VisitWindow } from './kinds.js';
import * as store from './public-store.js';
import { normaliseCode, VisitCode } from './schemas.js';
import * as visits from './service.js';

/** How far ahead the facility page looks for days not open yet (a coming Qingming, say). */
export const HORIZON_DAYS = 180;
/** At most this many not-yet-open days are listed. */
const LATER_DAYS_SHOWN = 21;

/** What the gate's scanner reads: the STAFF gate page accepts a bare code too. */
export const QR_PREFIX = 'SHIAN-VISIT:';

export interface PublicFacility extends visits.VisitFacility {
  county: string;
}

/** Operating cemeteries and columbaria with open windows from today on, with their county's name. */
export async function bookingFacilities(db: Knex, now: Date = new Date()): Promise<PublicFacility[]> {
  const ids = await store.facilityIdsWithWindows(db, todayInShanghai(now));
  if (ids.length === 0) return [];
  const list = await visits.visitFacilities(db, { operatingOnly: true, ids });
  const names = await regionNames(db, [...new Set(list.map((f) => f.region_code.slice(0, 6)))]);
  return list.map((f) => ({ ...f, county: names.get(f.region_code.slice(0, 6)) ?? '' }));
}

/** A facility a family may book at; anything else (closed, another kind, none) is a 404. */
export async function bookingFacility(db: Knex, id: number): Promise<visits.VisitFacility> {
  const f = await visits.visitFacility(db, id);
  if (!f || f.status !== 'operating') throw new NotFoundError();
  return f;
}

/** "12月5日 周六" / "Sat 5 Dec" */
export function dayLabel(date: string, lang: Lang): string {
  const d = DateTime.fromISO(date, { zone });
  return lang === 'zh-CN' ? d.setLocale('zh-CN').toFormat('M月d日 ccc') : d.setLocale('en').toFormat('ccc d LLL');
}

/** "2026年12月5日 周六" / "Sat 5 Dec 2026" */
export function fullDayLabel(date: string, lang: Lang): string {
  const d = DateTime.fromISO(date, { zone });
  return lang === 'zh-CN'
    ? d.setLocale('zh-CN').toFormat('yyyy年M月d日 ccc')
    : d.setLocale('en').toFormat('ccc d LLL yyyy');
}

/** "08:00–10:00" in Asia/Shanghai. */
export function timeLabel(w: Pick<VisitWindow, 'starts_at' | 'ends_at'>): string {
  return `${inShanghai(w.starts_at).toFormat('HH:mm')}–${inShanghai(w.ends_at).toFormat('HH:mm')}`;
}

export interface DayLine {
  date: string;
  label: string;
  state: visits.WindowState;
  /** Places left in the windows that can still be booked (0 when none can). */
  left: number;
  peak: boolean;
  /** The day booking opens (for days not open yet). */
  opensOn?: string;
}

/** A day's state from its windows': bookable if any is, otherwise the most telling reason. */
function dayState(states: visits.WindowState[]): visits.WindowState {
  for (const s of ['bookable', 'not_open', 'full', 'closed'] as const) if (states.includes(s)) return s;
  return 'past';
}

/** The facility's days with windows from today: those that can be booked now, then those not open yet. */
export async function facilityDays(
  db: Knex,
  facilityId: number,
  lang: Lang,
  now: Date = new Date(),
): Promise<{ settings: VisitSettings; open: DayLine[]; later: DayLine[] }> {
  const today = todayInShanghai(now);
  const until = DateTime.fromISO(today, { zone }).plus({ days: HORIZON_DAYS }).toISODate()!;
  const [s, windows] = await Promise.all([
    visits.settings(db, facilityId),
    visits.windowsBetween(db, facilityId, today, until),
  ]);
  const byDay = new Map<string, VisitWindow[]>();
  for (const w of windows) byDay.set(w.visit_date, [...(byDay.get(w.visit_date) ?? []), w]);
  const lines: DayLine[] = [...byDay].map(([date, ws]) => {
    const states = ws.map((w) => visits.windowState(w, s, now));
    const state = dayState(states);
    return {
      date,
      label: dayLabel(date, lang),
      state,
      left: ws.reduce((n, w, i) => n + (states[i] === 'bookable' ? w.capacity - w.booked : 0), 0),
      peak: ws.some((w) => w.is_peak),
      opensOn: state === 'not_open' ? visits.bookingOpensOn(ws[0], s) : undefined,
    };
  });
  const last = visits.lastBookableDate(s, now);
  return {
    settings: s,
    open: lines.filter((l) => l.date <= last && l.state !== 'past'),
    later: lines.filter((l) => l.date > last).slice(0, LATER_DAYS_SHOWN),
  };
}

export interface WindowLine {
  window: VisitWindow;
  time: string;
  state: visits.WindowState;
  left: number;
}

function windowLine(w: VisitWindow, s: VisitSettings, now: Date): WindowLine {
  const state = visits.windowState(w, s, now);
  return { window: w, time: timeLabel(w), state, left: state === 'past' ? 0 : Math.max(0, w.capacity - w.booked) };
}

/** A day's windows in time order, each with its places left and its state. */
export async function dayWindows(
  db: Knex,
  facilityId: number,
  date: string,
  now: Date = new Date(),
): Promise<{ settings: VisitSettings; windows: WindowLine[] }> {
  const [s, windows] = await Promise.all([
    visits.settings(db, facilityId),
    visits.windowsBetween(db, facilityId, date, date),
  ]);
  return { settings: s, windows: windows.map((w) => windowLine(w, s, now)) };
}

/** The window of the booking form: it must belong to the facility and day of the path, or it is a 404. */
export async function windowOf(
  db: Knex,
  facilityId: number,
  date: string,
  windowId: number,
  now: Date = new Date(),
): Promise<{ settings: VisitSettings; line: WindowLine }> {
  const [w, s] = await Promise.all([visits.window(db, windowId), visits.settings(db, facilityId)]);
  if (!w || w.facility_id !== facilityId || w.visit_date !== date) throw new NotFoundError();
  return { settings: s, line: windowLine(w, s, now) };
}

/** 张三 → 张*, 欧阳明月 → 欧***: enough for a family to know it is theirs. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  return chars[0] + '*'.repeat(Math.min(chars.length - 1, 3));
}

/** "ABCD2345" → "ABCD 2345": read aloud in two halves. */
export const groupCode = (code: string) => `${code.slice(0, 4)} ${code.slice(4)}`;

/** The QR code of a reservation, as an inline SVG (the strict CSP allows it; no script, no external image). */
export async function qrSvg(code: string, label: string): Promise<string> {
  const svg = await QRCode.toString(`${QR_PREFIX}${code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
  const esc = label.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return svg.replace('<svg ', `<svg class="visit-qr" role="img" aria-label="${esc}" focusable="false" `);
}

export interface Ticket {
  reservation: Reservation;
  window: VisitWindow;
  facility: visits.VisitFacility;
  /** What the reservation is now, in one word: booked, cancelled, arrived, or past (its window over, unused). */
  status: 'booked' | 'cancelled' | 'arrived' | 'past';
}

/** The reservation of a code as typed (any case, spaces): a code of the wrong form or unknown is a 404. */
export async function ticket(db: Knex, rawCode: string, now: Date = new Date()): Promise<Ticket> {
  const parsed = VisitCode.safeParse(rawCode);
  if (!parsed.success) throw new NotFoundError();
  const reservation = await visits.reservationByCode(db, normaliseCode(parsed.data));
  if (!reservation) throw new NotFoundError();
  return ticketOf(db, reservation, now);
}

export async function ticketOf(db: Knex, reservation: Reservation, now: Date = new Date()): Promise<Ticket> {
  const [window, facility] = await Promise.all([
    visits.window(db, reservation.window_id),
    visits.visitFacility(db, reservation.facility_id),
  ]);
  if (!window || !facility) throw new NotFoundError();
  const status =
    reservation.status === 'cancelled'
      ? 'cancelled'
      : reservation.arrived_at
        ? 'arrived'
        : window.ends_at <= now.toISOString()
          ? 'past'
          : 'booked';
  return { reservation, window, facility, status };
}

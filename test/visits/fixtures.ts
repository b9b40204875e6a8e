// Shared set-up of the visit tests: the sample cemetery and columbarium, windows on a day relative to Shanghai's
// today (never UTC's), and mobile numbers that do not repeat.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { nowIso } from '../../server/db.js';
import { AppError } from '../../server/http/errors.js';
import { ReservationInput } from '../../server/visits/schemas.js';
import { windowInstants } from '../../server/visits/service.js';
import { todayInShanghai, zone } from '../../server/time.js';

export const CEMETERY = '大河镇农村公益性公墓（示例）';
export const COLUMBARIUM = '钟山区公益性骨灰堂（示例）';

export async function facilityNamed(db: Knex, name: string): Promise<number> {
  return (await db('facilities').where({ name }).first('id')).id;
}

/** The day `offset` days from Shanghai's today. */
export function dayFromToday(offset: number, now: Date = new Date()): string {
  return DateTime.fromISO(todayInShanghai(now), { zone }).plus({ days: offset }).toISODate()!;
}

let windowMinute = 0;
let todaySecond = 0;

/**
 * A fresh window of the facility on the day `offset` from today. On a later day each call takes the next minute
 * of 23:00–23:59; today's windows run from a second of 00:30–00:59 to 23:59:59, so the hour of the run never makes
 * them over (a window of 23:10–23:11 would be over at 23:30). Neither collides with the demo's windows.
 */
export async function addWindow(
  db: Knex,
  facilityId: number,
  opts: { offset?: number; capacity?: number; status?: 'open' | 'closed'; startsPast?: boolean } = {},
): Promise<number> {
  const date = dayFromToday(opts.offset ?? 1);
  const two = (n: number) => String(n).padStart(2, '0');
  let times: { starts_at: string; ends_at: string };
  if (opts.startsPast) times = { starts_at: '2000-01-01T00:00:00.000Z', ends_at: '2000-01-01T01:00:00.000Z' };
  else if ((opts.offset ?? 1) === 0) {
    const n = todaySecond++ % 1800;
    times = windowInstants(date, `00:${two(30 + Math.floor(n / 60))}:${two(n % 60)}`, '23:59:59');
  } else {
    const m = windowMinute++ % 59;
    times = windowInstants(date, `23:${two(m)}`, `23:${two(m + 1)}`);
  }
  const [row] = await db('visit_windows')
    .insert({
      facility_id: facilityId,
      visit_date: opts.startsPast ? '2000-01-01' : date,
      ...times,
      capacity: opts.capacity ?? 50,
      booked: 0,
      status: opts.status ?? 'open',
      is_peak: false,
      created_at: nowIso(),
      updated_at: nowIso(),
    })
    .returning('id');
  return typeof row === 'object' ? row.id : row;
}

let phoneSeq = Math.floor(Math.random() * 1e7);
/** A mobile number not used before in this run. */
export function nextPhone(): string {
  phoneSeq = (phoneSeq + 7919) % 1e8;
  return `139${String(phoneSeq).padStart(8, '0')}`;
}

/**
 * Waits, when Shanghai's clock is within two minutes of midnight, until 00:02: a test that needs a window of today
 * that has ended (00:00–00:01) and one still open (until 23:59) holds at any hour this way.
 */
export async function awayFromMidnight(now: () => Date = () => new Date()): Promise<void> {
  const t = DateTime.fromJSDate(now()).setZone(zone);
  const minutes = t.hour * 60 + t.minute;
  if (minutes >= 2 && minutes < 23 * 60 + 58) return;
  const until = (minutes < 2 ? t.startOf('day') : t.plus({ days: 1 }).startOf('day')).plus({ minutes: 2 });
  await new Promise((r) => setTimeout(r, until.diff(t).as('milliseconds')));
}

/** A family's booking: a sample name, a fresh phone, a party of one, and whatever the test changes. */
export const reservationInput = (over: Record<string, unknown> = {}) =>
  ReservationInput.parse({ name: '示例家属', phone: nextPhone(), party_size: 1, ...over });

/** 'ok', or a refusal as "status code" ("409 full"): what a test of many requests at once counts. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return `${e.status} ${e.code}`;
    throw e;
  }
}

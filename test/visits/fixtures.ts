// Shared set-up of the visit tests: the sample cemetery and columbarium, windows on a day relative to Shanghai's
// today (never UTC's), and mobile numbers that do not repeat.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { nowIso } from '../../server/db.js';
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

let windowHour = 0;

/**
 * A fresh window of the facility on the day `offset` from today: each call takes the next minute of 23:00–23:59, so
 * windows never collide with the demo's or each other's (offset 0 ends at 23:59 Shanghai time, still ahead).
 */
export async function addWindow(
  db: Knex,
  facilityId: number,
  opts: { offset?: number; capacity?: number; status?: 'open' | 'closed'; startsPast?: boolean } = {},
): Promise<number> {
  const date = dayFromToday(opts.offset ?? 1);
  const m = windowHour++ % 59;
  const t = (n: number) => `23:${String(n).padStart(2, '0')}`;
  const times = opts.startsPast
    ? { starts_at: '2000-01-01T00:00:00.000Z', ends_at: '2000-01-01T01:00:00.000Z' }
    : windowInstants(date, t(m), t(m + 1));
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

// Dates and times the way the bureau counts them: "today", "not in the future" and slot times in Asia/Shanghai.
import { DateTime } from 'luxon';

export const zone = 'Asia/Shanghai';

/** China has kept UTC+8 all year since 1992 (summer time ended after 1991): from then on no zone lookup is needed. */
const FIXED_OFFSET_SINCE = Date.UTC(1992, 0, 1);
const EIGHT_HOURS_MS = 8 * 3_600_000;

/** Today's date in Asia/Shanghai as YYYY-MM-DD (on every public booking: the fixed offset spares a zone lookup). */
export function todayInShanghai(now: Date = new Date()): string {
  const t = now.getTime();
  if (t >= FIXED_OFFSET_SINCE) return new Date(t + EIGHT_HOURS_MS).toISOString().slice(0, 10);
  return DateTime.fromJSDate(now).setZone(zone).toISODate()!;
}

/**
 * The wall clock in Asia/Shanghai at an instant (ms since the epoch) by the fixed +08:00 offset, as the UTC fields of
 * the returned Date; undefined before 1992, when the zone's rules must be looked up.
 */
export function shanghaiClock(ms: number): Date | undefined {
  return ms >= FIXED_OFFSET_SINCE ? new Date(ms + EIGHT_HOURS_MS) : undefined;
}

/** The calendar day `days` after a day 'YYYY-MM-DD' (days may be negative). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** An instant (an ISO string without offset is UTC, as the database hands it back) in Asia/Shanghai. */
export function inShanghai(v: string | Date): DateTime {
  return (typeof v === 'string' ? DateTime.fromISO(v, { zone: 'utc' }) : DateTime.fromJSDate(v)).setZone(zone);
}

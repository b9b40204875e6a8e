// Dates and times the way the bureau counts them: "today", "not in the future" and slot times in Asia/Shanghai.
import { DateTime } from 'luxon';

export const zone = 'Asia/Shanghai';

/** Today's date in Asia/Shanghai as YYYY-MM-DD. */
export function todayInShanghai(now: Date = new Date()): string {
  return DateTime.fromJSDate(now).setZone(zone).toISODate()!;
}

/** An instant (an ISO string without offset is UTC, as the database hands it back) in Asia/Shanghai. */
export function inShanghai(v: string | Date): DateTime {
  return (typeof v === 'string' ? DateTime.fromISO(v, { zone: 'utc' }) : DateTime.fromJSDate(v)).setZone(zone);
}

// Slots of a resource on one day: [start, end) intervals from its working hours in Asia/Shanghai, marked closed
// where a closure overlaps or the slot has begun, taken where a booking holds it. Pure; stores feed it.
export { zone as ZONE } from '../time.js';

// China has kept UTC+8 all year since 1991, so Shanghai wall-clock time is the UTC instant plus eight hours. Plain
// arithmetic on that is what makes a day's grid cheap: luxon's zone lookups were most of the availability page's
// CPU time in the profile.
const OFFSET_MS = 8 * 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface Interval {
  start: string;
  end: string;
} // ISO instants, half-open
export interface WorkingDay {
  dayStart: string;
  dayEnd: string;
  slotMinutes: number;
} // 'HH:MM'

export type SlotState = 'free' | 'taken' | 'closed';
export interface Slot {
  starts_at: string;
  ends_at: string;
  state: SlotState;
}

/** Half-open intervals overlap when each starts before the other ends; touching ends do not overlap. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

const iso = (ms: number) => new Date(ms).toISOString();
const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Shanghai midnight at the start of a calendar date 'YYYY-MM-DD', in ms since the epoch. */
const midnight = (date: string) => Date.parse(`${date.slice(0, 10)}T00:00:00.000Z`) - OFFSET_MS;

/** The instant of a Shanghai wall-clock minute of a date (minute 420 is 07:00), as an ISO string in UTC. */
export function atMinute(date: string, minute: number): string {
  return iso(midnight(date) + minute * MINUTE_MS);
}

/** The slot start times of a working day, as ISO instants in UTC. */
export function slotTimes(date: string, day: WorkingDay): Interval[] {
  const base = midnight(date);
  const last = base + minutesOf(day.dayEnd) * MINUTE_MS;
  const step = day.slotMinutes * MINUTE_MS;
  const out: Interval[] = [];
  for (let s = base + minutesOf(day.dayStart) * MINUTE_MS; s + step <= last; s += step) {
    out.push({ start: iso(s), end: iso(s + step) });
  }
  return out;
}

export function daySlots(date: string, day: WorkingDay, closures: Interval[], taken: string[], now: Date): Slot[] {
  const nowIso = now.toISOString();
  const takenSet = new Set(taken.map((t) => new Date(t).toISOString()));
  return slotTimes(date, day).map((s) => ({
    starts_at: s.start,
    ends_at: s.end,
    state: takenSet.has(s.start)
      ? 'taken'
      : s.start < nowIso || closures.some((c) => overlaps(s, c))
        ? 'closed'
        : 'free',
  }));
}

/** The Asia/Shanghai calendar day as [00:00, next 00:00) in UTC, for "bookings on this day" queries. */
export function dayBounds(date: string): Interval {
  const base = midnight(date);
  return { start: iso(base), end: iso(base + DAY_MS) };
}

/** The Asia/Shanghai calendar date of an instant. */
export function dateOf(instant: string): string {
  return iso(Date.parse(instant) + OFFSET_MS).slice(0, 10);
}

/** 0 (Sunday) to 6 (Saturday) of a date 'YYYY-MM-DD'. */
export function weekdayOf(date: string): number {
  return new Date(`${date.slice(0, 10)}T00:00:00.000Z`).getUTCDay();
}

/** 'HH:mm' in Asia/Shanghai. */
export function timeOf(instant: string): string {
  return iso(Date.parse(instant) + OFFSET_MS).slice(11, 16);
}

/** A date moved by whole days ('YYYY-MM-DD'). */
/** 'HH:mm–HH:mm' in Asia/Shanghai. */
export const span = (b: { starts_at: string; ends_at: string }): string =>
  `${timeOf(b.starts_at)}–${timeOf(b.ends_at)}`;

export function addDays(date: string, days: number): string {
  return iso(Date.parse(`${date.slice(0, 10)}T00:00:00.000Z`) + days * DAY_MS).slice(0, 10);
}

export type SlotProblem = 'slot_outside_hours' | 'slot_not_aligned';

/**
 * Where a requested start lies on the resource's grid: the slot it starts (with its end), or why it is no slot.
 * Only grid starts are accepted, because the unique index that stops double booking compares start instants:
 * two bookings on different grids could overlap without clashing there.
 */
export function locateSlot(startsAt: string, day: WorkingDay): { slot: Interval } | { problem: SlotProblem } {
  const ms = Date.parse(startsAt);
  const local = ms + OFFSET_MS;
  const slot = slotTimes(iso(local).slice(0, 10), day).find((s) => s.start === iso(ms));
  if (slot) return { slot };
  const minute = (((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS;
  if (minute < minutesOf(day.dayStart) || minute + day.slotMinutes > minutesOf(day.dayEnd))
    return { problem: 'slot_outside_hours' };
  return { problem: 'slot_not_aligned' };
}

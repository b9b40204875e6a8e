// Slots of a resource on one day: [start, end) intervals from its working hours in Asia/Shanghai, marked closed
// where a closure overlaps or the slot has begun, taken where a booking holds it. Pure; stores feed it.
import { DateTime } from 'luxon';

export const ZONE = 'Asia/Shanghai';

export interface Interval { start: string; end: string } // ISO instants, half-open
export interface WorkingDay { dayStart: string; dayEnd: string; slotMinutes: number } // 'HH:MM'

export type SlotState = 'free' | 'taken' | 'closed';
export interface Slot { starts_at: string; ends_at: string; state: SlotState }

/** Half-open intervals overlap when each starts before the other ends; touching ends do not overlap. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

const iso = (d: DateTime) => d.toUTC().toISO({ suppressMilliseconds: false })!;

/** The slot start times of a working day, as ISO instants in UTC. */
export function slotTimes(date: string, day: WorkingDay): Interval[] {
  const [sh, sm] = day.dayStart.split(':').map(Number);
  const [eh, em] = day.dayEnd.split(':').map(Number);
  const base = DateTime.fromISO(date, { zone: ZONE }).startOf('day');
  const first = base.set({ hour: sh, minute: sm });
  const last = base.set({ hour: eh, minute: em });
  const out: Interval[] = [];
  for (let s = first; s.plus({ minutes: day.slotMinutes }) <= last; s = s.plus({ minutes: day.slotMinutes })) {
    out.push({ start: iso(s), end: iso(s.plus({ minutes: day.slotMinutes })) });
  }
  return out;
}

export function daySlots(date: string, day: WorkingDay, closures: Interval[], taken: string[], now: Date): Slot[] {
  const nowIso = now.toISOString();
  const takenSet = new Set(taken.map((t) => new Date(t).toISOString()));
  return slotTimes(date, day).map((s) => ({
    starts_at: s.start,
    ends_at: s.end,
    state: takenSet.has(s.start) ? 'taken' : s.start < nowIso || closures.some((c) => overlaps(s, c)) ? 'closed' : 'free',
  }));
}

// The availability grid of one day: resources as rows, a common time axis as columns, each slot a cell spanning
// its length, so a 90-minute cremator and 60-minute ones line up. Pure; the service feeds it rows from the store.
import { atMinute, overlaps, slotTimes, type Interval } from './slots.js';

export interface GridResource {
  id: number;
  name: string;
  slot_minutes: number;
  day_start: string;
  day_end: string;
}
export interface GridBooking {
  id: number;
  resource_id: number;
  starts_at: string;
  ends_at: string;
  case_id: number;
  case_number: string;
  deceased_name: string;
}
export interface GridClosure {
  resource_id: number;
  starts_at: string;
  ends_at: string;
  reason: string;
}

/** free: bookable; taken: a booking holds it; closed: a closure overlaps it; past: it has begun; off: outside the resource's hours. */
export type CellState = 'free' | 'taken' | 'closed' | 'past' | 'off';

export interface Cell {
  span: number;
  state: CellState;
  starts_at?: string;
  ends_at?: string;
  /** 'HH:mm–HH:mm' in Asia/Shanghai */
  label?: string;
  booking?: GridBooking;
  reason?: string;
}
export interface GridRow<R extends GridResource> {
  resource: R;
  cells: Cell[];
}
export interface Grid<R extends GridResource> {
  columns: { starts_at: string; label: string }[];
  rows: GridRow<R>[];
}

const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
};
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** Minute of the day → 'HH:mm', by arithmetic: the labels of a day's cells need no date parsing. */
const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The state of one slot: a booking wins over everything (it is shown even in the past), then the past, then closures. */
export function slotState(
  slot: Interval,
  bookings: GridBooking[],
  closures: GridClosure[],
  nowIso: string,
): Pick<Cell, 'state' | 'booking' | 'reason'> {
  const booking = bookings.find((b) => overlaps(slot, { start: b.starts_at, end: b.ends_at }));
  if (booking) return { state: 'taken', booking };
  if (slot.start < nowIso) return { state: 'past' };
  const closure = closures.find((c) => overlaps(slot, { start: c.starts_at, end: c.ends_at }));
  if (closure) return { state: 'closed', reason: closure.reason };
  return { state: 'free' };
}

export function dayGrid<R extends GridResource>(
  date: string,
  resources: R[],
  bookings: GridBooking[],
  closures: GridClosure[],
  now: Date,
): Grid<R> {
  if (resources.length === 0) return { columns: [], rows: [] };
  const nowIso = now.toISOString();
  const slotsOf = new Map(
    resources.map((r) => [
      r.id,
      slotTimes(date, { dayStart: r.day_start, dayEnd: r.day_end, slotMinutes: r.slot_minutes }),
    ]),
  );
  // The axis runs from the earliest start to the latest slot end, in steps that divide every slot length and offset.
  const origin = Math.min(...resources.map((r) => minutesOf(r.day_start)));
  const ends = resources.map((r) => minutesOf(r.day_start) + slotsOf.get(r.id)!.length * r.slot_minutes);
  const end = Math.max(origin, ...ends);
  const step = resources.reduce((g, r) => gcd(gcd(g, r.slot_minutes), minutesOf(r.day_start) - origin), 0) || 60;
  const columns = [];
  for (let m = origin; m < end; m += step) {
    columns.push({ starts_at: atMinute(date, m), label: hhmm(m) });
  }
  const rows = resources.map((r) => {
    const cells: Cell[] = [];
    const slots = slotsOf.get(r.id)!;
    const lead = (minutesOf(r.day_start) - origin) / step;
    if (lead > 0 && slots.length) cells.push({ span: lead, state: 'off' });
    const mine = bookings.filter((b) => b.resource_id === r.id);
    const closed = closures.filter((c) => c.resource_id === r.id);
    const first = minutesOf(r.day_start);
    slots.forEach((s, i) => {
      const from = first + i * r.slot_minutes;
      cells.push({
        span: r.slot_minutes / step,
        starts_at: s.start,
        ends_at: s.end,
        label: `${hhmm(from)}–${hhmm(from + r.slot_minutes)}`,
        ...slotState(s, mine, closed, nowIso),
      });
    });
    const used = cells.reduce((n, c) => n + c.span, 0);
    if (used < columns.length) cells.push({ span: columns.length - used, state: 'off' });
    return { resource: r, cells };
  });
  return { columns, rows };
}

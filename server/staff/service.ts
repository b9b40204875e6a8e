// The front desk's day on the staff dashboard: what one funeral home has to do today (Asia/Shanghai), section by
// section. Each section is one read from its domain's service and one partial, views/partials/today/<name>.hbs.
import type { Knex } from 'knex';
import { assertCanRead } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import { casesOwing, papersMissing, pickupsDue } from '../cases/service.js';
import { bodiesInStorage } from '../custody/service.js';
import { bookingsBetween, type ScheduledBooking } from '../cremation/service.js';
import { NotFoundError } from '../http/errors.js';
import { addDays, dateOf, dayBounds, weekdayOf } from '../cremation/slots.js';

type Actor = Pick<User, 'role' | 'facility_id'>;

/** How many of the largest balances owed the dashboard lists (the count and sum cover them all). */
export const OWING_SHOWN = 10;
/** How many pickups the dashboard lists at most. */
export const PICKUPS_SHOWN = 50;
/** How many cases with papers missing the dashboard lists, newest first (the count covers them all). */
export const PAPERS_SHOWN = 20;
/** Days in the week calendar, today included. */
export const WEEK_DAYS = 7;

/** The day the dashboard shows: a Shanghai calendar date and the instants it needs. */
export interface Day {
  date: string;
  /** Year, month and day of the date, as numbers, for its label. */
  y: number;
  m: number;
  d: number;
  /** 1 (Monday) to 7 (Sunday). */
  weekday: number;
  /** The first instant of the date (UTC ISO). */
  start: string;
  now: Date;
}

export function dayOf(now: Date = new Date()): Day {
  const date = dateOf(now.toISOString());
  const [y, m, d] = date.split('-').map(Number);
  return { date, y, m, d, weekday: isoWeekday(date), start: dayBounds(date).start, now };
}

/** 1 (Monday) to 7 (Sunday). */
const isoWeekday = (date: string) => weekdayOf(date) || 7;

// Shanghai has kept UTC+8 all year since 1991: wall-clock times are plain arithmetic (as in cremation/slots.ts),
// which keeps luxon's zone lookups, most of this page's CPU time when measured, out of the per-row work.
const OFFSET_MS = 8 * 3_600_000;
const wallClock = (instant: string) => new Date(Date.parse(instant) + OFFSET_MS).toISOString();
/** 'HH:MM' in Shanghai. */
const timeOf = (instant: string) => wallClock(instant).slice(11, 16);

/** Reads that more than one section uses, made once per page. */
interface Shared {
  /** The week's bookings (today's are the first of them). */
  week(): Promise<ScheduledBooking[]>;
}

interface Section {
  name: string;
  load(db: Knex, facilityId: number, day: Day, shared: Shared): Promise<object>;
}

const sections: Section[] = [
  {
    name: 'pickups',
    async load(db, facilityId, day) {
      const rows = await pickupsDue(db, facilityId, day.date, PICKUPS_SHOWN);
      return {
        full: rows.length >= PICKUPS_SHOWN,
        limit: PICKUPS_SHOWN,
        rows: rows.map((r) => ({
          ...r,
          overdue: r.pickup_at < day.start,
          time: timeOf(r.pickup_at),
          on: dateOf(r.pickup_at),
        })),
      };
    },
  },
  {
    name: 'storage',
    async load(db, facilityId, day) {
      const rows = await bodiesInStorage(db, facilityId, day.date);
      // 'MM-DD HH:MM' in Shanghai, the year in the <time> element's datetime: the column stays narrow.
      return { rows: rows.map((r) => ({ ...r, since_shown: wallClock(r.since).slice(5, 16).replace('T', ' ') })) };
    },
  },
  {
    name: 'schedule',
    async load(_db, _facilityId, day, shared) {
      const tomorrow = dayBounds(addDays(day.date, 1)).start;
      return { hours: byHour((await shared.week()).filter((b) => b.starts_at < tomorrow)) };
    },
  },
  {
    name: 'owing',
    async load(db, facilityId) {
      return casesOwing(db, facilityId, OWING_SHOWN);
    },
  },
  {
    name: 'papers',
    async load(db, facilityId) {
      const { rows, count } = await papersMissing(db, facilityId, PAPERS_SHOWN);
      return { rows, count, more: count > rows.length };
    },
  },
  {
    name: 'week',
    async load(_db, _facilityId, day, shared) {
      return { days: byDay(day, await shared.week()) };
    },
  },
];

export interface Today {
  facility: { id: number; name: string };
  day: Day;
  sections: { name: string; data: object }[];
}

/** Everything the dashboard shows of a funeral home's day (the facility as the caller read it); 404 otherwise. */
export async function todayAt(
  db: Knex,
  actor: Actor,
  facility: { id: number; name: string; kind: string } | undefined,
  now: Date = new Date(),
): Promise<Today> {
  if (!facility || facility.kind !== 'funeral_home') throw new NotFoundError();
  assertCanRead(actor, facility.id);
  const day = dayOf(now);
  let week: Promise<ScheduledBooking[]> | undefined;
  const shared: Shared = {
    week: () => (week ??= bookingsBetween(db, facility.id, day.date, addDays(day.date, WEEK_DAYS))),
  };
  const data = await Promise.all(sections.map((s) => s.load(db, facility.id, day, shared)));
  return {
    facility: { id: facility.id, name: facility.name },
    day,
    sections: sections.map((s, i) => ({ name: s.name, data: data[i] })),
  };
}

const shown = (b: ScheduledBooking) => ({ ...b, time: timeOf(b.starts_at) });

/** Bookings grouped by the Shanghai hour they start in, hours in order. */
export function byHour(rows: ScheduledBooking[]): { hour: string; bookings: ReturnType<typeof shown>[] }[] {
  const hours = new Map<string, ReturnType<typeof shown>[]>();
  for (const b of rows) {
    const hour = `${timeOf(b.starts_at).slice(0, 2)}:00`;
    if (!hours.has(hour)) hours.set(hour, []);
    hours.get(hour)!.push(shown(b));
  }
  return [...hours].sort(([a], [b]) => a.localeCompare(b)).map(([hour, bookings]) => ({ hour, bookings }));
}

/** The week's days from the dashboard's day on, each with its bookings in time order (days without any included). */
export function byDay(day: Day, rows: ScheduledBooking[]) {
  const days = Array.from({ length: WEEK_DAYS }, (_, i) => {
    const on = addDays(day.date, i);
    const [y, m, d] = on.split('-').map(Number);
    return { on, y, m, d, weekday: isoWeekday(on), today: i === 0, bookings: [] as ReturnType<typeof shown>[] };
  });
  for (const b of rows) {
    const on = dateOf(b.starts_at);
    days.find((d) => d.on === on)?.bookings.push(shown(b));
  }
  return days;
}

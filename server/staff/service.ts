// The front desk's day on the staff dashboard: what one funeral home has to do today (Asia/Shanghai), section by
// section. Each section is one read from its domain's service and one partial, views/partials/today/<name>.hbs.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanRead } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import { casesOwing, pickupsDue } from '../cases/service.js';
import { bookingsBetween, funeralHome, type ScheduledBooking } from '../cremation/service.js';
import { zone } from '../time.js';

type Actor = Pick<User, 'role' | 'facility_id'>;

/** How many of the largest balances owed the dashboard lists (the count and sum cover them all). */
export const OWING_SHOWN = 10;
/** How many pickups the dashboard lists at most. */
export const PICKUPS_SHOWN = 50;
/** Days in the week calendar, today included. */
export const WEEK_DAYS = 7;

/** The day the dashboard shows: a Shanghai calendar date and the instants it needs. */
export interface Day {
  date: string;
  /** 1 (Monday) to 7 (Sunday). */
  weekday: number;
  /** The first instant of the date (UTC ISO). */
  start: string;
  now: Date;
}

export function dayOf(now: Date = new Date()): Day {
  const d = DateTime.fromJSDate(now).setZone(zone).startOf('day');
  return { date: d.toISODate()!, weekday: d.weekday, start: d.toUTC().toISO()!, now };
}

const wallTime = (instant: string, format: string) =>
  DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone).toFormat(format);

interface Section {
  name: string;
  load(db: Knex, facilityId: number, day: Day): Promise<object>;
}

// The dashboard's sections, in page order. A new one is an entry here and a partial of the same name.
const sections: Section[] = [
  {
    name: 'pickups',
    async load(db, facilityId, day) {
      const rows = await pickupsDue(db, facilityId, day.date, PICKUPS_SHOWN);
      return {
        rows: rows.map((r) => ({
          ...r,
          overdue: r.pickup_at < day.start,
          time: wallTime(r.pickup_at, 'HH:mm'),
          on: wallTime(r.pickup_at, 'yyyy-MM-dd'),
        })),
      };
    },
  },
  {
    name: 'schedule',
    async load(db, facilityId, day) {
      const rows = await bookingsBetween(db, facilityId, day.date, addDays(day.date, 1));
      return { hours: byHour(rows) };
    },
  },
  {
    name: 'owing',
    async load(db, facilityId) {
      return casesOwing(db, facilityId, OWING_SHOWN);
    },
  },
  {
    name: 'week',
    async load(db, facilityId, day) {
      const rows = await bookingsBetween(db, facilityId, day.date, addDays(day.date, WEEK_DAYS));
      return { days: byDay(day, rows) };
    },
  },
];

export interface Today {
  facility: { id: number; name: string };
  day: Day;
  sections: { name: string; data: object }[];
}

/** Everything the dashboard shows of a funeral home's day; another home answers 404 to scoped staff. */
export async function todayAt(db: Knex, actor: Actor, facilityId: number, now: Date = new Date()): Promise<Today> {
  const facility = await funeralHome(db, facilityId);
  assertCanRead(actor, facility.id);
  const day = dayOf(now);
  const data = await Promise.all(sections.map((s) => s.load(db, facility.id, day)));
  return {
    facility: { id: facility.id, name: facility.name },
    day,
    sections: sections.map((s, i) => ({ name: s.name, data: data[i] })),
  };
}

function addDays(date: string, n: number): string {
  return DateTime.fromISO(date, { zone }).plus({ days: n }).toISODate()!;
}

const shown = (b: ScheduledBooking) => ({ ...b, time: wallTime(b.starts_at, 'HH:mm') });

/** Bookings grouped by the Shanghai hour they start in, hours in order. */
export function byHour(rows: ScheduledBooking[]): { hour: string; bookings: ReturnType<typeof shown>[] }[] {
  const hours = new Map<string, ReturnType<typeof shown>[]>();
  for (const b of rows) {
    const hour = `${wallTime(b.starts_at, 'HH')}:00`;
    if (!hours.has(hour)) hours.set(hour, []);
    hours.get(hour)!.push(shown(b));
  }
  return [...hours].sort(([a], [b]) => a.localeCompare(b)).map(([hour, bookings]) => ({ hour, bookings }));
}

/** The week's days from the dashboard's day on, each with its bookings in time order (days without any included). */
export function byDay(day: Day, rows: ScheduledBooking[]) {
  const days = Array.from({ length: WEEK_DAYS }, (_, i) => {
    const d = DateTime.fromISO(day.date, { zone }).plus({ days: i });
    return { on: d.toISODate()!, weekday: d.weekday, today: i === 0, bookings: [] as ReturnType<typeof shown>[] };
  });
  for (const b of rows) {
    const date = wallTime(b.starts_at, 'yyyy-MM-dd');
    days.find((d) => d.on === date)?.bookings.push(shown(b));
  }
  return days;
}

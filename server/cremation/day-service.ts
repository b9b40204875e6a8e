// The day of a funeral home's cremators and halls: the rows its pages are made from (four queries, kept for the
// day by day-cache.ts), the grid and board made from them, and the availability the JSON API answers.
import type { Knex } from 'knex';
import { assertCanRead } from '../accounts/access.js';
import { NotFoundError } from '../http/errors.js';
import { todayInShanghai } from '../time.js';
import { dayGrid, type Grid } from './grid.js';
import type { ResourceKind } from './schemas.js';
import { dayBounds } from './slots.js';
import { keptDay } from './day-cache.js';
import * as resourceStore from './resource-store.js';
import * as store from './store.js';
import { funeralHome, type Actor } from './common.js';

// ## The day: grid, availability, board

/** What a funeral home's day pages are made from: its active resources, the day's closures and active bookings. */
export interface DayRows {
  facility: store.Facility;
  resources: resourceStore.Resource[];
  closures: resourceStore.Closure[];
  bookings: store.Booking[];
}

/**
 * The rows of a funeral home's day, in four queries however many resources and bookings there are, after the
 * checks every day page makes. The same object is handed out while it is kept (day-cache.ts): it is frozen.
 */
export async function dayRows(db: Knex, actor: Actor, facilityId: number, date: string): Promise<Readonly<DayRows>> {
  const rows = await keptDay(db, `day|${facilityId}|${date}`, async () => {
    const { start, end } = dayBounds(date);
    const [facility, resources, closures, bookings] = await Promise.all([
      store.findFacility(db, facilityId),
      resourceStore.listAllResources(db, facilityId, { activeOnly: true }),
      resourceStore.closuresOfFacility(db, facilityId, start, end),
      store.activeBookingsOfFacilityAllKinds(db, facilityId, start, end),
    ]);
    return { facility, resources, closures, bookings };
  });
  if (!rows.facility || rows.facility.kind !== 'funeral_home') throw new NotFoundError();
  assertCanRead(actor, facilityId);
  return rows as Readonly<DayRows>;
}

export interface DayView {
  facility: store.Facility;
  date: string;
  cremators: Grid<resourceStore.Resource>;
  halls: Grid<resourceStore.Resource>;
  cremations: store.Booking[];
  farewells: store.Booking[];
  closures: resourceStore.Closure[];
  /** When the view next changes by the clock alone (ms since the epoch): a shown slot begins, or the date turns. */
  changesAt: number;
}

/** The day's grids and lists from its rows, as they stand at `now`. Pure. */
export function dayViewOf(rows: Readonly<DayRows>, date: string, now = new Date()): DayView {
  const { facility, resources, closures, bookings } = rows;
  const cremators = resources.filter((r) => r.kind === 'cremator');
  const halls = resources.filter((r) => r.kind === 'hall');
  const cremations = bookings.filter((b) => b.kind === 'cremator');
  const farewells = bookings.filter((b) => b.kind === 'hall');
  const closuresOf = (kind: ResourceKind) => closures.filter((c) => c.resource_type === kind);
  const view = {
    facility,
    date,
    closures: [...closures],
    cremations,
    farewells,
    cremators: dayGrid(date, cremators, cremations, closuresOf('cremator'), now),
    halls: dayGrid(date, halls, farewells, closuresOf('hall'), now),
  };
  return {
    ...view,
    changesAt: Math.min(
      nextChange(view.cremators, now),
      nextChange(view.halls, now),
      Date.parse(dayBounds(todayInShanghai(now)).end),
    ),
  };
}

/** The start of the first slot after now that is not taken: it turns from free or closed to past then. */
function nextChange(grid: Grid<resourceStore.Resource>, now: Date): number {
  const nowIso = now.toISOString();
  let first = Infinity;
  for (const row of grid.rows) {
    for (const c of row.cells) {
      if (c.starts_at && c.state !== 'taken' && c.starts_at > nowIso) first = Math.min(first, Date.parse(c.starts_at));
    }
  }
  return first;
}

/** Everything a day's pages show. */
export async function dayView(
  db: Knex,
  actor: Actor,
  facilityId: number,
  date: string,
  now = new Date(),
): Promise<DayView> {
  return dayViewOf(await dayRows(db, actor, facilityId, date), date, now);
}

export interface ApiSlot {
  cremator_id: number;
  starts_at: string;
  ends_at: string;
  state: 'free' | 'taken' | 'closed';
}

/** Every slot of the home's active cremators on a day; a slot that has begun counts as closed. */
export async function cremationAvailability(
  db: Knex,
  actor: Actor,
  facilityId: number,
  date: string,
  now = new Date(),
): Promise<ApiSlot[]> {
  const facility = await funeralHome(db, facilityId);
  assertCanRead(actor, facility.id);
  const { start, end } = dayBounds(date);
  const [cremators, closures, bookings] = await Promise.all([
    resourceStore.listResources(db, 'cremator', facilityId, { activeOnly: true }),
    resourceStore.closuresOfFacility(db, facilityId, start, end),
    store.activeBookingsOfFacility(db, 'cremator', facilityId, start, end),
  ]);
  const grid = dayGrid(
    date,
    cremators,
    bookings,
    closures.filter((c) => c.resource_type === 'cremator'),
    now,
  );
  return grid.rows.flatMap((row) =>
    row.cells
      .filter((c) => c.state !== 'off')
      .map((c) => ({
        cremator_id: row.resource.id,
        starts_at: c.starts_at!,
        ends_at: c.ends_at!,
        state: c.state === 'past' ? ('closed' as const) : (c.state as ApiSlot['state']),
      })),
  );
}

/** The free slots of a kind on a day, per resource, for the reschedule page. */
export async function freeSlots(
  db: Knex,
  actor: Actor,
  kind: ResourceKind,
  facilityId: number,
  date: string,
  now = new Date(),
) {
  const view = await dayView(db, actor, facilityId, date, now);
  const grid = kind === 'cremator' ? view.cremators : view.halls;
  return grid.rows.map((row) => ({ resource: row.resource, slots: row.cells.filter((c) => c.state === 'free') }));
}

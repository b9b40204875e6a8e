// What a funeral home's day pages are made from, kept per process for a moment: at a busy front desk many people
// open the same day at once and keep reloading it, and reading it (four queries) and drawing its grid cost most of
// the page (docs/ARCHITECTURE.md, "Signed-in requests"). The cremation service forgets every kept day after each
// change it commits (forgetDays), so this process shows a change at once; another process shows it within
// DAY_CACHE_MS. Only what is shown is kept: every booking is still decided by the database.
import type { Knex } from 'knex';
import { TtlCache, systemClock, type Clock } from '../cache.js';

export const DAY_CACHE_MS = 2_000;

/** A grid page's body, drawn from one kept day (`rows`: the very object), good until `until` (epoch ms) by the clock alone. */
export interface KeptGrid {
  rows: object;
  bytes: Buffer;
  until: number;
}

export interface DayCaches {
  clock: Clock;
  /** A day's rows by `day|facility|date`, and the funeral homes by `funeral-homes`. */
  days: TtlCache<string, unknown>;
  /** Grid bodies by facility, date and everything else they show (language, right to book, home picker). */
  grids: TtlCache<string, KeptGrid>;
}

// One set per database (a transaction shares its database's config object), so that test suites with databases of
// their own in one process never see each other's days.
const caches = new WeakMap<object, DayCaches>();

/** The day caches of this database; the first call (the app's, with its clock) makes them. */
export function dayCaches(db: Knex, clock: Clock = systemClock): DayCaches {
  const key = db.client.config as object;
  let c = caches.get(key);
  if (!c) {
    c = {
      clock,
      days: new TtlCache({ ttlMs: DAY_CACHE_MS, max: 500, clock }),
      grids: new TtlCache({ ttlMs: DAY_CACHE_MS, max: 500, clock }),
    };
    caches.set(key, c);
  }
  return c;
}

/** The day's value for key, kept or loaded (frozen: it is shared by every request that reads it). */
export function keptDay<T>(db: Knex, key: string, load: () => Promise<T>): Promise<T> {
  return dayCaches(db).days.get(key, () => load().then(deepFreeze)) as Promise<T>;
}

/** Called by the cremation service after a change has committed: the next view of any day reads it again. */
export function forgetDays(db: Knex): void {
  const c = dayCaches(db);
  c.days.clear();
  c.grids.clear();
}

/** Cached values are shared by every request; freezing them turns an accidental change into an error. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

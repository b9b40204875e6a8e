// What a funeral home's day pages read (its resources, the day's closures and bookings), kept per process for a
// moment: at a busy front desk many people open the same day at once and keep reloading it. Each process keeps its
// own: a change made in this process (store.ts writes call `changed`) is seen at once, one made by another process
// within DAY_CACHE_MS. Only what is shown is cached; every booking is still decided by the database (the slot is
// checked live on the booking form and again by the unique indexes on insert). See docs/ARCHITECTURE.md.
import type { Knex } from 'knex';

export const DAY_CACHE_MS = 2_000;

interface Entry<T> { at: number; generation: number; value: Promise<T> }

class DayCache {
  entries = new Map<string, Entry<unknown>>();
  /** Bumped by every write, so that a read which overlapped a write is not kept. */
  generation = 0;
}

// One cache per database (a transaction shares its database's config object), so that test suites with databases
// of their own in one process never see each other's days.
const caches = new WeakMap<object, DayCache>();

function cacheOf(db: Knex): DayCache {
  const key = db.client.config as object;
  let c = caches.get(key);
  if (!c) caches.set(key, (c = new DayCache()));
  return c;
}

/** The value for key from the cache when younger than DAY_CACHE_MS, else from load (one load at a time per key). */
export function cachedDay<T>(db: Knex, key: string, load: () => Promise<T>): Promise<T> {
  const cache = cacheOf(db);
  const now = Date.now();
  const hit = cache.entries.get(key) as Entry<T> | undefined;
  if (hit && now - hit.at < DAY_CACHE_MS && hit.generation === cache.generation) return hit.value;
  const entry: Entry<T> = { at: now, generation: cache.generation, value: load().then(deepFreeze) };
  if (cache.entries.size >= 1_000) cache.entries.clear();
  cache.entries.set(key, entry);
  const drop = () => { if (cache.entries.get(key) === entry) cache.entries.delete(key); };
  entry.value.then(() => { if (entry.generation !== cache.generation) drop(); }, drop);
  return entry.value;
}

/**
 * Forgets every cached day of this database now and, inside a transaction, again when it ends: a read that ran
 * while the transaction was open may have seen the rows before the change.
 */
export function changed(db: Knex): void {
  const cache = cacheOf(db);
  const forget = () => { cache.generation += 1; cache.entries.clear(); };
  forget();
  const done = (db as unknown as { executionPromise?: Promise<unknown> }).executionPromise;
  if (done) done.then(forget, forget);
}

/** Cached values are shared by every request; freezing them turns an accidental change into an error. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

// What is made from a kept day (a rendered page body) lives as long as the day's rows object: a reload or a change
// gives a new object, and everything made from the old one goes with it.
const made = new WeakMap<object, Map<string, { until: number; value: Promise<unknown> }>>();

/**
 * make()'s value for this source object and key, made once and reused until `until` (which make returns: when the
 * value would come out different by the clock alone) or until the source is no longer kept.
 */
export function madeFrom<T>(source: object, key: string, make: () => Promise<{ value: T; until: number }>): Promise<T> {
  let kept = made.get(source);
  if (!kept) made.set(source, (kept = new Map()));
  const hit = kept.get(key);
  if (hit && Date.now() < hit.until) return hit.value as Promise<T>;
  const entry = { until: Infinity, value: undefined as unknown as Promise<T> };
  const map = kept;
  entry.value = make().then(
    (r) => { entry.until = r.until; return r.value; },
    (err: unknown) => { if (map.get(key) === entry) map.delete(key); throw err; },
  );
  kept.set(key, entry);
  return entry.value;
}

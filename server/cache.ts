// The one in-process cache: values kept per process for a time, bounded in size, with a clock tests can move.
// A cache is one more place where a change must be seen: the service that changes the data calls delete() or
// clear() after its transaction commits, never a store, and every cache has a test that only the cache can pass.
import { LRUCache } from 'lru-cache';

/** Wall-clock milliseconds (epoch based, so that a time stored by one process means the same in another); tests pass their own. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface TtlCacheOptions<K, V> {
  /** How long a value is kept after it was loaded. */
  ttlMs: number;
  /** At most this many keys; the least recently used go first. */
  max?: number;
  clock?: Clock;
  /** How a missing value is loaded; get() may be given another for its key. */
  load?: (key: K) => Promise<V>;
}

/**
 * Values by key, loaded once and kept for ttlMs. Concurrent gets of a missing key share one load. A load that was
 * under way when the key was deleted (or the cache cleared) answers its callers but is not kept, so a read that
 * overlapped a change is never served afterwards.
 */
export class TtlCache<K extends NonNullable<unknown>, V> {
  private readonly entries: LRUCache<K, { value: Promise<V> }>;
  private readonly load: (key: K) => Promise<V>;
  /** Bumped by every delete and clear. */
  private generation = 0;

  constructor(opts: TtlCacheOptions<K, V>) {
    this.load = opts.load ?? (() => Promise.reject(new Error('TtlCache: no load function for this key')));
    this.entries = new LRUCache({
      max: opts.max ?? 1_000,
      ttl: opts.ttlMs,
      ttlResolution: 0,
      perf: opts.clock ?? systemClock,
    });
  }

  /** The kept value, or one loaded by `load` (the cache's own by default) and kept. */
  get(key: K, load: (key: K) => Promise<V> = this.load): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const generation = this.generation;
    const entry = { value: load(key) };
    this.entries.set(key, entry);
    const drop = () => {
      if (this.entries.peek(key) === entry) this.entries.delete(key);
    };
    entry.value.then(() => {
      if (generation !== this.generation) drop();
    }, drop);
    return entry.value;
  }

  /** Keeps a value made elsewhere (a rendered page) as if it had been loaded now. */
  set(key: K, value: V): void {
    this.entries.set(key, { value: Promise.resolve(value) });
  }

  /** The kept value for key, without loading one when there is none. */
  peek(key: K): Promise<V> | undefined {
    return this.entries.get(key)?.value;
  }

  delete(key: K): void {
    this.generation += 1;
    this.entries.delete(key);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

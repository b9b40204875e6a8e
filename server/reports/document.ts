// The printed report, drawn once per process for the same inputs and kept, with at most one drawing at a time and a
// short queue: drawing a city's report costs a few hundred milliseconds of CPU during which the process serves no one.
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { TtlCache, type Clock } from '../cache.js';
import { ServiceUnavailableError } from '../http/errors.js';

export interface KeptRendersOptions {
  /** Drawings under way at once; more only interleave on one event loop, so one is the default. */
  concurrency?: number;
  /** Drawings that may wait for their turn; beyond that the caller is told to come back (503). */
  maxWaiting?: number;
  /** How long a drawn PDF is kept; a change in its inputs gives another key at once, whatever this is. */
  ttlMs?: number;
  /** At most this many PDFs kept (a city's report is about 200 KB). */
  max?: number;
  clock?: Clock;
}

/**
 * PDFs kept by a hash of everything they are drawn from. The key is the inputs themselves, so there is nothing to
 * invalidate: a changed facility, status, target or region name gives a new key in every process, and the old PDF
 * ages out. (The text catalogs and the drawing code change only with a new process, which starts empty.)
 * Concurrent requests for one key share one drawing; other keys queue behind the limit.
 */
export class KeptRenders {
  /** Drawings done by this instance, for tests and for whoever watches the process. */
  drawn = 0;
  private readonly kept: TtlCache<string, Buffer>;
  private readonly limit: ReturnType<typeof pLimit>;
  readonly maxWaiting: number;
  /** The drawing of the key being asked for, handed to the cache's load while get() runs. */
  private readonly toDraw = new Map<string, () => Promise<Buffer>>();

  constructor(o: KeptRendersOptions = {}) {
    this.limit = pLimit(o.concurrency ?? 1);
    this.maxWaiting = o.maxWaiting ?? 4;
    this.kept = new TtlCache({
      ttlMs: o.ttlMs ?? 30 * 60_000,
      max: o.max ?? 32,
      clock: o.clock,
      load: (key) => this.queue(key),
    });
  }

  /** The PDF drawn from `inputs`: kept, or drawn now (after those ahead of it), or a 503 when too many wait. */
  print(inputs: unknown, draw: () => Promise<Buffer>): Promise<Buffer> {
    const key = createHash('sha256').update(JSON.stringify(inputs)).digest('base64url');
    this.toDraw.set(key, draw);
    try {
      return this.kept.get(key);
    } finally {
      this.toDraw.delete(key);
    }
  }

  private queue(key: string): Promise<Buffer> {
    const draw = this.toDraw.get(key)!;
    if (this.limit.activeCount >= this.limit.concurrency && this.limit.pendingCount >= this.maxWaiting) {
      return Promise.reject(new ServiceUnavailableError('report_busy', 10));
    }
    return this.limit(async () => {
      this.drawn += 1;
      return draw();
    });
  }
}

/** The one per process: all reports a process draws share its limit. */
export const reportRenders = new KeptRenders();

// The public reservation path of the JSON API, lean for Qingming morning. On SQLite every commit waits for the disk
// (WAL, synchronous=FULL: an acknowledged booking survives a power cut) and blocks the process meanwhile, so the
// requests that arrive together are committed together: each in a savepoint of one transaction, answered only once
// that transaction is on disk (a group commit). Each reservation is still decided by its own conditional statement, in
// arrival order; a refusal rolls back its own savepoint only. PostgreSQL commits concurrent transactions in groups by
// itself, so there each request runs on its own as before. docs/BENCHMARKS.md, "Qingming burst".
import type { Knex } from 'knex';
import { dialectOf } from '../db.js';
import { AppError, TooManyRequestsError } from '../http/errors.js';
import { countRequest } from './api-store.js';

/** Work of one request: given the transaction (or the database on PostgreSQL) it runs in. */
export type Work<T> = (trx: Knex) => Promise<T>;

interface Queued {
  work: Work<unknown>;
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** The most requests one commit takes: a bound on the latency of the first of them. */
const MAX_GROUP = 256;

/** Runs work on the database, SQLite requests that arrive while a commit is under way committed together. */
export class CommitGroup {
  private queue: Queued[] = [];
  private running = false;
  /** Whether requests are grouped (SQLite); otherwise each work runs on the database directly. */
  readonly grouped: boolean;

  constructor(private readonly db: Knex) {
    this.grouped = dialectOf(db) === 'sqlite';
  }

  run<T>(work: Work<T>): Promise<T> {
    if (!this.grouped) return work(this.db);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /**
   * Commits what is queued, group after group. Each group starts after the event loop has read what arrived meanwhile
   * (setImmediate runs after the poll phase): better-sqlite3 blocks the loop while it commits, so the requests sent
   * during a commit are all read at once afterwards, and go in the next group together.
   */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, MAX_GROUP);
        const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
        try {
          await this.db.transaction(async (trx) => {
            for (const q of group) {
              try {
                outcomes.push({ ok: true, value: await trx.transaction((sp) => q.work(sp)) });
              } catch (error) {
                outcomes.push({ ok: false, error });
              }
            }
          });
        } catch (err) {
          for (const q of group) q.reject(err); // nothing of the group was committed
          continue;
        }
        group.forEach((q, i) => {
          const o = outcomes[i];
          if (o.ok) q.resolve(o.value);
          else q.reject(o.error);
        });
        await new Promise((r) => setImmediate(r));
      }
    } finally {
      this.running = false;
    }
  }
}

/**
 * One request counted against its address (the shared per-address limit, `prefix`) and then its work, in one commit
 * on SQLite: the count stands even when the work is refused (the work's own transactions are undone, not the count).
 */
export async function limitedRun<T>(
  group: CommitGroup,
  limit: { prefix: string; address: string; points: number; now: () => number },
  work: Work<T>,
): Promise<T> {
  const outcome = await group.run(async (trx) => {
    const now = limit.now();
    const c = await countRequest(trx, `${limit.prefix}:${limit.address}`, 60_000, now);
    if (c.points > limit.points)
      return { error: new TooManyRequestsError('too_many_requests', Math.max(0, c.expire - now) / 1000) };
    try {
      // No savepoint around the work: its writes are in transactions of their own (savepoints here) that a refusal
      // undoes, while an idempotent request's kept refusal must stay.
      return { value: await work(trx) };
    } catch (err) {
      if (err instanceof AppError) return { error: err };
      throw err;
    }
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

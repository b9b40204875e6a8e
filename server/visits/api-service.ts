// The public reservation path of the JSON API, lean for Qingming morning. On SQLite every commit waits for the disk
// (WAL, synchronous=FULL: an acknowledged booking survives a power cut) and blocks the process meanwhile, so the
// requests that arrive together are committed together: each in a savepoint of one transaction, answered only once
// that transaction is on disk (a group commit). Each reservation is still decided by its own conditional statement, in
// arrival order; a refusal rolls back its own savepoint only. PostgreSQL commits concurrent transactions in groups by
// itself, so there each request runs on its own as before. docs/BENCHMARKS.md, "Qingming burst".
//
// On SQLite a reservation without an Idempotency-Key runs on the connection itself (reserveNow, SqliteBookings in
// api-store.ts): the rules of service.ts's reserve(), its statements compiled once, no knex objects per request.
import type { Knex } from 'knex';
import { dialectOf, isUniqueViolation } from '../db.js';
import { AppError, NotFoundError, TooManyRequestsError } from '../http/errors.js';
import { countRequest, SqliteBookings, sqliteConnection } from './api-store.js';
import type { Reservation } from './kinds.js';
import type { ReservationInput } from './schemas.js';
import {
  checkAgainstSettings,
  lastBookableDate,
  newCode,
  refusalOf,
  secondsToMidnight,
  windowStateAt,
  type Booked,
} from './service.js';

/** Work of one request: given the transaction (or the database on PostgreSQL) it runs in. */
export type Work<T> = (trx: Knex) => Promise<T>;

/** Work of one request on SQLite that runs on the connection itself, synchronously (SqliteBookings). */
export type WorkNow<T> = (bookings: SqliteBookings) => T;

interface Queued {
  work?: Work<unknown>;
  now?: WorkNow<unknown>;
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
    return this.enqueue<T>({ work });
  }

  /** Runs work on SQLite's connection in the next group (in a savepoint of its own); only when `grouped`. */
  runNow<T>(now: WorkNow<T>): Promise<T> {
    if (!this.grouped) throw new Error('CommitGroup.runNow is for SQLite');
    return this.enqueue<T>({ now });
  }

  private enqueue<T>(q: Pick<Queued, 'work' | 'now'>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ ...q, resolve: resolve as (v: unknown) => void, reject });
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
            let bookings: SqliteBookings | undefined;
            for (const q of group) {
              try {
                if (q.now) {
                  bookings ??= new SqliteBookings(await sqliteConnection(trx));
                  const b = bookings;
                  outcomes.push({ ok: true, value: b.savepoint('request', () => q.now!(b)) });
                } else outcomes.push({ ok: true, value: await trx.transaction((sp) => q.work!(sp)) });
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

/** limitedRun for work on SQLite's connection (CommitGroup.runNow): the count stands when the work is refused. */
export async function limitedNow<T>(
  group: CommitGroup,
  limit: { prefix: string; address: string; points: number; now: () => number },
  work: WorkNow<T>,
): Promise<T> {
  const outcome = await group.runNow((b) => {
    const now = limit.now();
    const c = b.countRequest(`${limit.prefix}:${limit.address}`, 60_000, now);
    if (c.points > limit.points)
      return { error: new TooManyRequestsError('too_many_requests', Math.max(0, c.expire - now) / 1000) };
    try {
      return { value: work(b) };
    } catch (err) {
      if (err instanceof AppError) return { error: err };
      throw err;
    }
  });
  if ('error' in outcome) throw outcome.error;
  return outcome.value;
}

/**
 * A family's booking (the public channel) on SQLite's connection: service.ts's reserve() statement for statement —
 * the window and its facility's rules read at once, the phone (and ID) counted against the daily limits, the places
 * taken by the conditional update and the reservation written, in a savepoint undone whole when any part says no.
 * Throws the same errors as reserve().
 */
export function reserveNow(b: SqliteBookings, windowId: number, input: ReservationInput, now = new Date()): Booked {
  const found = b.windowWithSettings(windowId);
  if (!found) throw new NotFoundError('visit_window_not_found');
  const { window: w, settings: s } = found;
  checkAgainstSettings(input, s);
  const nowText = now.toISOString();
  const when = { lastDate: lastBookableDate(s, now), now: nowText };
  const state = windowStateAt(w, input.party_size, nowText, when.lastDate);
  if (state === 'past' || state === 'closed' || state === 'not_open') throw refusalOf(w, s, now, input.party_size);
  const day = { facility_id: w.facility_id, visit_date: w.visit_date };
  for (let attempt = 0; ; attempt++) {
    const row = {
      code: newCode(),
      window_id: windowId,
      name: input.name,
      phone: input.phone,
      id_number: s.id_required ? (input.id_number ?? null) : null,
      party_size: input.party_size,
      visiting: input.visiting ?? null,
      car_plate: s.has_parking ? (input.car_plate ?? null) : null,
      channel: 'public' as const,
      booked_by: null,
      created_at: nowText,
    };
    try {
      const id = b.savepoint('booking', () => {
        if (!b.countDay({ ...day, kind: 'phone', subject: input.phone }, s.max_per_phone_day))
          throw new TooManyRequestsError('visit_phone_limit', secondsToMidnight(now));
        if (s.id_required && input.id_number)
          if (!b.countDay({ ...day, kind: 'id_number', subject: input.id_number }, s.max_per_id_day))
            throw new TooManyRequestsError('visit_id_limit', secondsToMidnight(now));
        const reservationId = b.reserve(row, when);
        if (reservationId === undefined) throw refusalOf(b.window(windowId), s, now, input.party_size);
        return reservationId;
      });
      const reservation: Reservation = {
        ...row,
        id,
        facility_id: w.facility_id,
        visit_date: w.visit_date,
        status: 'booked',
        cancelled_at: null,
        arrived_at: null,
        checked_in_by: null,
      };
      return { reservation, window: w, facilityName: found.facilityName };
    } catch (err) {
      if (attempt < 3 && isUniqueViolation(err)) continue;
      throw err;
    }
  }
}

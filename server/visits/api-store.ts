// The per-address count of the visit API, written in the same rows as the per-address limit (server/http/rate-limit.ts,
// rate-limiter-flexible's `rate_limits`: key `prefix:address`, points, expiry in epoch ms), so both share one allowance;
// here it can run inside the caller's transaction (the SQLite commit group of api-service.ts).
//
// And the public booking's statements on SQLite, run on better-sqlite3's own connection inside the commit group's
// transaction (SqliteBookings): the same statements as store.ts and countRequest below, compiled once (db.ts keeps
// them by their text) and run without knex's query builder and transaction objects, which took most of a Qingming
// reservation's CPU (docs/BENCHMARKS.md, "Qingming burst"). better-sqlite3 runs each statement to its end at once,
// so a reservation here is synchronous from its first statement to its last.
import type { Knex } from 'knex';
import type { DayCountKind, VisitSettings, VisitWindow } from './kinds.js';
import { settingsRow, windowColumns, windowRow, type BookableWhen, type NewReservation } from './store.js';

const COUNT_REQUEST = `INSERT INTO rate_limits (key, points, expire) VALUES (?, 1, ?)
     ON CONFLICT (key) DO UPDATE SET
       points = CASE WHEN rate_limits.expire > ? THEN rate_limits.points + 1 ELSE 1 END,
       expire = CASE WHEN rate_limits.expire > ? THEN rate_limits.expire ELSE excluded.expire END
     RETURNING points, expire`;

/** Counts one request of `key` in a window of `durationMs` from its first; returns the count and when it resets. */
export async function countRequest(
  trx: Knex,
  key: string,
  durationMs: number,
  nowMs: number,
): Promise<{ points: number; expire: number }> {
  const out = await trx.raw(COUNT_REQUEST, [key, nowMs + durationMs, nowMs, nowMs]);
  const [row] = (Array.isArray(out) ? out : out.rows) as { points: number | string; expire: number | string }[];
  return { points: Number(row.points), expire: Number(row.expire) };
}

/** What this file uses of a better-sqlite3 connection and its statements. */
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
}
interface SqliteStatement {
  get(...params: unknown[]): Record<string, unknown> | undefined;
  run(...params: unknown[]): unknown;
}

/** The SQLite connection a knex transaction runs on: statements run on it are in that transaction. */
export async function sqliteConnection(trx: Knex): Promise<SqliteConnection> {
  return (trx.client as { acquireConnection(): Promise<SqliteConnection> }).acquireConnection();
}

const WINDOW_WITH_SETTINGS = `SELECT ${windowColumns.map((c) => `w.${c}`).join(', ')}, f.name AS facility_name,
       s.facility_id AS settings_of, s.open_percent, s.book_ahead_days, s.max_per_phone_day, s.id_required,
       s.max_per_id_day, s.max_party_size, s.has_parking
  FROM visit_windows w JOIN facilities f ON f.id = w.facility_id
  LEFT JOIN visit_settings s ON s.facility_id = w.facility_id
 WHERE w.id = ?`;
const WINDOW = `SELECT ${windowColumns.join(', ')} FROM visit_windows WHERE id = ?`;
const COUNT_DAY = `INSERT INTO visit_day_counts (facility_id, visit_date, kind, subject, count) VALUES (?, ?, ?, ?, 1)
     ON CONFLICT (facility_id, visit_date, kind, subject)
     DO UPDATE SET count = visit_day_counts.count + 1 WHERE visit_day_counts.count < ?
     RETURNING count`;
const TAKE = `UPDATE visit_windows SET booked = booked + ?
  WHERE id = ? AND status = 'open' AND booked + ? <= capacity AND visit_date <= ? AND ends_at > ?
  RETURNING facility_id, visit_date`;
const INSERT_RESERVATION = `INSERT INTO visit_reservations (code, window_id, facility_id, visit_date, name, phone,
       id_number, party_size, visiting, car_plate, status, channel, booked_by, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', ?, ?, ?) RETURNING id`;

/** A savepoint's name: letters only, never from input. */
type SavepointName = 'request' | 'booking';

/** The public booking's statements on one SQLite connection, in the transaction that holds it. */
export class SqliteBookings {
  constructor(private readonly conn: SqliteConnection) {}

  /** countRequest, on this connection. */
  countRequest(key: string, durationMs: number, nowMs: number): { points: number; expire: number } {
    const row = this.conn.prepare(COUNT_REQUEST).get(key, nowMs + durationMs, nowMs, nowMs)!;
    return { points: Number(row.points), expire: Number(row.expire) };
  }

  /** store.windowWithSettings, on this connection. */
  windowWithSettings(id: number): { window: VisitWindow; settings: VisitSettings; facilityName: string } | undefined {
    const r = this.conn.prepare(WINDOW_WITH_SETTINGS).get(id);
    if (!r) return undefined;
    const w = windowRow(r);
    return {
      window: w,
      settings: settingsRow(r.settings_of == null ? undefined : r, w.facility_id),
      facilityName: String(r.facility_name),
    };
  }

  /** store.window, on this connection. */
  window(id: number): VisitWindow | undefined {
    const r = this.conn.prepare(WINDOW).get(id);
    return r ? windowRow(r) : undefined;
  }

  /** store.countDay, on this connection: true when counted (the limit was not reached). */
  countDay(
    key: { facility_id: number; visit_date: string; kind: DayCountKind; subject: string },
    limit: number,
  ): boolean {
    return (
      this.conn.prepare(COUNT_DAY).get(key.facility_id, key.visit_date, key.kind, key.subject, limit) !== undefined
    );
  }

  /**
   * store.reserve on SQLite: the conditional update takes the places (its WHERE decides), then the reservation is
   * written; one writer at a time, in the caller's savepoint. The new id, or undefined when the window refused.
   */
  reserve(r: NewReservation, when: BookableWhen): number | undefined {
    const taken = this.conn.prepare(TAKE).get(r.party_size, r.window_id, r.party_size, when.lastDate, when.now);
    if (!taken) return undefined;
    const row = this.conn
      .prepare(INSERT_RESERVATION)
      .get(
        r.code,
        r.window_id,
        taken.facility_id,
        taken.visit_date,
        r.name,
        r.phone,
        r.id_number,
        r.party_size,
        r.visiting,
        r.car_plate,
        r.channel,
        r.booked_by,
        r.created_at,
      )!;
    return Number(row.id);
  }

  /** Runs `work` in a savepoint: kept when it returns, undone when it throws (and the error thrown on). */
  savepoint<T>(name: SavepointName, work: () => T): T {
    this.conn.prepare(`SAVEPOINT ${name}`).run();
    let value: T;
    try {
      value = work();
    } catch (err) {
      this.conn.prepare(`ROLLBACK TO ${name}`).run();
      this.conn.prepare(`RELEASE ${name}`).run();
      throw err;
    }
    this.conn.prepare(`RELEASE ${name}`).run();
    return value;
  }
}

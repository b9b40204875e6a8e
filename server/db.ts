// The knex instance: SQLite (better-sqlite3) by default, PostgreSQL when DATABASE_URL is set.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import knex, { type Knex } from 'knex';
import pg from 'pg';
import type { Config } from './config.js';

export type Db = Knex;
export type Dialect = 'sqlite' | 'postgres';

// Uniform values from both drivers: counts as numbers, dates as 'YYYY-MM-DD', instants as ISO strings in UTC.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));
pg.types.setTypeParser(1082, (v) => v);
pg.types.setTypeParser(1184, (v) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v) => new Date(`${v}Z`).toISOString());

export interface DbOptions {
  databaseUrl?: string;
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests give each suite its own). */
  searchPath?: string;
  poolMax?: number;
}

export function createDb(opts: DbOptions): Db {
  if (opts.databaseUrl) {
    return knex({
      client: 'pg',
      connection: opts.databaseUrl,
      searchPath: opts.searchPath ? [opts.searchPath] : undefined,
      pool: { min: 0, max: opts.poolMax ?? 10 },
    });
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      // WAL with synchronous=FULL: an acknowledged booking survives a power cut (DESIGN.md, Principles).
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        keepStatements(conn);
        conn.pragma('journal_mode = WAL');
        conn.pragma('synchronous = FULL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 10000');
        done(null, conn);
      },
    },
  });
  beginImmediate(db);
  return db;
}

interface SqliteConnection {
  pragma(s: string): unknown;
  prepare(sql: string): unknown;
}

/** How many compiled statements a SQLite connection keeps (the app's queries are a few hundred distinct texts). */
export const KEPT_STATEMENTS = 500;

/**
 * Keeps the SQLite connection's compiled statements by their text: knex asks better-sqlite3 to compile every query
 * anew, which took a fifth of the front desk dashboard's CPU. A statement is the query's plan, never its rows, and
 * SQLite compiles it again by itself when the schema changes, so nothing kept here can show stale data. Knex runs a
 * statement to its end (all() or run()) before the next starts, so one statement object is never in use twice.
 */
function keepStatements(conn: SqliteConnection): void {
  const compile = conn.prepare.bind(conn);
  const kept = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = kept.get(sql);
    if (statement === undefined) {
      statement = compile(sql);
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
      kept.set(sql, statement);
    }
    return statement;
  };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE, taking the write lock at once. With knex's plain BEGIN a
 * transaction that reads before it writes cannot upgrade its lock when another process (a second app process, or
 * a command-line script next to the server) wrote meanwhile, and fails with "database is locked" instead of
 * waiting out the busy timeout. Knex has no option for this, so its SQLite transaction class is extended.
 */
function beginImmediate(db: Knex): void {
  const require = createRequire(import.meta.url);
  const Base = require('knex/lib/dialects/sqlite3/execution/sqlite-transaction.js') as new (...args: unknown[]) => {
    query(conn: unknown, sql: string): Promise<unknown>;
  };
  class ImmediateTransaction extends Base {
    begin(conn: unknown) {
      return this.query(conn, 'BEGIN IMMEDIATE;');
    }
  }
  const client = db.client as { transaction: (...args: unknown[]) => unknown };
  client.transaction = function transaction(this: unknown, ...args: unknown[]) {
    return new ImmediateTransaction(this, ...args);
  };
}

/** What the deferred commits use of a better-sqlite3 connection. */
export interface SqliteHandle {
  pragma(s: string, options?: { simple?: boolean }): unknown;
  prepare(sql: string): {
    run(...params: unknown[]): unknown;
    get(...params: unknown[]): Record<string, unknown> | undefined;
  };
  readonly name: string;
  readonly memory: boolean;
  readonly inTransaction: boolean;
}

/** The SQLite connection of `db` (its pool holds one), for work that runs on better-sqlite3 directly. */
export async function withSqliteConnection<T>(db: Db, fn: (conn: SqliteHandle) => T): Promise<T> {
  const client = db.client as {
    acquireConnection(): Promise<SqliteHandle>;
    releaseConnection(conn: SqliteHandle): Promise<void>;
  };
  const conn = await client.acquireConnection();
  try {
    return fn(conn);
  } finally {
    await client.releaseConnection(conn);
  }
}

/**
 * A transaction committed on SQLite without waiting for the disk on the event loop, and a promise that settles once
 * it is on disk: what synchronous=FULL gives, with the wait in libuv's thread pool. The commit runs under
 * synchronous=NORMAL (in WAL mode: the same commit, the WAL not synced; consistent after a crash, the last commits
 * perhaps lost), the connection goes back to FULL at once, and the WAL file is then synced (fdatasync) off the loop
 * by `WalSync`. Nothing may be acknowledged before `durable` settles: that is the caller's half of the bargain.
 * A checkpoint that runs at this commit syncs the WAL and the database file itself, as under FULL.
 * docs/ARCHITECTURE.md, "Durability on SQLite".
 */
export function commitDeferred<T>(
  conn: SqliteHandle,
  sync: WalSync,
  work: () => T,
): { value: T; durable: Promise<void> } {
  if (conn.inTransaction) throw new Error('commitDeferred: the connection is already in a transaction');
  conn.pragma('synchronous = NORMAL');
  let value: T;
  try {
    conn.prepare('BEGIN IMMEDIATE').run();
    try {
      value = work();
      conn.prepare('COMMIT').run();
    } catch (err) {
      if (conn.inTransaction) conn.prepare('ROLLBACK').run();
      throw err;
    }
  } finally {
    conn.pragma('synchronous = FULL');
  }
  return { value, durable: sync.sync(conn) };
}

/**
 * Syncs SQLite's WAL file off the event loop, callers sharing syncs: while one runs, every caller that comes waits for
 * the next, which starts when it ends and covers all of them (a group commit of the fdatasync itself). The file is
 * opened by name at each sync, so a WAL that SQLite truncated or restarted is still the one synced. An in-memory
 * database has nothing to sync.
 */
export class WalSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  sync(conn: Pick<SqliteHandle, 'name' | 'memory'>): Promise<void> {
    if (conn.memory) return Promise.resolve();
    const file = `${conn.name}-wal`;
    if (!this.running) return this.start(file);
    // A sync under way may have started before this caller's commit: wait for the one after it.
    this.next ??= this.running.then(
      () => this.start(file),
      () => this.start(file),
    );
    return this.next;
  }

  private start(file: string): Promise<void> {
    this.next = undefined;
    const run = (async () => {
      const handle = await fs.promises.open(file, 'r');
      try {
        await handle.datasync();
      } finally {
        await handle.close();
      }
    })();
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}

export function dbFromConfig(config: Config): Db {
  return createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'shian.sqlite') });
}

export function dialectOf(db: Db): Dialect {
  return db.client.config.client === 'pg' ? 'postgres' : 'sqlite';
}

/** One round trip to the database, for the health check. */
export async function ping(db: Db): Promise<void> {
  await db.raw('select 1');
}

/** True when err is a unique-constraint violation from either driver. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when err is PostgreSQL refusing a row that overlaps another under an exclusion constraint (SQLite has none). */
export function isExclusionViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === '23P01';
}

/** True when err is a CHECK constraint refusing a row, from either driver. */
export function isCheckViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e?.code === '23514' || e?.code === 'SQLITE_CONSTRAINT_CHECK';
}

/**
 * The name of the constraint or index that refused a row, as far as the driver tells: PostgreSQL names it; SQLite
 * names a CHECK ("CHECK constraint failed: name") and lists a unique index's columns ("UNIQUE constraint failed:
 * table.column, …"), which is what this returns then.
 */
export function violatedConstraint(err: unknown): string {
  const e = err as { constraint?: string; message?: string };
  return e?.constraint ?? /(?:CHECK|UNIQUE) constraint failed: (.*)$/m.exec(e?.message ?? '')?.[1] ?? '';
}

export const nowIso = (): string => new Date().toISOString();

/** Booleans come back as 0/1 from SQLite and true/false from PostgreSQL. */
export const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';

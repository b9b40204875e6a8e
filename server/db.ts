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

export function dbFromConfig(config: Config): Db {
  return createDb({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'shian.sqlite') });
}

export function dialectOf(db: Db): Dialect {
  return db.client.config.client === 'pg' ? 'postgres' : 'sqlite';
}

/**
 * Lets SQLite's planner know how rows spread over each index (ANALYZE, as SQLite itself advises for a long-lived
 * connection: `optimize=0x10002` once the schema and data are in place, then plain `optimize` now and then, which
 * looks again only where tables grew or shrank a lot). Without those counts the planner guesses: on a home with
 * 20,000 finished cases it read every one of them through (facility, created at) for the few under way, though an
 * index on (facility, status) was there (docs/BENCHMARKS.md, "The front desk's dashboard over the years").
 * PostgreSQL keeps its own counts (autovacuum's ANALYZE): nothing to do there.
 */
export async function optimizePlanner(db: Db, opts: { atStart?: boolean } = {}): Promise<void> {
  if (dialectOf(db) !== 'sqlite') return;
  await db.raw(opts.atStart ? 'PRAGMA optimize=0x10002' : 'PRAGMA optimize');
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

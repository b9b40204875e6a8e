// Builds the real app on a fresh database (SQLite file or a PostgreSQL schema of its own) and listens on an
// ephemeral port. SHIAN_TEST_DIALECT picks the database; scripts/test.ts runs every suite on both.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { seedDemo } from '../../db/seeds/demo.js';
import { buildApp } from '../../server/app.js';
import type { Clock } from '../../server/cache.js';
import { loadConfig, type Config } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { createDb, type Db, type Dialect } from '../../server/db.js';
import type { RouteDef } from '../../server/http/routes.js';
import { prepare } from '../../server/startup.js';

export const DEMO_PASSWORD = 'demo-pass-2026';

export const dialect: Dialect = process.env.SHIAN_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

export interface TestDb {
  db: Db;
  drop(): Promise<void>;
  sqliteFile?: string;
  databaseUrl?: string;
  schema?: string;
}

/** A fresh, empty database on the dialect under test. */
export async function freshDb(): Promise<TestDb> {
  if (dialect === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('SHIAN_TEST_DIALECT=postgres needs TEST_DATABASE_URL');
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = createDb({ databaseUrl: url, poolMax: 1 });
    await admin.raw(`CREATE SCHEMA ${schema}`);
    await admin.destroy();
    const db = createDb({ databaseUrl: url, searchPath: schema, poolMax: 20 });
    return {
      db,
      databaseUrl: url,
      schema,
      async drop() {
        await db.destroy();
        const a = createDb({ databaseUrl: url, poolMax: 1 });
        await a.raw(`DROP SCHEMA ${schema} CASCADE`);
        await a.destroy();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shian-test-'));
  const sqliteFile = path.join(dir, 'test.sqlite');
  const db = createDb({ sqliteFile });
  return {
    db,
    sqliteFile,
    async drop() {
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
  return {
    ...base,
    testing: true,
    demoPassword: DEMO_PASSWORD,
    login: { maxFailures: 3, lockMinutes: 15, ipLimitPer15Min: 1000 },
    // Suites send thousands of public requests from one address; the limit's own tests set a small one.
    publicRatePerMinute: 1_000_000,
    ...overrides,
  };
}

export interface TestApp {
  url: string;
  ctx: AppContext;
  db: Db;
  testDb: TestDb;
  routes: RouteDef[];
  close(): Promise<void>;
}

export interface StartOptions {
  seed?: boolean;
  config?: Partial<Config>;
  testDb?: TestDb;
  clock?: Clock;
  /** Where the app logs (default: nowhere). */
  log?: Logger;
}

/** A clock that moves only when a test moves it (wall-clock milliseconds, starting now). */
export class ManualClock implements Clock {
  constructor(private t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Starts the app; with seed (the default) it carries the demo data: Liupanshui, sample facilities, one user per role. */
export async function startApp(opts: StartOptions = {}): Promise<TestApp> {
  const testDb = opts.testDb ?? (await freshDb());
  const config = testConfig(opts.config);
  const ctx = await prepare(testDb.db, config, opts.log ?? pino({ level: 'silent' }), opts.clock);
  if (opts.seed !== false) await seedDemo(testDb.db, { password: DEMO_PASSWORD });
  const app = buildApp(ctx);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    ctx,
    db: testDb.db,
    testDb,
    routes: app.locals.routes as RouteDef[],
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      if (!opts.testDb) await testDb.drop();
    },
  };
}

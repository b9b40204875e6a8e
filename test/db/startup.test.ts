// Several app processes starting together on one new database: one migrates and seeds, the others wait and
// find the work done; nothing is duplicated.
import { expect } from 'chai';
import { pino } from 'pino';
import { seedDemo } from '../../db/seeds/demo.js';
import { createDb } from '../../server/db.js';
import { prepare } from '../../server/startup.js';
import { dialect, freshDb, testConfig, DEMO_PASSWORD, type TestDb } from '../helpers/app.js';

describe(`db: concurrent first start (${dialect})`, () => {
  let t: TestDb;
  before(async () => { t = await freshDb(); });
  after(() => t.drop());

  it('three processes starting at once leave one set of demo data and one shared secret', async () => {
    // each "process" has its own connection pool, as separate processes would
    const pools = [0, 1, 2].map(() => createDb({ databaseUrl: t.databaseUrl, searchPath: t.schema, sqliteFile: t.sqliteFile }));
    try {
      const results = await Promise.all(pools.map(async (db) => {
        const ctx = await prepare(db, testConfig(), pino({ level: 'silent' }));
        const seeded = await seedDemo(db, { password: DEMO_PASSWORD });
        return { secret: ctx.secret, created: seeded.created };
      }));
      expect(results.filter((r) => r.created)).to.have.length(1);
      expect(new Set(results.map((r) => r.secret)).size).to.equal(1);
      const count = async (table: string) => Number((await t.db(table).count({ n: '*' }))[0].n);
      expect(await count('users')).to.equal(4);
      expect(await count('facilities')).to.equal(8);
      expect(await count('regions')).to.equal(1250);
    } finally {
      await Promise.all(pools.map((p) => p.destroy()));
    }
  });

  it('runs SQLite with WAL, synchronous=FULL and foreign keys; PostgreSQL with synchronous_commit on', async () => {
    if (dialect === 'sqlite') {
      const one = async (sql: string) => Object.values((await t.db.raw(sql))[0])[0];
      expect(await one('PRAGMA journal_mode')).to.equal('wal');
      expect(await one('PRAGMA synchronous')).to.equal(2); // FULL
      expect(await one('PRAGMA foreign_keys')).to.equal(1);
    } else {
      const r = await t.db.raw('SHOW synchronous_commit');
      expect(r.rows[0].synchronous_commit).to.equal('on');
    }
  });
});

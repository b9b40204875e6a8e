// Several app processes (real ones) starting together on one new database: one migrates and seeds, the others wait and
// find the work done; nothing is duplicated.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { migrateLatest } from '../../db/migrate.js';
import { dialect, freshDb, type TestDb } from '../helpers/app.js';

describe(`db: concurrent first start (${dialect})`, () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb();
  });
  after(() => t.drop());

  it('three processes starting at once leave one set of demo data and one shared secret', async function () {
    // Three real processes on two cores, each compiling the migrations when the checkout is new.
    this.timeout(180_000);
    const env = {
      ...process.env,
      FIRST_START_URL: t.databaseUrl ?? '',
      FIRST_START_SCHEMA: t.schema ?? '',
      FIRST_START_FILE: t.sqliteFile ?? '',
    };
    const run = () =>
      new Promise<{ secret: string; created: boolean }>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'test/helpers/first-start.ts'],
          { env },
          (err, stdout, stderr) =>
            err
              ? reject(new Error(`${err.message}\n${stderr}`))
              : resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')),
        );
      });
    const results = await Promise.all([run(), run(), run()]);
    expect(results.filter((r) => r.created)).to.have.length(1);
    expect(new Set(results.map((r) => r.secret)).size).to.equal(1);
    const count = async (table: string) => Number((await t.db(table).count({ n: '*' }))[0].n);
    expect(await count('users')).to.equal(5); // one demo account per role
    expect(await count('facilities')).to.equal(172); // db/seeds/demo.ts and demo-coverage.ts
    expect(await count('regions')).to.equal(1250);
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

  it("migrates on SQLite when two processes' first start left knex's lock table with two rows", async function () {
    if (dialect !== 'sqlite') return this.skip(); // PostgreSQL's migrations run under an advisory lock: no such race
    await migrateLatest(t.db); // this suite's database migrated (a no-op after the test above)
    // What knex's read-then-insert of the lock row leaves when two processes do it at once.
    await t.db('knex_migrations_lock').insert({ is_locked: 0 });
    expect(await t.db('knex_migrations_lock').count({ n: '*' })).to.deep.equal([{ n: 2 }]);
    const applied = await migrateLatest(t.db);
    expect(applied).to.deep.equal([]);
    expect(await t.db('knex_migrations_lock').select('is_locked')).to.deep.equal([{ is_locked: 0 }]);
  });
});

// SQLite's deferred commit (server/db.ts, commitDeferred and WalSync): committed at once under synchronous=NORMAL, the
// connection back to FULL, the WAL synced off the event loop, syncs shared by the callers that wait together.
// SQLite only: PostgreSQL commits with its own group commit and has no WAL file of ours to sync.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { commitDeferred, createDb, WalSync, withSqliteConnection, type SqliteHandle } from '../../server/db.js';
import { dialect } from '../helpers/app.js';

/** The synchronous setting of the connection: 1 NORMAL, 2 FULL. */
const synchronous = (conn: SqliteHandle) => Number(conn.pragma('synchronous', { simple: true }));

describe('db: deferred commits on SQLite (commitDeferred, WalSync)', function () {
  let dir: string;
  let db: Knex;
  let other: Knex;

  before(async function () {
    if (dialect !== 'sqlite') return this.skip(); // SQLite's own WAL and pragmas; PostgreSQL has neither
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shian-deferred-'));
    db = createDb({ sqliteFile: path.join(dir, 'd.sqlite') });
    other = createDb({ sqliteFile: path.join(dir, 'd.sqlite') });
    await db.schema.createTable('t', (t) => {
      t.integer('n').primary();
    });
  });
  after(async () => {
    await db?.destroy();
    await other?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('commits at once (another connection reads the row), puts the connection back to FULL, then syncs', async () => {
    const sync = new WalSync();
    const { value, durable } = await withSqliteConnection(db, (conn) => {
      expect(synchronous(conn)).to.equal(2);
      const out = commitDeferred(conn, sync, () => {
        expect(synchronous(conn)).to.equal(1);
        conn.prepare('INSERT INTO t (n) VALUES (?)').run(1);
        return 'done';
      });
      expect(synchronous(conn)).to.equal(2);
      expect(conn.inTransaction).to.equal(false);
      return out;
    });
    expect(value).to.equal('done');
    expect(await other('t').where({ n: 1 }).first()).to.deep.equal({ n: 1 });
    await durable;
  });

  it('rolls the whole transaction back when the work throws, and leaves FULL and no transaction open', async () => {
    const sync = new WalSync();
    let thrown: unknown;
    await withSqliteConnection(db, (conn) => {
      try {
        commitDeferred(conn, sync, () => {
          conn.prepare('INSERT INTO t (n) VALUES (?)').run(2);
          conn.prepare('INSERT INTO t (n) VALUES (?)').run(1); // the primary key refuses it
        });
      } catch (err) {
        thrown = err;
      }
      expect(synchronous(conn)).to.equal(2);
      expect(conn.inTransaction).to.equal(false);
    });
    expect((thrown as { code?: string }).code).to.equal('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(await other('t').where({ n: 2 }).first()).to.equal(undefined);
  });

  it('refuses to run inside a transaction already open on the connection', async () => {
    await withSqliteConnection(db, (conn) => {
      conn.prepare('BEGIN').run();
      try {
        expect(() => commitDeferred(conn, new WalSync(), () => 0)).to.throw(/already in a transaction/);
        expect(synchronous(conn)).to.equal(2);
      } finally {
        conn.prepare('ROLLBACK').run();
      }
    });
  });

  it('shares syncs: callers that come while one runs all wait for the next one, which starts after it', async () => {
    const sync = new WalSync();
    const conn = { name: path.join(dir, 'd.sqlite'), memory: false };
    const first = sync.sync(conn);
    const second = sync.sync(conn);
    const third = sync.sync(conn);
    expect(second).to.not.equal(first);
    expect(third).to.equal(second);
    const order: string[] = [];
    await Promise.all([first.then(() => order.push('first')), second.then(() => order.push('second'))]);
    expect(order).to.deep.equal(['first', 'second']);
    // Nothing running any more: the next caller starts a sync of its own.
    const fourth = sync.sync(conn);
    expect(fourth).to.not.equal(second);
    await fourth;
  });

  it('rejects when the WAL cannot be synced, and has nothing to sync for an in-memory database', async () => {
    const sync = new WalSync();
    let error: unknown;
    await sync.sync({ name: path.join(dir, 'missing.sqlite'), memory: false }).catch((e: unknown) => (error = e));
    expect((error as { code?: string }).code).to.equal('ENOENT');
    await new WalSync().sync({ name: ':memory:', memory: true });
  });
});

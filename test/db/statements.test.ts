// SQLite connections keep their compiled statements by text (server/db.ts keepStatements): the same query is compiled
// once, a kept statement follows a schema change, and the number kept is bounded.
import { expect } from 'chai';
import { createDb, KEPT_STATEMENTS } from '../../server/db.js';

describe('db: SQLite keeps compiled statements, never their rows', () => {
  const db = createDb({ sqliteFile: ':memory:' });
  after(() => db.destroy());

  it('compiles a query text once per connection', async () => {
    const conn = (await db.client.acquireConnection()) as { prepare(sql: string): unknown };
    try {
      expect(conn.prepare('select 1 as one')).to.equal(conn.prepare('select 1 as one'));
      expect(conn.prepare('select 2 as two')).to.not.equal(conn.prepare('select 1 as one'));
    } finally {
      await db.client.releaseConnection(conn);
    }
  });

  it('answers with the rows and columns as they are now, after writes and after a schema change', async () => {
    await db.schema.createTable('kept_t', (t) => t.integer('a'));
    await db('kept_t').insert({ a: 1 });
    expect(await db('kept_t').select('*')).to.deep.equal([{ a: 1 }]);
    await db('kept_t').insert({ a: 2 });
    expect(await db('kept_t').select('*').orderBy('a')).to.deep.equal([{ a: 1 }, { a: 2 }]);
    await db.schema.alterTable('kept_t', (t) => t.integer('b').nullable());
    await db('kept_t').where({ a: 1 }).update({ b: 7 });
    expect(await db('kept_t').select('*').orderBy('a')).to.deep.equal([
      { a: 1, b: 7 },
      { a: 2, b: null },
    ]);
  });

  it(`keeps at most ${KEPT_STATEMENTS} statements, dropping the oldest`, async () => {
    const conn = (await db.client.acquireConnection()) as { prepare(sql: string): unknown };
    try {
      const first = conn.prepare('select 0 as n');
      for (let i = 1; i <= KEPT_STATEMENTS; i += 1) conn.prepare(`select ${i} as n`);
      expect(conn.prepare('select 0 as n')).to.not.equal(first);
      const last = conn.prepare(`select ${KEPT_STATEMENTS} as n`);
      expect(conn.prepare(`select ${KEPT_STATEMENTS} as n`)).to.equal(last);
    } finally {
      await db.client.releaseConnection(conn);
    }
  });
});

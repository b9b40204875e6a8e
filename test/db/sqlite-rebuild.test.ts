// db/sqlite-rebuild.ts: a SQLite table built again with a new rule keeps its rows, indexes, triggers, AUTOINCREMENT
// counter and the rows that refer to it (even through ON DELETE CASCADE), and a broken foreign key stops it.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { addChecks } from '../../db/constraints.js';
import { rebuildTable, withClauses } from '../../db/sqlite-rebuild.js';
import { createDb } from '../../server/db.js';
import { dialect } from '../helpers/app.js';

// SQLite only: PostgreSQL adds constraints with ALTER TABLE and never rebuilds a table.
(dialect === 'sqlite' ? describe : describe.skip)('db: rebuilding a SQLite table (sqlite)', () => {
  let db: Knex;

  beforeEach(async () => {
    db = createDb({ sqliteFile: ':memory:' });
    await db.raw('CREATE TABLE parent (id integer PRIMARY KEY AUTOINCREMENT, kind text NOT NULL, n integer)');
    await db.raw('CREATE INDEX parent_kind ON parent (kind)');
    await db.raw(
      'CREATE TABLE child (id integer PRIMARY KEY, parent_id integer NOT NULL REFERENCES parent (id) ON DELETE CASCADE)',
    );
    await db.raw('CREATE TABLE log (what text)');
    await db.raw(
      "CREATE TRIGGER parent_logged AFTER INSERT ON parent BEGIN INSERT INTO log VALUES ('parent ' || NEW.id); END",
    );
    await db('parent').insert([
      { kind: 'a', n: 1 },
      { kind: 'b', n: 2 },
      { kind: 'a', n: 3 },
    ]);
    await db('parent').where({ id: 3 }).del(); // AUTOINCREMENT remembers 3
    await db('child').insert([
      { id: 1, parent_id: 1 },
      { id: 2, parent_id: 2 },
    ]);
  });
  afterEach(() => db.destroy());

  /** As db/migrate.ts runs a migration: foreign keys off, one transaction. */
  async function migrating(fn: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
    await db.raw('PRAGMA foreign_keys = OFF');
    try {
      await db.transaction(fn);
    } finally {
      await db.raw('PRAGMA foreign_keys = ON');
    }
  }
  const failure = (p: PromiseLike<unknown>) =>
    Promise.resolve(p).then(
      () => '(accepted)',
      (e: Error) => e.message,
    );
  const sqlOf = async (name: string) =>
    ((await db('sqlite_master').where({ name }).first('sql')) as { sql: string } | undefined)?.sql;

  it('adds a CHECK and keeps rows, referring rows, indexes, triggers and the AUTOINCREMENT counter', async () => {
    await migrating((trx) => addChecks(trx, 'parent', [['parent_kind_in', "kind IN ('a', 'b')"]]));
    expect(await sqlOf('parent')).to.contain("CONSTRAINT parent_kind_in CHECK (kind IN ('a', 'b'))");
    expect(await db('parent').orderBy('id').select('id', 'kind', 'n')).to.deep.equal([
      { id: 1, kind: 'a', n: 1 },
      { id: 2, kind: 'b', n: 2 },
    ]);
    expect(await db('child').orderBy('id').select('id', 'parent_id')).to.deep.equal([
      { id: 1, parent_id: 1 },
      { id: 2, parent_id: 2 },
    ]);
    expect(await sqlOf('parent_kind')).to.equal('CREATE INDEX parent_kind ON parent (kind)');
    expect(await sqlOf('parent_logged')).to.contain('AFTER INSERT ON parent');

    expect(await failure(db('parent').insert({ kind: 'c' }))).to.match(/CHECK constraint failed: parent_kind_in/);
    const [row] = await db('parent').insert({ kind: 'b' }).returning('id');
    expect(row.id).to.equal(4);
    expect(await db('log').select('what')).to.deep.include({ what: 'parent 4' });
    // Foreign keys are on again and still point at the rebuilt table.
    expect(await failure(db('child').insert({ id: 3, parent_id: 99 }))).to.match(/FOREIGN KEY constraint failed/);
    await db('parent').where({ id: 1 }).del();
    expect(await db('child').pluck('id')).to.deep.equal([2]);
  });

  it('fills new columns from the old row', async () => {
    await migrating((trx) =>
      rebuildTable(trx, 'parent', {
        change: (sql) => sql.replace('n integer', 'n integer, twice integer'),
        fill: { twice: 'n * 2' },
      }),
    );
    expect(await db('parent').orderBy('id').pluck('twice')).to.deep.equal([2, 4]);
  });

  it('refuses existing rows that break the new rule, naming table and rule, and changes nothing', async () => {
    const before = await sqlOf('parent');
    const err = await migrating((trx) => addChecks(trx, 'parent', [['parent_kind_in', "kind IN ('a')"]])).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.contain('parent: 1 existing row(s) break the rule parent_kind_in');
    expect(await sqlOf('parent')).to.equal(before);
    expect(await db('parent').count({ n: '*' })).to.deep.equal([{ n: 2 }]);
  });

  it('stops when a row refers to one that is missing, and changes nothing', async () => {
    const err = await migrating(async (trx) => {
      await trx('parent').where({ id: 2 }).del(); // child 2 now points nowhere: allowed with foreign keys off
      await rebuildTable(trx, 'parent', { change: withClauses(['CONSTRAINT parent_n_small CHECK (n < 10)']) });
    }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).to.match(/rebuildTable\(parent\): 1 row\(s\) of child break a foreign key to parent/);
    expect(await db('parent').pluck('id')).to.deep.equal([1, 2]);
    expect(await sqlOf('parent')).to.not.contain('parent_n_small');
    expect(await db.raw('PRAGMA foreign_keys')).to.deep.equal([{ foreign_keys: 1 }]);
  });

  it('refuses to run with foreign keys on, which would delete the rows referring to the table', async () => {
    const err = await db
      .transaction((trx) =>
        rebuildTable(trx, 'parent', { change: withClauses(['CONSTRAINT parent_n_small CHECK (n < 10)']) }),
      )
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(err?.message).to.contain("needs SQLite's foreign keys off");
    expect(await db('child').count({ n: '*' })).to.deep.equal([{ n: 2 }]);
  });
});

// The front desk's lists of cases under way read the home's cases at those statuses through the index on (facility,
// status), not every case the home ever had (db/migrations/202612056000_funeral_cases_facility_status_index.ts).
// The plan of the very statements the dashboard sends is asked of the database; on PostgreSQL with sequential
// scans switched off for that transaction, since on a test's few rows a scan is cheapest and says nothing.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migrateLatest } from '../../db/migrate.js';
import { papersMissing } from '../../server/cases/checklist.js';
import { pickupsDue } from '../../server/cases/store.js';
import { dialect, freshDb, type TestDb } from '../helpers/app.js';

const INDEX = 'funeral_cases_facility_status';

/** The statements `read` sends, as knex logs them. */
async function statementsOf(db: Knex, read: () => Promise<unknown>): Promise<{ sql: string; bindings: unknown[] }[]> {
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const listen = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listen);
  try {
    await read();
  } finally {
    db.removeListener('query', listen);
  }
  return seen;
}

async function planOf(db: Knex, s: { sql: string; bindings: unknown[] }): Promise<string> {
  if (dialect === 'sqlite') {
    const rows = (await db.raw(`EXPLAIN QUERY PLAN ${s.sql}`, s.bindings as Knex.RawBinding[])) as { detail: string }[];
    return rows.map((r) => r.detail).join('\n');
  }
  return db.transaction(async (trx) => {
    await trx.raw('SET LOCAL enable_seqscan = off');
    // knex logs PostgreSQL's own placeholders ($1, $2…, in order); its raw() takes them as ?.
    const sql = s.sql.replace(/\$\d+/g, '?');
    const out = (await trx.raw(`EXPLAIN ${sql}`, s.bindings as Knex.RawBinding[])) as {
      rows: { 'QUERY PLAN': string }[];
    };
    return out.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

describe(`cases: the front desk's lists of cases under way use the index on (facility, status) (${dialect})`, () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb();
    await migrateLatest(t.db);
  });
  after(() => t.drop());

  it('pickups due', async () => {
    const [s, ...more] = await statementsOf(t.db, () => pickupsDue(t.db, 1, '2026-12-06T00:00:00.000Z', 50));
    expect(more).to.have.length(0);
    expect(await planOf(t.db, s)).to.include(INDEX);
  });

  it('papers missing', async () => {
    const [s, ...more] = await statementsOf(t.db, () => papersMissing(t.db, 1, 20));
    expect(more).to.have.length(0);
    expect(await planOf(t.db, s)).to.include(INDEX);
  });
});

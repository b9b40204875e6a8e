// The statements a read sends and the database's plan for one of them, for tests that hold a query to an index.
import type { Knex } from 'knex';
import { dialect } from './app.js';

export interface Statement {
  sql: string;
  bindings: unknown[];
}

/** The statements `read` sends, as knex logs them. */
export async function statementsOf(db: Knex, read: () => Promise<unknown>): Promise<Statement[]> {
  const seen: Statement[] = [];
  const listen = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listen);
  try {
    await read();
  } finally {
    db.removeListener('query', listen);
  }
  return seen;
}

/**
 * The plan the database under test makes for `s`, as text: SQLite's EXPLAIN QUERY PLAN; PostgreSQL's EXPLAIN with
 * sequential scans switched off for that transaction, since on a test's few rows a scan is cheapest and says nothing
 * of which index the statement can use.
 */
export async function planOf(db: Knex, s: Statement): Promise<string> {
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

// Changes SQLite cannot make with ALTER TABLE (a CHECK or a foreign key on an existing table): the table is built
// again under its name, with its rows, indexes and triggers. PostgreSQL never needs this.
import type { Knex } from 'knex';

/**
 * Runs `fn` in one transaction with SQLite's foreign keys switched off, and refuses to commit while any foreign key
 * is broken. Off, because dropping a table with foreign keys on deletes its rows first, which would cascade into
 * the tables referring to it (facility_status_history) and leaves deferred violations counted even once the rows are
 * back; and PRAGMA foreign_keys cannot change inside a transaction, so a migration using this runs without knex's
 * (`export const config = { transaction: false }`). On PostgreSQL it is a plain transaction.
 */
export async function inRebuildTransaction(knex: Knex, fn: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
  if (knex.client.config.client === 'pg') return knex.transaction(fn);
  await knex.raw('PRAGMA foreign_keys = OFF');
  try {
    await knex.transaction(async (trx) => {
      await fn(trx);
      const broken = (await trx.raw('PRAGMA foreign_key_check')) as { table: string; rowid: number; parent: string }[];
      if (broken.length) {
        const first = broken[0];
        throw new Error(`${broken.length} row(s) break a foreign key, first ${first.table} rowid ${first.rowid} → ${first.parent}`);
      }
    });
  } finally {
    await knex.raw('PRAGMA foreign_keys = ON');
  }
}

export interface RebuildOptions {
  /** The new CREATE TABLE statement from the current one (named as the table already; the helper renames it). */
  change: (createSql: string) => string;
  /** New columns and the expression over the old row that fills each; other columns are copied by name. */
  fill?: Record<string, string>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Builds `table` again from its own SQL in sqlite_master as `change` edits it: create the new table, copy the
 * rows, drop the old one, rename, then recreate its indexes and triggers and keep its AUTOINCREMENT counter. Call
 * it inside inRebuildTransaction, which checks the foreign keys before commit. A row the new table refuses (a
 * CHECK) fails the whole migration.
 */
export async function rebuildTable(trx: Knex.Transaction, table: string, opts: RebuildOptions): Promise<void> {
  const rows = (await trx.raw(`SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL`, [table])) as { type: string; name: string; sql: string }[];
  const create = rows.find((r) => r.type === 'table' && r.name === table);
  if (!create) throw new Error(`rebuildTable: no table ${table}`);
  const others = rows.filter((r) => r.type === 'index' || r.type === 'trigger');
  const temp = `${table}__rebuild`;
  const named = opts.change(create.sql).replace(/^\s*CREATE\s+TABLE\s+(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[\w$]+)/i, `CREATE TABLE ${quote(temp)}`);
  if (named === create.sql) throw new Error(`rebuildTable: cannot read the CREATE TABLE of ${table}`);
  const oldColumns = new Set(((await trx.raw(`PRAGMA table_info(${quote(table)})`)) as { name: string }[]).map((c) => c.name));
  const seq = (await trx.raw(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [table]).catch(() => [])) as { seq: number }[];

  await trx.raw(named);
  const newColumns = ((await trx.raw(`PRAGMA table_info(${quote(temp)})`)) as { name: string }[]).map((c) => c.name);
  const copied = newColumns.filter((c) => opts.fill?.[c] !== undefined || oldColumns.has(c));
  const select = copied.map((c) => opts.fill?.[c] ?? quote(c));
  await trx.raw(`INSERT INTO ${quote(temp)} (${copied.map(quote).join(', ')}) SELECT ${select.join(', ')} FROM ${quote(table)}`);
  await trx.raw(`DROP TABLE ${quote(table)}`);
  await trx.raw(`ALTER TABLE ${quote(temp)} RENAME TO ${quote(table)}`);
  for (const r of others) await trx.raw(r.sql);
  if (seq.length) await trx.raw(`UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?`, [seq[0].seq, table]);
}

/** The CREATE TABLE with clauses (table constraints) added before its closing parenthesis. */
export const withClauses = (clauses: string[]) => (createSql: string): string =>
  createSql.replace(/\)\s*$/, `, ${clauses.join(', ')})`);

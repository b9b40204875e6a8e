// Changes SQLite cannot make with ALTER TABLE (a CHECK or a foreign key on an existing table): the table is built
// again under its name, with its rows, indexes and triggers. PostgreSQL never needs this.
import type { Knex } from 'knex';

export interface RebuildOptions {
  /** The new CREATE TABLE statement from the current one (named as the table already; the helper renames it). */
  change: (createSql: string) => string;
  /** New columns and the expression over the old row that fills each; other columns are copied by name. */
  fill?: Record<string, string>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Builds `table` again from its own SQL in sqlite_master as `change` edits it: create the new table, copy the rows,
 * drop the old one, rename, recreate its indexes and triggers, keep its AUTOINCREMENT counter, then check the
 * foreign keys from and to it. A row the new table refuses (a CHECK) or a broken key fails the migration, whose
 * transaction then leaves everything as it was.
 *
 * Foreign keys must be off, which db/migrate.ts sees to while migrating: with them on, dropping the old table would
 * first delete its rows, cascading into the tables that refer to it (facility_status_history), and counts every
 * referring row as a violation that re-inserting the rows does not undo; PRAGMA foreign_keys cannot change inside
 * the migration's transaction, and PRAGMA defer_foreign_keys only postpones these.
 */
export async function rebuildTable(trx: Knex, table: string, opts: RebuildOptions): Promise<void> {
  const [{ foreign_keys: on }] = (await trx.raw('PRAGMA foreign_keys')) as { foreign_keys: number }[];
  if (on)
    throw new Error(`rebuildTable(${table}) needs SQLite's foreign keys off: run migrations through db/migrate.ts`);
  const rows = (await trx.raw(`SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL`, [
    table,
  ])) as { type: string; name: string; sql: string }[];
  const create = rows.find((r) => r.type === 'table' && r.name === table);
  if (!create) throw new Error(`rebuildTable: no table ${table}`);
  const others = rows.filter((r) => r.type === 'index' || r.type === 'trigger');
  const temp = `${table}__rebuild`;
  const named = opts
    .change(create.sql)
    .replace(/^\s*CREATE\s+TABLE\s+(?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[\w$]+)/i, `CREATE TABLE ${quote(temp)}`);
  if (named === create.sql) throw new Error(`rebuildTable: cannot read the CREATE TABLE of ${table}`);
  const oldColumns = new Set(
    ((await trx.raw(`PRAGMA table_info(${quote(table)})`)) as { name: string }[]).map((c) => c.name),
  );
  const seq = (await trx.raw(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [table]).catch(() => [])) as {
    seq: number;
  }[];

  await trx.raw(named);
  const newColumns = ((await trx.raw(`PRAGMA table_info(${quote(temp)})`)) as { name: string }[]).map((c) => c.name);
  const copied = newColumns.filter((c) => opts.fill?.[c] !== undefined || oldColumns.has(c));
  const select = copied.map((c) => opts.fill?.[c] ?? quote(c));
  await trx.raw(
    `INSERT INTO ${quote(temp)} (${copied.map(quote).join(', ')}) SELECT ${select.join(', ')} FROM ${quote(table)}`,
  );
  await trx.raw(`DROP TABLE ${quote(table)}`);
  await trx.raw(`ALTER TABLE ${quote(temp)} RENAME TO ${quote(table)}`);
  for (const r of others) await trx.raw(r.sql);
  if (seq.length) await trx.raw(`UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?`, [seq[0].seq, table]);

  const tables = (await trx.raw(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
  )) as { name: string }[];
  for (const { name } of tables) {
    const keys = (await trx.raw(`PRAGMA foreign_key_list(${quote(name)})`)) as { table: string }[];
    if (name !== table && !keys.some((k) => k.table === table)) continue;
    const broken = (await trx.raw(`PRAGMA foreign_key_check(${quote(name)})`)) as {
      table: string;
      rowid: number;
      parent: string;
    }[];
    if (broken.length)
      throw new Error(
        `rebuildTable(${table}): ${broken.length} row(s) of ${name} break a foreign key to ${broken[0].parent}, first rowid ${broken[0].rowid}`,
      );
  }
}

/** The CREATE TABLE with clauses (table constraints) added before its closing parenthesis. */
export const withClauses =
  (clauses: string[]) =>
  (createSql: string): string =>
    createSql.replace(/\)\s*$/, `, ${clauses.join(', ')})`);

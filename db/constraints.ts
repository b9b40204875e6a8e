// Adding CHECK constraints to existing tables on either database, refusing rows that already break them.
import type { Knex } from 'knex';
import { rebuildTable, withClauses } from './sqlite-rebuild.js';

/** A named rule: `[constraint name, SQL condition]`. */
export type Check = readonly [name: string, condition: string];

/** `column IN ('a', 'b')` from a list of codes (codes are ours: letters, digits and underscores only). */
export function oneOf(column: string, values: readonly string[]): string {
  for (const v of values) if (!/^[a-z0-9_]+$/.test(v)) throw new Error(`oneOf: unexpected code ${v}`);
  return `${column} IN (${values.map((v) => `'${v}'`).join(', ')})`;
}

/**
 * Adds the checks to the table: ALTER TABLE on PostgreSQL, a rebuild on SQLite (db/sqlite-rebuild.ts).
 * Rows that break a rule are not changed: the migration stops, naming the table, the rule and how many rows.
 */
export async function addChecks(trx: Knex, table: string, checks: readonly Check[]): Promise<void> {
  for (const [name, condition] of checks) {
    const [{ n }] = (await trx(table).whereRaw(`NOT (${condition})`).count({ n: '*' })) as { n: number | string }[];
    if (Number(n) > 0)
      throw new Error(
        `${table}: ${n} existing row(s) break the rule ${name} (${condition}); correct them, then migrate again`,
      );
  }
  if (trx.client.config.client === 'pg') {
    for (const [name, condition] of checks)
      await trx.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (${condition})`);
    return;
  }
  await rebuildTable(trx, table, {
    change: withClauses(checks.map(([name, condition]) => `CONSTRAINT ${name} CHECK (${condition})`)),
  });
}

/** Takes the checks off again (a migration's down). */
export async function dropChecks(trx: Knex, table: string, checks: readonly Check[]): Promise<void> {
  if (trx.client.config.client === 'pg') {
    for (const [name] of checks) await trx.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
    return;
  }
  await rebuildTable(trx, table, {
    change: (sql) =>
      checks.reduce((s, [name, condition]) => s.replace(`, CONSTRAINT ${name} CHECK (${condition})`, ''), sql),
  });
}

/**
 * Replaces one CHECK's list of codes (a role, status or kind added): ALTER TABLE on PostgreSQL, a rebuild on SQLite
 * (whatever quotes the constraint was written with). Rows outside the new list stop the migration, named.
 */
export async function replaceCodes(
  knex: Knex,
  table: string,
  name: string,
  column: string,
  codes: readonly string[],
): Promise<void> {
  const [{ n }] = (await knex(table)
    .whereRaw(`NOT (${oneOf(column, codes)})`)
    .count({ n: '*' })) as { n: number | string }[];
  if (Number(n) > 0)
    throw new Error(`${table}: ${n} existing row(s) break the rule ${name}; correct them, then migrate again`);
  if (knex.client.config.client === 'pg') {
    await knex.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (${oneOf(column, codes)})`);
    return;
  }
  await rebuildTable(knex, table, {
    change: (sql) => {
      const old = new RegExp(`CONSTRAINT [\`"]?${name}[\`"]? CHECK \\((?:[^()]|\\([^()]*\\))*\\)`);
      if (!old.test(sql)) throw new Error(`${table}: no constraint ${name} to replace`);
      return sql.replace(old, `CONSTRAINT ${name} CHECK (${oneOf(column, codes)})`);
    },
  });
}

// Queries on administrative divisions.
import type { Knex } from 'knex';
import { bool } from '../db.js';
import type { Level, Region } from './levels.js';

const toRegion = (row: Record<string, unknown>): Region => ({
  ...(row as unknown as Region),
  is_admin_village:
    row.is_admin_village === null || row.is_admin_village === undefined ? null : bool(row.is_admin_village),
  is_central_village: bool(row.is_central_village),
});

export async function find(db: Knex, code: string): Promise<Region | undefined> {
  const row = await db('regions').where({ code }).first();
  return row ? toRegion(row) : undefined;
}

export async function children(db: Knex, code: string | null): Promise<Region[]> {
  const q = db('regions').orderBy('code');
  if (code === null) q.whereNull('parent_code');
  else q.where('parent_code', code);
  return (await q.select()).map(toRegion);
}

export async function firstAt(db: Knex, level: Level): Promise<Region | undefined> {
  const row = await db('regions').where({ level }).orderBy('code').first();
  return row ? toRegion(row) : undefined;
}

/** The region and every ancestor, top first. */
export async function ancestry(db: Knex, code: string): Promise<Region[]> {
  const out: Region[] = [];
  let next: string | null = code;
  while (next) {
    const r = await find(db, next);
    if (!r) break;
    out.unshift(r);
    next = r.parent_code;
  }
  return out;
}

export async function countByLevel(db: Knex, prefix = ''): Promise<Record<Level | 'admin_village', number>> {
  const q = db('regions')
    .groupBy('level')
    .select('level')
    .count({ n: '*' })
    .sum({ a: db.raw('CASE WHEN is_admin_village THEN 1 ELSE 0 END') });
  if (prefix) q.where('code', 'like', `${prefix}%`);
  const rows = (await q) as unknown as { level: Level; n: number; a: number | null }[];
  const out = { province: 0, city: 0, county: 0, township: 0, village: 0, admin_village: 0 };
  for (const r of rows) {
    out[r.level] = Number(r.n);
    if (r.level === 'village') out.admin_village = Number(r.a ?? 0);
  }
  return out;
}

/** Counts of direct children and of administrative villages below each child of a region. */
export async function childSummaries(
  db: Knex,
  code: string,
): Promise<Map<string, { children: number; villages: number; adminVillages: number }>> {
  const kids = await children(db, code);
  const out = new Map<string, { children: number; villages: number; adminVillages: number }>();
  for (const k of kids) out.set(k.code, { children: 0, villages: 0, adminVillages: 0 });
  if (kids.length === 0) return out;
  const len = kids[0].code.length;
  const direct = (await db('regions')
    .whereIn(
      'parent_code',
      kids.map((k) => k.code),
    )
    .groupBy('parent_code')
    .select('parent_code')
    .count({ n: '*' })) as unknown as { parent_code: string; n: number }[];
  for (const d of direct) out.get(d.parent_code)!.children = Number(d.n);
  const villages = (await db('regions')
    .where('code', 'like', `${code}%`)
    .where('level', 'village')
    .groupByRaw(`substr(code, 1, ${len})`)
    .select(db.raw(`substr(code, 1, ${len}) as prefix`))
    .count({ n: '*' })
    .sum({ a: db.raw('CASE WHEN is_admin_village THEN 1 ELSE 0 END') })) as unknown as {
    prefix: string;
    n: number;
    a: number;
  }[];
  for (const v of villages) {
    const s = out.get(v.prefix);
    if (s) {
      s.villages = Number(v.n);
      s.adminVillages = Number(v.a);
    }
  }
  return out;
}

/** Any number that is ours alone: the advisory lock that takes import batches one at a time. */
const IMPORT_LOCK = 5_202_002;

export async function upsertMany(
  trx: Knex,
  rows: Omit<Region, 'is_central_village' | 'population' | 'lng' | 'lat'>[],
): Promise<void> {
  // Imports in several processes at once (a first start) take their batches in turn on PostgreSQL: two batches
  // upserting the same rows and then clearing central marks would otherwise wait on each other (a deadlock).
  if (trx.client.config.client === 'pg') await trx.raw('SELECT pg_advisory_xact_lock(?)', [IMPORT_LOCK]);
  // Names and the village/community flag come from the source (the flag as the import derived it); central-village
  // marks, population and coordinates are the bureau's own and are kept, except that a community is never central.
  await trx('regions').insert(rows).onConflict('code').merge(['name', 'level', 'parent_code', 'is_admin_village']);
  const communities = rows.filter((r) => r.is_admin_village === false).map((r) => r.code);
  if (communities.length)
    await trx('regions')
      .whereIn('code', communities)
      .where('is_central_village', true)
      .update({ is_central_village: false });
}

/** Names of the given regions by code. */
export async function namesOf(db: Knex, codes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < codes.length; i += 500) {
    for (const r of await db('regions')
      .whereIn('code', codes.slice(i, i + 500))
      .select('code', 'name'))
      out.set(r.code, r.name);
  }
  return out;
}

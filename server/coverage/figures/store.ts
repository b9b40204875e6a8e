// Queries of the yearly figures the bureau keeps by hand (region_year_stats, grave_remediation) and of the region
// columns they set (funeral zone, central village). Writes take the caller's transaction.
import type { Knex } from 'knex';
import { bool, nowIso } from '../../db.js';
import type { Level } from '../../regions/levels.js';
import type { FuneralZone } from '../indicators/kinds.js';

export interface NamedRegion {
  code: string;
  name: string;
  level: Level;
  parent_code: string | null;
}

/** The regions of one level at or below a prefix, in code order. */
export async function regionsAt(db: Knex, level: Level, prefix: string): Promise<NamedRegion[]> {
  return db('regions')
    .where('level', level)
    .where('code', 'like', `${prefix}%`)
    .orderBy('code')
    .select('code', 'name', 'level', 'parent_code');
}

export async function levelsOf(db: Knex, codes: string[]): Promise<Map<string, Level>> {
  const out = new Map<string, Level>();
  for (let i = 0; i < codes.length; i += 500) {
    for (const r of await db('regions')
      .whereIn('code', codes.slice(i, i + 500))
      .select('code', 'level'))
      out.set(r.code, r.level);
  }
  return out;
}

// ## Grids of one row per region and year

export type GridTable = 'region_year_stats' | 'grave_remediation';

/** The entered rows of the year for the given regions, by region code. */
export async function gridRows(
  db: Knex,
  table: GridTable,
  year: number,
  codes: string[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < codes.length; i += 500) {
    for (const e of await db(table)
      .where('year', year)
      .whereIn('region_code', codes.slice(i, i + 500))
      .select())
      out.set(e.region_code, e);
  }
  return out;
}

type GridKey = { region_code: string; year: number };

/** Deletes the row when it still has the version (updated_at) it was read at; answers the rows deleted (0 or 1). */
export async function deleteGridRow(trx: Knex, table: GridTable, key: GridKey, version: string): Promise<number> {
  return trx(table).where(key).where('updated_at', version).delete();
}

/** Updates the row when it still has the version it was read at; answers the rows updated (0 or 1). */
export async function updateGridRow(
  trx: Knex,
  table: GridTable,
  key: GridKey,
  version: string,
  values: Record<string, number | null>,
): Promise<number> {
  return trx(table)
    .where(key)
    .where('updated_at', version)
    .update({ ...values, updated_at: nowIso() });
}

export async function insertGridRow(
  trx: Knex,
  table: GridTable,
  key: GridKey,
  values: Record<string, number | null>,
): Promise<void> {
  await trx(table).insert({ ...key, ...values, updated_at: nowIso() });
}

// ## Deaths, cremations and burials per county

export async function countyStats(db: Knex, prefix: string, year: number): Promise<Record<string, unknown>[]> {
  return db('region_year_stats').where('year', year).where('region_code', 'like', `${prefix}%`).select();
}

export interface YearTotals {
  year: number;
  deaths: number;
  cremations: number;
  burials: number;
  green_burials: number;
  counties: number;
}

/** Entered figures summed per year over the counties below a prefix (only counties that entered something). */
export async function yearTotals(db: Knex, prefix: string): Promise<YearTotals[]> {
  const rows = (await db('region_year_stats')
    .where('region_code', 'like', `${prefix}%`)
    .groupBy('year')
    .orderBy('year', 'desc')
    .select('year')
    .sum({ deaths: 'deaths', cremations: 'cremations', burials: 'burials', green_burials: 'green_burials' })
    .count({ counties: '*' })) as unknown as Record<string, unknown>[];
  return rows.map((r) => ({
    year: Number(r.year),
    deaths: Number(r.deaths ?? 0),
    cremations: Number(r.cremations ?? 0),
    burials: Number(r.burials ?? 0),
    green_burials: Number(r.green_burials ?? 0),
    counties: Number(r.counties),
  }));
}

// ## Scattered graves per township

/** Grave reports of the townships below a county up to a year, oldest first. */
export async function graveRows(
  db: Knex,
  county: string,
  year: number,
): Promise<({ region_code: string; year: number } & Record<string, unknown>)[]> {
  return db('grave_remediation')
    .where('year', '<=', year)
    .where('region_code', 'like', `${county}%`)
    .orderBy('year')
    .select();
}

/** Townships below a prefix that reported for the year. */
export async function gravesReported(db: Knex, prefix: string, year: number): Promise<string[]> {
  return db('grave_remediation').where('region_code', 'like', `${prefix}%`).where('year', year).pluck('region_code');
}

// ## Funeral zones

export interface ZoneRow {
  code: string;
  name: string;
  level: Level;
  funeral_zone: FuneralZone | null;
}

export async function zoneRows(db: Knex, codes: string[]): Promise<ZoneRow[]> {
  const out: ZoneRow[] = [];
  for (let i = 0; i < codes.length; i += 500) {
    out.push(
      ...(await db('regions')
        .whereIn('code', codes.slice(i, i + 500))
        .orderBy('code')
        .select('code', 'name', 'level', 'funeral_zone')),
    );
  }
  return out.map((r) => ({ ...r, funeral_zone: r.funeral_zone ?? null })).sort((a, b) => a.code.localeCompare(b.code));
}

export async function setZone(trx: Knex, code: string, zone: FuneralZone | null): Promise<void> {
  await trx('regions').where({ code }).update({ funeral_zone: zone });
}

// ## Central villages

export interface VillageChoice {
  code: string;
  name: string;
  central: boolean;
}

/** The administrative villages of a township. */
export async function adminVillages(db: Knex, township: string): Promise<VillageChoice[]> {
  const rows = await db('regions')
    .where({ parent_code: township, level: 'village', is_admin_village: true })
    .orderBy('code')
    .select('code', 'name', 'is_central_village');
  return rows.map((r) => ({ code: r.code, name: r.name, central: bool(r.is_central_village) }));
}

/** Administrative and central villages per township below a prefix. */
export async function centralCounts(
  db: Knex,
  prefix: string,
): Promise<Map<string, { villages: number; central: number }>> {
  const rows = (await db('regions')
    .where('level', 'village')
    .where('is_admin_village', true)
    .where('code', 'like', `${prefix}%`)
    .groupBy('parent_code')
    .select('parent_code')
    .count({ n: '*' })
    .sum({ c: db.raw('CASE WHEN is_central_village THEN 1 ELSE 0 END') })) as unknown as {
    parent_code: string;
    n: number | string;
    c: number | string | null;
  }[];
  return new Map(rows.map((r) => [r.parent_code, { villages: Number(r.n), central: Number(r.c ?? 0) }]));
}

/**
 * Marks the `on` villages central and the `off` ones not in one statement (per 500 codes). A trigger counts the
 * township's kept totals again at the end of the statement: on PostgreSQL the villages are then locked before their
 * township, as in every other change to them, rather than some after it (which could deadlock with a correction).
 */
export async function setCentral(trx: Knex, on: string[], off: string[]): Promise<void> {
  const codes = [...on, ...off];
  const central = new Set(on);
  for (let i = 0; i < codes.length; i += 500) {
    const batch = codes.slice(i, i + 500);
    const marked = batch.filter((c) => central.has(c));
    await trx('regions')
      .whereIn('code', batch)
      .update({
        is_central_village: marked.length ? trx.raw(`(code IN (${marked.map(() => '?').join(', ')}))`, marked) : false,
      });
  }
}

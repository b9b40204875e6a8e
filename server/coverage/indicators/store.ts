// Queries of the indicators beyond coverage: yearly figures and grave reports as entered, cremations counted from
// funeral cases, placements counted from the resting places, and the funeral zones of regions.
import type { Knex } from 'knex';
import type { FuneralZone } from './kinds.js';

export interface StatRow {
  region_code: string;
  year: number;
  deaths: number | null;
  cremations: number | null;
  burials: number | null;
  green_burials: number | null;
}

/** Yearly figures of the counties below a prefix, from `first` to `last`. */
export async function yearStats(db: Knex, prefix: string, first: number, last: number): Promise<StatRow[]> {
  return db('region_year_stats')
    .where('region_code', 'like', `${prefix}%`)
    .whereBetween('year', [first, last])
    .select();
}

/** Grave reports of the townships below a prefix up to a year, by township then year. */
export async function graveReports(
  db: Knex,
  prefix: string,
  last: number,
): Promise<{ region_code: string; year: number; found: number; remediated: number }[]> {
  return db('grave_remediation')
    .where('region_code', 'like', `${prefix}%`)
    .where('year', '<=', last)
    .orderBy('region_code')
    .orderBy('year')
    .select('region_code', 'year', 'found', 'remediated');
}

/** Funeral cases whose deceased lived under the prefix and that reached the cremated state in [from, to), per county. */
export async function casesCremated(
  db: Knex,
  prefix: string,
  [from, to]: [string, string],
): Promise<Map<string, number>> {
  const county = 'substr(c.household_region_code, 1, 6)';
  const rows = (await db('case_events as e')
    .join('funeral_cases as c', 'c.id', 'e.case_id')
    .where('e.to_status', 'cremated')
    .where('e.at', '>=', from)
    .where('e.at', '<', to)
    .where('c.household_region_code', 'like', `${prefix}%`)
    .select(db.raw(`${county} as county`))
    .countDistinct({ n: 'c.id' })
    .groupByRaw(county)) as unknown as { county: string; n: number | string }[];
  return new Map(rows.map((r) => [r.county, Number(r.n)]));
}

/**
 * Placements (安放/安葬, scattering included) made in [from, to) (calendar days, Asia/Shanghai) at the facilities
 * standing under the prefix, per county of the facility: all of them and the green ones. A placement removed later
 * (迁出) still counts: it was made in its year.
 */
export async function placementsByCounty(
  db: Knex,
  prefix: string,
  [from, to]: [string, string],
): Promise<Map<string, { placements: number; green: number }>> {
  const county = 'substr(f.region_code, 1, 6)';
  const q = db('resting_placements as p')
    .join('facilities as f', 'f.id', 'p.facility_id')
    .where('p.placed_on', '>=', from)
    .where('p.placed_on', '<', to);
  if (prefix) q.where('f.region_code', 'like', `${prefix}%`);
  const rows = (await q
    .select(db.raw(`${county} as county`))
    .count({ placements: '*' })
    .sum({ green: db.raw('CASE WHEN p.green THEN 1 ELSE 0 END') })
    .groupByRaw(county)) as unknown as { county: string; placements: number | string; green: number | string }[];
  return new Map(rows.map((r) => [r.county, { placements: Number(r.placements), green: Number(r.green ?? 0) }]));
}

/** Every county and township below a prefix with its own funeral zone, in code order. */
export async function countiesAndTownships(
  db: Knex,
  prefix: string,
): Promise<{ code: string; name: string; level: 'county' | 'township'; funeral_zone: FuneralZone | null }[]> {
  const rows = (await db('regions')
    .whereIn('level', ['county', 'township'])
    .where('code', 'like', `${prefix}%`)
    .orderBy('code')
    .select('code', 'name', 'level', 'funeral_zone')) as {
    code: string;
    name: string;
    level: 'county' | 'township';
    funeral_zone: FuneralZone | null;
  }[];
  return rows.map((r) => ({ ...r, funeral_zone: r.funeral_zone ?? null }));
}

/** The own funeral zone of each given region (null where none is set). */
export async function zonesOf(db: Knex, codes: string[]): Promise<Map<string, FuneralZone | null>> {
  const rows = await db('regions').whereIn('code', codes).select('code', 'funeral_zone');
  return new Map(rows.map((r) => [r.code as string, (r.funeral_zone ?? null) as FuneralZone | null]));
}

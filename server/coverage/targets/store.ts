// Queries of coverage targets per region, indicator and year (rate as a fraction 0–1, to reach by the end of the year).
import type { Knex } from 'knex';
import { nowIso } from '../../db.js';
import type { TargetIndicator } from '../indicators/kinds.js';

export interface Target {
  id: number;
  region_code: string;
  region_name?: string;
  indicator: TargetIndicator;
  year: number;
  rate: number;
  source: string | null;
}

/** `region`: that region's own targets; `under`: the targets of a region and every region below it. */
export async function listTargets(
  db: Knex,
  f: { region?: string; under?: string; indicator?: TargetIndicator } = {},
): Promise<Target[]> {
  const q = db('coverage_targets as t')
    .join('regions as r', 'r.code', 't.region_code')
    .orderBy('t.region_code')
    .orderBy('t.indicator')
    .orderBy('t.year')
    .select('t.id', 't.region_code', 'r.name as region_name', 't.indicator', 't.year', 't.rate', 't.source');
  if (f.region !== undefined) q.where('t.region_code', f.region);
  if (f.under) q.where('t.region_code', 'like', `${f.under}%`);
  if (f.indicator) q.where('t.indicator', f.indicator);
  return (await q).map((r) => ({ ...r, rate: Number(r.rate), year: Number(r.year) }));
}

/** Targets of the region and its ancestors (all the ones that may apply to it or its children). */
export async function targetsAbove(db: Knex, regionCode: string): Promise<Target[]> {
  const codes = [2, 4, 6, 9, 12].filter((n) => n <= regionCode.length).map((n) => regionCode.slice(0, n));
  if (codes.length === 0) return [];
  const rows = await db('coverage_targets')
    .whereIn('region_code', codes)
    .select('id', 'region_code', 'indicator', 'year', 'rate', 'source');
  return rows.map((r) => ({ ...r, rate: Number(r.rate), year: Number(r.year) }));
}

export async function upsertTarget(
  db: Knex,
  t: { region_code: string; indicator: TargetIndicator; year: number; rate: number; source?: string | null },
): Promise<void> {
  await db('coverage_targets')
    .insert({ ...t, source: t.source ?? null, updated_at: nowIso() })
    .onConflict(['region_code', 'indicator', 'year'])
    .merge(['rate', 'source', 'updated_at']);
}

export async function deleteTarget(db: Knex, id: number): Promise<number> {
  return db('coverage_targets').where({ id }).delete();
}

export async function findTarget(db: Knex, id: number): Promise<Target | undefined> {
  const row = await db('coverage_targets as t')
    .join('regions as r', 'r.code', 't.region_code')
    .where('t.id', id)
    .first('t.id', 't.region_code', 'r.name as region_name', 't.indicator', 't.year', 't.rate', 't.source');
  return row ? { ...row, rate: Number(row.rate), year: Number(row.year) } : undefined;
}

/** The target of a region for an indicator and year, if one is kept. */
export async function targetAt(
  db: Knex,
  k: { region_code: string; indicator: TargetIndicator; year: number },
): Promise<{ id: number; rate: number } | undefined> {
  const row = await db('coverage_targets').where(k).first('id', 'rate');
  return row ? { id: Number(row.id), rate: Number(row.rate) } : undefined;
}

export interface TargetFields {
  region_code: string;
  indicator: TargetIndicator;
  year: number;
  rate: number;
  source: string | null;
}

export async function insertTarget(trx: Knex, t: TargetFields): Promise<number> {
  const [ins] = await trx('coverage_targets')
    .insert({ ...t, updated_at: nowIso() })
    .returning('id');
  return Number(typeof ins === 'object' ? ins.id : ins);
}

export async function updateTarget(trx: Knex, id: number, t: TargetFields): Promise<number> {
  return trx('coverage_targets')
    .where({ id })
    .update({ ...t, updated_at: nowIso() });
}

// Coverage targets per region, indicator and year (rate as a fraction 0–1, to reach by the end of the year).
import type { Knex } from 'knex';
import { nowIso } from '../../db.js';
import type { TargetIndicator } from '../indicators/kinds.js';

export interface Target { id: number; region_code: string; region_name?: string; indicator: TargetIndicator; year: number; rate: number; source: string | null }

/** `region`: that region's own targets; `under`: the targets of a region and every region below it. */
export async function listTargets(db: Knex, f: { region?: string; under?: string; indicator?: TargetIndicator } = {}): Promise<Target[]> {
  const q = db('coverage_targets as t').join('regions as r', 'r.code', 't.region_code')
    .orderBy('t.region_code').orderBy('t.indicator').orderBy('t.year')
    .select('t.id', 't.region_code', 'r.name as region_name', 't.indicator', 't.year', 't.rate', 't.source');
  if (f.region !== undefined) q.where('t.region_code', f.region);
  if (f.under) q.where('t.region_code', 'like', `${f.under}%`);
  if (f.indicator) q.where('t.indicator', f.indicator);
  return (await q).map((r) => ({ ...r, rate: Number(r.rate), year: Number(r.year) }));
}

/**
 * The target in force for a region, indicator and date's year: the region's own target for that year, else the
 * nearest ancestor's (a city's target applies to its counties unless a county has its own).
 */
export function targetFor(targets: Target[], regionCode: string, indicator: TargetIndicator, year: number): Target | undefined {
  let best: Target | undefined;
  for (const t of targets) {
    if (t.indicator !== indicator || t.year !== year || !regionCode.startsWith(t.region_code)) continue;
    if (!best || t.region_code.length > best.region_code.length) best = t;
  }
  return best;
}

/** Targets of the region and its ancestors (all the ones that may apply to it or its children). */
export async function targetsAbove(db: Knex, regionCode: string): Promise<Target[]> {
  const codes = [2, 4, 6, 9, 12].filter((n) => n <= regionCode.length).map((n) => regionCode.slice(0, n));
  if (codes.length === 0) return [];
  const rows = await db('coverage_targets').whereIn('region_code', codes).select('id', 'region_code', 'indicator', 'year', 'rate', 'source');
  return rows.map((r) => ({ ...r, rate: Number(r.rate), year: Number(r.year) }));
}

/** met when the actual rate reaches the target; gap is target − actual (positive when behind). */
export function compare(actual: number | null, target: number): { met: boolean; gap: number } {
  const a = actual ?? 0;
  return { met: a + 1e-9 >= target, gap: Math.max(0, target - a) };
}

export async function upsertTarget(db: Knex, t: { region_code: string; indicator: TargetIndicator; year: number; rate: number; source?: string | null }): Promise<void> {
  await db('coverage_targets').insert({ ...t, source: t.source ?? null, updated_at: nowIso() })
    .onConflict(['region_code', 'indicator', 'year']).merge(['rate', 'source', 'updated_at']);
}

export async function deleteTarget(db: Knex, id: number): Promise<number> {
  return db('coverage_targets').where({ id }).delete();
}

// The figures a yearly submission keeps: every indicator of the region and each child, as the engine counts them.
import type { Knex } from 'knex';
import { computeCoverage } from '../engine/service.js';
import { snapshotIndicators, type SnapshotIndicator } from './kinds.js';

export interface FigureRow {
  region_code: string;
  region_name: string;
  /** The submitting region itself (the others are its children). */
  own: boolean;
  indicator: SnapshotIndicator;
  total: number;
  covered: number;
}

/** The region's and its children's figures on a day (the region first, then the children in code order). */
export async function figuresOn(db: Knex, region: string, date: string): Promise<FigureRow[]> {
  const r = await computeCoverage(db, { region, date });
  const out: FigureRow[] = [];
  for (const [u, own] of [[r.region, true], ...r.children.map((c) => [c, false] as const)] as const)
    for (const indicator of snapshotIndicators)
      out.push({
        region_code: u.code,
        region_name: u.name,
        own,
        indicator,
        total: u.indicators[indicator].total,
        covered: u.indicators[indicator].covered,
      });
  return out;
}

export const figureKey = (r: { region_code: string; indicator: string }) => `${r.region_code}|${r.indicator}`;

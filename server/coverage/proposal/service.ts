// 补缺测算 for a region on a date: the engine's state and the uncovered villages, handed to the greedy cover of
// rules.ts; and the target in force the page starts from.
import type { Knex } from 'knex';
import * as regions from '../../regions/service.js';
import { coverageState, uncoveredVillages } from '../engine/service.js';
import { targetFor, targetsAbove, type Target } from '../targets/service.js';
import { propose, type Proposal, type ProposalOptions } from './rules.js';

/** The fewest new cemeteries that reach the target below a region, measured on the facilities operating on the date. */
export async function proposalFor(db: Knex, region: string, date: string, opts: ProposalOptions): Promise<Proposal> {
  const state = await coverageState(db, region, date);
  const open = await uncoveredVillages(db, { region, date, state });
  return propose(state, open, opts);
}

/** The target set for the region, indicator and year (its own or the nearest ancestor's), with the name of its region. */
export async function proposalTarget(
  db: Knex,
  region: string,
  indicator: Target['indicator'],
  year: number,
): Promise<(Target & { regionName: string }) | undefined> {
  const t = targetFor(await targetsAbove(db, region), region, indicator, year);
  if (!t) return undefined;
  return { ...t, regionName: (await regions.findRegion(db, t.region_code))?.name ?? t.region_code };
}

// Coverage of a region on a date: reads (store.ts), applies the rules (engine.ts), names the regions.
import type { Knex } from 'knex';
import { NotFoundError } from '../http/errors.js';
import type { Level } from '../regions/levels.js';
import * as regions from '../regions/store.js';
import { buildState, summarise, villageIndicators, isVillageCovered, type CoverageState } from './engine.js';
import type { CoverageResult, RegionCoverage, RegionRef } from './indicators.js';
import * as store from './store.js';

/** Every unit below a prefix is counted; '' is the whole country. */
export const COUNTRY: RegionRef = { code: '', name: '全国', level: 'country' };

// Division totals change only when divisions are imported or central villages are marked: kept per process for
// a few minutes, and dropped at once by forgetDivisionTotals() in the process that made the change.
const TOTALS_TTL_MS = 5 * 60_000;
const totalsCache = new Map<string, { at: number; value: Promise<Awaited<ReturnType<typeof store.divisionTotals>>> }>();

function divisionTotals(db: Knex, prefix: string) {
  const hit = totalsCache.get(prefix);
  if (hit && Date.now() - hit.at < TOTALS_TTL_MS) return hit.value;
  const value = store.divisionTotals(db, prefix);
  value.catch(() => totalsCache.delete(prefix));
  totalsCache.set(prefix, { at: Date.now(), value });
  return value;
}

export function forgetDivisionTotals(): void {
  totalsCache.clear();
}

export async function resolveRegion(db: Knex, code: string | undefined): Promise<RegionRef> {
  if (!code) return COUNTRY;
  const r = await regions.find(db, code);
  if (!r) throw new NotFoundError('region');
  return { code: r.code, name: r.name, level: r.level };
}

/** Who is covered below a region on a date. */
export async function coverageState(db: Knex, prefix: string, date: string): Promise<CoverageState> {
  const [totals, facilities] = await Promise.all([
    divisionTotals(db, prefix),
    store.operatingOn(db, date, ['columbarium', 'urban_public_cemetery', 'rural_public_cemetery', 'funeral_home']),
  ]);
  const served = new Set<string>();
  for (const f of facilities) {
    if (f.region_code.length === 12 && f.region_code.startsWith(prefix)) served.add(f.region_code);
    for (const a of f.areas) if (a.length === 12 && a.startsWith(prefix)) served.add(a);
  }
  const flags = new Map((await store.villagesByCode(db, [...served])).map((v) => [v.code, v]));
  return buildState(prefix, totals, facilities, flags);
}

const childLevel: Record<RegionRef['level'], Level | null> = { country: 'province', province: 'city', city: 'county', county: 'township', township: 'village', village: null };

/** Indicators for the region and each of its children (cities, counties, townships or villages). */
export async function computeCoverage(db: Knex, opts: { region?: string; date: string }): Promise<CoverageResult> {
  const region = await resolveRegion(db, opts.region);
  const state = await coverageState(db, region.code, opts.date);
  return coverageOf(db, region, state, opts.date);
}

export async function coverageOf(db: Knex, region: RegionRef, state: CoverageState, date: string): Promise<CoverageResult> {
  const level = childLevel[region.level];
  const kids = level === null ? [] : region.level === 'country'
    ? await regions.children(db, null)
    : await regions.children(db, region.code);
  if (level === 'village') {
    const villages = await store.villagesUnder(db, region.code);
    const own = summarise(state, 12).total;
    return {
      region: { ...region, ...own }, date,
      children: villages.map((v) => ({ code: v.code, name: v.name, level: 'village', ...villageIndicators(state, v) })),
    };
  }
  const childLength = kids[0]?.code.length ?? region.code.length + 2;
  const { total, children } = summarise(state, childLength);
  const empty = summarise({ ...state, counties: [], townships: new Map() }, childLength).total;
  return {
    region: { ...region, ...total }, date,
    children: kids.map((k): RegionCoverage => ({ code: k.code, name: k.name, level: k.level, ...(children.get(k.code) ?? empty) })),
  };
}

export interface UncoveredTownship { code: string; name: string; county: { code: string; name: string }; villages: { code: string; name: string; central: boolean }[] }

/** Administrative villages not covered on the date, grouped by township in code order. */
export async function uncoveredVillages(db: Knex, opts: { region?: string; date: string; state?: CoverageState }): Promise<UncoveredTownship[]> {
  const region = await resolveRegion(db, opts.region);
  const state = opts.state ?? await coverageState(db, region.code, opts.date);
  const open = [...state.townships.values()].filter((t) => !t.whole && t.adminVillages > t.covered.size).map((t) => t.code);
  const out: UncoveredTownship[] = [];
  if (open.length === 0) return out;
  const names = await store.regionNames(db, [...new Set([...open, ...open.map((t) => t.slice(0, 6))])]);
  const openSet = new Set(open);
  const byTownship = new Map<string, UncoveredTownship>();
  for (const v of await store.villagesUnder(db, region.code, { adminOnly: true })) {
    if (!openSet.has(v.parent_code) || isVillageCovered(state, v)) continue;
    let t = byTownship.get(v.parent_code);
    if (!t) {
      const c = v.parent_code.slice(0, 6);
      byTownship.set(v.parent_code, (t = { code: v.parent_code, name: names.get(v.parent_code) ?? v.parent_code, county: { code: c, name: names.get(c) ?? c }, villages: [] }));
      out.push(t);
    }
    t.villages.push({ code: v.code, name: v.name, central: v.is_central_village });
  }
  return out;
}

// Coverage of a region on a date: reads (store.ts), applies the rules (rules.ts), names the regions.
import type { Knex } from 'knex';
import { systemClock, TtlCache, type Clock } from '../../cache.js';
import { NotFoundError } from '../../http/errors.js';
import { codeLength, type Level } from '../../regions/levels.js';
import * as regions from '../../regions/service.js';
import {
  buildState,
  divisionsOf,
  emptySummary,
  isVillageCovered,
  summarise,
  townshipCounts,
  villageIndicators,
  type CoverageState,
  type Divisions,
} from './rules.js';
import type { CoverageResult, RegionCoverage, RegionRef } from '../indicators/kinds.js';
import * as store from './store.js';

export type { OperatingFacility, VillageFlags } from './store.js';

/** Every unit below a prefix is counted; '' is the whole country. */
export const COUNTRY: RegionRef = { code: '', name: '全国', level: 'country' };

// Division totals change only when divisions are imported or central villages are marked: kept per database and
// process for a few minutes, and dropped at once in the process that made the change (the regions service tells
// after an import commits, the figures service after central villages are saved).
const TOTALS_TTL_MS = 5 * 60_000;
// Kept as every state starts from them (rules.divisionsOf), so that the states of the chart's dates share them.
const totalsCaches = new WeakMap<Knex, TtlCache<string, Divisions>>();
let totalsClock: Clock = systemClock;
const clock: Clock = { now: () => totalsClock.now() };

function divisionTotals(db: Knex, prefix: string): Promise<Divisions> {
  let cache = totalsCaches.get(db);
  if (!cache)
    totalsCaches.set(
      db,
      (cache = new TtlCache({
        ttlMs: TOTALS_TTL_MS,
        max: 200,
        clock,
        load: async (p) => divisionsOf(await store.divisionTotals(db, p)),
      })),
    );
  return cache.get(prefix);
}

/** The clock the division totals are kept by (tests move their own); answers the one it replaces. */
export function setTotalsClock(c: Clock): Clock {
  const before = totalsClock;
  totalsClock = c;
  return before;
}

/** Call after a committed change to divisions or central villages: the next computation reads the totals again. */
export function forgetDivisionTotals(db: Knex): void {
  totalsCaches.get(db)?.clear();
}

regions.onDivisionsChanged(forgetDivisionTotals);

/** The city the coverage pages open on when none is asked for: the demo city when it is there, else the first city. */
export const DEMO_CITY = '5202';
export async function defaultRegion(db: Knex): Promise<string> {
  if (await regions.findRegion(db, DEMO_CITY)) return DEMO_CITY;
  return (await regions.firstRegionAt(db, 'city'))?.code ?? '';
}

/** The region of a code, or the whole country for none; NotFoundError('region_not_found') for an unknown code. */
export async function resolveRegion(db: Knex, code: string | undefined): Promise<RegionRef> {
  if (!code) return COUNTRY;
  const r = await regions.findRegion(db, code);
  if (!r) throw new NotFoundError('region_not_found');
  return { code: r.code, name: r.name, level: r.level };
}

const COUNTING_KINDS = ['columbarium', 'urban_public_cemetery', 'rural_public_cemetery', 'funeral_home'] as const;

/** Who is covered below a region (a code prefix, '' for the country) on a date (YYYY-MM-DD). */
export async function coverageState(db: Knex, prefix: string, date: string): Promise<CoverageState> {
  return (await coverageStateWithFacilities(db, prefix, date)).state;
}

/** The state and the operating facilities it was built from (the lists say which facility covers what). */
export async function coverageStateWithFacilities(
  db: Knex,
  prefix: string,
  date: string,
): Promise<{ state: CoverageState; facilities: store.OperatingFacility[] }> {
  const [totals, facilities] = await Promise.all([
    divisionTotals(db, prefix),
    store.operatingOn(db, date, COUNTING_KINDS, prefix),
  ]);
  const served = new Set<string>();
  for (const f of facilities) {
    if (f.region_code.length === 12 && f.region_code.startsWith(prefix)) served.add(f.region_code);
    for (const a of f.areas) if (a.length === 12 && a.startsWith(prefix)) served.add(a);
  }
  const flags = new Map((await store.villagesByCode(db, [...served])).map((v) => [v.code, v]));
  return { state: buildState(prefix, totals, facilities, flags), facilities };
}

/** States on several dates, with the facilities operating on each, from one read of the registry (the dashboard's chart). */
export async function coverageStatesOn(
  db: Knex,
  prefix: string,
  dates: string[],
): Promise<Map<string, { state: CoverageState; facilities: store.OperatingFacility[] }>> {
  const [totals, byDate] = await Promise.all([
    divisionTotals(db, prefix),
    store.operatingOnDates(db, dates, COUNTING_KINDS, prefix),
  ]);
  const served = new Set<string>();
  for (const facilities of byDate.values()) {
    for (const f of facilities) {
      if (f.region_code.length === 12 && f.region_code.startsWith(prefix)) served.add(f.region_code);
      for (const a of f.areas) if (a.length === 12 && a.startsWith(prefix)) served.add(a);
    }
  }
  const flags = new Map((await store.villagesByCode(db, [...served])).map((v) => [v.code, v]));
  return new Map(
    dates.map((d) => {
      const facilities = byDate.get(d) ?? [];
      return [d, { state: buildState(prefix, totals, facilities, flags), facilities }];
    }),
  );
}

const childLevel: Record<RegionRef['level'], Level | null> = {
  country: 'province',
  province: 'city',
  city: 'county',
  county: 'township',
  township: 'village',
  village: null,
};

/**
 * Indicators for a region (omitted: the whole country) and each of its children (provinces, cities, counties,
 * townships or village-level units) on a date. A village-level region has no children.
 */
export async function computeCoverage(db: Knex, opts: { region?: string; date: string }): Promise<CoverageResult> {
  const region = await resolveRegion(db, opts.region);
  if (region.level === 'village') {
    const state = await coverageState(db, region.code.slice(0, 9), opts.date);
    const [v] = await store.villagesByCode(db, [region.code]);
    return { region: { ...region, ...villageIndicators(state, v) }, date: opts.date, children: [] };
  }
  const state = await coverageState(db, region.code, opts.date);
  return coverageOf(db, region, state, opts.date);
}

/** The result for a region from a state already computed for it (the proposal measures imagined states). */
export async function coverageOf(
  db: Knex,
  region: RegionRef,
  state: CoverageState,
  date: string,
): Promise<CoverageResult> {
  const level = childLevel[region.level];
  if (level === null) return { region: { ...region, ...summarise(state, 12).total }, date, children: [] };
  if (level === 'village') {
    const villages = await store.villagesUnder(db, region.code);
    return {
      region: { ...region, ...summarise(state, 12).total },
      date,
      children: villages.map((v) => ({ code: v.code, name: v.name, level: 'village', ...villageIndicators(state, v) })),
    };
  }
  const kids = await regions.childRegions(db, region.level === 'country' ? null : region.code);
  const { total, children } = summarise(state, codeLength[level]);
  return {
    region: { ...region, ...total },
    date,
    children: kids.map((k): RegionCoverage => ({
      code: k.code,
      name: k.name,
      level: k.level,
      ...(children.get(k.code) ?? emptySummary()),
    })),
  };
}

/** Village-level units below a region (a code prefix), in code order; with q, those whose name or code holds it. */
export function villagesUnder(db: Knex, prefix: string, opts: { q?: string } = {}): Promise<store.VillageFlags[]> {
  return store.villagesUnder(db, prefix, opts);
}

/** The village-level units of the given townships, in code order. */
export function villagesOf(db: Knex, townships: string[]): Promise<store.VillageFlags[]> {
  return store.villagesOf(db, townships);
}

export interface UncoveredTownship {
  code: string;
  name: string;
  county: { code: string; name: string };
  villages: { code: string; name: string; central: boolean }[];
}

/** Administrative villages not covered on the date, grouped by township in code order. */
export async function uncoveredVillages(
  db: Knex,
  opts: { region?: string; date: string; state?: CoverageState },
): Promise<UncoveredTownship[]> {
  const region = await resolveRegion(db, opts.region);
  const prefix = region.level === 'village' ? region.code.slice(0, 9) : region.code;
  const state = opts.state ?? (await coverageState(db, prefix, opts.date));
  const open = [...state.townships.values()]
    .filter((t) => !t.whole && townshipCounts(t).villages < t.adminVillages)
    .map((t) => t.code);
  const out: UncoveredTownship[] = [];
  if (open.length === 0) return out;
  const names = await regions.regionNames(db, [...new Set([...open, ...open.map((t) => t.slice(0, 6))])]);
  const byTownship = new Map<string, UncoveredTownship>();
  for (const v of await store.villagesOf(db, open, { adminOnly: true })) {
    if (!v.code.startsWith(region.code) || isVillageCovered(state, v)) continue;
    let t = byTownship.get(v.parent_code);
    if (!t) {
      const c = v.parent_code.slice(0, 6);
      byTownship.set(
        v.parent_code,
        (t = {
          code: v.parent_code,
          name: names.get(v.parent_code) ?? v.parent_code,
          county: { code: c, name: names.get(c) ?? c },
          villages: [],
        }),
      );
      out.push(t);
    }
    t.villages.push({ code: v.code, name: v.name, central: v.is_central_village });
  }
  return out;
}

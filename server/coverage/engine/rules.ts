// The coverage rules (docs/COVERAGE.md) as pure functions over what store.ts reads: which villages, townships
// and counties each operating facility covers, and the rates for any region. No I/O here, so the proposal
// ("what would it take") can add imagined facilities to a state and measure again.
import { ashPlacementKinds } from '../../facilities/kinds.js';
import { serviceOf } from '../../facilities/service-area.js';
import { ratio, type Indicators } from '../indicators/kinds.js';
import type { OperatingFacility, TownshipTotals, VillageFlags } from './store.js';

const countyOf = (code: string) => code.slice(0, 6);
const townshipOf = (code: string) => code.slice(0, 9);

/** Columbaria and public-welfare cemeteries; commercial cemeteries, service points and funeral homes never count. */
export const countsForCoverage = (kind: string): boolean => (ashPlacementKinds as readonly string[]).includes(kind);

export interface TownshipState extends TownshipTotals {
  /** Served whole: every village-level unit of the township is covered. */
  whole: boolean;
  /** Village-level units (villages and communities) covered one by one. Read only: addFacility() adds to it. */
  covered: ReadonlyMap<string, VillageFlags>;
}

// A country has 41,352 townships and most are served by nothing: they share one empty map until addFacility()
// gives a township a map of its own, which keeps a whole-country computation from making 41,352 maps per call.
const NONE: ReadonlyMap<string, VillageFlags> = new Map();

/** Which units are covered below a prefix on one date. */
export interface CoverageState {
  prefix: string;
  counties: string[];
  townships: Map<string, TownshipState>;
  /** Counties with a counting facility located in them. */
  coveredCounties: Set<string>;
  /** Townships with a counting facility located in them or serving them whole. */
  coveredTownships: Set<string>;
  /** Counties with an operating funeral home that has an active cremator. */
  cremationCounties: Set<string>;
}

/**
 * Applies the rules to the facilities operating on the date. `villageFlags` must hold every village-level unit
 * served one by one (store.villagesByCode); units outside the prefix and unknown codes are ignored.
 */
export function buildState(
  prefix: string,
  totals: { counties: string[]; townships: TownshipTotals[] },
  facilities: OperatingFacility[],
  villageFlags: Map<string, VillageFlags>,
): CoverageState {
  const townships = new Map<string, TownshipState>();
  for (const t of totals.townships) {
    townships.set(t.code, {
      code: t.code,
      adminVillages: t.adminVillages,
      centralVillages: t.centralVillages,
      communities: t.communities,
      whole: false,
      covered: NONE,
    });
  }
  const state: CoverageState = {
    prefix,
    counties: totals.counties,
    townships,
    coveredCounties: new Set(),
    coveredTownships: new Set(),
    cremationCounties: new Set(),
  };
  for (const f of facilities) {
    if (f.kind === 'funeral_home') {
      if (f.cremators > 0 && f.region_code.length >= 6) state.cremationCounties.add(countyOf(f.region_code));
      continue;
    }
    if (!countsForCoverage(f.kind)) continue;
    addFacility(state, f, villageFlags);
  }
  return state;
}

/** Adds one public-welfare ash-placement facility's coverage to a state (also used for proposed facilities). */
export function addFacility(
  state: CoverageState,
  f: Pick<OperatingFacility, 'region_code' | 'build_mode' | 'areas'>,
  villageFlags: Map<string, VillageFlags>,
): void {
  const loc = f.region_code;
  if (loc.length >= 6) state.coveredCounties.add(countyOf(loc));
  if (loc.length >= 9) state.coveredTownships.add(townshipOf(loc));
  const s = serviceOf(f);
  for (const t of s.townships) {
    const ts = state.townships.get(t);
    if (!ts) continue;
    ts.whole = true;
    state.coveredTownships.add(t);
  }
  for (const v of s.villages) {
    const flags = villageFlags.get(v);
    const ts = state.townships.get(townshipOf(v));
    if (!flags || !ts) continue;
    if (ts.covered === NONE) ts.covered = new Map();
    (ts.covered as Map<string, VillageFlags>).set(v, flags);
  }
}

export interface TownshipCounts {
  villages: number;
  central: number;
  communities: number;
}
const NOTHING: TownshipCounts = Object.freeze({ villages: 0, central: 0, communities: 0 });

/** Covered administrative villages, central villages and communities of one township. */
export function townshipCounts(ts: TownshipState): TownshipCounts {
  if (ts.whole) return { villages: ts.adminVillages, central: ts.centralVillages, communities: ts.communities };
  if (ts.covered.size === 0) return NOTHING;
  let villages = 0;
  let central = 0;
  let communities = 0;
  for (const v of ts.covered.values()) {
    if (!v.is_admin_village) {
      communities += 1;
      continue;
    }
    villages += 1;
    if (v.is_central_village) central += 1;
  }
  return { villages, central, communities };
}

export function isVillageCovered(state: CoverageState, v: Pick<VillageFlags, 'code'>): boolean {
  const ts = state.townships.get(townshipOf(v.code));
  return !!ts && (ts.whole || ts.covered.has(v.code));
}

/** [covered, total] per indicator. */
interface Tally {
  counties: [number, number];
  townships: [number, number];
  villages: [number, number];
  central: [number, number];
  cremation: [number, number];
  communities: [number, number];
}
const emptyTally = (): Tally => ({
  counties: [0, 0],
  townships: [0, 0],
  villages: [0, 0],
  central: [0, 0],
  cremation: [0, 0],
  communities: [0, 0],
});

const toIndicators = (t: Tally): Indicators => ({
  counties: ratio(t.counties[0], t.counties[1]),
  townships: ratio(t.townships[0], t.townships[1]),
  villages: ratio(t.villages[0], t.villages[1]),
  central_villages: ratio(t.central[0], t.central[1]),
  cremation_counties: ratio(t.cremation[0], t.cremation[1]),
  communities: ratio(t.communities[0], t.communities[1]),
});

export interface Summary {
  indicators: Indicators;
  communities: number;
}
const summary = (t: Tally): Summary => ({ indicators: toIndicators(t), communities: t.communities[1] });

/** Indicators with nothing counted (0 of 0, rate null). */
export const emptySummary = (): Summary => summary(emptyTally());

/**
 * Indicators for the state's own prefix and for each group of units sharing the first `childLength` digits
 * (the region's children: 2 provinces, 4 cities, 6 counties, 9 townships), in one pass. A unit is counted in
 * its child's tally only when it is at the child's level or below, so the children's totals and covered counts
 * sum to the parent's for every indicator below the parent's own level; a unit of the parent's own level (a
 * county's own county and cremation figures) is in the parent's tally only.
 */
export function summarise(
  state: CoverageState,
  childLength: number,
): { total: Summary; children: Map<string, Summary> } {
  const total = emptyTally();
  const kids = new Map<string, Tally>();
  const child = (code: string): Tally | undefined => {
    if (code.length < childLength) return undefined;
    const key = code.slice(0, childLength);
    let k = kids.get(key);
    if (!k) kids.set(key, (k = emptyTally()));
    return k;
  };
  const addCounty = (t: Tally, covered: number, cremation: number) => {
    t.counties[1] += 1;
    t.counties[0] += covered;
    t.cremation[1] += 1;
    t.cremation[0] += cremation;
  };
  for (const c of state.counties) {
    const covered = state.coveredCounties.has(c) ? 1 : 0;
    const cremation = state.cremationCounties.has(c) ? 1 : 0;
    addCounty(total, covered, cremation);
    const k = child(c);
    if (k) addCounty(k, covered, cremation);
  }
  const addTownship = (t: Tally, ts: TownshipState, isCovered: number, covered: TownshipCounts | undefined) => {
    t.townships[1] += 1;
    t.townships[0] += isCovered;
    if (!covered) return;
    t.villages[1] += ts.adminVillages;
    t.villages[0] += covered.villages;
    t.central[1] += ts.centralVillages;
    t.central[0] += covered.central;
    t.communities[1] += ts.communities;
    t.communities[0] += covered.communities;
  };
  // Below a township the children are villages: villageIndicators() counts those one by one.
  const villagesInChildren = childLength <= 9;
  for (const ts of state.townships.values()) {
    const covered = townshipCounts(ts);
    const isCovered = state.coveredTownships.has(ts.code) ? 1 : 0;
    addTownship(total, ts, isCovered, covered);
    const k = child(ts.code);
    if (k) addTownship(k, ts, isCovered, villagesInChildren ? covered : undefined);
  }
  const children = new Map<string, Summary>();
  for (const [key, t] of kids) children.set(key, summary(t));
  return { total: summary(total), children };
}

/** Indicators of one village-level unit (the children of a township, or a village asked for itself). */
export function villageIndicators(state: CoverageState, v: VillageFlags): Summary {
  const t = emptyTally();
  const covered = isVillageCovered(state, v) ? 1 : 0;
  if (v.is_admin_village) {
    t.villages = [covered, 1];
    if (v.is_central_village) t.central = [covered, 1];
  } else {
    t.communities = [covered, 1];
  }
  return summary(t);
}

/** Which operating facilities cover each unit (ids), by the same rules as buildState: the lists behind the numbers. */
export interface CoveredBy {
  /** Village-level units served one by one. */
  villages: Map<string, number[]>;
  /** Townships served whole (every village of them). */
  townshipsWhole: Map<string, number[]>;
  /** Townships covered: a counting facility stands in them or serves them whole. */
  townships: Map<string, number[]>;
  /** Counties with a counting facility standing in them. */
  counties: Map<string, number[]>;
  /** Counties with a funeral home that has an active cremator. */
  cremation: Map<string, number[]>;
}

export function coveredBy(
  facilities: Pick<OperatingFacility, 'id' | 'kind' | 'region_code' | 'build_mode' | 'areas' | 'cremators'>[],
): CoveredBy {
  const by: CoveredBy = {
    villages: new Map(),
    townshipsWhole: new Map(),
    townships: new Map(),
    counties: new Map(),
    cremation: new Map(),
  };
  const add = (m: Map<string, number[]>, code: string, id: number) => {
    const ids = m.get(code);
    if (!ids) m.set(code, [id]);
    else if (!ids.includes(id)) ids.push(id);
  };
  for (const f of facilities) {
    const loc = f.region_code;
    if (f.kind === 'funeral_home') {
      if (f.cremators > 0 && loc.length >= 6) add(by.cremation, countyOf(loc), f.id);
      continue;
    }
    if (!countsForCoverage(f.kind)) continue;
    if (loc.length >= 6) add(by.counties, countyOf(loc), f.id);
    if (loc.length >= 9) add(by.townships, townshipOf(loc), f.id);
    const s = serviceOf(f);
    for (const t of s.townships) {
      add(by.townshipsWhole, t, f.id);
      add(by.townships, t, f.id);
    }
    for (const v of s.villages) add(by.villages, v, f.id);
  }
  return by;
}

// The coverage rules (docs/COVERAGE.md) as pure functions over what store.ts reads: which villages, townships
// and counties each operating facility covers, and the rates for any region. No I/O here, so the proposal
// ("what would it take") can add imagined facilities to a state and measure again.
import { ashPlacementKinds, ratio, type Indicators } from './indicators.js';
import type { OperatingFacility, TownshipTotals, VillageFlags } from './store.js';

const countyOf = (code: string) => code.slice(0, 6);
const townshipOf = (code: string) => code.slice(0, 9);
const isVillage = (code: string) => code.length === 12;
const isTownship = (code: string) => code.length === 9;

/** Villages a facility serves one by one, and townships it serves whole. */
export interface Service { villages: string[]; townships: string[] }

/**
 * What a facility serves, from its build mode, where it stands and its listed service area:
 * 单村独建 its own village; 多村联建 and 镇村合建 its own village plus the listed ones; 全镇统建 every village of its
 * township. Without a build mode (columbaria, urban cemeteries) it serves the village or the whole township it
 * stands in. Listed townships are served whole, listed villages one by one, in every mode.
 */
export function serviceOf(f: Pick<OperatingFacility, 'region_code' | 'build_mode' | 'areas'>): Service {
  const villages = new Set<string>();
  const townships = new Set<string>();
  const loc = f.region_code;
  if (f.build_mode === 'township_wide') {
    if (loc.length >= 9) townships.add(townshipOf(loc));
  } else if (isVillage(loc)) {
    villages.add(loc);
  } else if (isTownship(loc) && f.build_mode === null) {
    townships.add(loc);
  }
  for (const a of f.areas) {
    if (isVillage(a)) villages.add(a);
    else if (isTownship(a)) townships.add(a);
  }
  return { villages: [...villages], townships: [...townships] };
}

const counts = (kind: string) => (ashPlacementKinds as readonly string[]).includes(kind);

export interface TownshipState extends TownshipTotals {
  /** Served whole: every village of the township is covered. */
  whole: boolean;
  /** Villages covered one by one (when not whole). */
  covered: Map<string, VillageFlags>;
}

/** Which units are covered below a prefix on one date. */
export interface CoverageState {
  prefix: string;
  counties: string[];
  townships: Map<string, TownshipState>;
  coveredCounties: Set<string>;
  coveredTownships: Set<string>;
  cremationCounties: Set<string>;
}

/**
 * Applies the rules. `villageFlags` must hold every village served one by one (store.villagesByCode); villages
 * outside the prefix and unknown codes are ignored.
 */
export function buildState(prefix: string, totals: { counties: string[]; townships: TownshipTotals[] }, facilities: OperatingFacility[], villageFlags: Map<string, VillageFlags>): CoverageState {
  const townships = new Map<string, TownshipState>(totals.townships.map((t) => [t.code, { ...t, whole: false, covered: new Map() }]));
  const state: CoverageState = { prefix, counties: totals.counties, townships, coveredCounties: new Set(), coveredTownships: new Set(), cremationCounties: new Set() };
  for (const f of facilities) {
    if (f.kind === 'funeral_home') {
      if (f.cremators > 0 && f.region_code.length >= 6) state.cremationCounties.add(countyOf(f.region_code));
      continue;
    }
    if (!counts(f.kind)) continue; // commercial cemeteries and service points never count
    addFacility(state, f, villageFlags);
  }
  return state;
}

/** Adds one public-welfare ash-placement facility's coverage to a state (also used for proposed facilities). */
export function addFacility(state: CoverageState, f: Pick<OperatingFacility, 'region_code' | 'build_mode' | 'areas'>, villageFlags: Map<string, VillageFlags>): void {
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
    ts.covered.set(v, flags);
  }
}

/** Covered administrative and central villages of one township. */
export function townshipCounts(ts: TownshipState): { villages: number; central: number } {
  if (ts.whole) return { villages: ts.adminVillages, central: ts.centralVillages };
  let villages = 0;
  let central = 0;
  for (const v of ts.covered.values()) {
    if (!v.is_admin_village) continue;
    villages += 1;
    if (v.is_central_village) central += 1;
  }
  return { villages, central };
}

export function isVillageCovered(state: CoverageState, v: Pick<VillageFlags, 'code'>): boolean {
  const ts = state.townships.get(townshipOf(v.code));
  return !!ts && (ts.whole || ts.covered.has(v.code));
}

interface Tally { counties: [number, number]; townships: [number, number]; villages: [number, number]; central: [number, number]; cremation: [number, number]; communities: number }
const emptyTally = (): Tally => ({ counties: [0, 0], townships: [0, 0], villages: [0, 0], central: [0, 0], cremation: [0, 0], communities: 0 });

const toIndicators = (t: Tally): Indicators => ({
  counties: ratio(t.counties[0], t.counties[1]),
  townships: ratio(t.townships[0], t.townships[1]),
  villages: ratio(t.villages[0], t.villages[1]),
  central_villages: ratio(t.central[0], t.central[1]),
  cremation_counties: ratio(t.cremation[0], t.cremation[1]),
});

/**
 * Indicators for the state's own prefix and for each group of units sharing the first `childLength` digits
 * (the region's children), in one pass. Children's sums equal the parent's by construction.
 */
export function summarise(state: CoverageState, childLength: number): { total: { indicators: Indicators; communities: number }; children: Map<string, { indicators: Indicators; communities: number }> } {
  const total = emptyTally();
  const kids = new Map<string, Tally>();
  const tally = (code: string): Tally[] => {
    if (code.length < childLength) return [total];
    const key = code.slice(0, childLength);
    let k = kids.get(key);
    if (!k) kids.set(key, (k = emptyTally()));
    return [total, k];
  };
  for (const c of state.counties) {
    for (const t of tally(c)) {
      t.counties[1] += 1;
      t.cremation[1] += 1;
      if (state.coveredCounties.has(c)) t.counties[0] += 1;
      if (state.cremationCounties.has(c)) t.cremation[0] += 1;
    }
  }
  for (const ts of state.townships.values()) {
    const covered = townshipCounts(ts);
    for (const t of tally(ts.code)) {
      t.townships[1] += 1;
      if (state.coveredTownships.has(ts.code)) t.townships[0] += 1;
      // Below a township the children are villages: villageIndicators() counts those one by one.
      if (t !== total && childLength > 9) continue;
      t.villages[1] += ts.adminVillages;
      t.villages[0] += covered.villages;
      t.central[1] += ts.centralVillages;
      t.central[0] += covered.central;
      t.communities += ts.communities;
    }
  }
  const out = new Map<string, { indicators: Indicators; communities: number }>();
  for (const [k, t] of kids) out.set(k, { indicators: toIndicators(t), communities: t.communities });
  return { total: { indicators: toIndicators(total), communities: total.communities }, children: out };
}

/** Indicators of each village of a township (the children of a township-level region). */
export function villageIndicators(state: CoverageState, v: VillageFlags): { indicators: Indicators; communities: number } {
  const covered = isVillageCovered(state, v) ? 1 : 0;
  const admin = v.is_admin_village ? 1 : 0;
  const central = v.is_admin_village && v.is_central_village ? 1 : 0;
  return {
    indicators: {
      counties: ratio(0, 0), townships: ratio(0, 0), cremation_counties: ratio(0, 0),
      villages: ratio(covered * admin, admin),
      central_villages: ratio(covered * central, central),
    },
    communities: 1 - admin,
  };
}

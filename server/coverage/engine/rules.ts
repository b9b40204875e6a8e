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

// A country has 41,352 townships and most are served by nothing on any date. The townships of the division totals
// are made once, frozen, and shared by every state built from them (one per date on the dashboard's chart); a state
// holds objects of its own only for the townships a facility serves (Townships below), so building one costs what
// its facilities serve, not what the country holds.
const NONE: ReadonlyMap<string, VillageFlags> = new Map();

/**
 * The townships of a state, read as one map of every township in the divisions' order: the shared ones, and in front
 * of them the state's own copies of those a facility serves.
 */
export class Townships {
  constructor(
    /** Every township, as served by nothing (frozen; shared with the other states of the same divisions). */
    readonly shared: ReadonlyMap<string, TownshipState>,
    private readonly own = new Map<string, TownshipState>(),
  ) {}

  get size(): number {
    return this.shared.size;
  }

  has(code: string): boolean {
    return this.shared.has(code);
  }

  get(code: string): TownshipState | undefined {
    return this.own.get(code) ?? this.shared.get(code);
  }

  keys(): IterableIterator<string> {
    return this.shared.keys();
  }

  values(): IterableIterator<TownshipState> {
    if (this.own.size === 0) return this.shared.values();
    const out: TownshipState[] = [];
    for (const [code, t] of this.shared) out.push(this.own.get(code) ?? t);
    return out.values();
  }

  entries(): IterableIterator<[string, TownshipState]> {
    const out: [string, TownshipState][] = [];
    for (const [code, t] of this.shared) out.push([code, this.own.get(code) ?? t]);
    return out.values();
  }

  [Symbol.iterator](): IterableIterator<[string, TownshipState]> {
    return this.entries();
  }

  /** The townships a facility serves in this state (those with an object of their own), in no particular order. */
  served(): IterableIterator<TownshipState> {
    return this.own.values();
  }

  /** The state's own object for a township, to change (a copy of the shared one the first time); undefined if unknown. */
  toChange(code: string): TownshipState | undefined {
    const mine = this.own.get(code);
    if (mine) return mine;
    const shared = this.shared.get(code);
    if (!shared) return undefined;
    const copy: TownshipState = { ...shared };
    this.own.set(code, copy);
    return copy;
  }

  /** A copy that can be changed without touching this one (the shared townships stay shared). */
  copy(): Townships {
    return new Townships(
      this.shared,
      new Map([...this.own].map(([code, t]) => [code, { ...t, covered: new Map(t.covered) }])),
    );
  }
}

/** Which units are covered below a prefix on one date. */
export interface CoverageState {
  prefix: string;
  counties: string[];
  townships: Townships;
  /** Counties with a counting facility located in them. */
  coveredCounties: Set<string>;
  /** Townships with a counting facility located in them or serving them whole. */
  coveredTownships: Set<string>;
  /** Counties with an operating funeral home that has an active cremator. */
  cremationCounties: Set<string>;
}

/** Division totals as every state starts from them: counties, and each township served by nothing (frozen, shared). */
export interface Divisions {
  counties: string[];
  townships: ReadonlyMap<string, TownshipState>;
}

type Totals = { counties: string[]; townships: TownshipTotals[] };

/** The starting point of the states built from these totals (the coverage service keeps it with the totals). */
export function divisionsOf(totals: Totals): Divisions {
  const townships = new Map<string, TownshipState>();
  for (const t of totals.townships) {
    townships.set(
      t.code,
      Object.freeze({
        code: t.code,
        adminVillages: t.adminVillages,
        centralVillages: t.centralVillages,
        communities: t.communities,
        whole: false,
        covered: NONE,
      }),
    );
  }
  return { counties: totals.counties, townships };
}

/**
 * Applies the rules to the facilities operating on the date. `villageFlags` must hold every village-level unit
 * served one by one (store.villagesByCode); units outside the prefix and unknown codes are ignored.
 */
export function buildState(
  prefix: string,
  totals: Totals | Divisions,
  facilities: OperatingFacility[],
  villageFlags: Map<string, VillageFlags>,
): CoverageState {
  const divisions = totals.townships instanceof Map ? (totals as Divisions) : divisionsOf(totals as Totals);
  const state: CoverageState = {
    prefix,
    counties: divisions.counties,
    townships: new Townships(divisions.townships),
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
    const ts = state.townships.toChange(t);
    if (!ts) continue;
    ts.whole = true;
    state.coveredTownships.add(t);
  }
  for (const v of s.villages) {
    const flags = villageFlags.get(v);
    if (!flags || !state.townships.has(townshipOf(v))) continue;
    const ts = state.townships.toChange(townshipOf(v))!;
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

const addTally = (to: Tally, t: Tally) => {
  for (const key of Object.keys(t) as (keyof Tally)[]) {
    to[key][0] += t[key][0];
    to[key][1] += t[key][1];
  }
};

/** The totals of a state's townships, as if none were covered: overall and per group of the first `childLength` digits. */
interface TownshipSums {
  total: Tally;
  kids: Map<string, Tally>;
}

// Sums over the shared townships, made once per division totals (and dropped with them): the states of the chart's
// dates and the page's own state share one pass over the country's townships instead of one each.
const sharedDerived = new WeakMap<ReadonlyMap<string, TownshipState>, Map<string, unknown>>();

function once<T>(townships: Townships, key: string, make: (shared: ReadonlyMap<string, TownshipState>) => T): T {
  let derived = sharedDerived.get(townships.shared);
  if (!derived) sharedDerived.set(townships.shared, (derived = new Map()));
  if (!derived.has(key)) derived.set(key, make(townships.shared));
  return derived.get(key) as T;
}

function townshipSums(townships: Townships, childLength: number): TownshipSums {
  return once(townships, `totals ${childLength}`, (shared) => {
    const villagesInChildren = childLength <= 9;
    const sums: TownshipSums = { total: emptyTally(), kids: new Map() };
    const add = (t: Tally, ts: TownshipState, villages: boolean) => {
      t.townships[1] += 1;
      if (!villages) return;
      t.villages[1] += ts.adminVillages;
      t.central[1] += ts.centralVillages;
      t.communities[1] += ts.communities;
    };
    for (const ts of shared.values()) {
      add(sums.total, ts, true);
      if (ts.code.length < childLength) continue;
      const key = ts.code.slice(0, childLength);
      let k = sums.kids.get(key);
      if (!k) sums.kids.set(key, (k = emptyTally()));
      add(k, ts, villagesInChildren);
    }
    return sums;
  });
}

/** Uncovered administrative villages of an area, of them central villages, and the townships they lie in. */
export interface UncoveredSum {
  villages: number;
  central: number;
  townships: number;
}

/** What a township leaves uncovered: nothing when served whole or when every administrative village is covered. */
function uncoveredOf(ts: TownshipState): UncoveredSum | undefined {
  if (ts.whole) return undefined;
  const c = townshipCounts(ts);
  const open = ts.adminVillages - c.villages;
  if (open <= 0) return undefined;
  return { villages: open, central: ts.centralVillages - c.central, townships: 1 };
}

/**
 * Uncovered administrative villages per group of units sharing the first `length` digits (4: per city, 6: per
 * county), from the townships' totals alone, in code order; groups with none are left out.
 */
export function uncoveredSums(state: CoverageState, length: number): Map<string, UncoveredSum> {
  // As if nothing were covered (per shared townships), then each township a facility serves put right.
  const base = once(state.townships, `uncovered ${length}`, (shared) => {
    const out = new Map<string, UncoveredSum>();
    for (const ts of shared.values()) {
      const u = uncoveredOf(ts);
      if (!u) continue;
      const key = ts.code.slice(0, length);
      const a = out.get(key);
      if (!a) out.set(key, u);
      else {
        a.villages += u.villages;
        a.central += u.central;
        a.townships += 1;
      }
    }
    return out;
  });
  const sums = new Map([...base].map(([key, a]) => [key, { ...a }]));
  for (const ts of state.townships.served()) {
    const key = ts.code.slice(0, length);
    const before = uncoveredOf(state.townships.shared.get(ts.code)!);
    const after = uncoveredOf(ts);
    if (!before && !after) continue;
    let a = sums.get(key);
    if (!a) sums.set(key, (a = { villages: 0, central: 0, townships: 0 }));
    for (const k of ['villages', 'central', 'townships'] as const) a[k] += (after?.[k] ?? 0) - (before?.[k] ?? 0);
  }
  return new Map([...sums].filter(([, a]) => a.townships > 0).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
}

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
  // The townships' totals come summed per child from the divisions (the same for every state built from them);
  // only the townships a facility covers or serves are then visited, to add what they cover.
  const sums = townshipSums(state.townships, childLength);
  addTally(total, sums.total);
  for (const [key, t] of sums.kids) {
    let k = kids.get(key);
    if (!k) kids.set(key, (k = emptyTally()));
    addTally(k, t);
  }
  for (const code of state.coveredTownships) {
    if (!state.townships.has(code)) continue;
    total.townships[0] += 1;
    const k = child(code);
    if (k) k.townships[0] += 1;
  }
  // Below a township the children are villages: villageIndicators() counts those one by one.
  const villagesInChildren = childLength <= 9;
  const addCovered = (t: Tally, c: TownshipCounts) => {
    t.villages[0] += c.villages;
    t.central[0] += c.central;
    t.communities[0] += c.communities;
  };
  for (const ts of state.townships.served()) {
    const covered = townshipCounts(ts);
    addCovered(total, covered);
    const k = villagesInChildren ? child(ts.code) : undefined;
    if (k) addCovered(k, covered);
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

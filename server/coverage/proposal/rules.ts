// "What would it take" (补缺测算): the fewest new rural public-welfare cemeteries — 全镇统建, or 多村联建 within one
// township — that lift one coverage indicator of a region to a target rate. Pure: it measures imagined facilities
// on a copy of a CoverageState with the engine's own rules. The method and why it is minimal: docs/COVERAGE.md.
import { addFacility, summarise, type CoverageState } from '../engine/rules.js';
import type { Indicators } from '../indicators/kinds.js';
import type { UncoveredTownship } from '../engine/service.js';
import type { VillageFlags } from '../engine/service.js';

export const proposalIndicators = ['villages', 'central_villages', 'townships', 'counties'] as const;
export type ProposalIndicator = (typeof proposalIndicators)[number];

/** 全镇统建 serves every village of its township; 多村联建 serves up to K listed villages of one township. */
export const proposalModes = ['township_wide', 'multi_village'] as const;
export type ProposalMode = (typeof proposalModes)[number];

export interface ProposalOptions {
  indicator: ProposalIndicator;
  /** Rate to reach, as a fraction 0–1. */
  target: number;
  /** Build modes allowed (at least one). */
  modes: readonly ProposalMode[];
  /** K: the most villages one 多村联建 cemetery serves. */
  maxVillages: number;
}

export interface ProposedVillage {
  code: string;
  name: string;
  central: boolean;
}

export interface ProposedFacility {
  township: { code: string; name: string };
  county: { code: string; name: string };
  mode: ProposalMode;
  /** The administrative villages it newly covers, in code order. */
  villages: ProposedVillage[];
  /** Units of the indicator it adds: villages, central villages, or 1 for a township or county newly covered. */
  gain: number;
  /** The indicator once this facility and the ones listed before it are built. */
  coveredAfter: number;
  rateAfter: number;
}

/**
 * nothing_to_cover: the region has no unit of the indicator (no central villages marked, say);
 * met: the target is already reached; reached: the facilities reach it; unreachable: even building every
 * candidate leaves it short (the facilities are then the ones that get as close as possible).
 */
export type ProposalOutcome = 'nothing_to_cover' | 'met' | 'reached' | 'unreachable';

export interface Proposal {
  indicator: ProposalIndicator;
  target: number;
  total: number;
  coveredBefore: number;
  /** ceil(target × total): units that must be covered. */
  required: number;
  /** required − coveredBefore, at least 0. */
  needed: number;
  outcome: ProposalOutcome;
  /** Ranked by villages covered, most first. */
  facilities: ProposedFacility[];
  coveredAfter: number;
  rateAfter: number | null;
  /** Units of the indicator no candidate can reach: townships or counties without an uncovered administrative village. */
  outOfReach: number;
  /** Every indicator of the region before and after the proposed facilities. */
  before: Indicators;
  after: Indicators;
}

const EPSILON = 1e-9;

/** ceil(target × total), without 0.7 × 10 = 7.000000000000001 asking for 8. */
export function requiredUnits(target: number, total: number): number {
  return Math.min(total, Math.max(0, Math.ceil(target * total - EPSILON)));
}

/** A copy deep enough for addFacility to change without touching the original. */
export function cloneState(state: CoverageState): CoverageState {
  return {
    ...state,
    counties: [...state.counties],
    townships: state.townships.copy(),
    coveredCounties: new Set(state.coveredCounties),
    coveredTownships: new Set(state.coveredTownships),
    cremationCounties: new Set(state.cremationCounties),
  };
}

/** A proposed facility as the engine sees it: it stands in its township and serves the whole township or the listed villages. */
export function asFacility(f: Pick<ProposedFacility, 'township' | 'mode' | 'villages'>): {
  region_code: string;
  build_mode: ProposalMode;
  areas: string[];
} {
  return {
    region_code: f.township.code,
    build_mode: f.mode,
    areas: f.mode === 'township_wide' ? [] : f.villages.map((v) => v.code),
  };
}

/** The engine's village flags for the uncovered villages a proposal may cover. */
export function villageFlagsOf(open: UncoveredTownship[]): Map<string, VillageFlags> {
  const out = new Map<string, VillageFlags>();
  for (const t of open) {
    for (const v of t.villages)
      out.set(v.code, {
        code: v.code,
        name: v.name,
        parent_code: t.code,
        is_admin_village: true,
        is_central_village: v.central,
      });
  }
  return out;
}

/** The region's own indicators (no breakdown by children). */
export const indicatorsOf = (state: CoverageState): Indicators =>
  summarise(state, Number.MAX_SAFE_INTEGER).total.indicators;

interface Group {
  t: UncoveredTownship;
  remaining: ProposedVillage[];
}
interface Candidate {
  group: Group;
  mode: ProposalMode;
  villages: ProposedVillage[];
  gain: number;
}

/**
 * Greedy: repeatedly build the candidate that adds the most units of the indicator (then the one covering more
 * villages, then 全镇统建 over 多村联建, then the township with more uncovered villages, then code order) until the
 * target is reached or nothing adds any more. Candidates of different townships cover disjoint villages and
 * within a township 全镇统建 covers everything a 多村联建 could, so this gives the fewest facilities.
 * `open` is service.uncoveredVillages() for the same state: the administrative villages not yet covered.
 */
export function propose(state: CoverageState, open: UncoveredTownship[], opts: ProposalOptions): Proposal {
  const before = indicatorsOf(state);
  const { total, covered: coveredBefore } = before[opts.indicator];
  const required = requiredUnits(opts.target, total);
  const needed = Math.max(0, required - coveredBefore);
  const K = Math.max(1, Math.floor(opts.maxVillages));
  const allowWide = opts.modes.includes('township_wide');
  const allowMulti = opts.modes.includes('multi_village');
  const centralFirst = opts.indicator === 'central_villages';

  // For the central-village indicator a 多村联建 cemetery takes central villages first (then the others in code order).
  const groups: Group[] = open
    .filter((t) => t.villages.length > 0)
    .map((t) => ({
      t,
      remaining: centralFirst
        ? [...t.villages.filter((v) => v.central), ...t.villages.filter((v) => !v.central)]
        : [...t.villages],
    }));
  const townships = new Set(state.coveredTownships);
  const counties = new Set(state.coveredCounties);
  const gainOf = (g: Group, villages: ProposedVillage[]): number => {
    switch (opts.indicator) {
      case 'villages':
        return villages.length;
      case 'central_villages':
        return villages.filter((v) => v.central).length;
      case 'townships':
        return townships.has(g.t.code) ? 0 : 1;
      case 'counties':
        return counties.has(g.t.county.code) ? 0 : 1;
    }
  };
  const better = (a: Candidate, b: Candidate): boolean => {
    if (a.gain !== b.gain) return a.gain > b.gain;
    if (a.villages.length !== b.villages.length) return a.villages.length > b.villages.length;
    if (a.mode !== b.mode) return a.mode === 'township_wide';
    if (a.group.remaining.length !== b.group.remaining.length)
      return a.group.remaining.length > b.group.remaining.length;
    return a.group.t.code < b.group.t.code;
  };

  const chosen: Candidate[] = [];
  let covered = coveredBefore;
  while (covered < required) {
    let best: Candidate | undefined;
    for (const g of groups) {
      if (g.remaining.length === 0) continue;
      const options: [ProposalMode, ProposedVillage[]][] = [];
      if (allowWide) options.push(['township_wide', g.remaining]);
      if (allowMulti) options.push(['multi_village', g.remaining.slice(0, K)]);
      for (const [mode, villages] of options) {
        const c: Candidate = { group: g, mode, villages, gain: gainOf(g, villages) };
        if (c.gain > 0 && (!best || better(c, best))) best = c;
      }
    }
    if (!best) break;
    chosen.push(best);
    covered += best.gain;
    best.group.remaining = best.group.remaining.slice(best.villages.length);
    townships.add(best.group.t.code);
    counties.add(best.group.t.county.code);
  }

  // Ranked by villages covered per facility; the running rate follows that order (each unit is counted once).
  const ranked = chosen
    .map((c, i) => ({ c, i }))
    .sort((a, b) => b.c.villages.length - a.c.villages.length || b.c.gain - a.c.gain || a.i - b.i)
    .map((x) => x.c);
  const seenTownships = new Set(state.coveredTownships);
  const seenCounties = new Set(state.coveredCounties);
  let running = coveredBefore;
  const facilities = ranked.map((c): ProposedFacility => {
    const villages = [...c.villages].sort((a, b) => (a.code < b.code ? -1 : 1));
    const gain =
      opts.indicator === 'townships'
        ? seenTownships.has(c.group.t.code)
          ? 0
          : 1
        : opts.indicator === 'counties'
          ? seenCounties.has(c.group.t.county.code)
            ? 0
            : 1
          : c.gain;
    seenTownships.add(c.group.t.code);
    seenCounties.add(c.group.t.county.code);
    running += gain;
    return {
      township: { code: c.group.t.code, name: c.group.t.name },
      county: c.group.t.county,
      mode: c.mode,
      villages,
      gain,
      coveredAfter: running,
      rateAfter: total === 0 ? 0 : running / total,
    };
  });

  const next = cloneState(state);
  const flags = villageFlagsOf(open);
  for (const f of facilities) addFacility(next, asFacility(f), flags);
  const after = indicatorsOf(next);

  const outcome: ProposalOutcome =
    total === 0 ? 'nothing_to_cover' : needed === 0 ? 'met' : covered >= required ? 'reached' : 'unreachable';
  return {
    indicator: opts.indicator,
    target: opts.target,
    total,
    coveredBefore,
    required,
    needed,
    outcome,
    facilities,
    coveredAfter: covered,
    rateAfter: total === 0 ? null : covered / total,
    outOfReach: outcome === 'unreachable' ? total - covered : 0,
    before,
    after,
  };
}

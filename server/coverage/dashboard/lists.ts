// The lists behind the dashboard's numbers: villages, townships, counties and the facilities that count, each unit
// with whether it is covered on the date and by which facility. Counts come from the same state as the dashboard,
// so a list filtered to "covered" has exactly as many rows as the number that links to it.
import type { Knex } from 'knex';
import * as regions from '../../regions/service.js';
import type { RegionRef } from '../indicators/kinds.js';
import {
  coveredBy,
  countsForCoverage,
  isVillageCovered,
  summarise,
  townshipCounts,
  type CoverageState,
  type CoveredBy,
} from '../engine/rules.js';
import {
  coverageStateWithFacilities,
  villagesOf,
  villagesUnder,
  type OperatingFacility,
  type VillageFlags,
} from '../engine/service.js';
import { countingFacilities, summarisesUncovered, type Status } from './service.js';
import { formatRatio } from '../../http/format.js';
import type { BuildMode, FacilityKind } from '../../facilities/kinds.js';

export interface FacilityRef {
  id: number;
  name: string;
  kind: FacilityKind;
}

export interface Page<R> {
  rows: R[];
  /** Rows matching every filter, over all pages. */
  total: number;
  /** Rows matching the filters other than the status, by status: the tabs above the list. */
  counts: { all: number; covered: number; uncovered: number };
}

export interface ListOptions {
  date: string;
  status?: Status;
  q?: string;
  page: number;
  perPage: number;
}

const matches = (q: string | undefined, ...texts: (string | undefined)[]) => !q || texts.some((t) => t?.includes(q));

function paginate<T>(items: T[], page: number, perPage: number): T[] {
  return items.slice((page - 1) * perPage, page * perPage);
}

function byStatus<T>(items: T[], covered: (t: T) => boolean, status: Status | undefined) {
  let n = 0;
  for (const i of items) if (covered(i)) n += 1;
  const counts = { all: items.length, covered: n, uncovered: items.length - n };
  const rows = status ? items.filter((i) => covered(i) === (status === 'covered')) : items;
  return { counts, rows };
}

const refs = (ids: Iterable<number>, facilities: Map<number, OperatingFacility>): FacilityRef[] =>
  [...new Set(ids)]
    .map((id) => facilities.get(id))
    .filter((f): f is OperatingFacility => !!f)
    .map((f) => ({ id: f.id, name: f.name, kind: f.kind }));

async function read(db: Knex, region: RegionRef, date: string) {
  const { state, facilities } = await coverageStateWithFacilities(db, region.code, date);
  return { state, facilities: new Map(facilities.map((f) => [f.id, f])), by: coveredBy(facilities), list: facilities };
}

/** Facilities covering a village: serving it one by one, or its whole township. */
export const villageCoveredBy = (by: CoveredBy, code: string): number[] => [
  ...(by.villages.get(code) ?? []),
  ...(by.townshipsWhole.get(code.slice(0, 9)) ?? []),
];

// ## Villages

export interface VillageRow {
  code: string;
  name: string;
  central: boolean;
  community: boolean;
  covered: boolean;
  township: string;
  township_code: string;
  county: string;
  facilities: FacilityRef[];
}

/** Administrative villages (or, with kind 'community', urban communities) below a region. */
export async function villages(
  db: Knex,
  region: RegionRef,
  opts: ListOptions & { central?: boolean; kind?: 'village' | 'community' },
): Promise<Page<VillageRow>> {
  const community = opts.kind === 'community';
  // Above a city (11–17 thousand villages in a province, 620 thousand in the country) the page is found from the
  // townships' counts and only its townships' villages are read; a search reads only the units it matches.
  const large = summarisesUncovered(region);
  const [{ state, facilities, by }, all] = await Promise.all([
    read(db, region, opts.date),
    large && !opts.q ? undefined : villagesUnder(db, region.code, large ? { q: opts.q } : {}),
  ]);
  const page = all ? undefined : await villagePage(db, state, { ...opts, community });
  const wanted = (page?.units ?? all!).filter(
    (v) =>
      (community ? !v.is_admin_village : v.is_admin_village) &&
      (!opts.central || (v.is_admin_village && v.is_central_village)) &&
      matches(opts.q, v.name, v.code),
  );
  const listed = byStatus(wanted, (v) => isVillageCovered(state, v), opts.status);
  const counts = page?.counts ?? listed.counts;
  const total = page ? page.total : listed.rows.length;
  const shown = page
    ? listed.rows.slice(page.skip, page.skip + opts.perPage)
    : paginate(listed.rows, opts.page, opts.perPage);
  const names = await regions.regionNames(db, [
    ...new Set(shown.flatMap((v) => [v.parent_code, v.parent_code.slice(0, 6)])),
  ]);
  return {
    counts,
    total,
    rows: shown.map((v) => {
      const covered = isVillageCovered(state, v);
      return {
        code: v.code,
        name: v.name,
        central: v.is_admin_village && v.is_central_village,
        community: !v.is_admin_village,
        covered,
        township: names.get(v.parent_code) ?? v.parent_code,
        township_code: v.parent_code,
        county: names.get(v.parent_code.slice(0, 6)) ?? v.parent_code.slice(0, 6),
        facilities: covered ? refs(villageCoveredBy(by, v.code), facilities) : [],
      };
    }),
  };
}

/**
 * One page of a long village list from the townships' totals in the state (code order): the counts of every tab,
 * the rows before the page, and the village-level units of just the townships the page runs through.
 */
async function villagePage(
  db: Knex,
  state: CoverageState,
  opts: ListOptions & { central?: boolean; community: boolean },
): Promise<{ counts: Page<VillageRow>['counts']; total: number; units: VillageFlags[]; skip: number }> {
  const counts = { all: 0, covered: 0, uncovered: 0 };
  const per: { code: string; n: number }[] = [];
  for (const t of state.townships.values()) {
    const c = townshipCounts(t);
    const [covered, all] = opts.community
      ? [c.communities, t.communities]
      : opts.central
        ? [c.central, t.centralVillages]
        : [c.villages, t.adminVillages];
    counts.all += all;
    counts.covered += covered;
    counts.uncovered += all - covered;
    const n = opts.status === 'covered' ? covered : opts.status === 'uncovered' ? all - covered : all;
    if (n > 0) per.push({ code: t.code, n });
  }
  const total = opts.status ? counts[opts.status] : counts.all;
  const from = (opts.page - 1) * opts.perPage;
  const townships: string[] = [];
  let before = 0,
    skip = 0;
  for (const t of per) {
    if (before + t.n > from && before < from + opts.perPage) {
      if (townships.length === 0) skip = from - before;
      townships.push(t.code);
    }
    before += t.n;
  }
  return { counts, total, units: townships.length ? await villagesOf(db, townships) : [], skip };
}

// ## Townships

export interface TownshipRow {
  code: string;
  name: string;
  county: string;
  covered: boolean;
  villages: { covered: number; total: number; rateText: string | null };
  central: { covered: number; total: number };
  communities: number;
  facilities: FacilityRef[];
}

export async function townships(db: Knex, region: RegionRef, opts: ListOptions): Promise<Page<TownshipRow>> {
  const { state, facilities, by } = await read(db, region, opts.date);
  const codes = [...state.townships.keys()];
  // Names are read for the page only, unless a search needs them all (the country has 41,352 townships).
  const withCounties = (list: string[]) => [...new Set([...list, ...list.map((c) => c.slice(0, 6))])];
  const searched = opts.q ? await regions.regionNames(db, codes) : undefined;
  const wanted = codes.filter((c) => matches(opts.q, searched?.get(c), c));
  const { counts, rows } = byStatus(wanted, (c) => state.coveredTownships.has(c), opts.status);
  const shown = paginate(rows, opts.page, opts.perPage);
  const names = await regions.regionNames(db, withCounties(shown));
  const per = summarise(state, 9).children;
  return {
    counts,
    total: rows.length,
    rows: shown.map((code) => {
      const ind = per.get(code)!.indicators;
      return {
        code,
        name: names.get(code) ?? code,
        county: names.get(code.slice(0, 6)) ?? code.slice(0, 6),
        covered: state.coveredTownships.has(code),
        villages: {
          covered: ind.villages.covered,
          total: ind.villages.total,
          rateText: ind.villages.rate === null ? null : formatRatio(ind.villages.covered, ind.villages.total),
        },
        central: { covered: ind.central_villages.covered, total: ind.central_villages.total },
        communities: ind.communities.total,
        facilities: refs(by.townships.get(code) ?? [], facilities),
      };
    }),
  };
}

// ## Counties

export interface CountyRow {
  code: string;
  name: string;
  covered: boolean;
  cremation: boolean;
  townships: { covered: number; total: number };
  villages: { covered: number; total: number; rateText: string | null };
  facilities: FacilityRef[];
  funeralHomes: FacilityRef[];
  /** Facilities that count in the county (standing or serving there, funeral homes with cremators): its facility list's rows. */
  counting: number;
}

export async function counties(
  db: Knex,
  region: RegionRef,
  opts: ListOptions & { indicator: 'counties' | 'cremation_counties' },
): Promise<Page<CountyRow>> {
  const { state, facilities, by, list } = await read(db, region, opts.date);
  const names = await regions.regionNames(db, state.counties);
  const wanted = state.counties.filter((c) => matches(opts.q, names.get(c), c));
  const set = opts.indicator === 'cremation_counties' ? state.cremationCounties : state.coveredCounties;
  const { counts, rows } = byStatus(wanted, (c) => set.has(c), opts.status);
  const per = summarise(state, 6).children;
  return {
    counts,
    total: rows.length,
    rows: paginate(rows, opts.page, opts.perPage).map((code) => {
      const ind = per.get(code)!.indicators;
      return {
        code,
        name: names.get(code) ?? code,
        covered: state.coveredCounties.has(code),
        cremation: state.cremationCounties.has(code),
        townships: { covered: ind.townships.covered, total: ind.townships.total },
        villages: {
          covered: ind.villages.covered,
          total: ind.villages.total,
          rateText: ind.villages.rate === null ? null : formatRatio(ind.villages.covered, ind.villages.total),
        },
        facilities: refs(by.counties.get(code) ?? [], facilities),
        funeralHomes: refs(by.cremation.get(code) ?? [], facilities),
        counting: countingFacilities(list, code).length,
      };
    }),
  };
}

// ## Facilities that count

export interface FacilityRow {
  id: number;
  name: string;
  kind: FacilityKind;
  buildMode: BuildMode | null;
  region: string;
  regionCode: string;
  /** Administrative villages below the region this facility covers (alone or with others). */
  villages: number;
  /** Townships served whole. */
  townshipsWhole: number;
  cremators: number;
}

export async function countingList(
  db: Knex,
  region: RegionRef,
  opts: Omit<ListOptions, 'status'>,
): Promise<{ rows: FacilityRow[]; total: number }> {
  const { state, list } = await read(db, region, opts.date);
  // By where they stand, so that a township's facilities come together.
  const counting = countingFacilities(list, region.code)
    .filter((f) => matches(opts.q, f.name, f.region_code))
    .sort((a, b) => a.region_code.localeCompare(b.region_code) || a.id - b.id);
  const shown = paginate(counting, opts.page, opts.perPage);
  const names = await regions.regionNames(
    db,
    shown.map((f) => f.region_code),
  );
  return {
    total: counting.length,
    rows: shown.map((f) => {
      let villages = 0;
      let whole = 0;
      if (countsForCoverage(f.kind)) {
        const single = coveredBy([f]);
        for (const [t, ids] of single.townshipsWhole)
          if (ids.length && state.townships.has(t)) {
            whole += 1;
            villages += state.townships.get(t)!.adminVillages;
          }
        for (const v of single.villages.keys()) {
          const ts = state.townships.get(v.slice(0, 9));
          const flags = ts?.covered.get(v);
          if (ts && !single.townshipsWhole.has(v.slice(0, 9)) && flags?.is_admin_village) villages += 1;
        }
      }
      return {
        id: f.id,
        name: f.name,
        kind: f.kind,
        buildMode: f.build_mode,
        region: names.get(f.region_code) ?? f.region_code,
        regionCode: f.region_code,
        villages,
        townshipsWhole: whole,
        cremators: f.cremators,
      };
    }),
  };
}

// The bureau's coverage dashboard for a region and date: indicator cards against the targets in force, the table of
// child regions with their gaps, the yearly series behind the chart (also read by the printed report), the
// uncovered villages by township. Numbers come from the coverage engine; this file only arranges and compares them.
import type { Knex } from 'knex';
import { codeLength } from '../../regions/levels.js';
import { coveredBy, countsForCoverage, summarise, uncoveredSums, type CoverageState } from '../engine/rules.js';
import {
  coverageIndicators,
  type CoverageIndicator,
  type Indicators,
  type Ratio,
  type RegionCoverage,
  type RegionRef,
} from '../indicators/kinds.js';
import { coverageOf, coverageStatesOn, uncoveredVillages, type UncoveredTownship } from '../engine/service.js';
import {
  compare,
  listTargets,
  targetFor,
  targetInForce,
  targetsAbove,
  type Target,
  type TargetInForce,
} from '../targets/service.js';
import { formatRate, formatRatio, gapTenths, percentNumber, ratioTenths, tenthsText } from '../../http/format.js';
import { regionParam } from '../query.js';
import * as regions from '../../regions/service.js';

/** What a number on the page stands for, and so which list it links to. */
export type ListIndicator = CoverageIndicator | 'communities';
export type Status = 'covered' | 'uncovered';

/** The list behind a number: /staff/coverage/<list>?region=&date=[&status=][&central=1 | &kind=community | &indicator=…]. */
export function listHref(
  indicator: ListIndicator | 'facilities',
  region: string,
  date: string,
  status?: Status,
): string {
  const p = new URLSearchParams({ region: regionParam(region), date });
  let path = 'villages';
  if (indicator === 'counties' || indicator === 'cremation_counties') path = 'counties';
  else if (indicator === 'townships') path = 'townships';
  else if (indicator === 'facilities') path = 'facilities';
  if (indicator === 'cremation_counties') p.set('indicator', 'cremation_counties');
  if (indicator === 'central_villages') p.set('central', '1');
  if (indicator === 'communities') p.set('kind', 'community');
  if (status) p.set('status', status);
  return `/staff/coverage/${path}?${p.toString()}`;
}

export const dashboardHref = (region: string, date: string, extra: Record<string, string> = {}): string =>
  `/staff/coverage?${new URLSearchParams({ region: regionParam(region), date, ...extra }).toString()}`;

// ## Targets

/** The target in force (targets/service.ts) with its rate as the page shows it. */
export interface ShownTarget extends TargetInForce {
  rateText: string;
}

function shownTarget(
  targets: Target[],
  code: string,
  indicator: CoverageIndicator,
  year: number,
): ShownTarget | undefined {
  const t = targetInForce(targets, code, indicator, year);
  return t && { ...t, rateText: formatRate(t.rate) };
}

/** The next target after the year, to show what comes. */
export function nextTarget(
  targets: Target[],
  code: string,
  indicator: CoverageIndicator,
  year: number,
): { year: number; rateText: string } | undefined {
  const years = [...new Set(targets.filter((t) => t.indicator === indicator && t.year > year).map((t) => t.year))].sort(
    (a, b) => a - b,
  );
  for (const y of years) {
    const t = targetFor(targets, code, indicator, y);
    if (t) return { year: t.year, rateText: formatRate(t.rate) };
  }
  return undefined;
}

export interface Standing {
  met: boolean;
  /** Percentage points still missing, one decimal ("5.2"); "0.0" when met. */
  gapText: string;
  gap: number;
  /** Units still to cover: ceil(target × total) − covered, at least 0. */
  needed: number;
}

/** Met or behind, by how many points and how many units. */
export function standing(r: Ratio, target: number): Standing {
  const { met, gap } = compare(r.rate, target);
  // The epsilon keeps 0.7 × 10 = 7.000000000000001 from asking for an eighth unit.
  const needed = Math.max(0, Math.ceil(target * r.total - 1e-9) - r.covered);
  const actual = r.total === 0 ? 0 : ratioTenths(r.covered, r.total);
  return { met, gap, needed, gapText: tenthsText(gapTenths(actual, target, met)) };
}

// ## Cards and cells

export interface Cell {
  indicator: ListIndicator;
  covered: number;
  total: number;
  uncovered: number;
  rate: number | null;
  rateText: string | null;
  /** One unit only (a county's own county figure, a township's own): shown as yes / no. */
  single: boolean;
  target?: ShownTarget;
  standing?: Standing;
  links: { covered: string; uncovered: string; all: string };
}

export interface Card extends Cell {
  next?: { year: number; rateText: string };
  /** For the small bar under the figure, 0–100. */
  bar: number;
  targetBar?: number;
}

function cell(
  indicator: ListIndicator,
  r: Ratio,
  region: string,
  date: string,
  targets: Target[],
  year: number,
  single: boolean,
): Cell {
  const target =
    indicator === 'communities' || r.total === 0 ? undefined : shownTarget(targets, region, indicator, year);
  return {
    indicator,
    covered: r.covered,
    total: r.total,
    uncovered: r.total - r.covered,
    rate: r.rate,
    rateText: r.rate === null ? null : formatRatio(r.covered, r.total),
    single,
    target,
    standing: target ? standing(r, target.rate) : undefined,
    links: {
      covered: listHref(indicator, region, date, 'covered'),
      uncovered: listHref(indicator, region, date, 'uncovered'),
      all: listHref(indicator, region, date),
    },
  };
}

/** The unit each indicator counts. */
const unitLevel: Record<CoverageIndicator, number> = {
  counties: 6,
  cremation_counties: 6,
  townships: 9,
  villages: 12,
  central_villages: 12,
};

/** Indicators worth a card at a region's level: a township has no counties of its own. */
export function cardIndicators(region: RegionRef): CoverageIndicator[] {
  return coverageIndicators.filter((i) => unitLevel[i] >= region.code.length);
}

export function cards(region: RegionRef, indicators: Indicators, date: string, targets: Target[]): Card[] {
  const year = Number(date.slice(0, 4));
  return cardIndicators(region).map((i) => {
    const c = cell(i, indicators[i], region.code, date, targets, year, unitLevel[i] === region.code.length);
    return {
      ...c,
      next: c.total ? nextTarget(targets, region.code, i, year) : undefined,
      bar: c.rate === null ? 0 : percentNumber(c.rate),
      targetBar: c.target ? percentNumber(c.target.rate) : undefined,
    };
  });
}

// ## The table of child regions

export interface ChildRow {
  code: string;
  name: string;
  level: string;
  href?: string;
  cells: Cell[];
  communities: number;
}

/** Columns of the child table at a region's level: below the children's own level, or at it (then yes / no). */
export function childColumns(region: RegionRef): CoverageIndicator[] {
  const childLength =
    region.level === 'country'
      ? 2
      : codeLength[region.level] + (region.level === 'county' ? 3 : region.level === 'township' ? 3 : 2);
  return coverageIndicators.filter((i) => unitLevel[i] >= childLength);
}

export const sortKeys = ['code', ...coverageIndicators] as const;
export type SortKey = (typeof sortKeys)[number];

/** Worst first: lowest rate, then the most units still needed; rows without data last; code order breaks ties. */
export function sortRows(rows: ChildRow[], key: SortKey): ChildRow[] {
  if (key === 'code') return rows;
  const of = (r: ChildRow) => r.cells.find((c) => c.indicator === key);
  return [...rows].sort((a, b) => {
    const ca = of(a),
      cb = of(b);
    const ra = ca?.rate ?? null,
      rb = cb?.rate ?? null;
    if (ra === null || rb === null) return ra === rb ? a.code.localeCompare(b.code) : ra === null ? 1 : -1;
    if (ra !== rb) return ra - rb;
    const na = ca?.standing?.needed ?? ca!.uncovered,
      nb = cb?.standing?.needed ?? cb!.uncovered;
    return nb - na || a.code.localeCompare(b.code);
  });
}

function childRows(region: RegionRef, children: RegionCoverage[], date: string, targets: Target[]): ChildRow[] {
  const year = Number(date.slice(0, 4));
  const columns = childColumns(region);
  return children.map((c) => ({
    code: c.code,
    name: c.name,
    level: c.level,
    communities: c.communities,
    href: c.level === 'village' ? undefined : dashboardHref(c.code, date),
    cells: columns.map((i) => cell(i, c.indicators[i], c.code, date, targets, year, unitLevel[i] === c.code.length)),
  }));
}

// ## The yearly series (chart and report)

/**
 * Years the chart shows: from 2021 (the first year of the 14th five-year plan, which the targets come from) or an
 * earlier target or date, to the year after the date or the last target year, whichever is later; at most 12.
 */
export function chartYears(date: string, targets: Target[], indicator?: CoverageIndicator): number[] {
  const year = Number(date.slice(0, 4));
  const ty = targets.filter((t) => !indicator || t.indicator === indicator).map((t) => t.year);
  const first = Math.min(2021, year, ...ty);
  let last = Math.max(year + 1, ...ty);
  if (last - first > 11) last = Math.max(year + 1, first + 11);
  const out: number[] = [];
  for (let y = Math.max(first, last - 11); y <= last; y += 1) out.push(y);
  return out;
}

export interface YearPoint {
  year: number;
  /** The date measured: 31 December for past years, the chosen date in its year, none for later years. */
  date: string | null;
  partial: boolean;
  indicators: Indicators | null;
}

/** The region's indicators at the end of each past year and on the date in its own year (one state per date). */
export async function yearlyIndicators(
  db: Knex,
  prefix: string,
  years: number[],
  opts: { date: string; state?: CoverageState; states?: Map<string, { state: CoverageState }> },
): Promise<YearPoint[]> {
  const year = Number(opts.date.slice(0, 4));
  const dateOf = (y: number) => (y === year ? opts.date : `${y}-12-31`);
  const wanted = years
    .filter((y) => y <= year && !(y === year && opts.state))
    .map(dateOf)
    .filter((d) => !opts.states?.has(d));
  const states = new Map<string, { state: CoverageState }>([
    ...(opts.states ?? []),
    ...(wanted.length ? await coverageStatesOn(db, prefix, wanted) : []),
  ]);
  return years.map((y): YearPoint => {
    if (y > year) return { year: y, date: null, partial: false, indicators: null };
    const date = dateOf(y);
    const state = y === year && opts.state ? opts.state : states.get(date)!.state;
    return {
      year: y,
      date,
      partial: y === year && !opts.date.endsWith('-12-31'),
      indicators: summarise(state, 12).total.indicators,
    };
  });
}

export interface SeriesPoint {
  year: number;
  date: string | null;
  partial: boolean;
  /** covered / total on the date; null for years after the chosen date. */
  actual: Ratio | null;
  /** The target set for that year (the region's own or the nearest ancestor's), if any. */
  target: Target | undefined;
}

/**
 * Actual against target, year by year, for one indicator of a region: what the dashboard's chart draws and the
 * printed report redraws. `targets` defaults to the region's and its ancestors'; `state` is the date's state when
 * already computed.
 */
export async function yearlySeries(
  db: Knex,
  region: string,
  indicator: CoverageIndicator,
  years: number[],
  opts: { date: string; state?: CoverageState; targets?: Target[] },
): Promise<SeriesPoint[]> {
  const [points, targets] = await Promise.all([
    yearlyIndicators(db, region, years, opts),
    opts.targets ?? targetsAbove(db, region),
  ]);
  return toSeries(points, region, indicator, targets);
}

export function toSeries(
  points: YearPoint[],
  region: string,
  indicator: CoverageIndicator,
  targets: Target[],
): SeriesPoint[] {
  return points.map((p) => ({
    year: p.year,
    date: p.date,
    partial: p.partial,
    actual: p.indicators ? p.indicators[indicator] : null,
    target: targetFor(targets, region, indicator, p.year),
  }));
}

// ## Uncovered villages above city level, counted

/** Above a city the uncovered villages are counted, never listed: a province has 11–17 thousand, the country 400 thousand. */
export const summarisesUncovered = (region: Pick<RegionRef, 'level'>): boolean =>
  region.level === 'province' || region.level === 'country';

export interface UncoveredArea {
  code: string;
  name: string;
  /** The city of a county, the province of a city. */
  parent: { code: string; name: string };
  /** Uncovered administrative villages, of them central villages, and the townships they lie in. */
  villages: number;
  central: number;
  townships: number;
}

/**
 * Uncovered administrative villages per unit of a code length (6: per county, 4: per city), in code order, from
 * the township totals of the state alone: no village row is read.
 */
export async function uncoveredCounts(db: Knex, state: CoverageState, length: 4 | 6): Promise<UncoveredArea[]> {
  const out: UncoveredArea[] = [...uncoveredSums(state, length)].map(([code, a]) => ({
    code,
    name: code,
    parent: { code: code.slice(0, length - 2), name: '' },
    ...a,
  }));
  const names = await regions.regionNames(db, [...new Set(out.flatMap((a) => [a.code, a.parent.code]))]);
  for (const a of out) {
    a.name = names.get(a.code) ?? a.code;
    a.parent.name = names.get(a.parent.code) ?? a.parent.code;
  }
  return out;
}

// ## The page

/** Indicators the chart can show (those with units below the region). */
export const chartIndicators = ['counties', 'townships', 'villages', 'central_villages'] as const;
export type ChartIndicator = (typeof chartIndicators)[number];

export interface Dashboard {
  region: RegionRef;
  date: string;
  year: number;
  cards: Card[];
  communities: Cell;
  facilities: { count: number; href: string };
  columns: CoverageIndicator[];
  rows: ChildRow[];
  total: ChildRow;
  sort: SortKey;
  series: SeriesPoint[];
  chart: { indicator: ChartIndicator; choices: ChartIndicator[] };
  /** Uncovered villages by township (a city, county or township); empty above a city, which counts them instead. */
  uncovered: UncoveredTownship[];
  /** Above a city: uncovered villages counted per county (a province) or per city (the country). */
  uncoveredAreas?: UncoveredArea[];
  /** Facilities covering each village-level child (a township's dashboard lists its villages). */
  villageFacilities: Map<string, { id: number; name: string }[]>;
}

export async function dashboard(
  db: Knex,
  region: RegionRef,
  opts: { date: string; sort?: SortKey; chart?: ChartIndicator },
): Promise<Dashboard> {
  const { date } = opts;
  const year = Number(date.slice(0, 4));
  const [below, above] = await Promise.all([listTargets(db, { under: region.code }), targetsAbove(db, region.code)]);
  const targets = [...new Map([...above, ...below].map((t) => [t.id, t])).values()];
  // The date and the end of each past year of the chart, from one read of the registry.
  const years = chartYears(
    date,
    targets.filter((t) => (chartIndicators as readonly string[]).includes(t.indicator)),
  );
  const dates = [...new Set([date, ...years.filter((y) => y < year).map((y) => `${y}-12-31`)])];
  const states = await coverageStatesOn(db, region.code, dates);
  const { state, facilities } = states.get(date)!;
  const summarised = summarisesUncovered(region);
  const [result, uncovered, uncoveredAreas] = await Promise.all([
    coverageOf(db, region, state, date),
    summarised ? [] : uncoveredVillages(db, { region: region.code, date, state }),
    summarised ? uncoveredCounts(db, state, region.level === 'country' ? 4 : 6) : undefined,
  ]);
  const ind = result.region.indicators;
  const choices = chartIndicators.filter((i) => ind[i].total > 0 && !(unitLevel[i] === region.code.length));
  const chartIndicator =
    opts.chart && choices.includes(opts.chart)
      ? opts.chart
      : choices.includes('villages')
        ? 'villages'
        : (choices[0] ?? 'villages');
  const points = years.map((y): YearPoint => {
    if (y > year) return { year: y, date: null, partial: false, indicators: null };
    const d = y === year ? date : `${y}-12-31`;
    return {
      year: y,
      date: d,
      partial: y === year && !date.endsWith('-12-31'),
      indicators: summarise(states.get(d)!.state, 12).total.indicators,
    };
  });
  const columns = childColumns(region);
  const sort = opts.sort && (opts.sort === 'code' || columns.includes(opts.sort)) ? opts.sort : 'code';

  // Which facility covers each village, for a township's list of its villages only (the country has thousands).
  const villageFacilities = new Map<string, { id: number; name: string }[]>();
  if (region.level === 'township') {
    const by = coveredBy(facilities);
    const names = new Map(facilities.map((f) => [f.id, f.name]));
    for (const c of result.children) {
      const ids = [
        ...new Set([...(by.villages.get(c.code) ?? []), ...(by.townshipsWhole.get(c.code.slice(0, 9)) ?? [])]),
      ];
      villageFacilities.set(
        c.code,
        ids.map((id) => ({ id, name: names.get(id) ?? String(id) })),
      );
    }
  }
  const counting = countingFacilities(facilities, region.code);

  return {
    region,
    date,
    year,
    cards: cards(region, ind, date, targets),
    communities: cell('communities', ind.communities, region.code, date, targets, year, false),
    facilities: { count: counting.length, href: listHref('facilities', region.code, date) },
    columns,
    rows: sortRows(childRows(region, result.children, date, targets), sort),
    total: {
      code: region.code,
      name: region.name,
      level: region.level,
      communities: ind.communities.total,
      cells: columns.map((i) => cell(i, ind[i], region.code, date, targets, year, false)),
    },
    sort,
    series: toSeries(points, region.code, chartIndicator, targets),
    chart: { indicator: chartIndicator, choices },
    uncovered,
    uncoveredAreas,
    villageFacilities,
  };
}

/** Operating facilities that count below a prefix: public-welfare ash placement standing or serving there, funeral homes with cremators standing there. */
export function countingFacilities<
  F extends { id: number; kind: string; region_code: string; areas: string[]; cremators: number },
>(facilities: F[], prefix: string): F[] {
  return facilities.filter((f) =>
    f.kind === 'funeral_home'
      ? f.cremators > 0 && f.region_code.startsWith(prefix)
      : countsForCoverage(f.kind) && (f.region_code.startsWith(prefix) || f.areas.some((a) => a.startsWith(prefix))),
  );
}

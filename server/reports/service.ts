// What the coverage progress report shows, gathered once for the PDF, the CSV and the XLSX: the region's coverage on
// the date and by child region, every township, the targets that apply, the uncovered villages and the yearly series.
import type { Knex } from 'knex';
import { nowIso } from '../db.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { todayInShanghai } from '../time.js';
import * as regions from '../regions/service.js';
import {
  computeCoverage,
  COUNTRY,
  coverageOf,
  coverageStatesOn,
  defaultRegion,
  uncoveredVillages,
  type UncoveredTownship,
} from '../coverage/engine/service.js';
import { emptySummary, summarise } from '../coverage/engine/rules.js';
import { COUNTRY_PARAM } from '../coverage/query.js';
import {
  coverageIndicators,
  type CoverageIndicator,
  type Indicators,
  type RegionCoverage,
} from '../coverage/indicators/kinds.js';
import {
  chartYears,
  uncoveredCounts,
  yearlyIndicators,
  type UncoveredArea,
  type YearPoint,
} from '../coverage/dashboard/service.js';
import { otherIndicators, zonesUnder, type OtherIndicators, type ZoneOf } from '../coverage/indicators/service.js';
import { listTargets, targetFor, targetInForce, type Target, type TargetInForce } from '../coverage/targets/service.js';

export interface ReportRegion {
  /** '' for the whole country. */
  code: string;
  name: string;
  level: 'country' | 'province' | 'city' | 'county';
  /** 六盘水市钟山区 for a county */ fullName: string;
}

export interface CountyTownships {
  code: string;
  name: string;
  townships: RegionCoverage[];
}

export interface ReportData {
  region: ReportRegion;
  date: string;
  /** The year whose targets the report measures against: the date's. */
  year: number;
  generatedAt: string;
  /** The region's own indicators. */
  indicators: Indicators;
  communities: number;
  /** One row per county: the province's or city's counties, or the county itself; none for the country. */
  counties: RegionCoverage[];
  /** Above a city, its children: the provinces of the country, the cities of a province. */
  areas?: { level: 'province' | 'city'; rows: RegionCoverage[] };
  /** Every township of a city or county, by county; none above a city (docs/COVERAGE.md, "Province and country"). */
  townships: CountyTownships[];
  /** Targets of the region, its ancestors and the regions below it. */
  targets: Target[];
  /** The uncovered villages of a city or county by township; none above a city, which counts them instead. */
  uncovered: UncoveredTownship[];
  /** Above a city: the uncovered villages counted per county (a province) or per city (the country). */
  uncoveredAreas?: UncoveredArea[];
  /** Coverage at the end of each year (on the date in its own year; none for years to come), as the dashboard charts it. */
  years: YearPoint[];
  /** Indicators drawn in the chart: those with targets, else townships and villages. */
  chartIndicators: CoverageIndicator[];
  /** Cremation, green burial, scattered graves and waivers by year (coverage/indicators/). */
  other: OtherIndicators;
  /** The funeral zone of each county (火葬区 / 土葬改革区), where set. */
  zones: ZoneOf[];
}

/** The region a report covers when none is asked for (see coverage's defaultRegion); none at all is a 404. */
export async function reportDefaultRegion(db: Knex): Promise<string> {
  const code = await defaultRegion(db);
  if (!code) throw new NotFoundError('region_not_found');
  return code;
}

/**
 * A report covers the country (`all` or ''), a province, a city or a county: an unknown code is a 404, a township or
 * village a field error.
 */
export async function reportRegion(db: Knex, code: string): Promise<ReportRegion> {
  if (code === '' || code === COUNTRY_PARAM)
    return { code: '', name: COUNTRY.name, level: 'country', fullName: COUNTRY.name };
  const chain = await regions.regionTrail(db, code);
  const r = chain[chain.length - 1];
  if (!r || r.code !== code) throw new NotFoundError('region_not_found');
  if (r.level !== 'province' && r.level !== 'city' && r.level !== 'county')
    throw new ValidationError({ region: { key: 'errors.report_region_level' } });
  const city = chain.find((a) => a.level === 'city');
  const fullName = r.level === 'county' && city && !r.name.startsWith(city.name) ? `${city.name}${r.name}` : r.name;
  return { code: r.code, name: r.name, level: r.level, fullName };
}

/** Targets that may apply to the region or to any region below it (a child without its own follows its parent). */
async function applicableTargets(db: Knex, code: string): Promise<Target[]> {
  const all = await listTargets(db);
  return all.filter((t) => code.startsWith(t.region_code) || t.region_code.startsWith(code));
}

export async function loadReport(db: Knex, opts: { region: string; date?: string }): Promise<ReportData> {
  const date = opts.date ?? todayInShanghai();
  const region = await reportRegion(db, opts.region);
  const year = Number(date.slice(0, 4));
  const large = region.level === 'country' || region.level === 'province';
  const targets = await applicableTargets(db, region.code);
  // The date and the year ends the chart may show, from one read of the registry (as the dashboard does).
  const yearEnds = chartYears(
    date,
    targets.filter(
      (t) => region.code.startsWith(t.region_code) && (coverageIndicators as readonly string[]).includes(t.indicator),
    ),
  )
    .filter((y) => y < year)
    .map((y) => `${y}-12-31`);
  const states = await coverageStatesOn(db, region.code, [...new Set([date, ...yearEnds])]);
  const state = states.get(date)!.state;
  const [coverage, uncovered, uncoveredAreas] = await Promise.all([
    coverageOf(db, { code: region.code, name: region.name, level: region.level }, state, date),
    large ? [] : uncoveredVillages(db, { region: region.code, date, state }),
    large ? uncoveredCounts(db, state, region.level === 'country' ? 4 : 6) : undefined,
  ]);

  let counties: RegionCoverage[];
  let townships: CountyTownships[];
  let areas: ReportData['areas'];
  if (large) {
    // Counted from the one state: the province's counties (the country's 2,800 are left to the provinces' reports).
    areas = { level: region.level === 'country' ? 'province' : 'city', rows: coverage.children };
    townships = [];
    counties = [];
    if (region.level === 'province') {
      const per = summarise(state, 6).children;
      const names = await regions.regionNames(db, state.counties);
      counties = state.counties.map((c) => ({
        code: c,
        name: names.get(c) ?? c,
        level: 'county' as const,
        ...(per.get(c) ?? emptySummary()),
      }));
    }
  } else if (region.level === 'city') {
    counties = coverage.children;
    townships = [];
    for (const c of counties) {
      const r = await computeCoverage(db, { region: c.code, date });
      townships.push({ code: c.code, name: c.name, townships: r.children });
    }
  } else {
    counties = [coverage.region];
    townships = [{ code: region.code, name: region.name, townships: coverage.children }];
  }

  const chartIndicators = coverageIndicators.filter(
    (i) =>
      targets.some((t) => t.indicator === i && region.code.startsWith(t.region_code)) &&
      !(i === 'central_villages' && coverage.region.indicators.central_villages.total === 0),
  );
  if (chartIndicators.length === 0) chartIndicators.push('townships', 'villages');

  // The same years and figures as the dashboard's chart.
  const charted = targets.filter(
    (t) => region.code.startsWith(t.region_code) && (chartIndicators as string[]).includes(t.indicator),
  );
  // Years after the date only when they have a target to show.
  const years = (await yearlyIndicators(db, region.code, chartYears(date, charted), { date, state, states })).filter(
    (p) => p.indicators || chartIndicators.some((i) => targetFor(targets, region.code, i, p.year)),
  );
  const [other, zones] = await Promise.all([
    otherIndicators(db, { region: region.code, date }),
    // Funeral zones are drawn per county for a city or county; above, their list of counties would run for pages.
    large ? [] : zonesUnder(db, region.code),
  ]);
  return {
    region,
    date,
    year,
    generatedAt: nowIso(),
    indicators: coverage.region.indicators,
    communities: coverage.region.communities,
    counties,
    areas,
    townships,
    targets,
    uncovered,
    uncoveredAreas,
    years,
    chartIndicators,
    other,
    zones: zones.filter((z) => z.level === 'county' && z.zone !== null),
  };
}

/** The target set for exactly that year (the region's own or the nearest ancestor's), as the chart shows it. */
export function targetRate(
  d: Pick<ReportData, 'targets'>,
  code: string,
  indicator: CoverageIndicator,
  year: number,
): number | null {
  return targetFor(d.targets, code, indicator, year)?.rate ?? null;
}

/** The target in force in the report's year: that year's, else the latest earlier one's (as on the dashboard). */
export function inForce(
  d: Pick<ReportData, 'targets' | 'year'>,
  code: string,
  indicator: CoverageIndicator,
): TargetInForce | undefined {
  return targetInForce(d.targets, code, indicator, d.year);
}

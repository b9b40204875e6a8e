// The indicators beyond coverage, shown on the dashboard only where their data exists: cremation rate, green-burial
// rate, waiver totals and scattered-grave remediation for a region and a date's year, with a yearly series for the
// chart; and the funeral zone (火葬区 / 土葬改革区) of each county and township.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { zone as shanghai } from '../../time.js';
import type { FuneralZone, OtherIndicator, RegionRef } from './kinds.js';
import { resolveRegion } from '../engine/service.js';
import { compare, targetInForce, targetsAbove, type Target, type TargetInForce } from '../targets/service.js';
import * as store from './store.js';
import { waiverTotals } from '../../waivers/report-service.js';

/** The first year of the series the dashboard charts (the plans run from 2021). */
export const SERIES_FROM = 2021;

/** numerator of denominator; rate is a fraction, null (and available false) when there is nothing to divide by. */
export interface Figure {
  numerator: number;
  denominator: number;
  rate: number | null;
  available: boolean;
}

/** The target in force and how the actual rate stands against it (gap = target − actual when behind, else 0). */
export interface TargetCheck extends TargetInForce {
  met: boolean;
  gap: number;
}

export interface OtherYear {
  year: number;
  /** cremations / deaths over the counties that entered deaths. `source` says where the cremations came from. */
  cremation_rate: Figure & { source: 'entered' | 'cases' | 'mixed' | null; target: TargetCheck | null };
  /** green burials / all burials and placements: placements where a county has them, else its entered figures. */
  green_burial_rate: Figure & { source: GreenSource | null; target: TargetCheck | null };
  /** Fee waivers (惠民殡葬) of the counted claims by year of death: numerator in fen, denominator the people; no rate. */
  waivers: Figure;
  /** Graves remediated / found so far, over the townships that reported (the latest report up to the year counts). */
  grave_remediation: Figure & { townships: number; target: TargetCheck | null };
}

export interface OtherIndicators extends OtherYear {
  region: RegionRef;
  date: string;
  /** The region's own funeral zone, or its county's for a township or village; null when none is set. */
  zone: FuneralZone | null;
  /** SERIES_FROM (or the year, if earlier) up to the date's year, oldest first. */
  series: OtherYear[];
}

const figure = (numerator: number, denominator: number): Figure => ({
  numerator,
  denominator,
  rate: denominator > 0 ? numerator / denominator : null,
  available: denominator > 0,
});

/** [start, end) of a calendar year in Asia/Shanghai, as UTC instants (how both databases keep them). */
function yearBounds(year: number): [string, string] {
  const start = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: shanghai });
  return [start.toUTC().toISO()!, start.plus({ years: 1 }).toUTC().toISO()!];
}

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

// ## Green burial (节地生态安葬率)

/** Where a year's green-burial figure came from: the yearly figures entered, the placements, or some of each. */
export type GreenSource = 'entered' | 'placements' | 'mixed';

export interface GreenYear extends Figure {
  year: number;
  /** null when the figure is unavailable. */
  source: GreenSource | null;
}

/**
 * The green-burial rate of a region per year: the one rule the dashboard, its chart and the reports show (see
 * docs/COVERAGE.md, "Green burial"). Counted per county and year: a county whose facilities recorded any placement in
 * the year counts its placements there (green ones over all, scattering green, removed ones still counted); a county
 * without any counts the burials and green burials entered for it (the years before the system), when both are
 * entered; the counties are summed. The placements are those of facilities standing under the region; the figures
 * are those of its counties. `stats` are the region's yearly figures when the caller has read them already.
 */
export async function greenBurialYears(
  db: Knex,
  prefix: string,
  years: number[],
  stats?: store.StatRow[],
): Promise<GreenYear[]> {
  if (!years.length) return [];
  const entered = stats ?? (await store.yearStats(db, prefix, Math.min(...years), Math.max(...years)));
  const placed = await Promise.all(
    years.map((y) => store.placementsByCounty(db, prefix, [`${y}-01-01`, `${y + 1}-01-01`])),
  );
  return years.map((year, i) => {
    const counties = placed[i];
    let all = 0,
      green = 0,
      fromFigures = 0;
    for (const p of counties.values()) {
      all += p.placements;
      green += p.green;
    }
    for (const s of entered) {
      if (Number(s.year) !== year || counties.has(s.region_code)) continue;
      if (n(s.burials) === null || n(s.green_burials) === null) continue;
      all += n(s.burials)!;
      green += n(s.green_burials)!;
      fromFigures++;
    }
    const f = figure(green, all);
    const source = !f.available ? null : fromFigures === 0 ? 'placements' : counties.size === 0 ? 'entered' : 'mixed';
    return { year, ...f, source };
  });
}

/**
 * Fee waivers (惠民殡葬) of the year: the counted claims (approved or settled) of the deceased living under the prefix
 * who died in the year, read through the waiver reports (server/waivers/report-service.ts), so that the dashboard and
 * the waiver reports show the same fen. Numerator the fen of their lines, denominator the people.
 */
async function waivers(db: Knex, prefix: string, year: number): Promise<Figure> {
  const { people, amount_fen } = await waiverTotals(db, prefix, `${year}-01-01`, `${year}-12-31`);
  return { numerator: amount_fen, denominator: people, rate: null, available: people > 0 };
}

/** The target in force for the year (targets/service.ts) and how the actual rate stands against it. */
function check(
  targets: Target[],
  code: string,
  indicator: OtherIndicator,
  year: number,
  actual: number | null,
): TargetCheck | null {
  const t = targetInForce(targets, code, indicator, year);
  return t ? { ...t, ...compare(actual, t.rate) } : null;
}

/** Cremation, green-burial, waiver and remediation figures for a region and the year of a date, with the series. */
export async function otherIndicators(db: Knex, opts: { region?: string; date: string }): Promise<OtherIndicators> {
  const region = await resolveRegion(db, opts.region);
  const prefix = region.code;
  const year = Number(opts.date.slice(0, 4));
  const first = Math.min(SERIES_FROM, year);
  const years = Array.from({ length: year - first + 1 }, (_, i) => first + i);

  const [stats, graves, targets, zone] = await Promise.all([
    store.yearStats(db, prefix, first, year),
    store.graveReports(db, prefix, year),
    targetsAbove(db, prefix),
    zoneOf(db, prefix),
  ]);
  const greens = await greenBurialYears(db, prefix, years, stats);

  const series: OtherYear[] = [];
  for (const y of years) {
    // Cremation rate: counties with deaths entered; their cremations as entered, else counted from the cases.
    const rows = stats.filter((s) => Number(s.year) === y);
    const withDeaths = rows.filter((s) => n(s.deaths) !== null);
    const needCases = withDeaths.some((s) => n(s.cremations) === null);
    const counted = needCases ? await store.casesCremated(db, prefix, yearBounds(y)) : new Map<string, number>();
    let deaths = 0,
      cremations = 0,
      entered = 0,
      fromCases = 0;
    for (const s of withDeaths) {
      deaths += n(s.deaths)!;
      if (n(s.cremations) !== null) {
        cremations += n(s.cremations)!;
        entered++;
      } else {
        cremations += counted.get(s.region_code) ?? 0;
        fromCases++;
      }
    }
    const cremation = figure(cremations, deaths);
    const source = !cremation.available ? null : fromCases === 0 ? 'entered' : entered === 0 ? 'cases' : 'mixed';

    const g = greens.find((x) => x.year === y)!;
    const greenFig = figure(g.numerator, g.denominator);

    // Each township's latest report up to the year: the counts are "so far", not per year.
    const latest = new Map<string, { found: number; remediated: number }>();
    for (const g of graves)
      if (Number(g.year) <= y) latest.set(g.region_code, { found: Number(g.found), remediated: Number(g.remediated) });
    let found = 0,
      remediated = 0;
    for (const g of latest.values()) {
      found += g.found;
      remediated += g.remediated;
    }
    const graveFig = figure(remediated, found);

    series.push({
      year: y,
      cremation_rate: { ...cremation, source, target: check(targets, prefix, 'cremation_rate', y, cremation.rate) },
      green_burial_rate: {
        ...greenFig,
        source: g.source,
        target: check(targets, prefix, 'green_burial_rate', y, greenFig.rate),
      },
      waivers: await waivers(db, prefix, y),
      grave_remediation: {
        ...graveFig,
        townships: latest.size,
        target: check(targets, prefix, 'grave_remediation', y, graveFig.rate),
      },
    });
  }
  return { region, date: opts.date, zone, ...series[series.length - 1], series };
}

// ## Funeral zones

// ## Funeral zones

export interface ZoneOf {
  code: string;
  name: string;
  level: 'county' | 'township';
  /** The region's own zone, or for a township without one its county's. */
  zone: FuneralZone | null;
  /** True when `zone` comes from the county. */
  inherited: boolean;
}

/** Every county and township below a prefix with its funeral zone, in code order. */
export async function zonesUnder(db: Knex, prefix: string): Promise<ZoneOf[]> {
  const rows = await store.countiesAndTownships(db, prefix);
  const counties = new Map(rows.filter((r) => r.level === 'county').map((r) => [r.code, r.funeral_zone]));
  const missing = [...new Set(rows.filter((r) => r.level === 'township').map((r) => r.code.slice(0, 6)))].filter(
    (c) => !counties.has(c),
  );
  if (missing.length) for (const [c, z] of await store.zonesOf(db, missing)) counties.set(c, z);
  return rows.map((r) => {
    const own = r.funeral_zone;
    const county = r.level === 'township' ? (counties.get(r.code.slice(0, 6)) ?? null) : null;
    return {
      code: r.code,
      name: r.name,
      level: r.level,
      zone: own ?? county,
      inherited: own === null && county !== null,
    };
  });
}

/** The zone of one region: its own, else (for a township or village) its township's, else its county's. */
async function zoneOf(db: Knex, code: string): Promise<FuneralZone | null> {
  if (code.length < 6) return null;
  const codes = [code, code.slice(0, 9), code.slice(0, 6)].filter(
    (c, i, all) => c.length <= code.length && all.indexOf(c) === i,
  );
  const by = await store.zonesOf(db, codes);
  for (const c of codes) if (by.get(c)) return by.get(c)!;
  return null;
}

// The report's tables as rows of plain values, built once and shared by the PDF, the CSV and the XLSX, so that
// every format shows the same numbers. Rates stay fractions here; each format writes them its own way.
import { coverageIndicators, type CoverageIndicator, type Ratio } from '../coverage/indicators/kinds.js';
import { standing } from '../coverage/dashboard/service.js';
import type { TargetInForce } from '../coverage/targets/service.js';
import { formatMoney, formatPoints, formatRate, rateTenths, tenthsText } from '../http/format.js';
import { translator, type Lang, type Translate } from '../i18n/index.js';
import type { TableKey } from './schemas.js';
import { inForce, targetRate, type ReportData } from './service.js';
import type { UncoveredArea } from '../coverage/dashboard/service.js';

/**
 * text and code are strings; int a whole number; rate a fraction 0–1 (shown as a percent); points percentage
 * points; flag a boolean shown as yes/no (or has/has not); money integer fen.
 */
export type CellKind = 'text' | 'code' | 'int' | 'rate' | 'points' | 'flag' | 'money';
export type Cell = string | number | boolean | null;

export interface TableColumn {
  key: string;
  kind: CellKind;
  header: string;
  /** A heading over several columns (乡镇（街道） over 总数, 已覆盖, 覆盖率); the full header is group + header. */
  group?: string;
  /** Words for true and false in a flag column. */
  flag?: [string, string];
  /** Added to the header in the CSV and XLSX, where no note explains it: 差距 → 差距（百分点）. */
  unit?: string;
  /** A shorter header where the PDF's column is narrow. */
  short?: string;
}

export interface TableRow {
  cells: Cell[];
  /** The county a township or village row belongs to (the PDF groups by it). */
  group?: { code: string; name: string };
  /** The region's own total. */
  total?: boolean;
}

export interface ReportTable {
  key: TableKey;
  title: string;
  columns: TableColumn[];
  rows: TableRow[];
}

export type Status = 'met' | 'behind' | 'no_target' | 'nothing';

export interface Assessment {
  status: Status;
  target: number | null;
  /** The year the target is set for: an earlier year's target stays in force until a later one is set. */
  targetYear: number | null;
  /** Target minus actual, in percentage points to one decimal (at least 0.1 when behind); null unless behind. */
  gapPoints: number | null;
  /** Units still to cover to reach the target; null unless behind. */
  needed: number | null;
}

/** A ratio against the target in force, measured as the dashboard measures it (standing() in coverage/dashboard/service.ts). */
export function assess(r: Ratio, t: TargetInForce | undefined): Assessment {
  const target = t?.rate ?? null,
    targetYear = t?.year ?? null;
  if (r.total === 0) return { status: 'nothing', target, targetYear, gapPoints: null, needed: null };
  if (target === null) return { status: 'no_target', target, targetYear, gapPoints: null, needed: null };
  const s = standing(r, target);
  if (s.met) return { status: 'met', target, targetYear, gapPoints: null, needed: null };
  return { status: 'behind', target, targetYear, gapPoints: Number(s.gapText), needed: s.needed };
}

/** The full header of a column (CSV, XLSX): group, header and unit together. */
export function fullHeader(t: Translate, c: TableColumn): string {
  return (c.group ? t('coverage_report.header_join', { group: c.group, header: c.header }) : c.header) + (c.unit ?? '');
}

const ratioColumns = (t: Translate, group: string, key: string, opts: { uncovered?: boolean } = {}): TableColumn[] => [
  { key: `${key}_total`, kind: 'int', group, header: t('coverage_report.col.total') },
  { key: `${key}_covered`, kind: 'int', group, header: t('coverage_report.col.covered') },
  ...(opts.uncovered
    ? [{ key: `${key}_uncovered`, kind: 'int' as const, group, header: t('coverage_report.col.uncovered') }]
    : []),
  { key: `${key}_rate`, kind: 'rate', group, header: t('coverage_report.col.rate') },
];
const ratioCells = (r: Ratio, opts: { uncovered?: boolean } = {}): Cell[] => [
  r.total,
  r.covered,
  ...(opts.uncovered ? [r.total - r.covered] : []),
  r.rate,
];

export function summaryTable(d: ReportData, lang: Lang): ReportTable {
  const t = translator(lang);
  const columns: TableColumn[] = [
    { key: 'indicator', kind: 'text', header: t('coverage_report.col.indicator') },
    { key: 'total', kind: 'int', header: t('coverage_report.col.total') },
    { key: 'covered', kind: 'int', header: t('coverage_report.col.covered') },
    { key: 'rate', kind: 'rate', header: t('coverage_report.col.rate') },
    { key: 'target', kind: 'rate', header: t('coverage_report.col.target_in_force') },
    { key: 'target_year', kind: 'int', header: t('coverage_report.col.target_year') },
    { key: 'status', kind: 'text', header: t('coverage_report.col.status') },
    { key: 'gap', kind: 'points', header: t('coverage_report.col.gap'), unit: t('coverage_report.col.points_unit') },
    { key: 'needed', kind: 'int', header: t('coverage_report.col.needed') },
  ];
  const rows = coverageIndicators.map((i): TableRow => {
    const r = d.indicators[i];
    const a = assess(r, inForce(d, d.region.code, i));
    return {
      cells: [
        t(`coverage_report.ind.${i}`),
        r.total,
        r.covered,
        r.rate,
        a.target,
        a.targetYear,
        t(`coverage_report.status.${a.status}`),
        a.gapPoints,
        a.needed,
      ],
    };
  });
  return { key: 'summary', title: t('coverage_report.tables.summary'), columns, rows };
}

/** Indicators of a region behind their targets for the year, by short name ('' when none). */
function behindList(d: ReportData, t: Translate, code: string, indicators: Record<CoverageIndicator, Ratio>): string {
  const behind = coverageIndicators.filter((i) => assess(indicators[i], inForce(d, code, i)).status === 'behind');
  return behind.map((i) => t(`coverage_report.short.${i}`)).join(t('coverage_report.name_sep'));
}

export function countyTable(d: ReportData, lang: Lang): ReportTable {
  const t = translator(lang);
  const has: [string, string] = [t('coverage_report.has'), t('coverage_report.has_not')];
  const columns: TableColumn[] = [
    { key: 'code', kind: 'code', header: t('coverage_report.col.code') },
    { key: 'county', kind: 'text', header: t('coverage_report.col.county') },
    ...ratioColumns(t, t('coverage_report.short.townships'), 'townships'),
    ...ratioColumns(t, t('coverage_report.short.villages'), 'villages'),
    ...ratioColumns(t, t('coverage_report.short.central_villages'), 'central'),
    {
      key: 'county_facility',
      kind: 'flag',
      header: t('coverage_report.col.county_facility'),
      short: t('coverage_report.col.county_facility_short'),
      flag: has,
    },
    { key: 'cremation', kind: 'flag', header: t('coverage_report.col.cremation'), flag: has },
    { key: 'communities', kind: 'int', header: t('coverage_report.col.communities') },
    { key: 'behind', kind: 'text', header: t('coverage_report.col.behind') },
  ];
  const rows: TableRow[] = d.counties.map((c) => ({
    cells: [
      c.code,
      c.name,
      ...ratioCells(c.indicators.townships),
      ...ratioCells(c.indicators.villages),
      ...ratioCells(c.indicators.central_villages),
      c.indicators.counties.covered > 0,
      c.indicators.cremation_counties.covered > 0,
      c.communities,
      behindList(d, t, c.code, c.indicators),
    ],
  }));
  if (d.region.level === 'city' || (d.region.level === 'province' && rows.length)) {
    const i = d.indicators;
    rows.push({
      total: true,
      cells: [
        d.region.code,
        t('coverage_report.total_row'),
        ...ratioCells(i.townships),
        ...ratioCells(i.villages),
        ...ratioCells(i.central_villages),
        `${i.counties.covered}/${i.counties.total}`,
        `${i.cremation_counties.covered}/${i.cremation_counties.total}`,
        d.communities,
        behindList(d, t, d.region.code, i),
      ],
    });
  }
  return { key: 'counties', title: t('coverage_report.tables.counties'), columns, rows };
}

/** Above a city: a row per child (the provinces of the country, the cities of a province), then the total. */
export function areaTable(d: ReportData, lang: Lang): ReportTable {
  const t = translator(lang);
  const level = d.areas?.level ?? 'city';
  const columns: TableColumn[] = [
    { key: 'code', kind: 'code', header: t('coverage_report.col.code') },
    { key: 'area', kind: 'text', header: t(`coverage_report.col.${level}`) },
    ...ratioColumns(t, t('coverage_report.short.counties'), 'counties'),
    ...ratioColumns(t, t('coverage_report.short.townships'), 'townships'),
    ...ratioColumns(t, t('coverage_report.short.villages'), 'villages'),
    ...ratioColumns(t, t('coverage_report.short.central_villages'), 'central'),
    ...ratioColumns(t, t('coverage_report.short.cremation_counties'), 'cremation'),
    { key: 'communities', kind: 'int', header: t('coverage_report.col.communities') },
    { key: 'behind', kind: 'text', header: t('coverage_report.col.behind') },
  ];
  const row = (code: string, name: string, i: Record<CoverageIndicator, Ratio>, communities: number): Cell[] => [
    code,
    name,
    ...ratioCells(i.counties),
    ...ratioCells(i.townships),
    ...ratioCells(i.villages),
    ...ratioCells(i.central_villages),
    ...ratioCells(i.cremation_counties),
    communities,
    behindList(d, t, code, i),
  ];
  const rows: TableRow[] = (d.areas?.rows ?? []).map((a) => ({
    cells: row(a.code, a.name, a.indicators, a.communities),
  }));
  if (rows.length)
    rows.push({
      total: true,
      cells: row(d.region.code, t('coverage_report.total_row'), d.indicators, d.communities),
    });
  return { key: 'areas', title: t(`coverage_report.tables.areas_${d.region.level}`), columns, rows };
}

export function townshipTable(d: ReportData, lang: Lang): ReportTable {
  const t = translator(lang);
  const columns: TableColumn[] = [
    {
      key: 'county_code',
      kind: 'code',
      header: t('coverage_report.col.code_short'),
      group: t('coverage_report.col.county'),
    },
    { key: 'county', kind: 'text', header: t('coverage_report.col.county') },
    {
      key: 'township_code',
      kind: 'code',
      header: t('coverage_report.col.code_short'),
      group: t('coverage_report.col.township'),
    },
    { key: 'township', kind: 'text', header: t('coverage_report.col.township') },
    {
      key: 'township_covered',
      kind: 'flag',
      header: t('coverage_report.col.township_covered'),
      flag: [t('coverage_report.yes'), t('coverage_report.no')],
    },
    ...ratioColumns(t, t('coverage_report.short.villages'), 'villages', { uncovered: true }),
    ...ratioColumns(t, t('coverage_report.short.central_villages'), 'central'),
    { key: 'communities', kind: 'int', header: t('coverage_report.col.communities') },
  ];
  const rows: TableRow[] = d.townships.flatMap((c) =>
    c.townships.map((s) => ({
      group: { code: c.code, name: c.name },
      cells: [
        c.code,
        c.name,
        s.code,
        s.name,
        s.indicators.townships.covered > 0,
        ...ratioCells(s.indicators.villages, { uncovered: true }),
        ...ratioCells(s.indicators.central_villages),
        s.communities,
      ],
    })),
  );
  return { key: 'townships', title: t('coverage_report.tables.townships'), columns, rows };
}

export function uncoveredTable(d: ReportData, lang: Lang): ReportTable {
  const t = translator(lang);
  if (d.uncoveredAreas) return uncoveredCountTable(d, d.uncoveredAreas, t);
  const columns: TableColumn[] = [
    {
      key: 'county_code',
      kind: 'code',
      header: t('coverage_report.col.code_short'),
      group: t('coverage_report.col.county'),
    },
    { key: 'county', kind: 'text', header: t('coverage_report.col.county') },
    {
      key: 'township_code',
      kind: 'code',
      header: t('coverage_report.col.code_short'),
      group: t('coverage_report.col.township'),
    },
    { key: 'township', kind: 'text', header: t('coverage_report.col.township') },
    {
      key: 'village_code',
      kind: 'code',
      header: t('coverage_report.col.code_short'),
      group: t('coverage_report.col.village'),
    },
    { key: 'village', kind: 'text', header: t('coverage_report.col.village') },
    {
      key: 'central',
      kind: 'flag',
      header: t('coverage_report.col.central'),
      flag: [t('coverage_report.yes'), t('coverage_report.no')],
    },
  ];
  const rows: TableRow[] = d.uncovered.flatMap((s) =>
    s.villages.map((v) => ({
      group: s.county,
      cells: [s.county.code, s.county.name, s.code, s.name, v.code, v.name, v.central],
    })),
  );
  return { key: 'uncovered', title: t('coverage_report.tables.uncovered'), columns, rows };
}

/** Above a city the uncovered villages are counted per county (a province) or per city (the country), not listed. */
function uncoveredCountTable(d: ReportData, areas: UncoveredArea[], t: Translate): ReportTable {
  const [parent, unit] = d.region.level === 'country' ? ['province', 'city'] : ['city', 'county'];
  const columns: TableColumn[] = [
    {
      key: 'parent_code',
      kind: 'code',
      header: t('coverage_report.col.code_short'),
      group: t(`coverage_report.col.${parent}`),
    },
    { key: 'parent', kind: 'text', header: t(`coverage_report.col.${parent}`) },
    { key: 'code', kind: 'code', header: t('coverage_report.col.code_short'), group: t(`coverage_report.col.${unit}`) },
    { key: 'name', kind: 'text', header: t(`coverage_report.col.${unit}`) },
    { key: 'villages', kind: 'int', header: t('coverage_report.col.uncovered_villages_count') },
    { key: 'central', kind: 'int', header: t('coverage_report.col.uncovered_central') },
    { key: 'townships', kind: 'int', header: t('coverage_report.col.uncovered_townships') },
  ];
  const rows: TableRow[] = areas.map((a) => ({
    group: a.parent,
    cells: [a.parent.code, a.parent.name, a.code, a.name, a.villages, a.central, a.townships],
  }));
  return { key: 'uncovered', title: t('coverage_report.tables.uncovered_counted'), columns, rows };
}

/** Long format: one row per year and charted indicator, with the target of that year. */
export function yearTable(d: ReportData, lang: Lang): ReportTable {
  const t = translator(lang);
  const columns: TableColumn[] = [
    { key: 'year', kind: 'int', header: t('coverage_report.col.year') },
    { key: 'measured_on', kind: 'text', header: t('coverage_report.col.measured_on') },
    { key: 'indicator', kind: 'text', header: t('coverage_report.col.indicator') },
    { key: 'total', kind: 'int', header: t('coverage_report.col.total') },
    { key: 'covered', kind: 'int', header: t('coverage_report.col.covered') },
    { key: 'rate', kind: 'rate', header: t('coverage_report.col.rate') },
    { key: 'target', kind: 'rate', header: t('coverage_report.col.target_plain') },
  ];
  const rows: TableRow[] = d.years.flatMap((p) =>
    d.chartIndicators.map((i): TableRow => {
      const r = p.indicators?.[i];
      return {
        cells: [
          p.year,
          r ? p.date : null,
          t(`coverage_report.ind.${i}`),
          r?.total ?? null,
          r?.covered ?? null,
          r?.rate ?? null,
          targetRate(d, d.region.code, i, p.year),
        ],
      };
    }),
  );
  return { key: 'years', title: t('coverage_report.tables.years'), columns, rows };
}

/** The indicators of coverage/indicators/ in the order the report lists them. */
export const otherKeys = ['cremation_rate', 'green_burial_rate', 'grave_remediation', 'waivers'] as const;
export type OtherKey = (typeof otherKeys)[number];

/** Other indicators with data in at least one year of the series. */
export function otherShown(d: ReportData): OtherKey[] {
  return otherKeys.filter((k) => d.other.series.some((y) => y[k].available));
}

/** Long format: one row per year and indicator with data: what was divided by what, the rate and the target in force. */
export function otherTable(d: ReportData, lang: Lang): ReportTable {
  const t = translator(lang);
  const columns: TableColumn[] = [
    { key: 'year', kind: 'int', header: t('coverage_report.col.year') },
    { key: 'indicator', kind: 'text', header: t('coverage_report.col.indicator') },
    { key: 'basis', kind: 'text', header: t('coverage_report.col.basis') },
    { key: 'numerator', kind: 'int', header: t('coverage_report.col.numerator') },
    { key: 'amount', kind: 'money', header: t('coverage_report.col.amount'), unit: t('coverage_report.col.yuan_unit') },
    { key: 'denominator', kind: 'int', header: t('coverage_report.col.denominator') },
    { key: 'rate', kind: 'rate', header: t('coverage_report.col.rate_plain') },
    { key: 'target', kind: 'rate', header: t('coverage_report.col.target_in_force') },
    { key: 'status', kind: 'text', header: t('coverage_report.col.status') },
  ];
  const rows: TableRow[] = [];
  for (const y of d.other.series) {
    for (const k of otherKeys) {
      const f = y[k];
      if (!f.available) continue;
      const target = k === 'waivers' ? null : y[k].target;
      const status =
        k === 'waivers' ? null : t(`coverage_report.status.${target ? (target.met ? 'met' : 'behind') : 'no_target'}`);
      // The green-burial rate says where each year's figure came from (placements or the figures entered).
      const source = k === 'green_burial_rate' ? y.green_burial_rate.source : null;
      const basis = t(`coverage_report.other_basis.${k}`);
      rows.push({
        cells: [
          y.year,
          t(`coverage_report.other.${k}`),
          source
            ? t('coverage_report.basis_source', { basis, source: t(`coverage_report.green_source.${source}`) })
            : basis,
          k === 'waivers' ? null : f.numerator,
          k === 'waivers' ? f.numerator : null,
          f.denominator,
          f.rate,
          target?.rate ?? null,
          status,
        ],
      });
    }
  }
  return { key: 'other', title: t('coverage_report.tables.other'), columns, rows };
}

/** Every table in the order of the workbook; the other indicators only where there is data. */
export function allTables(d: ReportData, lang: Lang): ReportTable[] {
  const out = [
    summaryTable(d, lang),
    ...(d.areas ? [areaTable(d, lang)] : []),
    ...(d.counties.length ? [countyTable(d, lang)] : []),
    ...(d.townships.length ? [townshipTable(d, lang)] : []),
    uncoveredTable(d, lang),
    yearTable(d, lang),
  ];
  if (otherShown(d).length) out.push(otherTable(d, lang));
  return out;
}

export function tableOf(d: ReportData, lang: Lang, key: TableKey): ReportTable {
  switch (key) {
    case 'summary':
      return summaryTable(d, lang);
    case 'areas':
      return areaTable(d, lang);
    case 'counties':
      return countyTable(d, lang);
    case 'townships':
      return townshipTable(d, lang);
    case 'uncovered':
      return uncoveredTable(d, lang);
    case 'years':
      return yearTable(d, lang);
    case 'other':
      return otherTable(d, lang);
  }
}

/**
 * How a cell reads in the PDF (`print`: 24.9%, ¥1,234.50) and in the CSV (24.9 under a "（%）" header, 1234.50).
 * The XLSX keeps numbers as numbers.
 */
export function cellText(c: TableColumn, v: Cell, opts: { none: string; print: boolean }): string {
  if (v === null || v === undefined || v === '') return opts.none;
  if (typeof v === 'boolean') return (c.flag ?? ['✓', ''])[v ? 0 : 1];
  if (typeof v === 'string') return v;
  switch (c.kind) {
    case 'rate':
      return opts.print ? formatRate(v) : tenthsText(rateTenths(v));
    case 'points':
      return formatPoints(v);
    case 'money':
      return opts.print ? formatMoney(v) : (v / 100).toFixed(2);
    default:
      return String(v);
  }
}

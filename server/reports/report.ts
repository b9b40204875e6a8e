// The printed coverage progress report (殡葬服务设施覆盖进度报告) a bureau hands to the city government: a cover, the
// indicators against the targets in force with a written summary, the county and township tables, the yearly charts,
// the other indicators where there is data, an appendix of the villages still uncovered, and the sign-off block with
// the seal's place (formal.ts). A4, Noto Sans Hans (and a fallback font for rare characters) embedded as subsets, black
// and greys only.
import { formatDate, formatDateTime, formatPoints, formatRate, rateTenths, tenthsText } from '../http/format.js';
import { translator, type Lang, type Translate } from '../i18n/index.js';
import { coverageIndicators, type CoverageIndicator, type Ratio } from '../coverage/indicators/kinds.js';
import { shortName } from '../regions/levels.js';
import type { Fonts } from '../documents/fonts.js';
import {
  BOLD,
  centered,
  contentBottom,
  contentWidth,
  createDocument,
  eachPage,
  fieldGrid,
  finish,
  MUTED,
  rule,
  textAt,
  type Doc,
} from '../documents/pdf.js';
import { drawBlock } from './formal.js';
import { chartGrid, grid, type Fitting, type GridColumn, type GridRow } from './layout.js';
import { inForce, targetRate, type ReportData } from './service.js';
import type { UncoveredArea } from '../coverage/dashboard/service.js';
import type { ReportBlock } from './settings-service.js';
import {
  assess,
  cellText,
  countyTable,
  otherShown,
  summaryTable,
  townshipTable,
  areaTable,
  uncoveredTable,
  type OtherKey,
  type ReportTable,
  type TableColumn,
} from './tables.js';

const MARGIN = 56;
const HEADER_Y = 30;
const FOOTER_GAP = 18; // the footer sits this far below the content's bottom edge
const BODY = 10.5;
const TABLE = 8.5;
const NARROW_TABLE = 8; // the county table, which has the most columns
const NOTE = 8.5;
/** Names per row of the appendix: a township with more goes on in the next row. */
const NAMES_PER_ROW = 40;

const pct = (rate: number | null | undefined, none: string) => formatRate(rate, none);

interface Ctx {
  doc: Doc;
  d: ReportData;
  t: Translate;
  lang: Lang;
  block: ReportBlock;
  none: string;
  left: number;
  width: number;
  newPage: () => number;
}

export async function renderReport(d: ReportData, lang: Lang, fonts: Fonts, block: ReportBlock): Promise<Buffer> {
  const t = translator(lang);
  const title = t('coverage_report.title', { region: d.region.fullName });
  const asOf = formatDate(d.date, lang);
  const doc = createDocument(
    { title, author: t('app.full_name'), creator: t('app.full_name'), lang, margin: MARGIN },
    fonts,
  );
  const left = MARGIN,
    width = contentWidth(doc),
    right = left + width;
  const c: Ctx = {
    doc,
    d,
    t,
    lang,
    block,
    none: t('coverage_report.none'),
    left,
    width,
    newPage: () => {
      doc.addPage();
      return MARGIN;
    },
  };

  cover(c, title);

  const numerals = t('coverage_report.numerals').split(',');
  let n = 0;
  const heading = (key: string, y: number, keep: number): number => {
    const text = key.startsWith('appendix')
      ? t(`coverage_report.sections.${key}`)
      : t('coverage_report.section', {
          n: numerals[n] ?? String(n + 1),
          title: t(`coverage_report.sections.${key}`),
        });
    n += key.startsWith('appendix') ? 0 : 1;
    if (y + keep > contentBottom(doc)) y = c.newPage();
    textAt(doc, text, left, y, width, { font: BOLD, size: 13.5 });
    return y + 26;
  };

  let y = summarySection(c, heading('summary', c.newPage(), 0));
  // Above a city: its children (provinces or cities), then a province's counties; townships and villages are left
  // to the city and county reports (docs/COVERAGE.md, "Province and country").
  if (d.areas) y = areaSection(c, heading(`areas_${d.region.level}`, c.newPage(), 0));
  if (d.region.level === 'city' || d.region.level === 'province')
    y = countySection(c, heading('counties', y + 18, 190));
  if (d.townships.length) y = townshipSection(c, heading('townships', c.newPage(), 0));
  const progressEnd = progressSection(c, heading('progress', y + 18, 470));
  if (otherShown(d).length) otherSection(c, heading('other', progressEnd + 18, 200));
  const appendixEnd = d.uncoveredAreas
    ? appendixCounted(c, heading('appendix_counted', c.newPage(), 0), d.uncoveredAreas)
    : appendix(c, heading('appendix', c.newPage(), 0));
  drawBlock(doc, block, lang, { x: left, y: appendixEnd + 28, width, newPage: c.newPage });

  // Running header and footer on every page but the cover, which is not counted.
  const footer = t('coverage_report.footer', { region: d.region.fullName, date: asOf });
  eachPage(doc, (i, count) => {
    if (i === 0) return;
    const size = 8.5;
    textAt(doc, title, left, HEADER_Y, width * 0.7, { size, color: MUTED });
    textAt(doc, t('coverage_report.as_of', { date: asOf }), left + width * 0.7, HEADER_Y, width * 0.3, {
      size,
      color: MUTED,
      align: 'right',
    });
    rule(doc, left, right, HEADER_Y + 15, 0.5, MUTED);
    const base = doc.page.height - MARGIN + FOOTER_GAP;
    rule(doc, left, right, base - 6, 0.5, MUTED);
    textAt(doc, footer, left, base, width * 0.65, { size, color: MUTED });
    textAt(doc, t('coverage_report.page', { n: i, count: count - 1 }), left + width * 0.65, base, width * 0.35, {
      size,
      color: MUTED,
      align: 'right',
    });
  });
  return finish(doc);
}

// ## Pieces of text

function paragraph(c: Ctx, text: string, y: number): number {
  if (y + 2 * BODY > contentBottom(c.doc)) y = c.newPage();
  return (
    textAt(c.doc, text, c.left, y, c.width, {
      size: BODY,
      lineGap: BODY * 0.45,
      indent: c.lang === 'zh-CN' ? 2 * BODY : 0,
    }) + 4
  );
}

function note(c: Ctx, text: string, y: number): number {
  if (y + 24 > contentBottom(c.doc)) y = c.newPage();
  return textAt(c.doc, text, c.left, y, c.width, { size: NOTE, color: MUTED, lineGap: 2 }) + 4;
}

const gridOpts = (c: Ctx, y: number, size = TABLE) => ({
  x: c.left,
  y,
  width: c.width,
  size,
  continuePage: c.newPage,
  continued: (name: string) => c.t('coverage_report.continued', { name }),
});

const alignOf = (col: TableColumn): 'left' | 'center' | 'right' =>
  col.kind === 'flag' ? 'center' : col.kind === 'text' || col.kind === 'code' ? 'left' : 'right';

/** The named columns of a shared table, in the given order, with their PDF widths (the PDF leaves out codes). */
function pick(
  table: ReportTable,
  keys: string[],
  weight: (col: TableColumn) => number,
  fit: Record<string, Fitting> = {},
) {
  const idx = keys.map((k) => table.columns.findIndex((col) => col.key === k));
  const columns: GridColumn[] = idx.map((i) => {
    const col = table.columns[i];
    return {
      header: col.short ?? col.header,
      group: col.group,
      weight: weight(col),
      align: alignOf(col),
      fit: fit[col.key],
    };
  });
  const cells = (row: ReportTable['rows'][number], none: string) =>
    idx.map((i) => cellText(table.columns[i], row.cells[i], { none, print: true }));
  return { columns, cells };
}

// ## Cover

function cover(c: Ctx, title: string): void {
  const { doc, d, t, lang, left, width } = c;
  const right = left + width;
  const asOf = formatDate(d.date, lang);
  // The title on one line at 26pt when it fits, else as large as fits down to 20pt, else wrapped.
  let size = 26;
  const spacing = lang === 'zh-CN' ? 1.5 : 0;
  doc.font(BOLD).fontSize(size);
  while (size > 20 && doc.widthOfString(title, { characterSpacing: spacing }) > width) doc.fontSize(--size);
  let y = centered(doc, title, 214, { font: BOLD, size, spacing });
  y = centered(doc, t('coverage_report.cover_as_of', { date: asOf }), y + 14, { size: 15 });
  y += 22;
  rule(doc, left + 40, right - 40, y, 1.6);
  rule(doc, left + 40, right - 40, y + 3.5, 0.5);

  const labelWidth = 110,
    gridTop = 470,
    row = 34;
  fieldGrid(
    doc,
    [
      [
        {
          label: t('coverage_report.region_label'),
          value: t('coverage_report.region_value', { name: d.region.fullName, code: d.region.code }),
        },
      ],
      [{ label: t('coverage_report.as_of_label'), value: asOf }],
      // The year's targets only when there are any for that year (an earlier year's, still in force, is no target
      // of this year: the summary names its year).
      ...(targetsOfYear(d)
        ? [
            [
              {
                label: t('coverage_report.target_year_label'),
                value: t('coverage_report.target_year_value', { year: d.year }),
              },
            ],
          ]
        : []),
      // The issuing office of the report settings; blank to write in by hand when none is set.
      [{ label: t('coverage_report.issuer_label'), value: c.block.issuer ?? '' }],
      [{ label: t('coverage_report.generated_label'), value: formatDateTime(d.generatedAt, lang) }],
    ],
    {
      x: left + 40,
      y: gridTop,
      widths: [labelWidth, width - 80 - labelWidth],
      rowHeight: row,
      padding: 9,
      label: { size: 11, color: MUTED },
      value: { size: 12 },
    },
  );
  textAt(doc, t('coverage_report.cover_note'), left, 730, width, {
    size: 9,
    color: MUTED,
    align: 'center',
    lineGap: 2,
  });
}

/** Whether the region (or a region above it) has a target of any indicator set for the report's year. */
export function targetsOfYear(d: Pick<ReportData, 'targets' | 'year' | 'region'>): boolean {
  return d.targets.some((x) => x.year === d.year && d.region.code.startsWith(x.region_code));
}

// ## 1. Indicators against the targets in force

function summarySection(c: Ctx, y: number): number {
  const { doc, d, t, lang, none, left, width } = c;
  for (const text of summaryText(c)) y = paragraph(c, text, y);
  y += 6;
  const table = summaryTable(d, lang);
  const weights: Record<string, number> = {
    indicator: 164,
    target: 44,
    target_year: 42,
    status: 44,
    gap: 32,
    needed: 44,
  };
  const { columns, cells } = pick(
    table,
    table.columns.map((col) => col.key),
    (col) => weights[col.key] ?? 37,
    { indicator: 'name' },
  );
  columns[table.columns.findIndex((col) => col.key === 'status')].align = 'center';
  y = grid(
    doc,
    columns,
    table.rows.map((r) => ({ cells: cells(r, none) })),
    gridOpts(c, y),
  );
  y = note(c, t('coverage_report.summary_table_note', { year: d.year }), y + 5);
  y += 8;
  if (y + 90 > contentBottom(doc)) y = c.newPage();
  textAt(doc, t('coverage_report.sections.notes'), left, y, width, { font: BOLD, size: 10 });
  y += 17;
  for (const [i, key] of ['villages', 'townships', 'cremation', 'dates'].entries()) {
    y =
      textAt(doc, `${i + 1}. ${t(`coverage_report.notes.${key}`)}`, left, y, width, {
        size: NOTE,
        color: MUTED,
        lineGap: 2,
      }) + 3;
  }
  return y;
}

/** The summary in words: what there is, where it stands, and against each target in force. */
function summaryText(c: Ctx): string[] {
  const { d, t, lang, none } = c;
  const i = d.indicators;
  const date = formatDate(d.date, lang);
  const city = d.region.level !== 'county';
  let first = t(city ? 'coverage_report.overview_city' : 'coverage_report.overview_county', {
    region: d.region.fullName,
    date,
    counties: i.counties.total,
    townships: i.townships.total,
    villages: i.villages.total,
    communities: d.communities,
  });
  first += t(city ? 'coverage_report.standing_city' : 'coverage_report.standing_county', {
    counties: i.counties.covered,
    townships: i.townships.covered,
    villages: i.villages.covered,
    cremation: i.cremation_counties.covered,
    township_rate: pct(i.townships.rate, none),
    village_rate: pct(i.villages.rate, none),
    has_facility: t(i.counties.covered > 0 ? 'coverage_report.has_word' : 'coverage_report.has_not_word'),
    has_cremation: t(i.cremation_counties.covered > 0 ? 'coverage_report.has_word' : 'coverage_report.has_not_word'),
  });
  const out = [first];
  const parts: string[] = [];
  for (const ind of coverageIndicators) {
    const a = assess(i[ind], inForce(d, d.region.code, ind));
    if (a.status !== 'met' && a.status !== 'behind') continue;
    parts.push(
      t(a.status === 'met' ? 'coverage_report.target_met' : 'coverage_report.target_behind', {
        name: t(`coverage_report.short.${ind}`),
        target: pct(a.target, none),
        target_year: a.targetYear,
        actual: pct(i[ind].rate, none),
        gap: a.gapPoints === null ? undefined : formatPoints(a.gapPoints),
        need: a.needed,
      }),
    );
  }
  out.push(
    parts.length
      ? t('coverage_report.against') + parts.join(t('coverage_report.list_sep')) + t('coverage_report.list_end')
      : t('coverage_report.no_targets', { year: d.year }),
  );
  if (i.central_villages.total === 0) out.push(t('coverage_report.central_unmarked'));
  return out;
}

const showCentral = (d: ReportData) => d.indicators.central_villages.total > 0;

// ## 2. Counties (a city's report)

function countySection(c: Ctx, y: number): number {
  const { doc, d, t, lang, none } = c;
  const table = countyTable(d, lang);
  const keys = [
    'county',
    'townships_total',
    'townships_covered',
    'townships_rate',
    'villages_total',
    'villages_covered',
    'villages_rate',
    ...(showCentral(d) ? ['central_total', 'central_covered', 'central_rate'] : []),
    'county_facility',
    'cremation',
    'behind',
  ];
  const weights: Record<string, number> = { county: 48, county_facility: 42, cremation: 42, behind: 59 };
  const { columns, cells } = pick(
    table,
    keys,
    (col) => weights[col.key] ?? (col.kind === 'rate' ? 38 : col.key.endsWith('covered') ? 32 : 28),
    { county: 'name', behind: 'wrap' },
  );
  y = grid(
    doc,
    columns,
    table.rows.map((r) => ({ kind: r.total ? ('total' as const) : ('body' as const), cells: cells(r, none) })),
    gridOpts(c, y, NARROW_TABLE),
  );
  return note(c, t('coverage_report.county_table_note'), y + 5);
}

// ## 2. Provinces of the country, cities of a province (above a city)

function areaSection(c: Ctx, y: number): number {
  const { doc, d, t, lang, none } = c;
  const table = areaTable(d, lang);
  const keys = [
    'area',
    'counties_covered',
    'counties_rate',
    'townships_covered',
    'townships_rate',
    'villages_total',
    'villages_covered',
    'villages_rate',
    ...(showCentral(d) ? ['central_rate'] : []),
    'cremation_covered',
    'cremation_rate',
  ];
  const { columns, cells } = pick(
    table,
    keys,
    (col) => (col.key === 'area' ? 64 : col.kind === 'rate' ? 36 : col.key === 'villages_total' ? 38 : 34),
    { area: 'name' },
  );
  y = grid(
    doc,
    columns,
    table.rows.map((r) => ({ kind: r.total ? ('total' as const) : ('body' as const), cells: cells(r, none) })),
    gridOpts(c, y, NARROW_TABLE),
  );
  return note(c, t('coverage_report.areas_table_note'), y + 5);
}

// ## 3. Townships by county, each county closed by its subtotal

function townshipSection(c: Ctx, y: number): number {
  const { doc, d, t, lang, none } = c;
  const table = townshipTable(d, lang);
  const keys = [
    'township',
    'township_covered',
    'villages_total',
    'villages_covered',
    'villages_uncovered',
    'villages_rate',
    ...(showCentral(d) ? ['central_total', 'central_covered', 'central_rate'] : []),
    'communities',
  ];
  const weights: Record<string, number> = { township: 112, township_covered: 46, communities: 48 };
  const { columns, cells } = pick(table, keys, (col) => weights[col.key] ?? (col.kind === 'rate' ? 44 : 36), {
    township: 'name',
  });
  const grouped = d.region.level === 'city';
  const rows: GridRow[] = [];
  for (const county of d.counties) {
    if (grouped) rows.push({ kind: 'group', cells: [county.name] });
    for (const r of table.rows.filter((row) => row.group?.code === county.code)) rows.push({ cells: cells(r, none) });
    rows.push({
      kind: grouped ? 'subtotal' : 'total',
      cells: subtotalCells(c, keys, grouped ? county.name : undefined, county.indicators, county.communities),
    });
  }
  if (grouped) rows.push({ kind: 'total', cells: subtotalCells(c, keys, undefined, d.indicators, d.communities) });
  y = grid(doc, columns, rows, gridOpts(c, y));
  return note(c, t('coverage_report.township_table_note'), y + 5);
}

/** A county's subtotal (or the region's total) row of the township table, from its own coverage. */
function subtotalCells(
  c: Ctx,
  keys: string[],
  county: string | undefined,
  ind: Record<CoverageIndicator, Ratio>,
  communities: number,
): string[] {
  const { t, none } = c;
  const values: Record<string, string> = {
    township: county ? t('coverage_report.subtotal', { name: county }) : t('coverage_report.total_row'),
    township_covered: `${ind.townships.covered}/${ind.townships.total}`,
    villages_total: String(ind.villages.total),
    villages_covered: String(ind.villages.covered),
    villages_uncovered: String(ind.villages.total - ind.villages.covered),
    villages_rate: pct(ind.villages.rate, none),
    central_total: String(ind.central_villages.total),
    central_covered: String(ind.central_villages.covered),
    central_rate: pct(ind.central_villages.rate, none),
    communities: String(communities),
  };
  return keys.map((k) => values[k] ?? '');
}

// ## 4. Progress by year: a small chart per indicator and the figures behind them

function progressSection(c: Ctx, y: number): number {
  const { doc, d, t, lang, none, left, width } = c;
  y = paragraph(c, t('coverage_report.progress_lead'), y);
  const hasTargets = d.chartIndicators.some((i) =>
    d.years.some((p) => targetRate(d, d.region.code, i, p.year) !== null),
  );
  if (!hasTargets) y = paragraph(c, t('coverage_report.no_year_targets'), y);
  y += 4;
  const columns = d.chartIndicators.length > 1 ? 2 : 1;
  y = chartGrid(
    doc,
    left,
    y,
    width,
    d.chartIndicators.map((i) => ({
      title: t(`coverage_report.ind.${i}`),
      points: d.years.map((p) => ({
        year: p.year,
        partial: p.partial,
        target: targetRate(d, d.region.code, i, p.year),
        actual: p.indicators && p.indicators[i].total > 0 ? p.indicators[i].rate : null,
      })),
    })),
    {
      actual: t('coverage_report.legend_actual_plain'),
      target: t('coverage_report.legend_target'),
      yearLabel: (year, partial) => `${year}${partial ? '*' : ''}`,
      value: (rate) => tenthsText(rateTenths(rate)),
    },
    { columns, height: columns === 1 ? 200 : 138, gap: 16 },
  );
  y += 12;

  // The figures behind the charts: a column per year, three rows per indicator.
  const gridColumns: GridColumn[] = [
    { header: t('coverage_report.col.item'), weight: 96 },
    ...d.years.map((p): GridColumn => ({ header: `${p.year}${p.partial ? '*' : ''}`, weight: 52, align: 'right' })),
  ];
  const rows: GridRow[] = d.chartIndicators.flatMap((i): GridRow[] => [
    { kind: 'group', cells: [t(`coverage_report.ind.${i}`)] },
    {
      cells: [
        t('coverage_report.col.covered_of'),
        ...d.years.map((p) => (p.indicators ? `${p.indicators[i].covered}/${p.indicators[i].total}` : none)),
      ],
    },
    {
      cells: [
        t('coverage_report.col.rate'),
        ...d.years.map((p) => (p.indicators ? pct(p.indicators[i].rate, none) : none)),
      ],
    },
    {
      cells: [
        t('coverage_report.legend_target'),
        ...d.years.map((p) => pct(targetRate(d, d.region.code, i, p.year), none)),
      ],
    },
  ]);
  y = grid(doc, gridColumns, rows, gridOpts(c, y));
  const partial = d.years.find((p) => p.partial);
  return note(
    c,
    t(partial ? 'coverage_report.partial_note' : 'coverage_report.year_end_note', {
      year: partial?.year,
      date: formatDate(d.date, lang),
    }),
    y + 5,
  );
}

// ## 5. Other indicators, by year, where there is data

function otherSection(c: Ctx, y: number): number {
  const { doc, d, t, none } = c;
  const shown = otherShown(d);
  y = paragraph(c, t('coverage_report.other_lead'), y);
  const latest: string[] = [];
  for (const k of shown.filter((key): key is Exclude<OtherKey, 'waivers'> => key !== 'waivers')) {
    const last = [...d.other.series].reverse().find((s) => s[k].available);
    if (!last) continue;
    const f = last[k];
    let text = t('coverage_report.other_latest', {
      year: last.year,
      name: t(`coverage_report.other.${k}`),
      rate: pct(f.rate, none),
    });
    if (f.target)
      text += t('coverage_report.other_against', {
        target: pct(f.target.rate, none),
        status: t(`coverage_report.status.${f.target.met ? 'met' : 'behind'}`),
      });
    latest.push(text);
  }
  if (latest.length) y = paragraph(c, latest.join(t('coverage_report.list_sep')) + t('coverage_report.list_end'), y);
  if (d.zones.length) {
    const byZone = new Map<string, string[]>();
    for (const z of d.zones) byZone.set(z.zone!, [...(byZone.get(z.zone!) ?? []), z.name]);
    y = paragraph(
      c,
      t('coverage_report.zones', {
        list: [...byZone]
          .map(([zone, names]) =>
            t('coverage_report.zone_item', {
              zone: t(`coverage_report.zone_names.${zone}`),
              names: names.join(t('coverage_report.name_sep')),
            }),
          )
          .join(t('coverage_report.list_sep')),
      }),
      y,
    );
  }
  y += 4;
  const columns: GridColumn[] = [{ header: t('coverage_report.col.year'), weight: 40, align: 'center' }];
  for (const k of shown) {
    const group = t(`coverage_report.other.${k}`);
    if (k === 'waivers') {
      columns.push(
        { header: t('coverage_report.col.cases'), group, weight: 40, align: 'right' },
        { header: t('coverage_report.col.amount'), group, weight: 64, align: 'right' },
      );
    } else {
      columns.push(
        { header: t('coverage_report.col.counts'), group, weight: 64, align: 'right' },
        { header: t('coverage_report.col.rate_plain'), group, weight: 40, align: 'right' },
        { header: t('coverage_report.col.target_plain'), group, weight: 40, align: 'right' },
      );
    }
  }
  const money = { key: 'amount', kind: 'money', header: '' } as const;
  const rows: GridRow[] = d.other.series.map((s) => ({
    cells: [
      String(s.year),
      ...shown.flatMap((k) => {
        const f = s[k];
        if (k === 'waivers')
          return f.available
            ? [String(f.denominator), cellText(money, f.numerator, { none, print: true })]
            : [none, none];
        const target = s[k].target;
        return [
          f.available ? `${f.numerator.toLocaleString('en')}/${f.denominator.toLocaleString('en')}` : none,
          f.available ? pct(f.rate, none) : none,
          pct(target?.rate, none),
        ];
      }),
    ],
  }));
  y = grid(doc, columns, rows, gridOpts(c, y, shown.length > 2 ? NARROW_TABLE : TABLE));
  return note(
    c,
    t('coverage_report.other_note', {
      basis: shown
        .filter((k) => k !== 'waivers')
        .map((k) => `${t(`coverage_report.other.${k}`)}＝${t(`coverage_report.other_basis.${k}`)}`)
        .join(t('coverage_report.list_sep')),
    }) + (shown.includes('green_burial_rate') ? t('coverage_report.green_note') : ''),
    y + 5,
  );
}

// ## Appendix above a city: uncovered administrative villages counted per county (a province) or city (the country)

function appendixCounted(c: Ctx, y: number, areas: UncoveredArea[]): number {
  const { doc, d, t, lang } = c;
  const count = areas.reduce((sum, a) => sum + a.villages, 0);
  if (count === 0) return paragraph(c, t('coverage_report.appendix_none'), y);
  const townships = areas.reduce((sum, a) => sum + a.townships, 0);
  const unit = t(`coverage_report.appendix_unit.${d.region.level === 'country' ? 'country' : 'province'}`);
  y = paragraph(c, t('coverage_report.appendix_counted_lead', { count, townships, unit }), y) + 4;
  const table = uncoveredTable(d, lang);
  const { columns, cells } = pick(table, ['name', 'villages', 'central', 'townships'], (col) =>
    col.key === 'name' ? 160 : 80,
  );
  const rows: GridRow[] = [];
  let parent = '';
  for (const r of table.rows) {
    if (r.group && r.group.code !== parent) {
      parent = r.group.code;
      rows.push({ kind: 'group', cells: [r.group.name] });
    }
    rows.push({ cells: cells(r, c.none) });
  }
  return grid(doc, columns, rows, gridOpts(c, y));
}

// ## Appendix: uncovered administrative villages by township

function appendix(c: Ctx, y: number): number {
  const { doc, d, t } = c;
  const count = d.uncovered.reduce((sum, s) => sum + s.villages.length, 0);
  if (count === 0) return paragraph(c, t('coverage_report.appendix_none'), y);
  y = paragraph(c, t('coverage_report.appendix_lead', { count, townships: d.uncovered.length }), y) + 4;
  const rows: GridRow[] = [];
  let county = '';
  for (const s of d.uncovered) {
    if (d.region.level === 'city' && s.county.code !== county) {
      county = s.county.code;
      rows.push({ kind: 'group', cells: [s.county.name] });
    }
    const names = s.villages.map((v) => `${shortName(v.name)}${v.central ? '★' : ''}`);
    for (let i = 0; i < names.length; i += NAMES_PER_ROW) {
      rows.push({
        cells: [
          i === 0 ? s.name : t('coverage_report.continued', { name: s.name }),
          i === 0 ? String(s.villages.length) : '',
          names.slice(i, i + NAMES_PER_ROW).join(t('coverage_report.name_sep')),
        ],
      });
    }
  }
  return grid(
    doc,
    [
      { header: t('coverage_report.col.township'), weight: 100, fit: 'name' },
      { header: t('coverage_report.col.count'), weight: 36, align: 'right' },
      { header: t('coverage_report.col.uncovered_villages'), weight: 350, fit: 'wrap' },
    ],
    rows,
    gridOpts(c, y),
  );
}

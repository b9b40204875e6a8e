// The waiver report's tables (by county, month, group, item) as rows of plain values for the report layer's CSV and
// XLSX (server/reports/export.ts), and its one-page PDF summary with the formal sign-off block (server/reports/formal.ts).
import type { Fonts } from '../documents/fonts.js';
import { BOLD, contentWidth, createDocument, finish, MUTED, table, textAt } from '../documents/pdf.js';
import { formatDate, formatMoney } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import { drawBlock } from '../reports/formal.js';
import type { TableKey } from '../reports/schemas.js';
import type { ReportBlock } from '../reports/settings-service.js';
import type { ReportTable, TableColumn } from '../reports/tables.js';
import type { SummaryRow, WaiverSummary } from './report-service.js';

export const waiverTables = ['counties', 'months', 'groups', 'items', 'green'] as const;
export type WaiverTable = (typeof waiverTables)[number];

const rowsOf = (s: WaiverSummary, key: WaiverTable): SummaryRow[] =>
  ({ counties: s.by_county, months: s.by_month, groups: s.by_group, items: s.by_item, green: s.green.by_county })[key];

/** A table's total: the claims' for the four waiver tables, the rewards' for the green-burial one. */
const totalOf = (s: WaiverSummary, key: WaiverTable) =>
  key === 'green' ? s.green : { people: s.people, amount_fen: s.amount_fen };

const byCounty = (key: WaiverTable) => key === 'counties' || key === 'green';

/** One table of the report with its total row last (the total of people is the report's, not the rows' sum). */
export function waiverTable(s: WaiverSummary, lang: Lang, key: WaiverTable): ReportTable {
  const t = translator(lang);
  const first: TableColumn[] = byCounty(key)
    ? [
        { key: 'name', kind: 'text', header: t('waiver_reports.col.county') },
        { key: 'code', kind: 'code', header: t('waiver_reports.col.code') },
      ]
    : [
        {
          key: 'name',
          kind: 'text',
          header: t(`waiver_reports.col.${({ months: 'month', groups: 'group', items: 'item' } as const)[key]}`),
        },
      ];
  const columns: TableColumn[] = [
    ...first,
    ...(key === 'items' ? [{ key: 'quantity', kind: 'int' as const, header: t('waiver_reports.quantity') }] : []),
    { key: 'people', kind: 'int', header: t('waiver_reports.people') },
    { key: 'amount', kind: 'money', header: t('waiver_reports.amount') },
  ];
  const cellsOf = (r: SummaryRow) => [
    r.name,
    ...(byCounty(key) ? [r.key === 'none' ? '' : r.key] : []),
    ...(key === 'items' ? [r.quantity ?? 0] : []),
    r.people,
    r.amount_fen,
  ];
  const total = totalOf(s, key);
  const totalCells = [
    t('waiver_reports.total'),
    ...(byCounty(key) ? [''] : []),
    ...(key === 'items' ? [rowsOf(s, key).reduce((a, r) => a + (r.quantity ?? 0), 0)] : []),
    total.people,
    total.amount_fen,
  ];
  return {
    // The report layer's tables are keyed by the coverage report's names; the files only read the title.
    key: key as unknown as TableKey,
    title: t(`waiver_reports.tables.${key}`),
    columns,
    rows: [...rowsOf(s, key).map((r) => ({ cells: cellsOf(r) })), { cells: totalCells, total: true }],
  };
}

export const titleOf = (s: WaiverSummary, lang: Lang) =>
  translator(lang)('waiver_reports.title_region', { region: s.region.fullName });

export const headline = (s: WaiverSummary, lang: Lang) =>
  translator(lang)('waiver_reports.headline', { people: s.people, amount: formatMoney(s.amount_fen) });

export const greenText = (s: WaiverSummary, lang: Lang) =>
  translator(lang)('waiver_reports.green_text', { people: s.green.people, amount: formatMoney(s.green.amount_fen) });

const MARGIN = 56;
/** Rows of a table the one page holds; the rest are in the workbook. */
const MAX_ROWS = { counties: 12, items: 6 };

/** The one-page summary: title, period, the headline, pending claims, by county, by group, top items, the block. */
export async function renderSummary(s: WaiverSummary, lang: Lang, fonts: Fonts, block: ReportBlock): Promise<Buffer> {
  const t = translator(lang);
  const title = t('waiver_reports.pdf_title', { region: s.region.fullName });
  const doc = createDocument(
    { title, author: t('app.full_name'), creator: t('app.full_name'), lang, margin: MARGIN },
    fonts,
  );
  const left = MARGIN,
    width = contentWidth(doc);
  let y = MARGIN;
  y = textAt(doc, title, left, y, width, { font: BOLD, size: 17, align: 'center' }) + 6;
  y =
    textAt(
      doc,
      t('waiver_reports.pdf_period', { from: formatDate(s.from, lang), to: formatDate(s.to, lang) }),
      left,
      y,
      width,
      { size: 10.5, color: MUTED, align: 'center' },
    ) + 14;
  y = textAt(doc, headline(s, lang), left, y, width, { font: BOLD, size: 15 }) + 4;
  y =
    textAt(
      doc,
      t('waiver_reports.pending_text', { people: s.pending.people, amount: formatMoney(s.pending.amount_fen) }),
      left,
      y,
      width,
      { size: 10, color: MUTED },
    ) + 2;
  y = textAt(doc, greenText(s, lang), left, y, width, { size: 10, color: MUTED }) + 10;

  const onePage = () => {
    doc.addPage();
    return MARGIN;
  };
  const section = (key: WaiverTable, heading: string, max?: number) => {
    const all = rowsOf(s, key);
    const shown = max ? all.slice(0, max) : all;
    y = textAt(doc, heading, left, y, width, { font: BOLD, size: 11.5 }) + 4;
    const nameW = width - 180 - (key === 'counties' ? 80 : 0);
    const columns = [
      {
        header: t(
          `waiver_reports.col.${({ counties: 'county', months: 'month', groups: 'group', items: 'item', green: 'county' } as const)[key]}`,
        ),
        width: nameW,
      },
      ...(key === 'counties' ? [{ header: t('waiver_reports.col.code'), width: 80 }] : []),
      { header: t('waiver_reports.people'), width: 70, align: 'right' as const },
      { header: t('waiver_reports.amount'), width: 110, align: 'right' as const },
    ];
    const rows = shown.map((r) => ({
      cells: [
        r.name,
        ...(key === 'counties' ? [r.key === 'none' ? '' : r.key] : []),
        String(r.people),
        formatMoney(r.amount_fen),
      ],
    }));
    if (!max || all.length <= max)
      rows.push({
        cells: [
          t('waiver_reports.total'),
          ...(key === 'counties' ? [''] : []),
          String(s.people),
          formatMoney(s.amount_fen),
        ],
        bold: true,
      } as (typeof rows)[number]);
    y = table(doc, columns, rows, { x: left, y, size: 9.5, rowHeight: 17, padding: 4, continuePage: onePage });
    if (max && all.length > max)
      y = textAt(doc, t('waiver_reports.pdf_more', { n: all.length - max }), left, y + 3, width, {
        size: 9,
        color: MUTED,
      });
    y += 10;
  };
  section('counties', t('waiver_reports.tables.counties'), MAX_ROWS.counties);
  section('groups', t('waiver_reports.tables.groups'));
  section('items', t('waiver_reports.pdf_top'), MAX_ROWS.items);
  textAt(doc, t('waiver_reports.rules'), left, y, width, { size: 8, color: MUTED, lineGap: 1 });
  y = doc.y + 8;
  drawBlock(doc, block, lang, { x: left, y, width, newPage: onePage });
  return finish(doc);
}

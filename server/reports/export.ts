// The report's tables as files: CSV (one table, UTF-8 with a byte-order mark so that Excel reads the Chinese) and XLSX
// (one sheet per table, bold frozen header, rates as numbers in a "0.0%" format, rounded as every page shows them).
// Both lay a table out the same way: the header rows of formal.ts (label, value), a blank row, the table, a blank
// row, the sign-off rows.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { shownFraction } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import { blockRows, headRows, type TableMeta } from './formal.js';
import { cellText, fullHeader, type ReportTable, type TableColumn } from './tables.js';

function csvHeader(lang: Lang, c: TableColumn): string {
  const t = translator(lang);
  return fullHeader(t, c) + (c.kind === 'rate' ? t('coverage_report.percent_suffix') : '');
}

/** The title of a table's file or sheet: the report's, then the table's. */
const titled = (m: TableMeta, table: ReportTable, lang: Lang): TableMeta => ({
  ...m,
  title: translator(lang)('report_block.title_table', { title: m.title, table: table.title }),
});

/**
 * Rates as percents with one decimal (24.9 under a "（%）" header), blanks for nothing. Every record has the table's
 * number of fields (label and value rows are padded with empty ones), so that strict readers take the file whole; the
 * table's own rows start after the first record of empty fields and end before the next one.
 */
export function toCsv(table: ReportTable, lang: Lang, meta: TableMeta): Buffer {
  const n = Math.max(2, table.columns.length);
  const pad = (r: string[]) => [...r, ...Array<string>(n - r.length).fill('')];
  const records = [
    ...headRows(titled(meta, table, lang), lang).map(pad),
    pad([]),
    table.columns.map((c) => csvHeader(lang, c)),
    ...table.rows.map((r) => table.columns.map((c, i) => cellText(c, r.cells[i], { none: '', print: false }))),
    pad([]),
    ...blockRows(meta.block, lang).map(pad),
  ];
  return Buffer.from(stringify(records, { bom: true, record_delimiter: 'windows' }), 'utf8');
}

const numFmt: Partial<Record<TableColumn['kind'], string>> = {
  rate: '0.0%',
  points: '0.0',
  int: '#,##0',
  money: '#,##0.00',
};

/** Display width of a string in Excel's units: CJK characters count twice. */
const widthOf = (s: string) => [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);

/** Label and value rows: the label bold; a value left empty gets a bottom border, a line to fill in by hand. */
function labelled(ws: ExcelJS.Worksheet, rows: [string, string][]): void {
  for (const [label, value] of rows) {
    const row = ws.addRow([label, value]);
    row.getCell(1).font = { bold: true };
    if (!value) row.getCell(2).border = { bottom: { style: 'thin' } };
  }
}

export async function toXlsx(
  tables: ReportTable[],
  lang: Lang,
  meta: TableMeta & { creator: string },
): Promise<Buffer> {
  const t = translator(lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = meta.creator;
  wb.title = meta.title;
  wb.created = new Date(meta.generatedAt);
  for (const table of tables) {
    const head = headRows(titled(meta, table, lang), lang);
    // Frozen below the table's header row, so that the columns stay named while the rows scroll.
    const headerRow = head.length + 2;
    const ws = wb.addWorksheet(table.title, { views: [{ state: 'frozen', ySplit: headerRow }] });
    labelled(ws, head);
    ws.addRow([]);
    const headers = table.columns.map((c) => fullHeader(t, c));
    ws.addRow(headers);
    for (const r of table.rows) {
      const row = ws.addRow(
        table.columns.map((c, i) => {
          const v = r.cells[i];
          if (v === null || v === undefined) return null;
          if (typeof v === 'boolean') return (c.flag ?? [t('coverage_report.yes'), t('coverage_report.no')])[v ? 0 : 1];
          if (c.kind === 'money' && typeof v === 'number') return v / 100;
          // The rate as it reads elsewhere (0.889 for 8 of 9), so the "0.0%" cell shows 88.9% in any program.
          if (c.kind === 'rate' && typeof v === 'number') return shownFraction(v);
          return v;
        }),
      );
      if (r.total) row.font = { bold: true };
    }
    ws.addRow([]);
    const block = blockRows(meta.block, lang);
    labelled(ws, block);
    // The labels stay whole in the first column; values run on over the empty cells to their right.
    const labels = [...head, ...block].map(([label]) => widthOf(label));
    const header = ws.getRow(headerRow);
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
    table.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      const fmt = numFmt[c.kind];
      if (fmt) col.numFmt = fmt;
      const longest = Math.max(
        widthOf(headers[i]),
        ...(i === 0 ? labels : []),
        ...table.rows.map((r) => widthOf(cellText(c, r.cells[i], { none: '', print: true }))),
      );
      col.width = Math.min(48, Math.max(8, longest + 2));
    });
    header.numFmt = '@';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

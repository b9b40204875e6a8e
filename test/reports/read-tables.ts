// Reads the report's table files back the way the docs describe them (docs/API.md): label/value rows, an empty record,
// the table (its header first), an empty record, the sign-off rows.
import { parse as parseCsv } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';

export interface TableFile {
  /** The label and value rows above the table. */
  head: [string, string][];
  header: string[];
  rows: Record<string, string>[];
  /** The sign-off rows below it. */
  block: [string, string][];
}

const isBlank = (r: unknown[]) => r.every((c) => c === '' || c === null || c === undefined);
const pairs = (rows: unknown[][]) => rows.map((r) => [String(r[0] ?? ''), String(r[1] ?? '')] as [string, string]);

/** Parsed strictly (every record the same number of fields, as any CSV reader expects). */
export function readCsv(body: Buffer): TableFile {
  const records = parseCsv(body, { bom: true }) as string[][];
  const first = records.findIndex(isBlank);
  const last = records.findIndex((r, i) => i > first && isBlank(r));
  if (first < 0 || last < 0) throw new Error('no table between two empty records');
  const [header, ...rows] = records.slice(first + 1, last);
  return {
    head: pairs(records.slice(0, first)),
    header,
    rows: rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))),
    block: pairs(records.slice(last + 1)),
  };
}

/** A worksheet's rows as plain values (row 1 first), blanks as ''. */
function values(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  for (let i = 1; i <= ws.rowCount; i++) {
    const v = ws.getRow(i).values as unknown[];
    out.push(Array.from({ length: Math.max(0, v.length - 1) }, (_, k) => v[k + 1] ?? ''));
  }
  return out;
}

/** The same parts from a sheet; the table's header row is the one the sheet is frozen below. */
export function readSheet(ws: ExcelJS.Worksheet): TableFile & { headerRow: number; rowNumbers: number[] } {
  const all = values(ws);
  const headerRow = (ws.views[0] as { ySplit?: number }).ySplit ?? 1;
  const end = all.findIndex((r, i) => i >= headerRow && isBlank(r));
  const header = all[headerRow - 1].map(String);
  const body = all.slice(headerRow, end);
  return {
    head: pairs(all.slice(0, headerRow - 2)),
    header,
    headerRow,
    rowNumbers: body.map((_, i) => headerRow + 1 + i),
    rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, String(r[i] ?? '')]))),
    block: pairs(all.slice(end + 1)),
  };
}

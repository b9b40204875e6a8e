// The readable audit as files: a header naming the area and the time of export, then one line per changed field
// (time, user, action, entity, record, name, region, field, before, after). CSV is UTF-8 with a byte-order mark for
// Excel; XLSX has one sheet with a bold header row.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { formatDateTime } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import type { ReadableEntry } from './labels.js';

export interface AuditExport {
  entries: ReadableEntry[];
  /** The user's region by name; undefined for every region. */
  scope?: string;
  generated: Date;
}

function records(data: AuditExport, lang: Lang): { meta: string[][]; header: string[]; rows: string[][] } {
  const t = translator(lang);
  const meta = [
    [t('audit.title')],
    [t('audit.scope'), data.scope ?? t('audit.scope_all')],
    [t('audit.exported_at'), formatDateTime(data.generated.toISOString(), lang)],
  ];
  const header = [
    t('audit.at'),
    t('audit.actor'),
    t('audit.action'),
    t('audit.entity'),
    t('audit.entity_id'),
    t('audit.subject'),
    t('audit.region'),
    t('audit.field'),
    t('audit.before'),
    t('audit.after'),
  ];
  const rows: string[][] = [];
  for (const e of data.entries) {
    const head = [
      formatDateTime(e.at, lang),
      e.actorName ? `${e.actorName}（${e.actor}）` : t('audit.system'),
      e.action,
      e.entity,
      e.entityId ?? '',
      e.subject,
      e.region,
    ];
    if (e.changes.length === 0) rows.push([...head, '', '', '']);
    for (const c of e.changes) rows.push([...head, c.label, c.before, c.after]);
  }
  return { meta, header, rows };
}

export function toCsv(data: AuditExport, lang: Lang): Buffer {
  const { meta, header, rows } = records(data, lang);
  return Buffer.from(stringify([...meta, [], header, ...rows], { bom: true, record_delimiter: 'windows' }), 'utf8');
}

export async function toXlsx(data: AuditExport, lang: Lang): Promise<Buffer> {
  const { meta, header, rows } = records(data, lang);
  const wb = new ExcelJS.Workbook();
  wb.created = data.generated;
  const ws = wb.addWorksheet(translator(lang)('audit.sheet'));
  for (const m of meta) ws.addRow(m);
  ws.addRow([]);
  const head = ws.addRow(header);
  head.font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: head.number }];
  for (const r of rows) ws.addRow(r);
  const widths = [18, 18, 10, 12, 10, 24, 14, 12, 30, 30];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

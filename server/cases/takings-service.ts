// Daily takings (日收款报表) of a funeral home: every receipt issued on a Shanghai calendar day, voided ones listed but
// not counted, refunds netted; totals by method and by clerk; the same figures as a page, CSV and XLSX.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { canRead } from '../accounts/access.js';
import { findFacility } from '../facilities/service.js';
import { NotFoundError } from '../http/errors.js';
import { formatDateTime } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import { zone } from '../time.js';
import type { Actor } from './service.js';
import * as moneyStore from './money-store.js';

export interface Sum {
  key: string;
  label: string;
  count: number;
  received: number;
  refunded: number;
  net: number;
}
export interface Takings {
  facility: { id: number; name: string };
  date: string; // YYYY-MM-DD, Asia/Shanghai
  generatedAt: string; // ISO instant
  rows: (moneyStore.TakingsRow & { signed_fen: number; counted: boolean })[];
  byMethod: Sum[];
  byClerk: Sum[];
  total: Sum;
}

function add(s: Sum, r: moneyStore.TakingsRow): void {
  s.count += 1;
  if (r.kind === 'refund') s.refunded += Number(r.amount_fen);
  else s.received += Number(r.amount_fen);
  s.net = s.received - s.refunded;
}
const empty = (key: string, label: string): Sum => ({ key, label, count: 0, received: 0, refunded: 0, net: 0 });

export async function dailyTakings(db: Knex, actor: Actor, facilityId: number, date: string): Promise<Takings> {
  const f = await findFacility(db, facilityId);
  // Another home's takings answer as a missing home, as its cases do.
  if (!f || f.kind !== 'funeral_home' || !canRead(actor, f.id)) throw new NotFoundError('facility_not_found');
  const day = DateTime.fromISO(date, { zone }).startOf('day');
  const rows = await moneyStore.takings(db, f.id, day.toUTC().toISO()!, day.plus({ days: 1 }).toUTC().toISO()!);
  const byMethod = new Map<string, Sum>(),
    byClerk = new Map<string, Sum>();
  const total = empty('total', '');
  for (const r of rows) {
    if (r.voided_at) continue;
    const m = byMethod.get(r.method) ?? empty(r.method, r.method);
    byMethod.set(r.method, m);
    const key = String(r.received_by ?? ''),
      c = byClerk.get(key) ?? empty(key, r.received_by_name ?? '');
    byClerk.set(key, c);
    for (const s of [m, c, total]) add(s, r);
  }
  return {
    facility: { id: f.id, name: f.name },
    date: day.toISODate()!,
    generatedAt: new Date().toISOString(),
    rows: rows.map((r) => ({
      ...r,
      counted: !r.voided_at,
      signed_fen: (r.kind === 'refund' ? -1 : 1) * Number(r.amount_fen),
    })),
    byMethod: [...byMethod.values()],
    byClerk: [...byClerk.values()].sort((a, b) => a.label.localeCompare(b.label, 'zh-CN')),
    total,
  };
}

/** The header line every export carries: the home, the day, when it was generated. */
export function takingsHeader(d: Takings, lang: Lang): string {
  return translator(lang)('takings.header', {
    home: d.facility.name,
    date: d.date,
    time: formatDateTime(d.generatedAt, lang),
  });
}

function receiptRecords(d: Takings, lang: Lang, money: (fen: number) => string | number): (string | number)[][] {
  const t = translator(lang);
  return d.rows.map((r) => [
    r.receipt_number ?? '',
    formatDateTime(r.paid_at, lang),
    r.case_number,
    r.deceased_name,
    r.payer ?? '',
    t(`payment_kind.${r.kind}`),
    t(`pay_method.${r.method}`),
    r.received_by_name ?? '',
    money(r.signed_fen),
    t(r.counted ? 'money.valid' : 'money.voided'),
  ]);
}

function receiptHeaders(lang: Lang): string[] {
  const t = translator(lang);
  return [
    t('takings.receipt_number'),
    t('takings.time'),
    t('takings.case_number'),
    t('takings.deceased'),
    t('takings.payer'),
    t('takings.kind'),
    t('takings.method'),
    t('takings.clerk'),
    t('takings.amount'),
    t('takings.state'),
  ];
}

function sumRecords(
  title: string,
  sums: Sum[],
  lang: Lang,
  label: (s: Sum) => string,
  money: (fen: number) => string | number,
) {
  const t = translator(lang);
  return [
    [title, t('takings.count'), t('takings.received'), t('takings.refunded'), t('takings.net')],
    ...sums.map((s) => [label(s), s.count, money(s.received), money(s.refunded), money(s.net)]),
  ];
}

const yuan = (fen: number) => (fen / 100).toFixed(2);

/** CSV in UTF-8 with a byte-order mark (Excel reads the Chinese): header line, receipts, then the two summaries. */
export function takingsCsv(d: Takings, lang: Lang): Buffer {
  const t = translator(lang);
  const records: (string | number)[][] = [
    [takingsHeader(d, lang)],
    [],
    receiptHeaders(lang),
    ...receiptRecords(d, lang, yuan),
    [t('takings.total'), '', '', '', '', '', '', '', yuan(d.total.net), ''],
    [],
    ...sumRecords(t('takings.method'), d.byMethod, lang, (s) => t(`pay_method.${s.key}`), yuan),
    [],
    ...sumRecords(t('takings.clerk'), d.byClerk, lang, (s) => s.label, yuan),
  ];
  return Buffer.from(stringify(records, { bom: true, record_delimiter: 'windows' }), 'utf8');
}

/** One sheet: the header line, the receipts with amounts as numbers in yuan, then the summaries by method and clerk. */
export async function takingsXlsx(d: Takings, lang: Lang): Promise<Buffer> {
  const t = translator(lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = t('app.full_name');
  wb.title = takingsHeader(d, lang);
  wb.created = new Date(d.generatedAt);
  const ws = wb.addWorksheet(t('takings.sheet'));
  const toYuan = (fen: number) => fen / 100;
  ws.addRow([takingsHeader(d, lang)]).font = { bold: true, size: 13 };
  ws.addRow([]);
  const bold = (values: (string | number)[]) => {
    const row = ws.addRow(values);
    row.font = { bold: true };
    return row;
  };
  bold(receiptHeaders(lang));
  for (const r of receiptRecords(d, lang, toYuan)) ws.addRow(r);
  bold([t('takings.total'), '', '', '', '', '', '', '', toYuan(d.total.net), '']);
  ws.addRow([]);
  const [mh, ...mr] = sumRecords(t('takings.method'), d.byMethod, lang, (s) => t(`pay_method.${s.key}`), toYuan);
  bold(mh);
  for (const r of mr) ws.addRow(r);
  ws.addRow([]);
  const [ch, ...cr] = sumRecords(t('takings.clerk'), d.byClerk, lang, (s) => s.label, toYuan);
  bold(ch);
  for (const r of cr) ws.addRow(r);
  ws.getColumn(9).numFmt = '#,##0.00';
  for (const c of [3, 4, 5]) ws.getColumn(c).numFmt = '#,##0.00';
  ws.columns.forEach((col, i) => {
    col.width = [14, 18, 14, 10, 10, 12, 10, 12, 12, 8][i] ?? 12;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}

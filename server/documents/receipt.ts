// The statement of charges (殡葬服务收费明细) handed to the family: services at the prices of the day, deductions,
// payments and the balance. It leaves the home's premises, so the ID number and phone are masked.
import { formatDateTime, formatMoney } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import type { Fonts } from './fonts.js';
import {
  BOLD,
  centered,
  contentLeft,
  contentWidth,
  createDocument,
  eachPage,
  ensureSpace,
  fieldGrid,
  finish,
  MUTED,
  REGULAR,
  rule,
  table,
  textAt,
  type Column,
  type Doc,
  type TableRow,
} from './pdf.js';

export interface ReceiptLine {
  name: string;
  /** The reason of a correction (更正) made after closing; null for an ordinary line. */
  correction?: string | null;
  basic: boolean;
  unit: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
  /** What a fee waiver (惠民殡葬, server/waivers) takes off this line; the family pays the rest. */
  waivedFen?: number;
}
export interface ReceiptDeduction {
  label: string;
  amountFen: number;
}
export interface ReceiptPayment {
  receiptNumber: string | null;
  kind: 'payment' | 'deposit' | 'refund';
  voided: boolean;
  method: string;
  paidAt: string;
  amountFen: number;
  receivedBy: string | null;
}

export interface ReceiptData {
  lang: Lang;
  facilityName: string;
  caseNumber: string;
  deceasedName: string;
  maskedIdNumber: string;
  contactName: string;
  contactRelationship: string;
  maskedPhone: string;
  lines: ReceiptLine[];
  deductions: ReceiptDeduction[];
  payments: ReceiptPayment[];
  totalFen: number;
  deductedFen: number;
  paidFen: number;
  balanceFen: number;
  printedAt: string; // ISO instant
  printedBy: string;
  /** 满意度测评 of a closed case: where to rate, the code as printed, a QR code of the link (PNG) when it is absolute. */
  survey?: { link: string; code: string; qrPng?: Buffer };
  /** The one-time code by which the family claims the online memorial page, printed only when just issued. */
  memorialClaim?: MemorialClaim;
}

export interface MemorialClaim {
  code: string;
  /** Where the family types it: the claim page's full address. */
  url: string;
  /** ISO instant after which the code no longer works. */
  expiresAt: string;
}

const MARGIN = 50;
const FOOTER = 20; // how far into the bottom margin the footer (printed by, page n of m) sits
const SIZE = 10.5;

// Noto Sans Hans draws U+2212 as a full-width dash; the ASCII minus of formatMoney reads as on a till receipt.
const minus = (fen: number) => formatMoney(-fen);

export async function renderReceipt(d: ReceiptData, fonts: Fonts): Promise<Buffer> {
  const t = translator(d.lang);
  const title = t('documents.receipt');
  const doc = createDocument(
    { title: `${title} ${d.caseNumber}`, author: d.facilityName, creator: t('app.name'), lang: d.lang, margin: MARGIN },
    fonts,
  );
  const left = contentLeft(doc),
    width = contentWidth(doc),
    right = left + width;
  const printedAt = formatDateTime(d.printedAt, d.lang);

  const continuePage = (): number => {
    doc.addPage();
    textAt(doc, t('documents.continued', { title, number: d.caseNumber }), left, MARGIN, width, {
      size: 9.5,
      color: MUTED,
    });
    rule(doc, left, right, MARGIN + 18, 0.5);
    return MARGIN + 30;
  };
  const heading = (text: string, y: number): number => {
    y = ensureSpace(doc, y, 80, continuePage); // a heading keeps at least its table's header and first row with it
    textAt(doc, text, left, y, width, { font: BOLD, size: 12 });
    return y + 24;
  };

  let y = centered(doc, d.facilityName, MARGIN + 4, { size: 13, spacing: 1 });
  y = centered(doc, title, y + 4, { font: BOLD, size: 21, spacing: d.lang === 'zh-CN' ? 5 : 0.5 });
  y += 8;
  rule(doc, left, right, y, 1.4);
  rule(doc, left, right, y + 3, 0.5);
  y += 16;

  const info = { label: 82, value: 168 };
  y = fieldGrid(
    doc,
    [
      [
        { label: t('documents.case_number'), value: d.caseNumber },
        { label: t('documents.printed_at'), value: printedAt },
      ],
      [
        { label: t('documents.deceased'), value: d.deceasedName },
        { label: t('documents.masked_id'), value: d.maskedIdNumber },
      ],
      [
        {
          label: t('documents.contact'),
          value: t('documents.receiver_value', { name: d.contactName, relationship: d.contactRelationship }),
        },
        { label: t('documents.contact_phone'), value: d.maskedPhone },
      ],
    ],
    {
      x: left,
      y,
      widths: [info.label, info.value, info.label, width - 2 * info.label - info.value],
      rowHeight: 26,
      padding: 7,
      label: { size: SIZE - 0.5, color: MUTED },
      value: { size: SIZE },
    },
  );
  y += 22;

  y = heading(t('documents.services'), y);
  y = table(doc, serviceColumns(d, width), serviceRows(d), { x: left, y, size: SIZE, rowHeight: 24, continuePage });
  y += 22;

  y = heading(t('documents.payments'), y);
  y = table(doc, paymentColumns(d, width), paymentRows(d), { x: left, y, size: SIZE, rowHeight: 24, continuePage });
  y += 22;

  y = summary(doc, d, y, continuePage);
  if (d.survey) y = surveyBlock(doc, d, d.survey, y + 22, continuePage);
  if (d.memorialClaim) claimBlock(doc, d.lang, d.memorialClaim, y + 24, continuePage);

  eachPage(doc, (i, count) => {
    const base = doc.page.height - MARGIN + FOOTER;
    rule(doc, left, right, base - 7, 0.5, MUTED);
    textAt(doc, t('documents.printed_by', { name: d.printedBy, time: printedAt }), left, base, width / 2, {
      size: 8.5,
      color: MUTED,
    });
    textAt(doc, t('documents.page', { n: i + 1, count }), left + width / 2, base, width / 2, {
      size: 8.5,
      color: MUTED,
      align: 'right',
    });
  });
  return finish(doc);
}

/** A waived line shows charged, waived and to pay; the category column gives way to them. */
const hasWaivers = (d: ReceiptData) => d.lines.some((l) => (l.waivedFen ?? 0) > 0);

function serviceColumns(d: ReceiptData, width: number): Column[] {
  const t = translator(d.lang);
  if (hasWaivers(d)) {
    const fixed = 36 + 84 + 36 + 76 + 70 + 76;
    return [
      { header: t('documents.seq'), width: 36, align: 'center' },
      { header: t('documents.item'), width: width - fixed },
      { header: t('documents.unit_price'), width: 84, align: 'right' },
      { header: t('documents.quantity'), width: 36, align: 'right' },
      { header: t('documents.charged'), width: 76, align: 'right' },
      { header: t('documents.waived'), width: 70, align: 'right' },
      { header: t('documents.payable'), width: 76, align: 'right' },
    ];
  }
  const fixed = 36 + 58 + 104 + 44 + 96;
  return [
    { header: t('documents.seq'), width: 36, align: 'center' },
    { header: t('documents.item'), width: width - fixed },
    { header: t('documents.category'), width: 58, align: 'center' },
    { header: t('documents.unit_price'), width: 104, align: 'right' },
    { header: t('documents.quantity'), width: 44, align: 'right' },
    { header: t('documents.amount'), width: 96, align: 'right' },
  ];
}

function serviceRows(d: ReceiptData): TableRow[] {
  const t = translator(d.lang);
  if (!d.lines.length) return [{ cells: [t('documents.no_lines')], span: 6 }];
  if (hasWaivers(d)) return waivedServiceRows(d);
  const rows: TableRow[] = d.lines.map((l, i) => ({
    cells: [
      String(i + 1),
      l.correction ? `${l.name}${t('documents.correction_mark', { reason: l.correction })}` : l.name,
      t(l.basic ? 'documents.basic' : 'documents.optional'),
      t('documents.per_unit', { price: formatMoney(l.unitPriceFen), unit: t(`units.${l.unit}`) }),
      String(l.quantity),
      formatMoney(l.amountFen),
    ],
  }));
  rows.push({ cells: [t('documents.subtotal'), formatMoney(d.totalFen)], span: 5, bold: true, shade: true });
  for (const x of d.deductions)
    rows.push({ cells: [t('documents.deduction', { label: x.label }), minus(x.amountFen)], span: 5 });
  return rows;
}

function waivedServiceRows(d: ReceiptData): TableRow[] {
  const t = translator(d.lang);
  const rows: TableRow[] = d.lines.map((l, i) => ({
    cells: [
      String(i + 1),
      l.correction ? `${l.name}${t('documents.correction_mark', { reason: l.correction })}` : l.name,
      t('documents.per_unit', { price: formatMoney(l.unitPriceFen), unit: t(`units.${l.unit}`) }),
      String(l.quantity),
      formatMoney(l.amountFen),
      l.waivedFen ? minus(l.waivedFen) : '',
      formatMoney(l.amountFen - (l.waivedFen ?? 0)),
    ],
  }));
  rows.push({ cells: [t('documents.subtotal'), formatMoney(d.totalFen)], span: 4, bold: true, shade: true });
  for (const x of d.deductions)
    rows.push({ cells: [t('documents.deduction', { label: x.label }), minus(x.amountFen)], span: 5 });
  return rows;
}

function paymentColumns(d: ReceiptData, width: number): Column[] {
  const t = translator(d.lang);
  const fixed = 82 + 100 + 52 + 62 + 44 + 80;
  return [
    { header: t('documents.receipt_no'), width: 82, align: 'center' },
    { header: t('documents.paid_at'), width: 100 },
    { header: t('documents.kind'), width: 52, align: 'center' },
    { header: t('documents.method'), width: 62, align: 'center' },
    { header: t('documents.received_by'), width: width - fixed },
    { header: t('documents.receipt_state'), width: 44, align: 'center' },
    { header: t('documents.amount'), width: 80, align: 'right' },
  ];
}

function paymentRows(d: ReceiptData): TableRow[] {
  const t = translator(d.lang);
  if (!d.payments.length) return [{ cells: [t('documents.no_payments')], span: 7 }];
  // Refunds read as minus; a voided receipt is listed with its state and counts nothing in the total.
  const rows: TableRow[] = d.payments.map((p) => ({
    cells: [
      p.receiptNumber ?? '—',
      formatDateTime(p.paidAt, d.lang),
      t(`payment_kind.${p.kind}`),
      t(`pay_method.${p.method}`),
      p.receivedBy ?? '',
      t(p.voided ? 'documents.state_void' : 'documents.state_valid'),
      p.kind === 'refund' ? minus(p.amountFen) : formatMoney(p.amountFen),
    ],
  }));
  rows.push({ cells: [t('documents.paid_total'), formatMoney(d.paidFen)], span: 6, bold: true, shade: true });
  return rows;
}

/** Totals on the right, the payee and the family's signature on the left; kept together on one page. Returns its end. */
function summary(doc: Doc, d: ReceiptData, y: number, continuePage: () => number): number {
  const t = translator(d.lang);
  const left = contentLeft(doc),
    width = contentWidth(doc);
  const boxWidth = 236,
    x = left + width - boxWidth,
    widths = [110, boxWidth - 110],
    row = 26,
    lastRow = 32;
  const top = ensureSpace(doc, y, 3 * row + lastRow, continuePage);
  const end = fieldGrid(
    doc,
    [
      [{ label: t('documents.summary_total'), value: formatMoney(d.totalFen) }],
      [{ label: t('documents.summary_deducted'), value: d.deductedFen ? minus(d.deductedFen) : formatMoney(0) }],
      [{ label: t('documents.summary_paid'), value: formatMoney(d.paidFen) }],
    ],
    {
      x,
      y: top,
      widths,
      rowHeight: row,
      padding: 8,
      valueAlign: 'right',
      label: { size: SIZE, color: MUTED },
      value: { size: SIZE },
    },
  );
  const bottom = fieldGrid(doc, [[{ label: t('documents.summary_balance'), value: formatMoney(d.balanceFen) }]], {
    x,
    y: end,
    widths,
    rowHeight: lastRow,
    padding: 8,
    valueAlign: 'right',
    label: { font: BOLD, size: 12 },
    value: { font: BOLD, size: 13 },
  });

  const textWidth = width - boxWidth - 20;
  textAt(doc, t('documents.payee', { name: d.facilityName }), left, top + 8, textWidth, { size: SIZE });
  const sign = t('documents.family_signature');
  textAt(doc, sign, left, top + 62, textWidth, { size: SIZE });
  doc.font(REGULAR).fontSize(SIZE);
  const lineStart = left + doc.widthOfString(sign) + 4;
  rule(doc, lineStart, Math.min(lineStart + 120, left + textWidth), top + 76, 0.6);
  return Math.max(bottom, top + 80);
}

/** The online memorial page's claim code, boxed, with where to type it and until when: the family keeps this paper. */
function claimBlock(doc: Doc, lang: Lang, m: MemorialClaim, y: number, continuePage: () => number): void {
  const t = translator(lang);
  const left = contentLeft(doc),
    width = contentWidth(doc);
  const top = ensureSpace(doc, y, 96, continuePage);
  doc.save().lineWidth(0.75).strokeColor(MUTED).rect(left, top, width, 88).stroke().restore();
  textAt(doc, t('documents.memorial_claim_title'), left + 10, top + 8, width - 20, { font: BOLD, size: 11 });
  textAt(doc, t('documents.memorial_claim_code', { code: m.code }), left + 10, top + 28, width - 20, {
    font: BOLD,
    size: 14,
  });
  textAt(
    doc,
    t('documents.memorial_claim_how', { url: m.url, date: formatDateTime(m.expiresAt, lang) }),
    left + 10,
    top + 50,
    width - 20,
    { size: 9, color: MUTED },
  );
}

/** The survey's link and code, with the QR code of the link on the right when there is one; kept on one page. Returns its end. */
function surveyBlock(
  doc: Doc,
  d: ReceiptData,
  s: NonNullable<ReceiptData['survey']>,
  y: number,
  continuePage: () => number,
): number {
  const t = translator(d.lang);
  const left = contentLeft(doc),
    width = contentWidth(doc);
  const qr = s.qrPng ? 84 : 0;
  const top = ensureSpace(doc, y, Math.max(qr, 96) + 10, continuePage);
  rule(doc, left, left + width, top, 0.5, MUTED);
  const textWidth = width - (qr ? qr + 16 : 0);
  let at = textAt(doc, t('satisfaction.receipt_heading'), left, top + 10, textWidth, { font: BOLD, size: 12 });
  at = textAt(doc, t(s.qrPng ? 'satisfaction.receipt_text_qr' : 'satisfaction.receipt_text'), left, at + 4, textWidth, {
    size: 9.5,
    color: MUTED,
    lineGap: 2,
  });
  at = textAt(doc, `${t('satisfaction.receipt_link')}：${s.link}`, left, at + 6, textWidth, { size: SIZE });
  const end = textAt(doc, `${t('satisfaction.receipt_code')}：${s.code}`, left, at + 4, textWidth, {
    font: BOLD,
    size: 13,
  });
  if (s.qrPng) doc.image(s.qrPng, left + width - qr, top + 8, { width: qr, height: qr });
  return Math.max(end, top + 8 + qr);
}

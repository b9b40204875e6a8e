// The receipt (收据) of one payment, deposit or refund: its number of the home's year, the payer, the method, the
// amount in figures and in Chinese capitals, the clerk; a voided one is stamped 作废 across the page.
import { formatDateTime, formatMoney } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import { amountInCapitals } from './capitals.js';
import type { Fonts } from './fonts.js';
import {
  BOLD,
  centered,
  contentLeft,
  contentWidth,
  createDocument,
  fieldGrid,
  finish,
  MUTED,
  rule,
  textAt,
} from './pdf.js';

export interface PaymentReceiptData {
  lang: Lang;
  facilityName: string;
  receiptNumber: string;
  kind: 'payment' | 'deposit' | 'refund';
  caseNumber: string;
  deceasedName: string;
  payer: string;
  method: string;
  amountFen: number;
  paidAt: string; // ISO instant
  clerk: string;
  reason: string | null;
  voided: { at: string; by: string; reason: string } | null;
  printedAt: string;
  printedBy: string;
}

const MARGIN = 56;
const SIZE = 11;
const STAMP = '#c0392b';

export async function renderPaymentReceipt(d: PaymentReceiptData, fonts: Fonts): Promise<Buffer> {
  const t = translator(d.lang);
  const refund = d.kind === 'refund';
  const title = t(refund ? 'documents.refund_receipt' : 'documents.payment_receipt');
  const doc = createDocument(
    {
      title: `${title} ${d.receiptNumber}`,
      author: d.facilityName,
      creator: t('app.name'),
      lang: d.lang,
      margin: MARGIN,
    },
    fonts,
  );
  const left = contentLeft(doc),
    width = contentWidth(doc),
    right = left + width;

  let y = centered(doc, d.facilityName, MARGIN, { size: 13, spacing: 1 });
  y = centered(doc, title, y + 4, { font: BOLD, size: 22, spacing: d.lang === 'zh-CN' ? 8 : 0.5 });
  y += 6;
  rule(doc, left, right, y, 1.4);
  rule(doc, left, right, y + 3, 0.5);
  y += 16;

  const label = 96,
    value = (width - 2 * label) / 2;
  const rows = [
    [
      { label: t('documents.receipt_no'), value: d.receiptNumber },
      { label: t('documents.issued_at'), value: formatDateTime(d.paidAt, d.lang) },
    ],
    [
      { label: t('documents.case_number'), value: d.caseNumber },
      { label: t('documents.deceased'), value: d.deceasedName },
    ],
    [
      { label: t(refund ? 'documents.refund_to' : 'documents.payer'), value: d.payer },
      { label: t('documents.kind'), value: t(`payment_kind.${d.kind}`) },
    ],
    [
      { label: t('documents.method'), value: t(`pay_method.${d.method}`) },
      { label: t('documents.amount_figures'), value: formatMoney(d.amountFen) },
    ],
    [{ label: t('documents.amount_capitals'), value: amountInCapitals(d.amountFen) }],
    ...(d.reason ? [[{ label: t('documents.refund_reason'), value: d.reason }]] : []),
    [
      { label: t(refund ? 'documents.refund_clerk' : 'documents.receipt_clerk'), value: d.clerk },
      {
        label: t('documents.receipt_state'),
        value: t(d.voided ? 'documents.state_void' : 'documents.state_valid'),
      },
    ],
  ];
  const top = y;
  y = fieldGrid(doc, rows, {
    x: left,
    y,
    widths: [label, value, label, value],
    rowHeight: 30,
    padding: 8,
    label: { size: SIZE - 0.5, color: MUTED },
    value: { size: SIZE },
  });
  y += 14;
  if (d.voided)
    y =
      textAt(
        doc,
        t('documents.voided_note', {
          time: formatDateTime(d.voided.at, d.lang),
          name: d.voided.by,
          reason: d.voided.reason,
        }),
        left,
        y,
        width,
        { size: SIZE, color: STAMP },
      ) + 8;
  y = textAt(doc, t('documents.receipt_keep'), left, y, width, { size: 9.5, color: MUTED }) + 4;
  textAt(
    doc,
    t('documents.printed_by', { name: d.printedBy, time: formatDateTime(d.printedAt, d.lang) }),
    left,
    y,
    width,
    {
      size: 9,
      color: MUTED,
    },
  );

  if (d.voided) {
    // The stamp across the figures, so that a voided receipt cannot pass for a valid one.
    const stamp = t('documents.void_stamp');
    const cx = left + width / 2,
      cy = top + (y - top) / 2;
    doc.save().rotate(-18, { origin: [cx, cy] });
    doc.font(BOLD).fontSize(64).fillColor(STAMP).fillOpacity(0.55).strokeColor(STAMP).strokeOpacity(0.7);
    const w = doc.widthOfString(stamp, { characterSpacing: 12 }),
      h = doc.currentLineHeight(false);
    doc
      .lineWidth(4)
      .rect(cx - w / 2 - 18, cy - h / 2 - 10, w + 36, h + 20)
      .stroke();
    doc.text(stamp, cx - w / 2, cy - h / 2 - 4, { lineBreak: false, characterSpacing: 12 });
    doc.restore();
  }
  return finish(doc);
}

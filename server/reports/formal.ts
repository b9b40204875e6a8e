// The formal parts a report handed to the government carries: the header rows of the CSV and XLSX tables (the report,
// the region with its code, the as-of date, the issuing office, when it was generated) and the sign-off block after
// the table (负责人, 审核人, 填报人, 联系电话, 填报日期, and the issuing office where it is sealed); in the PDF, the
// block at the end of the report with the seal's place to its right. An empty setting is a blank to fill by hand.
import { formatDate, formatDateTime } from '../http/format.js';
import { translator, type Lang } from '../i18n/index.js';
import { contentBottom, INK, LINE, MUTED, REGULAR, rule, textAt, type Doc } from '../documents/pdf.js';
import type { ReportBlock } from './settings-service.js';

/** What the header rows and the block of a table file say, besides the table. */
export interface TableMeta {
  /** The report's title and the table's: 六盘水市殡葬服务设施覆盖进度报告·分区县. */
  title: string;
  region: { fullName: string; code: string };
  date: string;
  generatedAt: string;
  block: ReportBlock;
}

export type LabelledRow = [label: string, value: string];

/** The rows above the table, in order; the CSV and the XLSX both write them, then a blank row, then the table. */
export function headRows(m: TableMeta, lang: Lang): LabelledRow[] {
  const t = translator(lang);
  return [
    [t('report_block.report'), m.title],
    [t('report_block.region'), t('report_block.region_value', { name: m.region.fullName, code: m.region.code })],
    [t('report_block.as_of'), formatDate(m.date, lang)],
    [t('report_block.issuer'), m.block.issuer ?? ''],
    [t('report_block.generated'), formatDateTime(m.generatedAt, lang)],
  ];
}

/** The sign-off rows below the table, after a blank row: the issuing office last, where its seal goes. */
export function blockRows(b: ReportBlock, lang: Lang): LabelledRow[] {
  const t = translator(lang);
  return [
    [t('report_block.head'), b.head ?? ''],
    [t('report_block.reviewer'), b.reviewer ?? ''],
    [t('report_block.preparer'), b.preparer],
    [t('report_block.phone'), b.phone ?? ''],
    [t('report_block.filled_on'), formatDate(b.filledOn, lang)],
    [t('report_block.seal_label'), b.issuer ?? ''],
  ];
}

// ## The PDF's block

const SIZE = 11;
const MIN_SIZE = 8;
const ROW = 27;
const SEAL_R = 46;
/** Room kept on the right for the seal: its circle and a margin on each side. */
const SEAL_AREA = 2 * SEAL_R + 48;

/** A label of the block, its characters spread to `width` in Chinese (负 责 人 as wide as 填报单位), then a colon. */
function label(doc: Doc, text: string, x: number, y: number, width: number, lang: Lang): void {
  doc.font(REGULAR).fontSize(SIZE).fillColor(INK);
  const chars = [...text];
  if (lang === 'zh-CN' && chars.length > 1) {
    const spacing = (width - doc.widthOfString(text)) / (chars.length - 1);
    doc.text(text, x, y, { lineBreak: false, characterSpacing: Math.max(0, spacing) });
    doc.text('：', x + width, y, { lineBreak: false, characterSpacing: 0 });
  } else {
    doc.text(`${text}:`, x, y, { lineBreak: false });
  }
}

/**
 * A value on its line: one line at the body size when it fits, else smaller down to MIN_SIZE, else wrapped at
 * MIN_SIZE over more lines. Returns the height it takes above its underline.
 */
function valueHeight(doc: Doc, text: string, width: number): { size: number; height: number; oneLine: boolean } {
  doc.font(REGULAR).fontSize(SIZE);
  const w = doc.widthOfString(text);
  if (w <= width) return { size: SIZE, height: doc.currentLineHeight(false), oneLine: true };
  const shrunk = Math.floor(((SIZE * width) / w) * 20) / 20;
  if (shrunk >= MIN_SIZE) {
    doc.fontSize(shrunk);
    return { size: shrunk, height: doc.currentLineHeight(false), oneLine: true };
  }
  doc.fontSize(MIN_SIZE);
  const gap = doc.currentLineHeight(true) - doc.currentLineHeight(false);
  return { size: MIN_SIZE, height: doc.heightOfString(text, { width }) - gap, oneLine: false };
}

/**
 * The sign-off block at `y`, on a new page when it does not fit whole: label and value rows on the left, each value on
 * a ruled line (a blank line when the setting is empty), and the seal's dashed circle on the right. Returns the y below.
 */
export function drawBlock(
  doc: Doc,
  b: ReportBlock,
  lang: Lang,
  o: { x: number; y: number; width: number; newPage: () => number },
): number {
  const t = translator(lang);
  const rows = blockRows(b, lang).slice(0, -1);
  rows.unshift([t('report_block.issuer'), b.issuer ?? '']);
  doc.font(REGULAR).fontSize(SIZE);
  const labelWidth = Math.max(...rows.map(([l]) => doc.widthOfString(lang === 'zh-CN' ? l : `${l}:`)));
  const valueX = o.x + labelWidth + (lang === 'zh-CN' ? SIZE + 4 : 8);
  const lineEnd = o.x + o.width - SEAL_AREA;
  const valueWidth = lineEnd - valueX - 4;
  const fits = rows.map(([, v]) => valueHeight(doc, v, valueWidth));
  const lineH = doc.fontSize(SIZE).currentLineHeight(false);
  const heights = fits.map((f) => Math.max(ROW, f.height + ROW - lineH));
  const total = heights.reduce((a, h) => a + h, 0);

  let y = o.y;
  const heading = 26;
  if (y + heading + total > contentBottom(doc)) y = o.newPage();
  rule(doc, o.x, o.x + o.width, y, 0.5, LINE);
  textAt(doc, t('report_block.heading'), o.x, y + 8, o.width, { size: 9, color: MUTED });
  y += heading;
  const top = y;
  rows.forEach(([text, value], i) => {
    const f = fits[i];
    const base = y + heights[i] - 7; // the underline
    // The label level with the value's first line (its top, when the value wraps at a smaller size).
    label(doc, text, o.x, f.oneLine ? base - lineH - 2 : base - f.height - 2, labelWidth, lang);
    if (value) {
      doc.font(REGULAR).fontSize(f.size).fillColor(INK);
      if (f.oneLine) doc.text(value, valueX + 2, base - f.height - 2, { lineBreak: false });
      else doc.text(value, valueX + 2, base - f.height - 2, { width: valueWidth });
    }
    rule(doc, valueX, lineEnd, base, 0.6, LINE);
    y += heights[i];
  });

  // The seal's place: a dashed circle, centred in the room on the right, halfway down the block.
  const cx = o.x + o.width - SEAL_AREA / 2,
    cy = top + total / 2;
  doc.save().lineWidth(0.8).strokeColor(LINE).dash(3, { space: 3 }).circle(cx, cy, SEAL_R).stroke().undash().restore();
  textAt(doc, t('report_block.seal'), cx - SEAL_R, cy - 6, 2 * SEAL_R, { size: 10.5, align: 'center', color: MUTED });
  return y;
}

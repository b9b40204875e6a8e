// Drawing for the progress report beyond the shared document helpers: a ruled table with a two-level header that
// repeats on every page, county group rows that say "（续）" when a group runs onto a new page, cells that never
// overflow (numbers shrink to fit, names wrap), and small bar charts of actual coverage against the yearly targets
// in pdfkit's vector primitives. Black and greys only, for black-and-white printers and photocopies.
import { BOLD, contentBottom, INK, LINE, MUTED, REGULAR, SHADE, type Doc } from '../documents/pdf.js';

export type Align = 'left' | 'center' | 'right';

export interface GridColumn {
  header: string;
  /** A heading over the consecutive columns that share it. */
  group?: string;
  /** Share of the table's width. */
  weight: number;
  align?: Align;
  /**
   * When a cell's text is too wide: numbers and short words shrink (the default); names shrink a little, then wrap;
   * lists wrap.
   */
  fit?: Fitting;
}

export type Fitting = 'shrink' | 'name' | 'wrap';

export type GridRowKind = 'body' | 'group' | 'subtotal' | 'total';
export interface GridRow {
  cells: string[];
  kind?: GridRowKind;
}

export interface GridOptions {
  x: number;
  y: number;
  width: number;
  size: number;
  minRow?: number;
  padX?: number;
  padY?: number;
  /** Starts a new page and returns the y where the table goes on. */
  continuePage: () => number;
  /** The label of a group row repeated at the top of a page, e.g. 钟山区（续）. */
  continued: (label: string) => string;
}

const HEADER_SHADE = '#e3e3e3';
const TOTAL_SHADE = '#f4f4f4';
const MIN_SIZE = 6;
/** How far a text may shrink to stay on one line before it wraps. */
const SHRINK: Record<Fitting, number> = { shrink: 0, name: 0.88, wrap: 1 };

interface Fit {
  size: number;
  height: number;
  oneLine: boolean;
  width: number;
}

const lineHeight = (doc: Doc) => doc.currentLineHeight(false);

/** The height of wrapped text without the line gap pdfkit adds below the last line. */
function wrappedHeight(doc: Doc, text: string, width: number): number {
  const gap = doc.currentLineHeight(true) - doc.currentLineHeight(false);
  return doc.heightOfString(text || ' ', { width }) - gap;
}

/**
 * How a text fits a cell of inner width `inner`: on one line at the size when it can, else on one line at a smaller
 * size (numbers down to MIN_SIZE, names a little), else wrapped. The measure is pdfkit's own, with the font set.
 */
export function fitText(doc: Doc, text: string, font: string, size: number, inner: number, fitting: Fitting): Fit {
  doc.font(font).fontSize(size);
  const w = doc.widthOfString(text);
  if (w <= inner) return { size, height: lineHeight(doc), oneLine: true, width: w };
  const floor = Math.max(MIN_SIZE, size * SHRINK[fitting]);
  const shrunk = Math.floor(((size * inner) / w) * 20) / 20;
  if (shrunk >= floor) {
    doc.fontSize(shrunk);
    const sw = doc.widthOfString(text);
    if (sw <= inner) return { size: shrunk, height: lineHeight(doc), oneLine: true, width: sw };
  }
  // Wrapped, at a size where the longest word that cannot break (Latin letters and digits) still fits the width.
  let at = fitting === 'shrink' ? MIN_SIZE : size;
  doc.fontSize(at);
  const longest = Math.max(0, ...(text.match(/[\x21-\x7e]+/g) ?? []).map((word) => doc.widthOfString(word)));
  if (longest > inner) doc.fontSize((at = Math.max(MIN_SIZE, Math.floor(((at * inner) / longest) * 20) / 20)));
  return { size: at, height: wrappedHeight(doc, text, inner), oneLine: false, width: inner };
}

/** Short headers (已覆盖, 覆盖率) and single words (Covered) shrink rather than break; longer ones wrap. */
const headerFit = (text: string): Fitting => ([...text].length <= 4 || /^[\x21-\x7e]+$/.test(text) ? 'shrink' : 'name');

function drawText(
  doc: Doc,
  text: string,
  font: string,
  fit: Fit,
  x: number,
  top: number,
  w: number,
  h: number,
  pad: number,
  align: Align,
  color = INK,
): void {
  if (!text) return;
  const inner = w - 2 * pad;
  doc.font(font).fontSize(fit.size).fillColor(color);
  const y = top + (h - fit.height) / 2;
  if (fit.oneLine) {
    const tx = align === 'left' ? x + pad : align === 'right' ? x + w - pad - fit.width : x + (w - fit.width) / 2;
    doc.text(text, tx, y, { lineBreak: false });
  } else {
    doc.text(text, x + pad, y, { width: inner, align });
  }
}

/** Column widths in points from their weights; the last one takes the rounding. */
function widths(columns: GridColumn[], total: number): number[] {
  const sum = columns.reduce((s, c) => s + c.weight, 0);
  const out = columns.map((c) => Math.floor((c.weight / sum) * total * 10) / 10);
  out[out.length - 1] += total - out.reduce((a, b) => a + b, 0);
  return out;
}

export function grid(doc: Doc, columns: GridColumn[], rows: GridRow[], o: GridOptions): number {
  const padX = o.padX ?? 4,
    padY = o.padY ?? 3.5,
    minRow = o.minRow ?? 17;
  const ws = widths(columns, o.width);
  const xs = ws.map((_, i) => o.x + ws.slice(0, i).reduce((a, b) => a + b, 0));

  // ## Header: a group row over the sub-headers where columns share a group; other headers span both rows.
  const spans: { from: number; to: number; label: string }[] = [];
  columns.forEach((c, i) => {
    const last = spans[spans.length - 1];
    if (c.group && last && last.label === c.group && last.to === i - 1) last.to = i;
    else if (c.group) spans.push({ from: i, to: i, label: c.group });
  });
  const twoLevels = spans.length > 0;
  const hs = o.size;
  const spanWidth = (s: { from: number; to: number }) => ws.slice(s.from, s.to + 1).reduce((a, b) => a + b, 0);
  const groupFits = spans.map((s) => fitText(doc, s.label, BOLD, hs, spanWidth(s) - 2 * padX, headerFit(s.label)));
  const subFits = columns.map((c, i) => fitText(doc, c.header, BOLD, hs, ws[i] - 2 * padX, headerFit(c.header)));
  const groupH = twoLevels ? Math.max(minRow, ...groupFits.map((f) => f.height + 2 * padY)) : 0;
  const subH = Math.max(minRow, ...subFits.map((f, i) => (twoLevels && !columns[i].group ? 0 : f.height + 2 * padY)));
  let headerH = groupH + subH;
  // A header alone (no group) that wraps to more lines than the sub-row allows grows the whole header.
  columns.forEach((c, i) => {
    if (!c.group) headerH = Math.max(headerH, subFits[i].height + 2 * padY);
  });

  const drawHeader = (top: number): number => {
    doc.save();
    doc.rect(o.x, top, o.width, headerH).fill(HEADER_SHADE);
    doc.lineWidth(0.5).strokeColor(LINE);
    columns.forEach((c, i) => {
      if (c.group && twoLevels) {
        doc.rect(xs[i], top + groupH, ws[i], headerH - groupH).stroke();
        drawText(doc, c.header, BOLD, subFits[i], xs[i], top + groupH, ws[i], headerH - groupH, padX, 'center');
      } else {
        doc.rect(xs[i], top, ws[i], headerH).stroke();
        drawText(doc, c.header, BOLD, subFits[i], xs[i], top, ws[i], headerH, padX, 'center');
      }
    });
    spans.forEach((s, k) => {
      doc.rect(xs[s.from], top, spanWidth(s), groupH).stroke();
      drawText(doc, s.label, BOLD, groupFits[k], xs[s.from], top, spanWidth(s), groupH, padX, 'center');
    });
    doc.restore();
    return top + headerH;
  };

  // ## Rows: measured first, so that a group row can be kept with the row after it.
  const fontOf = (r: GridRow) => (r.kind && r.kind !== 'body' ? BOLD : REGULAR);
  const measured = rows.map((r) => {
    if (r.kind === 'group') {
      const f = fitText(doc, r.cells[0] ?? '', BOLD, o.size, o.width - 2 * padX, 'wrap');
      return { fits: [f], height: Math.max(minRow, f.height + 2 * padY) };
    }
    const fits = columns.map((c, i) =>
      fitText(doc, r.cells[i] ?? '', fontOf(r), o.size, ws[i] - 2 * padX, c.fit ?? 'shrink'),
    );
    return { fits, height: Math.max(minRow, ...fits.map((f) => f.height + 2 * padY)) };
  });

  const drawGroup = (label: string, f: Fit, top: number, h: number) => {
    doc.save();
    doc.rect(o.x, top, o.width, h).fill(SHADE);
    doc.lineWidth(0.5).strokeColor(LINE).rect(o.x, top, o.width, h).stroke();
    drawText(doc, label, BOLD, f, o.x, top, o.width, h, padX + 2, 'left');
    doc.restore();
  };

  let y = o.y;
  const bottom = contentBottom(doc);
  const first = measured[0]?.height ?? 0;
  const second = rows[0]?.kind === 'group' ? (measured[1]?.height ?? 0) : 0;
  if (y + headerH + first + second > bottom) y = o.continuePage();
  y = drawHeader(y);
  let group: string | undefined;
  rows.forEach((r, i) => {
    const { fits, height } = measured[i];
    // A group row keeps the row after it; the last row of a group keeps the subtotal and total rows that close it.
    let keep = 0;
    if (r.kind === 'group') keep = measured[i + 1]?.height ?? 0;
    else
      for (let k = i + 1; k < rows.length && (rows[k].kind === 'subtotal' || rows[k].kind === 'total'); k++)
        keep += measured[k].height;
    if (y + height + keep > bottom) {
      y = drawHeader(o.continuePage());
      if (r.kind !== 'group' && group !== undefined) {
        const label = o.continued(group);
        const f = fitText(doc, label, BOLD, o.size, o.width - 2 * padX, 'wrap');
        const h = Math.max(minRow, f.height + 2 * padY);
        drawGroup(label, f, y, h);
        y += h;
      }
    }
    if (r.kind === 'group') {
      group = r.cells[0] ?? '';
      drawGroup(group, fits[0], y, height);
      y += height;
      return;
    }
    doc.save();
    if (r.kind === 'subtotal' || r.kind === 'total') doc.rect(o.x, y, o.width, height).fill(TOTAL_SHADE);
    doc.lineWidth(0.5).strokeColor(LINE);
    columns.forEach((c, k) => {
      doc.rect(xs[k], y, ws[k], height).stroke();
      drawText(doc, r.cells[k] ?? '', fontOf(r), fits[k], xs[k], y, ws[k], height, padX, c.align ?? 'left');
    });
    doc.restore();
    y += height;
  });
  return y;
}

// ## Charts

export interface ChartPoint {
  year: number;
  actual: number | null;
  target: number | null;
  partial: boolean;
}
export interface ChartPanel {
  title: string;
  points: ChartPoint[];
}

export interface ChartText {
  actual: string;
  target: string;
  yearLabel: (year: number, partial: boolean) => string;
  value: (rate: number) => string;
}

const BAR = '#6f6f6f';
const GRIDLINE = '#cccccc';

/** The shared legend: a bar for the actual rate, a line for the target. Returns the y below it. */
function legend(doc: Doc, x: number, y: number, text: ChartText): number {
  const size = 8.5;
  doc.save().font(REGULAR).fontSize(size);
  doc
    .lineWidth(0.4)
    .rect(x, y + 1.5, 14, 8)
    .fillAndStroke(BAR, INK);
  doc.fillColor(INK).text(text.actual, x + 18, y, { lineBreak: false });
  const tx = x + 18 + doc.widthOfString(text.actual) + 20;
  doc
    .lineWidth(1.8)
    .strokeColor(INK)
    .moveTo(tx, y + 5.5)
    .lineTo(tx + 14, y + 5.5)
    .stroke();
  doc.fillColor(INK).text(text.target, tx + 18, y, { lineBreak: false });
  doc.restore();
  return y + 16;
}

/**
 * One small chart: the actual rate of each year as a bar with its value, the year's target as a black line across
 * the bar's slot, on a 0–100% axis.
 */
function panel(doc: Doc, x: number, y: number, width: number, height: number, p: ChartPanel, text: ChartText): void {
  doc.save();
  doc.font(BOLD).fontSize(9).fillColor(INK).text(p.title, x, y, { width, lineBreak: false });
  const axis = 28,
    foot = 14;
  const plotX = x + axis,
    plotW = width - axis - 4,
    plotY = y + 20,
    plotH = height - 20 - foot;
  const yOf = (rate: number) => plotY + plotH * (1 - Math.min(1, Math.max(0, rate)));
  doc.font(REGULAR).fontSize(7);
  for (let r = 0; r <= 100; r += 25) {
    const gy = yOf(r / 100);
    doc
      .lineWidth(r === 0 ? 0.8 : 0.4)
      .strokeColor(r === 0 ? INK : GRIDLINE)
      .moveTo(plotX, gy)
      .lineTo(plotX + plotW, gy)
      .stroke();
    const label = `${r}%`;
    doc
      .fillColor(MUTED)
      .text(label, plotX - 3 - doc.widthOfString(label), gy - lineHeight(doc) / 2, { lineBreak: false });
  }
  const band = p.points.length ? plotW / p.points.length : plotW;
  const bw = Math.min(22, band * 0.56);
  p.points.forEach((pt, i) => {
    const cx = plotX + band * (i + 0.5);
    let labelBottom: number | undefined;
    if (pt.actual !== null) {
      const top = yOf(pt.actual);
      if (plotY + plotH - top > 0.3)
        doc
          .lineWidth(0.4)
          .rect(cx - bw / 2, top, bw, plotY + plotH - top)
          .fillAndStroke(BAR, INK);
      labelBottom = top - 1.5;
    }
    if (pt.target !== null) {
      const ty = yOf(pt.target);
      const half = Math.min(band / 2 - 1, bw / 2 + 4);
      doc
        .lineWidth(1.8)
        .strokeColor(INK)
        .moveTo(cx - half, ty)
        .lineTo(cx + half, ty)
        .stroke();
      // The value goes above the target line when the line would run through it.
      if (labelBottom !== undefined && ty <= labelBottom + 1.5 && ty >= labelBottom - 9) labelBottom = ty - 2;
    }
    if (pt.actual !== null && labelBottom !== undefined) {
      const label = text.value(pt.actual);
      doc.font(REGULAR).fontSize(6.5);
      let w = doc.widthOfString(label);
      if (w > band - 2) {
        doc.fontSize(Math.max(5, (6.5 * (band - 2)) / w));
        w = doc.widthOfString(label);
      }
      doc.fillColor(INK).text(label, cx - w / 2, labelBottom - lineHeight(doc), { lineBreak: false });
    }
    doc.font(REGULAR).fontSize(7.5).fillColor(INK);
    const yl = text.yearLabel(pt.year, pt.partial);
    doc.text(yl, cx - doc.widthOfString(yl) / 2, plotY + plotH + 3.5, { lineBreak: false });
  });
  doc.restore();
}

/** Small charts, `columns` to a row, under one legend. Returns the y below them. */
export function chartGrid(
  doc: Doc,
  x: number,
  y: number,
  width: number,
  panels: ChartPanel[],
  text: ChartText,
  o: { columns: number; height: number; gap: number },
): number {
  let top = legend(doc, x, y, text) + 6;
  const w = (width - (o.columns - 1) * o.gap) / o.columns;
  panels.forEach((p, i) => {
    const col = i % o.columns;
    if (col === 0 && i > 0) top += o.height + o.gap;
    panel(doc, x + col * (w + o.gap), top, w, o.height, p, text);
  });
  return top + o.height;
}

// Drawing helpers shared by every printed document: an A4 document in the CJK font with fallback fonts for rare
// characters, centred headings, a label/value grid and a table that carries its header onto every new page. Black
// and light greys only, so that photocopies and black-and-white printers keep everything legible.
import PDFDocument from 'pdfkit';
import type { Lang } from '../i18n/index.js';
import { fontFor, invisible, MAIN_FONT, NO_FONT, type FontkitFont, type Fonts } from './fonts.js';

export type Doc = PDFKit.PDFDocument;
type Align = 'left' | 'center' | 'right';

export const REGULAR = 'regular';
export const BOLD = 'bold';
export const INK = '#000000';
export const MUTED = '#404040';
export const LINE = '#555555';
export const SHADE = '#efefef';

export interface DocumentMeta {
  title: string;
  author: string;
  creator: string;
  lang: Lang;
  margin: number;
}

/** A stretch of text drawn in one font: the main font (MAIN_FONT) or a fallback (its index in Fonts.fallbacks). */
interface Run {
  text: string;
  font: number;
}

/** What pdfkit's line wrapper hands to the drawing of one line (its own fields, of which we use these). */
interface FragmentOptions {
  width?: number;
  align?: string;
  lineWidth?: number;
  textWidth?: number;
  wordCount?: number;
  characterSpacing?: number;
  baseline?: number | string;
  [other: string]: unknown;
}
interface PdfkitInternals {
  _fontSize: number;
  /** Draws one line (or a piece of one) in the current font: pdfkit calls it for everything doc.text() prints. */
  _fragment(text: string, x: number, y: number, options: FragmentOptions): void;
}
const Base = PDFDocument as unknown as new (options: PDFKit.PDFDocumentOptions) => PDFKit.PDFDocument;
const pdfkit = Base.prototype as unknown as PdfkitInternals & PDFKit.PDFDocument;
if (typeof pdfkit._fragment !== 'function')
  throw new Error('pdfkit no longer draws text through _fragment: see PrintedDocument in documents/pdf.ts');
const baseFont = pdfkit.font as unknown as (this: Doc, src: unknown, family?: unknown, size?: unknown) => Doc;
const baseWidth = pdfkit.widthOfString as unknown as (this: Doc, text: string, options?: object) => number;

const fallbackName = (i: number) => `fallback-${i}`;
const codePoints = (s: string) => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * A pdfkit document whose text falls back, character by character, to the first font that has the glyph. pdfkit
 * measures every word and line with widthOfString() and draws every line with _fragment(): both are taken over
 * for text the main font cannot draw whole, so wrapping, alignment and the fitting of table cells stay pdfkit's
 * own while each run is drawn in its font on the main font's baseline. Text the main font has takes pdfkit's path.
 */
class PrintedDocument extends Base {
  // Declared, not defined: pdfkit's constructor already calls font(), before field initialisers would run.
  declare private fonts: Fonts;
  declare private weight: string;
  declare private registered: Set<number>;
  /** Set while a fallback font is current: pdfkit measures inside its own drawing, in the font of the run. */
  declare private inRun: boolean;

  constructor(options: PDFKit.PDFDocumentOptions, fonts: Fonts) {
    super(options);
    this.fonts = fonts;
    this.registered = new Set();
  }

  override font(src: PDFKit.Mixins.PDFFontSource, family?: string | number, size?: number): this {
    if (typeof src === 'string') this.weight = src;
    baseFont.call(this, src, family, size);
    return this;
  }

  override widthOfString(
    text: string,
    options: PDFKit.Mixins.TextOptions & { horizontalScaling?: number } = {},
  ): number {
    const runs = this.inRun ? null : this.runs(text);
    if (!runs) return baseWidth.call(this, text, options);
    let width = 0;
    for (const run of runs) width += this.inFont(run.font, () => baseWidth.call(this, run.text));
    return (
      (width + (options.characterSpacing ?? 0) * (codePoints(text) - 1)) * ((options.horizontalScaling ?? 100) / 100)
    );
  }

  _fragment(text: string, x: number, y: number, options: FragmentOptions): void {
    const line = String(text).replace(/\n/g, '');
    const runs = this.runs(line);
    if (!runs) return pdfkit._fragment.call(this, text, x, y, options);
    // Alignment as pdfkit computes it, over the whole line (justified text is not used in our documents).
    if (options.width && options.align === 'right')
      x +=
        (options.lineWidth ?? 0) -
        this.widthOfString(line.replace(/\s+$/, ''), { characterSpacing: options.characterSpacing });
    else if (options.width && options.align === 'center')
      x += (options.lineWidth ?? 0) / 2 - (options.textWidth ?? 0) / 2;
    const main = this.mainFont();
    // Every run sits on the main font's baseline, whatever the ascent of the font that draws it.
    const baseline =
      options.baseline ?? -(main.ascent / main.unitsPerEm) * (this as unknown as PdfkitInternals)._fontSize;
    const spacing = options.characterSpacing ?? 0;
    for (const run of runs) {
      const width = this.inFont(run.font, () => {
        pdfkit._fragment.call(this, run.text, x, y, {
          ...options,
          align: 'left',
          textWidth: undefined,
          wordCount: undefined,
          baseline,
        });
        return baseWidth.call(this, run.text);
      });
      x += width + spacing * codePoints(run.text);
    }
  }

  private mainFont(): FontkitFont {
    return this.weight === BOLD ? this.fonts.bold : this.fonts.regular;
  }

  /** The runs of a text that needs a fallback font, or null when the main font draws all of it. */
  private runs(text: string): Run[] | null {
    let simple = true;
    for (let i = 0; i < text.length && simple; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) simple = fontFor(this.fonts, text.codePointAt(i)!) === MAIN_FONT;
    }
    if (simple) return null;
    const runs: Run[] = [];
    for (const ch of text) {
      const last = runs[runs.length - 1];
      // Spaces, joiners and variation selectors stay with the character before them.
      const font = last && invisible.test(ch) ? last.font : this.fontOf(ch.codePointAt(0)!);
      if (last && last.font === font) last.text += ch;
      else runs.push({ text: ch, font });
    }
    return runs.length === 1 && runs[0].font === MAIN_FONT ? null : runs;
  }

  /** The main font when it has the character (or when no font has it: its empty box), else a fallback, bold if bold text and one has it. */
  private fontOf(codePoint: number): number {
    const at = fontFor(this.fonts, codePoint);
    if (at === MAIN_FONT || at === NO_FONT) return MAIN_FONT;
    if (this.weight === BOLD && !this.fonts.fallbacks[at].bold) {
      const bold = this.fonts.fallbacks.findIndex((f) => f.bold && f.has(codePoint));
      if (bold >= 0) return bold;
    }
    return at;
  }

  /** Runs fn with the run's font set, then sets the main font back. */
  private inFont<T>(font: number, fn: () => T): T {
    if (font === MAIN_FONT) return fn();
    if (!this.registered.has(font)) {
      // pdfkit takes a parsed font where its types only name file sources.
      this.registerFont(fallbackName(font), this.fonts.fallbacks[font].font() as unknown as Buffer);
      this.registered.add(font);
    }
    baseFont.call(this, fallbackName(font));
    this.inRun = true;
    try {
      return fn();
    } finally {
      this.inRun = false;
      baseFont.call(this, this.weight);
    }
  }
}

/**
 * An A4 document in Noto Sans Hans with the fallback fonts behind it. The fonts come parsed (documents/fonts.ts):
 * pdfkit would parse a font handed over as bytes again for every document, which with this 30,000-glyph font
 * cost more than drawing a city's report.
 */
export function createDocument(meta: DocumentMeta, fonts: Fonts): Doc {
  // Pages stay in memory until the end so that the frame and "page n of m" can be drawn once the count is known.
  const doc = new PrintedDocument(
    {
      size: 'A4',
      margin: meta.margin,
      bufferPages: true,
      lang: meta.lang,
      displayTitle: true,
      info: { Title: meta.title, Author: meta.author, Creator: meta.creator },
    },
    fonts,
  );
  doc.registerFont(REGULAR, fonts.regular as unknown as Buffer);
  doc.registerFont(BOLD, fonts.bold as unknown as Buffer);
  doc.font(REGULAR).fillColor(INK).strokeColor(INK);
  return doc;
}

export function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

export const contentLeft = (doc: Doc) => doc.page.margins.left;
export const contentWidth = (doc: Doc) => doc.page.width - doc.page.margins.left - doc.page.margins.right;
export const contentBottom = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

/** Draws on every page once the document is complete; the bottom margin is lifted so footers do not start a new page. */
export function eachPage(doc: Doc, draw: (index: number, count: number) => void): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    draw(i - start, count);
    doc.page.margins.bottom = bottom;
  }
}

export interface TextStyle {
  font?: string;
  size: number;
  color?: string;
  spacing?: number;
}

function style(doc: Doc, s: TextStyle): Doc {
  return doc
    .font(s.font ?? REGULAR)
    .fontSize(s.size)
    .fillColor(s.color ?? INK);
}

/**
 * One line centred on the page; letter spacing is left out of the last character so the line stays centred. A line
 * too long for the page (a very long facility name) wraps instead.
 */
export function centered(doc: Doc, text: string, y: number, s: TextStyle): number {
  style(doc, s);
  const spacing = s.spacing ?? 0;
  const width = doc.widthOfString(text, { characterSpacing: spacing }) - spacing;
  if (width > contentWidth(doc))
    return textAt(doc, text, contentLeft(doc), y, contentWidth(doc), { ...s, spacing: 0, align: 'center' });
  doc.text(text, (doc.page.width - width) / 2, y, { lineBreak: false, characterSpacing: spacing });
  return y + doc.currentLineHeight(true);
}

/** Text in a box [x, x + width), wrapped; returns the y below it. */
export function textAt(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  width: number,
  s: TextStyle & { align?: Align; lineGap?: number; indent?: number },
): number {
  style(doc, s);
  doc.text(text, x, y, {
    width,
    align: s.align ?? 'left',
    lineGap: s.lineGap ?? 0,
    indent: s.indent ?? 0,
    characterSpacing: s.spacing ?? 0,
  });
  return doc.y;
}

export function rule(doc: Doc, x1: number, x2: number, y: number, width = 0.75, color = INK): void {
  doc.save().lineWidth(width).strokeColor(color).moveTo(x1, y).lineTo(x2, y).stroke().restore();
}

/** The height of wrapped text without the font's line gap, which pdfkit adds below the last line (half an em here). */
function inkHeight(doc: Doc, text: string, width: number): number {
  const gap = doc.currentLineHeight(true) - doc.currentLineHeight(false);
  return doc.heightOfString(text || ' ', { width }) - gap;
}

function cellText(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  width: number,
  height: number,
  pad: number,
  align: Align,
  s: TextStyle,
): void {
  style(doc, s);
  const inner = width - 2 * pad;
  doc.text(text, x + pad, y + (height - inkHeight(doc, text, inner)) / 2, { width: inner, align });
}

function cellHeight(doc: Doc, text: string, width: number, pad: number, s: TextStyle): number {
  style(doc, s);
  return inkHeight(doc, text, width - 2 * pad);
}

export interface Field {
  label: string;
  value: string;
}

export interface GridOptions {
  x: number;
  y: number;
  /** Column widths, label and value in turn; a row with fewer fields lets its last value run to the right edge. */
  widths: number[];
  rowHeight: number;
  label: TextStyle;
  value: TextStyle;
  valueAlign?: Align;
  padding?: number;
  lineWidth?: number;
}

/**
 * A bordered grid of label/value rows. Labels sit centred on a light shade, values to the left unless told; a long value
 * makes its row taller rather than overflowing.
 */
export function fieldGrid(doc: Doc, rows: Field[][], o: GridOptions): number {
  const pad = o.padding ?? 8;
  const total = o.widths.reduce((a, b) => a + b, 0);
  let y = o.y;
  doc
    .save()
    .lineWidth(o.lineWidth ?? 0.75)
    .strokeColor(LINE);
  for (const row of rows) {
    const cells = row.flatMap((f, i) => {
      const labelWidth = o.widths[2 * i];
      const last = i === row.length - 1;
      const valueWidth = last ? total - o.widths.slice(0, 2 * i + 1).reduce((a, b) => a + b, 0) : o.widths[2 * i + 1];
      return [
        { text: f.label, width: labelWidth, s: o.label, align: 'center' as Align, shade: true },
        { text: f.value, width: valueWidth, s: o.value, align: o.valueAlign ?? 'left', shade: false },
      ];
    });
    const height = Math.max(o.rowHeight, ...cells.map((c) => cellHeight(doc, c.text, c.width, pad, c.s) + 2 * pad));
    let x = o.x;
    for (const c of cells) {
      if (c.shade) doc.rect(x, y, c.width, height).fill(SHADE);
      doc.rect(x, y, c.width, height).stroke();
      cellText(doc, c.text, x, y, c.width, height, pad, c.align, c.s);
      x += c.width;
    }
    y += height;
  }
  doc.restore();
  return y;
}

export interface Column {
  header: string;
  width: number;
  align?: Align;
}
/** With span, the first cell covers that many columns (left-aligned) and the others fill the rest in order. */
export interface TableRow {
  cells: string[];
  bold?: boolean;
  shade?: boolean;
  span?: number;
}

export interface TableOptions {
  x: number;
  y: number;
  size: number;
  rowHeight: number;
  padding?: number;
  /** Starts a new page and returns the y where the table goes on; the header is drawn again below it. */
  continuePage: () => number;
}

/** A ruled table; a row that would cross the bottom margin moves to a new page, under a repeated header. */
export function table(doc: Doc, columns: Column[], rows: TableRow[], o: TableOptions): number {
  const pad = o.padding ?? 6;
  const width = columns.reduce((s, c) => s + c.width, 0);

  const layout = (row: TableRow): Column[] => {
    const span = Math.min(row.span ?? 1, columns.length);
    if (span <= 1) return columns;
    const first: Column = { header: '', width: columns.slice(0, span).reduce((s, c) => s + c.width, 0), align: 'left' };
    return [first, ...columns.slice(span)];
  };
  const heightOf = (row: TableRow, s: TextStyle) =>
    Math.max(o.rowHeight, ...layout(row).map((c, i) => cellHeight(doc, row.cells[i] ?? '', c.width, pad, s) + 2 * pad));
  const drawRow = (row: TableRow, y: number, height: number, s: TextStyle) => {
    doc.save().lineWidth(0.6).strokeColor(LINE);
    if (row.shade) doc.rect(o.x, y, width, height).fill(SHADE);
    let x = o.x;
    layout(row).forEach((c, i) => {
      doc.rect(x, y, c.width, height).stroke();
      cellText(doc, row.cells[i] ?? '', x, y, c.width, height, pad, c.align ?? 'left', s);
      x += c.width;
    });
    doc.restore();
  };
  const styleOf = (row: TableRow): TextStyle => ({ font: row.bold ? BOLD : REGULAR, size: o.size });

  const headerRow: TableRow = { cells: columns.map((c) => c.header), bold: true, shade: true };
  const headerHeight = heightOf(headerRow, styleOf(headerRow));
  const header = (y: number) => {
    drawRow(headerRow, y, headerHeight, styleOf(headerRow));
    return y + headerHeight;
  };

  let y = o.y;
  // The header never stands alone at the foot of a page.
  if (y + headerHeight + (rows.length ? heightOf(rows[0], styleOf(rows[0])) : 0) > contentBottom(doc))
    y = o.continuePage();
  y = header(y);
  for (const row of rows) {
    const height = heightOf(row, styleOf(row));
    if (y + height > contentBottom(doc)) y = header(o.continuePage());
    drawRow(row, y, height, styleOf(row));
    y += height;
  }
  return y;
}

/** Moves to a new page when the next block of the given height would not fit on this one. */
export function ensureSpace(doc: Doc, y: number, needed: number, continuePage: () => number): number {
  return y + needed > contentBottom(doc) ? continuePage() : y;
}

// The report's A4 document: the documents' typeface (Noto Sans Hans, server/documents/fonts.ts), parsed once per
// process. pdfkit parses a font handed over as bytes again for every document, and with this 30,000-glyph font the
// parse and the cold glyph caches cost more than drawing a city's report; given the parsed font it starts warm.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { BOLD, INK, REGULAR, type Doc, type DocumentMeta } from '../documents/pdf.js';
import { loadFonts } from '../documents/fonts.js';

/** What pdfkit needs of a fontkit font (it accepts any object with `layout`, and embeds a subset of it). */
interface ParsedFont { layout: (...args: never[]) => unknown }

// fontkit is pdfkit's own font engine (a dependency of pdfkit), used here only to parse the font once.
const fontkit = createRequire(import.meta.url)('fontkit') as { create(data: Uint8Array): ParsedFont };

let parsing: Promise<{ regular: ParsedFont; bold: ParsedFont }> | undefined;

function parsedFonts(): Promise<{ regular: ParsedFont; bold: ParsedFont }> {
  parsing ??= loadFonts().then((f) => ({ regular: fontkit.create(f.regular), bold: fontkit.create(f.bold) })).catch((err: unknown) => {
    parsing = undefined;
    throw err;
  });
  return parsing;
}

/** Like createDocument() in documents/pdf.ts (buffered pages, the same font names), with the fonts already parsed. */
export async function createReportDocument(meta: DocumentMeta): Promise<Doc> {
  const fonts = await parsedFonts();
  const doc = new PDFDocument({
    size: 'A4', margin: meta.margin, bufferPages: true, lang: meta.lang, displayTitle: true,
    info: { Title: meta.title, Author: meta.author, Creator: meta.creator },
  });
  // pdfkit takes a parsed font where its types only name file sources.
  doc.registerFont(REGULAR, fonts.regular as unknown as Buffer);
  doc.registerFont(BOLD, fonts.bold as unknown as Buffer);
  doc.font(REGULAR).fillColor(INK).strokeColor(INK);
  return doc;
}

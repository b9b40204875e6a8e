// The typefaces of printed documents: Noto Sans Hans (SIL OFL 1.1, npm @embedpdf/fonts-sc) for every character it
// has, and fallback fonts found on the machine for the rare ones it lacks (CJK Extension B and beyond: 𠮷 U+20BB7,
// 𪚥 U+2A6A5), chosen character by character. Each font is parsed at most once per process.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Where Debian's font packages put fonts with the rare characters, tried in this order after SHIAN_FALLBACK_FONTS:
 * the same design as the main font first (fonts-noto-cjk: 𠮷 but not 𪚥), then the widest coverage
 * (fonts-babelstone-han: Extensions B to H), then fonts-hanazono (HanaMinB: Extension B and beyond).
 */
export const DEBIAN_FALLBACK_FONTS: readonly string[] = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf',
  '/usr/share/fonts/truetype/hanazono/HanaMinB.ttf',
  '/usr/share/fonts/truetype/hanazono/HanaMinA.ttf',
];

/** What we use of a fontkit font; pdfkit takes the object itself (anything with `layout`) and embeds a subset. */
export interface FontkitFont {
  postscriptName: string;
  ascent: number;
  unitsPerEm: number;
  'OS/2'?: { usWeightClass?: number };
  hasGlyphForCodePoint(codePoint: number): boolean;
  layout(...args: never[]): unknown;
}
interface FontkitCollection {
  fonts: FontkitFont[];
}

// fontkit is pdfkit's own font engine; parsing here once saves pdfkit parsing the font again for every document.
const fontkit = createRequire(import.meta.url)('fontkit') as {
  create(data: Uint8Array): FontkitFont | FontkitCollection;
};

/** The package exports only its script, so the font folder is found next to it. */
export function fontsDir(): string {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  return path.join(path.dirname(entry), '..', 'fonts');
}

/**
 * A fallback font, parsed the first time a character the main font lacks is looked up, and kept: these files are
 * 20–50 MB each, so a process that never meets a rare name neither reads nor holds them.
 */
export class FallbackFont {
  private parsed: FontkitFont | null | undefined;

  constructor(readonly file: string) {}

  /** The parsed font, or null when the file is not a font we can read (then it has no glyphs). */
  font(): FontkitFont | null {
    if (this.parsed === undefined) {
      try {
        this.parsed = face(fontkit.create(fs.readFileSync(this.file)));
      } catch {
        this.parsed = null;
      }
    }
    return this.parsed;
  }

  has(codePoint: number): boolean {
    return this.font()?.hasGlyphForCodePoint(codePoint) ?? false;
  }

  get bold(): boolean {
    return (this.font()?.['OS/2']?.usWeightClass ?? 400) >= 600;
  }
}

export interface Fonts {
  regular: FontkitFont;
  bold: FontkitFont;
  /** In the order they are tried. */
  fallbacks: FallbackFont[];
  /** Says which fallback fonts these are, for keys of what was drawn with them. */
  key: string;
}

/** A collection (.ttc) holds one face per region; the Simplified Chinese one draws these names as the main font does. */
function face(font: FontkitFont | FontkitCollection): FontkitFont {
  if (!('fonts' in font)) return font;
  return font.fonts.find((f) => /CJKsc|Hans|SC\b|GB/.test(f.postscriptName)) ?? font.fonts[0];
}

/** The font files of a configured entry: a file, or the .ttf/.otf/.ttc files of a folder. */
function filesOf(entry: string): string[] {
  try {
    if (!fs.statSync(entry).isDirectory()) return [entry];
    return fs
      .readdirSync(entry)
      .filter((f) => /\.(ttf|otf|ttc)$/i.test(f))
      .sort()
      .map((f) => path.join(entry, f));
  } catch {
    return []; // not on this machine
  }
}

/** The font files found among `fallbackPaths` (files or folders, in order): a look at the disk, nothing read. */
export function fallbackFiles(fallbackPaths: readonly string[]): string[] {
  return [...new Set(fallbackPaths.flatMap(filesOf))];
}

let main: { regular: FontkitFont; bold: FontkitFont } | undefined;
const fallbackByFile = new Map<string, FallbackFont>();
const fontsByList = new Map<string, Fonts>();

/** The main font in both weights, parsed on first use, and the fallback fonts of the list; once per process. */
export function loadFonts(fallbackPaths: readonly string[]): Fonts {
  const listKey = fallbackPaths.join('\n');
  let fonts = fontsByList.get(listKey);
  if (!fonts) {
    main ??= {
      regular: face(fontkit.create(fs.readFileSync(path.join(fontsDir(), 'NotoSansHans-Regular.otf')))),
      bold: face(fontkit.create(fs.readFileSync(path.join(fontsDir(), 'NotoSansHans-Bold.otf')))),
    };
    const files = fallbackFiles(fallbackPaths);
    for (const file of files) if (!fallbackByFile.has(file)) fallbackByFile.set(file, new FallbackFont(file));
    fonts = { ...main, fallbacks: files.map((f) => fallbackByFile.get(f)!), key: files.join('|') };
    fontsByList.set(listKey, fonts);
  }
  return fonts;
}

const MAIN = -1;
const NONE = -2;
const chosen = new WeakMap<Fonts, Map<number, number>>();

/**
 * Which font draws a character: MAIN, the index of the first fallback that has it, or NONE. Regular and bold
 * Noto Sans Hans map the same characters; the fallbacks' weights are chosen when drawing.
 */
export function fontFor(fonts: Fonts, codePoint: number): number {
  let memo = chosen.get(fonts);
  if (!memo) chosen.set(fonts, (memo = new Map()));
  let at = memo.get(codePoint);
  if (at === undefined) {
    if (fonts.regular.hasGlyphForCodePoint(codePoint)) at = MAIN;
    else {
      at = fonts.fallbacks.findIndex((f) => f.has(codePoint));
      if (at < 0) at = NONE;
    }
    memo.set(codePoint, at);
  }
  return at;
}
export { MAIN as MAIN_FONT, NONE as NO_FONT };

/** Characters that print as nothing of their own: line breaks, spaces, joiners and variation selectors (which the font
 * applies to the character before them). */
export const invisible = /[\s\p{Cc}\p{Cf}\u{FE00}-\u{FE0F}\u{E0100}-\u{E01EF}]/u;

/** The characters of `text` that no font has, once each in the order they appear: they would print as boxes. */
export function unprintable(fonts: Fonts, text: string): string[] {
  const out = new Set<string>();
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80 || invisible.test(ch)) continue;
    if (fontFor(fonts, ch.codePointAt(0)!) === NONE) out.add(ch);
  }
  return [...out];
}

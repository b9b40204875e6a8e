// The typeface of printed documents: Noto Sans Hans (SIL OFL 1.1) from the npm package @embedpdf/fonts-sc.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Fonts { regular: Buffer; bold: Buffer }

/** The package exports only its script, so the font folder is found next to it. */
export function fontsDir(): string {
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  return path.join(path.dirname(entry), '..', 'fonts');
}

let loading: Promise<Fonts> | undefined;

/**
 * Both weights, read on first use and kept for the life of the process: each file is about 8 MB, too much to
 * read per request; pdfkit embeds only the glyphs a document uses.
 */
export function loadFonts(): Promise<Fonts> {
  loading ??= (async () => {
    const dir = fontsDir();
    const [regular, bold] = await Promise.all([
      fs.readFile(path.join(dir, 'NotoSansHans-Regular.otf')),
      fs.readFile(path.join(dir, 'NotoSansHans-Bold.otf')),
    ]);
    return { regular, bold };
  })().catch((err: unknown) => {
    loading = undefined; // a failed read is tried again on the next request rather than remembered
    throw err;
  });
  return loading;
}

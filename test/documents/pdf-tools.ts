// Reading printed PDFs back as a person would: their text (pdftotext) and the fonts embedded in them (pdffonts), both
// from poppler-utils, which CI installs.
import { spawnSync } from 'node:child_process';

function run(cmd: string, args: string[], input: Buffer): string {
  const out = spawnSync(cmd, args, { input, maxBuffer: 32 * 1024 * 1024 });
  if (out.error) throw new Error(`${cmd} is not installed (apt-get install poppler-utils): ${out.error.message}`);
  if (out.status !== 0) throw new Error(`${cmd} failed: ${out.stderr.toString()}`);
  return out.stdout.toString('utf8');
}

/** The text with all whitespace dropped, so that letter-spaced titles and wrapped cells read as one string. */
export const pdfText = (pdf: Buffer) => run('pdftotext', ['-', '-'], pdf).replace(/\s+/g, '');

/** The base names of the embedded fonts without their subset tag: NotoSansHans-Regular, BabelStoneHan, … */
export function pdfFonts(pdf: Buffer): string[] {
  return run('pdffonts', ['-'], pdf)
    .split('\n')
    .slice(2)
    .filter(Boolean)
    .map((l) => l.split(/\s+/)[0].replace(/^[A-Z]{6}\+/, ''));
}

/** The fonts beyond Noto Sans Hans, which are there only to draw characters it lacks. */
export const fallbackFontsIn = (pdf: Buffer) => pdfFonts(pdf).filter((f) => !f.startsWith('NotoSansHans-'));

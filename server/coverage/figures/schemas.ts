// Input of the yearly-figures pages: counts typed as whole numbers, in grids of one row per region.
import { z } from 'zod';
import { ValidationError, type FieldErrors } from '../../http/errors.js';
import { fieldErrors } from '../../http/validate.js';
import { funeralZones } from '../indicators/kinds.js';

export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;
/** The count columns are 32-bit integers; no county records a hundred million deaths in a year. */
export const MAX_COUNT = 99_999_999;

const FULL_WIDTH = /[０-９，．％]/g;

/** Digits typed with a Chinese input method come full-width: "１２，３４５" is 12,345. */
export function halfWidth(text: string): string {
  return text
    .trim()
    .replace(FULL_WIDTH, (c) =>
      c === '，' ? ',' : c === '．' ? '.' : c === '％' ? '%' : String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    );
}

/** A count as typed: blank is "not entered" (null); "1,234" and full-width digits are accepted. */
export function parseCount(text: unknown): { value: number | null } | { error: string } {
  if (text === undefined || text === null) return { value: null };
  if (typeof text !== 'string') return { error: 'errors.count_format' };
  const v = halfWidth(text);
  if (v === '') return { value: null };
  if (/^-\s*\d/.test(v)) return { error: 'errors.count_negative' };
  if (!/^(\d{1,3}(,\d{3})+|\d+)$/.test(v)) return { error: 'errors.count_format' };
  const n = Number(v.replace(/,/g, ''));
  if (n > MAX_COUNT) return { error: 'errors.count_too_big' };
  return { value: n };
}

/** A cell of a grid; one not posted at all is blank. */
export const Count = z
  .unknown()
  .optional()
  .transform((v, ctx) => {
    const r = parseCount(v);
    if ('error' in r) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.value;
  });

/** A year as typed, within MIN_YEAR–MAX_YEAR. */
export const Year = z.preprocess(
  (v) => (typeof v === 'string' ? halfWidth(v) : v),
  z
    .string({ error: 'errors.required' })
    .min(1, { error: 'errors.required' })
    .regex(/^\d{4}$/, { error: 'errors.target_year_range' })
    .transform(Number)
    .refine((y) => y >= MIN_YEAR && y <= MAX_YEAR, { error: 'errors.target_year_range' }),
);

/** ?region=&year= of the figures pages; anything unreadable falls back to the defaults. */
export const FiguresQuery = z.object({
  year: z
    .preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR).optional())
    .catch(undefined),
});

/** The figure columns kept per county and year (region_year_stats). */
export const countyMeasures = ['deaths', 'cremations', 'burials', 'green_burials'] as const;
export type CountyMeasure = (typeof countyMeasures)[number];

/** Field name of one cell of the grid: deaths_520201. */
export const cellName = (measure: string, code: string) => `${measure}_${code}`;
const CELL = /^(deaths|cremations|burials|green_burials|found|remediated|zone|v)_(\d{2,12})$/;

/** The region codes a grid form posted cells for (in the order first seen). */
export function postedCodes(body: Record<string, unknown>, measures: readonly string[]): string[] {
  const out = new Set<string>();
  for (const key of Object.keys(body)) {
    const m = CELL.exec(key);
    if (m && measures.includes(m[1])) out.add(m[2]);
  }
  return [...out];
}

/** The grid of one year: a cell per county and measure, and the version (updated_at) each row was read at. */
export function countyGridSchema(codes: string[]) {
  const shape: Record<string, z.ZodType> = { year: Year };
  for (const c of codes) {
    for (const m of countyMeasures) shape[cellName(m, c)] = Count;
    shape[cellName('v', c)] = z.string().max(40).optional();
  }
  return z.object(shape).transform((b) => ({
    year: b.year as number,
    rows: codes.map((code) => ({
      region_code: code,
      deaths: b[cellName('deaths', code)] as number | null,
      cremations: b[cellName('cremations', code)] as number | null,
      burials: b[cellName('burials', code)] as number | null,
      green_burials: b[cellName('green_burials', code)] as number | null,
      version: (b[cellName('v', code)] as string | undefined) || null,
    })),
  }));
}
export type CountyRowInput = ReturnType<ReturnType<typeof countyGridSchema>['parse']>['rows'][number];

/** Scattered graves of one year: found and remediated per township. */
export function graveGridSchema(codes: string[]) {
  const shape: Record<string, z.ZodType> = { year: Year };
  for (const c of codes) {
    shape[cellName('found', c)] = Count;
    shape[cellName('remediated', c)] = Count;
    shape[cellName('v', c)] = z.string().max(40).optional();
  }
  return z.object(shape).transform((b) => ({
    year: b.year as number,
    rows: codes.map((code) => ({
      region_code: code,
      found: b[cellName('found', code)] as number | null,
      remediated: b[cellName('remediated', code)] as number | null,
      version: (b[cellName('v', code)] as string | undefined) || null,
    })),
  }));
}
export type GraveRowInput = ReturnType<ReturnType<typeof graveGridSchema>['parse']>['rows'][number];

const Zone = z.preprocess(
  (v) => (v === '' || v === undefined ? null : v),
  z.enum(funeralZones, { error: 'errors.invalid_choice' }).nullable(),
);

/** The funeral zone of each county or township listed ('' = not set). */
export function zonesSchema(codes: string[]) {
  return z.object(Object.fromEntries(codes.map((c) => [cellName('zone', c), Zone]))).transform((b) =>
    codes.map((code) => ({
      region_code: code,
      zone: b[cellName('zone', code)] as (typeof funeralZones)[number] | null,
    })),
  );
}

/** The administrative villages of a township ticked as central villages (中心村). */
export const CentralInput = z.object({
  central: z.preprocess(
    (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
    z.array(z.string().regex(/^\d{12}$/, { error: 'errors.invalid_choice' })).max(2000),
  ),
});

type Cells = { region_code: string } & Record<string, number | null | string>;
const val = (r: Cells, m: string): number | null => (typeof r[m] === 'number' ? (r[m] as number) : null);

/** Rules across the cells of one county row: cremations within deaths, green burials within all burials. */
export function countyRowProblems(r: Cells): FieldErrors {
  const out: FieldErrors = {};
  const [deaths, cremations, burials, green] = countyMeasures.map((m) => val(r, m));
  if (cremations !== null && deaths !== null && cremations > deaths)
    out[cellName('cremations', r.region_code)] = { key: 'errors.cremations_over_deaths', params: { deaths } };
  if (green !== null && burials !== null && green > burials)
    out[cellName('green_burials', r.region_code)] = { key: 'errors.green_over_burials', params: { burials } };
  if (green !== null && burials === null) out[cellName('burials', r.region_code)] = { key: 'errors.burials_needed' };
  return out;
}

/** Rules across the cells of one township row: both counts or neither, remediated within found. */
export function graveRowProblems(r: Cells): FieldErrors {
  const [found, remediated] = [val(r, 'found'), val(r, 'remediated')];
  if (found === null && remediated !== null)
    return { [cellName('found', r.region_code)]: { key: 'errors.graves_found_needed' } };
  if (found !== null && remediated === null)
    return { [cellName('remediated', r.region_code)]: { key: 'errors.graves_remediated_needed' } };
  if (found !== null && remediated !== null && remediated > found)
    return { [cellName('remediated', r.region_code)]: { key: 'errors.remediated_over_found', params: { found } } };
  return {};
}

/**
 * Parses a grid form and checks the rules across each row's cells, reporting both at once: a cell that does not
 * read as a number is left out of the cross checks.
 */
export function parseGrid<T>(
  schema: z.ZodType<T>,
  body: Record<string, unknown>,
  codes: string[],
  measures: readonly string[],
  rowProblems: (r: Cells) => FieldErrors,
): T {
  const parsed = schema.safeParse(body);
  const problems: FieldErrors = {};
  for (const code of codes) {
    const row: Cells = { region_code: code };
    for (const m of measures) {
      const p = parseCount(body[cellName(m, code)]);
      row[m] = 'value' in p ? p.value : null;
      if ('error' in p) row[m] = 'invalid';
    }
    Object.assign(problems, rowProblems(row));
  }
  if (parsed.success && Object.keys(problems).length === 0) return parsed.data;
  throw new ValidationError({ ...problems, ...(parsed.success ? {} : fieldErrors(parsed.error)) });
}

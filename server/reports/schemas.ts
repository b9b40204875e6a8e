// Query parameters of the progress report and its tables: ?region=CODE&date=YYYY-MM-DD[&table=…].
import { DateTime } from 'luxon';
import { z } from 'zod';
import { zone } from '../time.js';

export const tableKeys = ['summary', 'areas', 'counties', 'townships', 'uncovered', 'years', 'other'] as const;
export type TableKey = (typeof tableKeys)[number];

const blank = (v: unknown) => (v === '' ? undefined : v);

/** A calendar date in years 2000–2100 that exists (no 2026-02-30). */
export const ReportDate = z.string().refine(
  (s) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    const d = DateTime.fromISO(s, { zone });
    return d.isValid && d.year >= 2000 && d.year <= 2100;
  },
  { error: 'errors.report_date' },
);

/** A region code, or `all` for the whole country. */
const RegionCode = z.string().regex(/^(all|\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, { error: 'errors.region_code_format' });

/** Staff pages: both default (the demo city or the first city; today in Asia/Shanghai). */
export const ReportQuery = z.object({
  region: z.preprocess(blank, RegionCode.optional()),
  date: z.preprocess(blank, ReportDate.optional()),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

/**
 * CSV: one table per file; without `table`, the county table of a city, the township table of a county, and the
 * table of cities (a province) or provinces (the country).
 */
export const CsvQuery = ReportQuery.extend({
  table: z.preprocess(blank, z.enum(tableKeys, { error: 'errors.invalid_choice' }).optional()),
});
export type CsvQuery = z.infer<typeof CsvQuery>;

/** The JSON API names the region; the date defaults to today. */
export const ApiReportQuery = z.object({
  region: z.preprocess(blank, RegionCode),
  date: z.preprocess(blank, ReportDate.optional()),
});

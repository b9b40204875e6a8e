// Query strings of the waiver reports (?region=&from=&to=[&table=]) and of the public page (?region=).
import { DateTime } from 'luxon';
import { z } from 'zod';
import { zone } from '../time.js';
import { waiverTables } from './report-document.js';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A calendar date in 2000–2100 that exists (no 2026-02-30). */
const Day = z.string({ error: 'errors.waiver_report_date' }).refine(
  (s) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    const d = DateTime.fromISO(s, { zone });
    return d.isValid && d.year >= 2000 && d.year <= 2100;
  },
  { error: 'errors.waiver_report_date' },
);

/** A region code of a province, city or county (a township is refused by the service, a region level error). */
const Region = z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, { error: 'errors.region_code_format' });

/** `to` not before `from`, and at most 10 years after it. */
function period<T extends { from?: string; to?: string }>(q: T, ctx: z.RefinementCtx): void {
  if (!q.from || !q.to) return;
  if (q.to < q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'errors.waiver_report_period' });
  else if (Number(q.to.slice(0, 4)) - Number(q.from.slice(0, 4)) > 10)
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'errors.waiver_report_period_long' });
}

/** Staff pages and files: every parameter may be left out (the user's region; this year up to today). */
export const WaiverReportQuery = z
  .object({
    region: z.preprocess(blank, Region.optional()),
    from: z.preprocess(blank, Day.optional()),
    to: z.preprocess(blank, Day.optional()),
    table: z.preprocess(blank, z.enum(waiverTables).optional()),
  })
  .superRefine(period);
export type WaiverReportQuery = z.infer<typeof WaiverReportQuery>;

/** GET /api/v1/waivers/summary: the period is required; the region defaults to the token user's. */
export const WaiverSummaryQuery = z
  .object({
    region: z.preprocess(blank, Region.optional()),
    from: Day,
    to: Day,
  })
  .superRefine(period);
export type WaiverSummaryQuery = z.infer<typeof WaiverSummaryQuery>;

/** The public page: a city or county (none: every policy in force). */
export const PublicWaiverQuery = z.object({
  region: z
    .preprocess(
      blank,
      z
        .string()
        .regex(/^(\d{4}|\d{6})$/)
        .optional(),
    )
    .catch(undefined),
});

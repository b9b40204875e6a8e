// Query strings of the dashboard and the lists behind its numbers (region=CODE&date=YYYY-MM-DD, sorting, filters).
import { z } from 'zod';
import { searchText } from '../../http/fields.js';
import { pageParam } from '../../http/validate.js';
import { inDateRange } from '../query.js';
import { chartIndicators, sortKeys } from './service.js';

const blank = (v: unknown) => (v === '' ? undefined : v);
const RegionCode = z.preprocess(
  blank,
  z
    .string()
    .regex(/^(all|\d{2}(\d{2}(\d{2}(\d{3})?)?)?)$/, { error: 'errors.coverage_region' })
    .optional(),
);
const DateParam = z.preprocess(
  blank,
  z.iso.date({ error: 'errors.coverage_date' }).refine(inDateRange, { error: 'errors.coverage_date' }).optional(),
);

/** Region (a code, or `all` for the whole country) and date of every dashboard and list address; an unreadable one is a field error. */
export const Where = z.object({ region: RegionCode, date: DateParam });

/** Sorting of the child table and the chart's indicator; anything unknown falls back to the default. */
export const DashboardQuery = z.object({
  sort: z.enum(sortKeys).optional().catch(undefined),
  chart: z.enum(chartIndicators).optional().catch(undefined),
});

/** Filters of the lists behind the numbers; anything unknown is dropped. */
export const ListQuery = z.object({
  status: z.enum(['covered', 'uncovered']).optional().catch(undefined),
  q: searchText(50),
  page: pageParam,
  central: z.literal('1').optional().catch(undefined),
  kind: z.enum(['village', 'community']).optional().catch(undefined),
  indicator: z.enum(['counties', 'cremation_counties']).optional().catch(undefined),
});

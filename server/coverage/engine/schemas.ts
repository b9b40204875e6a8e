// Query string of the coverage JSON API (docs/API.md): a region code and a date, both optional.
import { z } from 'zod';
import { isoDate } from '../../http/fields.js';
import { REGION_CODE } from '../query.js';

/** ?region=&date= of GET /api/v1/coverage. */
export const CoverageQuery = z.object({
  // Omitted or empty: the whole country (every division imported).
  region: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.string().regex(REGION_CODE, { error: 'errors.region_code_format' }).optional(),
  ),
  // Omitted: today in Asia/Shanghai.
  date: z.preprocess((v) => (v === '' ? undefined : v), isoDate('errors.date_format').optional()),
});
export type CoverageQuery = z.infer<typeof CoverageQuery>;

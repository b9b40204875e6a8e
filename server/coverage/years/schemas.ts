// Input of the yearly submission and year-on-year pages.
import { z } from 'zod';
import { isoDate, requiredText } from '../../http/fields.js';
import { blankTrimmed } from '../query.js';
import { snapshotIndicators } from './kinds.js';

const year = z.coerce.number({ error: 'errors.invalid_value' }).int().min(2000).max(2100);
const regionCode = z.string().regex(/^\d{4}(\d{2})?$/, { error: 'errors.year_region_level' });

export const SubmitQuery = z.object({ region: regionCode, year });
export type SubmitQuery = z.infer<typeof SubmitQuery>;

export const SubmitInput = z.object({
  region: regionCode,
  year,
  confirm: z.literal('yes', { error: 'errors.year_confirm_required' }),
});

export const AcceptInput = z.object({
  round: z.coerce.number().int().min(1).max(10_000),
  confirm: z.literal('yes', { error: 'errors.year_confirm_required' }),
});

export const ReturnInput = z.object({
  round: z.coerce.number().int().min(1).max(10_000),
  reason: requiredText(500),
});

export const CompareQuery = z.object({
  region: z
    .preprocess(
      blankTrimmed,
      z
        .string()
        .regex(/^\d{4}(\d{2})?$/)
        .optional(),
    )
    .catch(undefined),
  date: z.preprocess(blankTrimmed, isoDate().optional()),
  indicator: z.enum(snapshotIndicators).catch('villages').default('villages'),
});

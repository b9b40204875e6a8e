// Input of the satisfaction survey: the code as a family types it, the score and comment, the staff page's filter.
import { z } from 'zod';
import { idOrNone, optionalText } from '../http/fields.js';
import { pageParam } from '../http/validate.js';

/** Eight characters without 0/O and 1/I, which read alike on paper. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;
export const COMMENT_MAX = 200;
export const ratings = [1, 2, 3, 4, 5] as const;

/** As typed or scanned: full-width characters, spaces, hyphens and lower case are all accepted. */
export const normaliseCode = (v: string) =>
  v
    .normalize('NFKC')
    .replace(/[\s\-–—_]/g, '')
    .toUpperCase();

/** Printed in two groups of four, which an older reader copies more easily: ABCD-EFGH. */
export const printedCode = (code: string) => `${code.slice(0, 4)}-${code.slice(4)}`;

export const SurveyCode = z.preprocess(
  (v) => (typeof v === 'string' ? normaliseCode(v) : v),
  z
    .string({ error: 'errors.survey_code_required' })
    .min(1, { error: 'errors.survey_code_required' })
    .regex(/^[2-9A-HJ-NP-Z]{8}$/, { error: 'errors.survey_code_format' }),
);

export const RatingInput = z.object({
  code: SurveyCode,
  rating: z.preprocess(
    (v) => (typeof v === 'string' && /^[1-5]$/.test(v) ? Number(v) : v),
    z
      .number({ error: 'errors.survey_rating_required' })
      .int({ error: 'errors.survey_rating_required' })
      .min(1, { error: 'errors.survey_rating_required' })
      .max(5, { error: 'errors.survey_rating_required' }),
  ),
  comment: z.preprocess(
    // A textarea sends CR LF; counted as one line break, so 200 characters are what the family sees.
    (v) => (typeof v === 'string' ? v.replace(/\r\n/g, '\n') : v),
    optionalText(COMMENT_MAX),
  ),
});
export type RatingInput = z.infer<typeof RatingInput>;

const month = z
  .string()
  .trim()
  .regex(/^(19|20)\d{2}-(0[1-9]|1[0-2])$/, { error: 'errors.survey_month_format' });
const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

export const ReportQuery = z
  .object({
    from: z.preprocess(blank, month.optional()),
    to: z.preprocess(blank, month.optional()),
    facility: idOrNone,
    page: pageParam,
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'errors.survey_months_backwards' });
  });
export type ReportQuery = z.infer<typeof ReportQuery>;

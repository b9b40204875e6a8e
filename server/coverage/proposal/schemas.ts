// Query string of the 补缺测算 page: date, indicator, target rate, build modes and K.
import { z } from 'zod';
import { blankTrimmed, inDateRange } from '../query.js';
import { proposalIndicators, proposalModes } from './rules.js';

/** K when none is asked for: the most villages one 多村联建 cemetery serves. */
export const DEFAULT_MAX_VILLAGES = 5;

/** Which build modes may be proposed: both, or only one of them. */
export const modeChoices = ['both', ...proposalModes] as const;

/** The page's query, field by field (one wrong field keeps the others as typed). */
export const ProposalQuery = z.object({
  date: z.preprocess(blankTrimmed, z.iso.date().refine(inDateRange).optional()),
  indicator: z.preprocess(blankTrimmed, z.enum(proposalIndicators).default('villages')),
  // A percent with at most one decimal, above 0 and at most 100.
  target: z.preprocess(
    blankTrimmed,
    z
      .string()
      .regex(/^\d{1,3}(\.\d)?$/)
      .transform(Number)
      .pipe(z.number().gt(0).max(100))
      .optional(),
  ),
  modes: z.preprocess(blankTrimmed, z.enum(modeChoices).default('both')),
  max_villages: z.preprocess(blankTrimmed, z.coerce.number().int().min(2).max(50).default(DEFAULT_MAX_VILLAGES)),
});

/** Messages of this page for each field, in place of the generic ones. */
export const fieldKeys: Record<keyof typeof ProposalQuery.shape, string> = {
  date: 'coverage_proposal.error_date',
  indicator: 'errors.invalid_choice',
  target: 'coverage_proposal.error_target',
  modes: 'errors.invalid_choice',
  max_villages: 'coverage_proposal.error_max_villages',
};

// Inputs of the claims ledger: the list's filters, a review or re-submission with its note, a settlement confirmed.
import { z } from 'zod';
import { id, optionalId, optionalText, requiredText } from '../http/fields.js';
import { claimStatuses } from './kinds.js';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const month = z
  .string()
  .trim()
  .regex(/^(19|20|21)\d{2}-(0[1-9]|1[0-2])$/, { error: 'errors.waiver_claim_month_format' });

export const ClaimListQuery = z.object({
  status: z.preprocess(blank, z.enum(claimStatuses).optional()),
  facility_id: optionalId,
  month: z.preprocess(blank, month.optional()),
  page: z.preprocess(blank, z.coerce.number().int().min(1).max(100_000).optional()).transform((v) => v ?? 1),
});
export type ClaimListQuery = z.infer<typeof ClaimListQuery>;

/** An approval may say something; a rejection, a request for evidence and a re-submission must. */
export const OptionalNote = z.object({ note: optionalText(200) });
export const RequiredNote = z.object({ note: requiredText(200) });

export const SettlementQuery = z.object({
  facility_id: optionalId,
  month: z.preprocess(blank, month.optional()),
});

export const SettlementInput = z.object({
  facility_id: id(),
  month,
  count: z.coerce.number().int().min(1).max(100_000),
  amount_fen: z.coerce.number().int().min(0).max(1_000_000_000_000),
  note: optionalText(200),
});
export type SettlementInput = z.infer<typeof SettlementInput>;

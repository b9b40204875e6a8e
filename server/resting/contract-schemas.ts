// Input of contracts: the contract form (holder, term start, the deceased from a case or by hand), a second
// placement, a renewal, a removal (迁出) and the end of a contract. Rules across fields live in contract-service.ts.
import { z } from 'zod';
import { normaliseIdNumber, readIdNumber } from '../cases/id-number.js';
import { normalisePhone } from '../cases/phone.js';
import { isoDate, optionalId, optionalText, requiredText } from '../http/fields.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const yes = z.preprocess((v) => v === '1' || v === 'on' || v === true, z.boolean());

/** An ID number as intake checks it (GB 11643 check digit), normalised first. */
const IdNumber = z
  .string()
  .max(60)
  .transform(normaliseIdNumber)
  .superRefine((v, ctx) => {
    const facts = readIdNumber(v);
    if ('problem' in facts) ctx.addIssue({ code: 'custom', message: `errors.id_number_${facts.problem}` });
  });

/** A mainland mobile (the contract's column holds 11 digits): 138 1234 5678 and +86 forms are accepted. */
const Mobile = z
  .string({ error: 'errors.required' })
  .max(40, { error: 'errors.mobile_format' })
  .transform((v, ctx) => {
    const p = normalisePhone(v);
    if (!p || p.kind !== 'mobile') {
      ctx.addIssue({ code: 'custom', message: v.trim() === '' ? 'errors.required' : 'errors.mobile_format' });
      return z.NEVER;
    }
    return p.normalised;
  });

const optionalDate = z.preprocess(blankToUndefined, isoDate('errors.date_invalid').optional());

/** The deceased entered by hand; with a case_id these are taken from the case instead. */
const deceasedFields = {
  case_id: optionalId,
  deceased_name: optionalText(60),
  id_number: z.preprocess(blankToUndefined, IdNumber.optional()),
  sex: z.preprocess(blankToUndefined, z.enum(['male', 'female']).optional()),
  birth_date: optionalDate,
  death_date: optionalDate,
  household_region: z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{6,12}$/, { error: 'errors.region_code_format' })
      .optional(),
  ),
  placed_on: optionalDate,
};

/** Without a case, name, ID number and date of death are required (as at intake). */
const deceasedRequired = (
  v: { case_id?: number; deceased_name?: string; id_number?: string; death_date?: string },
  ctx: z.RefinementCtx,
) => {
  if (v.case_id !== undefined) return;
  for (const f of ['deceased_name', 'id_number', 'death_date'] as const)
    if (v[f] === undefined) ctx.addIssue({ code: 'custom', path: [f], message: 'errors.required' });
};

const Deceased = z.object({ ...deceasedFields }).superRefine(deceasedRequired);

/** Holder and deceased side by side, so that a missing name of the deceased is reported with the holder's errors. */
export const ContractInput = z.intersection(
  z.object({
    holder_name: requiredText(60),
    holder_phone: Mobile,
    holder_id_number: z.preprocess(blankToUndefined, IdNumber.optional()),
    holder_relationship: requiredText(20),
    holder_address: optionalText(200),
    term_starts_on: z.preprocess(blankToUndefined, isoDate('errors.date_invalid').optional()),
    request_id: optionalText(64),
  }),
  Deceased,
);
export type ContractInput = z.infer<typeof ContractInput>;

export const PlacementInput = Deceased;
export type PlacementInput = z.infer<typeof PlacementInput>;
export type DeceasedInput = PlacementInput;

export const RenewInput = z.object({
  years: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number({ error: 'errors.required' }).int({ error: 'errors.whole_number' }).min(1).max(99),
  ),
  /** The term's end the clerk saw: a second submit of the same form finds it moved and is refused. */
  expected_end: isoDate('errors.date_invalid'),
});
export type RenewInput = z.infer<typeof RenewInput>;

export const RemovalInput = z.object({
  reason: requiredText(200),
  date: isoDate('errors.date_invalid'),
  confirm: yes,
});
export type RemovalInput = z.infer<typeof RemovalInput>;

export const EndInput = RemovalInput;
export type EndInput = RemovalInput;

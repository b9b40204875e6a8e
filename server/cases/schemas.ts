// Input of a funeral case: the intake form (flat fields) and the JSON API (nested) map to one CaseInput.
import { z } from 'zod';
import { Id, instant, isoDate, MAX_FEN, optionalText, requiredText, searchText } from '../http/fields.js';
import { normaliseIdNumber, readIdNumber } from './id-number.js';
import { normalisePhone } from './phone.js';
import { caseStatuses } from './states.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** 'YYYY-MM-DDTHH:mm' from a datetime-local field is Shanghai time; an ISO string with an offset is taken as is. */
export const Instant = z.preprocess(blankToUndefined, instant('errors.invalid_datetime'));

/** A mainland mobile, a landline with its area code, or either with +86; → its stored form (server/cases/phone.ts). */
export const ContactPhone = z
  .string()
  .max(40, { error: 'errors.phone_format' })
  .transform((v, ctx) => {
    const phone = normalisePhone(v);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'errors.phone_format' });
      return z.NEVER;
    }
    return phone.normalised;
  });

/** Sex as the ID number records it (the 17th digit). */
export const sexes = ['male', 'female'] as const;

export const CaseInput = z.object({
  facility_id: Id,
  deceased_name: requiredText(60),
  // Checked as stored: full-width digits, spaces and hyphens as typed or pasted are normalised first.
  id_number: z
    .string()
    .max(60)
    .transform(normaliseIdNumber)
    .pipe(
      z
        .string()
        .min(1)
        .superRefine((v, ctx) => {
          const facts = readIdNumber(v);
          if ('problem' in facts) ctx.addIssue({ code: 'custom', message: `errors.id_number_${facts.problem}` });
        }),
    ),
  sex: z.preprocess(blankToUndefined, z.enum(sexes).optional()),
  birth_date: z.preprocess(blankToUndefined, isoDate('errors.invalid_date').optional()),
  death_at: Instant,
  death_place: optionalText(200),
  death_certificate_no: optionalText(40),
  household_region: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^\d{6,12}$/, { error: 'errors.region_code_format' })
      .optional(),
  ),
  contact_name: requiredText(60),
  contact_phone: ContactPhone,
  contact_relationship: requiredText(20),
  pickup_address: optionalText(200),
  pickup_at: z.preprocess(blankToUndefined, Instant.optional()),
  request_id: optionalText(64),
});
export type CaseInput = z.infer<typeof CaseInput>;

/** POST /api/v1/cases: `{facility_id, deceased: {...}, contact: {...}}` → the same fields as the form. */
export const ApiCaseInput = z
  .object({
    facility_id: z.unknown(),
    request_id: z.unknown().optional(),
    deceased: z.object({
      name: z.unknown(),
      id_number: z.unknown(),
      death_at: z.unknown(),
      household_region: z.unknown().optional(),
      sex: z.unknown().optional(),
      birth_date: z.unknown().optional(),
      death_place: z.unknown().optional(),
      death_certificate_no: z.unknown().optional(),
    }),
    contact: z.object({ name: z.unknown(), phone: z.unknown(), relationship: z.unknown() }),
    pickup: z.object({ address: z.unknown().optional(), at: z.unknown().optional() }).optional(),
  })
  .transform((b) => ({
    facility_id: b.facility_id,
    request_id: b.request_id,
    deceased_name: b.deceased.name,
    id_number: b.deceased.id_number,
    death_at: b.deceased.death_at,
    household_region: b.deceased.household_region,
    sex: b.deceased.sex,
    birth_date: b.deceased.birth_date,
    death_place: b.deceased.death_place,
    death_certificate_no: b.deceased.death_certificate_no,
    contact_name: b.contact.name,
    contact_phone: b.contact.phone,
    contact_relationship: b.contact.relationship,
    pickup_address: b.pickup?.address,
    pickup_at: b.pickup?.at,
  }));

/** API field names for the flat ones, so API errors point at what the caller sent. */
export const apiFieldNames: Record<string, string> = {
  deceased_name: 'deceased.name',
  id_number: 'deceased.id_number',
  death_at: 'deceased.death_at',
  household_region: 'deceased.household_region',
  sex: 'deceased.sex',
  birth_date: 'deceased.birth_date',
  death_place: 'deceased.death_place',
  death_certificate_no: 'deceased.death_certificate_no',
  contact_name: 'contact.name',
  contact_phone: 'contact.phone',
  contact_relationship: 'contact.relationship',
  pickup_address: 'pickup.address',
  pickup_at: 'pickup.at',
};

export const paymentMethods = ['cash', 'wechat', 'alipay', 'card', 'transfer'] as const;

/** Money received (payment), received ahead of charges (deposit 预付款/押金), or paid back (refund 退款). */
export const paymentKinds = ['payment', 'deposit', 'refund'] as const;
export type PaymentKind = (typeof paymentKinds)[number];
/** A line charged while the case is open, or a correction (更正) of a closed case. */
export const lineKinds = ['charge', 'correction'] as const;

// At most 9,999,999.99 yuan: below MAX_FEN, so the amount column holds it.
const Yuan = z
  .string()
  .trim()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, { error: 'errors.money_format' })
  .refine((v) => yuanToFen(v) <= MAX_FEN, { error: 'errors.money_too_big' });

export const PaymentInput = z.object({
  method: z.enum(paymentMethods),
  amount: Yuan,
  kind: z.enum(['payment', 'deposit']).catch('payment').default('payment'),
  payer: optionalText(60),
  request_id: optionalText(64),
});

export const RefundInput = z.object({
  refund_method: z.enum(paymentMethods),
  refund_amount: Yuan,
  refund_reason: requiredText(200),
  request_id: optionalText(64),
});

export const VoidInput = z.object({ void_reason: requiredText(200) });

/** `item:<price item id>` adds a service; `line:<line id>` takes units off a line. */
export const CorrectionInput = z.object({
  correction_target: z.string().regex(/^(item|line):\d{1,9}$/, { error: 'errors.required' }),
  correction_quantity: z.coerce.number().int().min(1).max(365),
  correction_reason: requiredText(200),
});

/** '1234.5' yuan → 123450 fen, exactly (no floating point). */
export function yuanToFen(v: string): number {
  const [whole, frac = ''] = v.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

export const LineInput = z.object({
  price_item_id: Id,
  quantity: z.coerce.number().int().min(1).max(365),
});

/** A full ID number as searched: 17 digits and a digit or X. */
export const FULL_ID = /^\d{17}[\dX]$/;

export const CaseQuery = z.object({
  q: searchText(60),
  from: isoDate().optional().catch(undefined),
  to: isoDate().optional().catch(undefined),
  status: z.enum(caseStatuses).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type CaseQuery = z.infer<typeof CaseQuery>;

// What the grave finder accepts: the staff search form (any of its fields, ANDed) and the families' form (the
// deceased's full name and the holder's phone number, both required).
import { z } from 'zod';
import { normaliseIdNumber } from '../cases/id-number.js';
import { normalisePhone } from '../cases/phone.js';
import { idOrNone, requiredText, searchText } from '../http/fields.js';

export const nameMatches = ['prefix', 'contains'] as const;
export type NameMatch = (typeof nameMatches)[number];

/** Digits (and a final X) of an ID number as typed, spaces and dashes taken out: 4 at least, 18 at most. */
const IdNumberPart = searchText(40).transform((v, ctx) => {
  if (v === undefined) return undefined;
  const id = normaliseIdNumber(v);
  if (!/^\d{3,17}[\dX]$/.test(id)) {
    ctx.addIssue({ code: 'custom', message: 'errors.finder_id_number' });
    return z.NEVER;
  }
  return id;
});

/** A phone as typed: a whole mobile or landline (stored form), or its last 4 to 8 digits (尾号). */
const PhonePart = searchText(30).transform((v, ctx) => {
  if (v === undefined) return undefined;
  const whole = normalisePhone(v);
  if (whole) return { whole: whole.normalised };
  const digits = v.replace(/[\s-]/g, '');
  if (/^\d{4,8}$/.test(digits)) return { tail: digits };
  ctx.addIssue({ code: 'custom', message: 'errors.finder_phone' });
  return z.NEVER;
});

/** A place's code or its beginning (A-03 finds the whole wall), as staff type it. */
const CodePart = searchText(20).transform((v, ctx) => {
  if (v === undefined) return undefined;
  const code = v.normalize('NFKC').replace(/\s/g, '').toUpperCase();
  if (!/^[A-Z0-9-]{1,20}$/.test(code)) {
    ctx.addIssue({ code: 'custom', message: 'errors.finder_code' });
    return z.NEVER;
  }
  return code;
});

export const FinderQuery = z.object({
  deceased: searchText(60),
  match: z.enum(nameMatches).catch('prefix').default('prefix'),
  id_number: IdNumberPart,
  holder: searchText(60),
  phone: PhonePart,
  code: CodePart,
  facility_id: idOrNone,
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type FinderQuery = z.infer<typeof FinderQuery>;

/** The families' form: both fields exactly as registered; the phone in any usual spelling. */
export const GraveQuery = z.object({
  deceased: z.preprocess(
    (v) => (typeof v === 'string' ? v.normalize('NFKC').trim() : v),
    requiredText(60).refine((v) => v.length >= 2, { error: 'errors.grave_name_short' }),
  ),
  phone: z
    .string({ error: 'errors.grave_phone_invalid' })
    .max(30, { error: 'errors.grave_phone_invalid' })
    .transform((v, ctx) => {
      const p = normalisePhone(v);
      if (!p) {
        ctx.addIssue({ code: 'custom', message: 'errors.grave_phone_invalid' });
        return z.NEVER;
      }
      return p.normalised;
    }),
});
export type GraveQuery = z.infer<typeof GraveQuery>;

// Input of a case's family part: a contact, a contact log entry, a paper's state, withdrawing a file.
import { z } from 'zod';
import { optionalId, optionalText, requiredText } from '../http/fields.js';
import { normaliseIdNumber, readIdNumber } from './id-number.js';
import { contactKinds, documentKinds, documentStates } from './family-kinds.js';
import { ContactPhone, Instant } from './schemas.js';

/** An ID number that may be left out; when given it must be a valid one (checked with its check digit). */
const optionalIdNumber = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  z
    .string()
    .max(40)
    .transform((v, ctx) => {
      const facts = readIdNumber(v);
      if ('problem' in facts) {
        ctx.addIssue({ code: 'custom', message: `errors.id_number_${facts.problem}` });
        return z.NEVER;
      }
      return normaliseIdNumber(v);
    })
    .optional(),
);

export const ContactInput = z.object({
  name: requiredText(60),
  phone: ContactPhone,
  relationship: requiredText(20),
  id_number: optionalIdNumber,
  note: optionalText(200),
});
export type ContactInput = z.infer<typeof ContactInput>;

export const LogInput = z.object({
  kind: z.enum(contactKinds, { error: 'errors.contact_kind' }),
  at: Instant,
  contact_id: optionalId,
  note: requiredText(500),
});
export type LogInput = z.infer<typeof LogInput>;

export const DocumentKindParam = z.enum(documentKinds);

export const DocumentStateInput = z.object({ state: z.enum(documentStates) });

export const WithdrawInput = z.object({ reason: requiredText(200) });

/** The reason a case closes with a required paper missing, sent with the status form. */

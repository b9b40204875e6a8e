// Input of the memorial pages: the claim, the page's text and visibility, a tribute, a moderation decision.
import { z } from 'zod';
import { optionalText, requiredText, searchText } from '../http/fields.js';
import { pageParam } from '../http/validate.js';
import { normalisePhone } from '../cases/phone.js';
import { MAX_BIOGRAPHY, MAX_MESSAGE, memorialVisibilities, tributeKinds } from './kinds.js';
import { normaliseClaimCode } from './secrets.js';

/** A mainland mobile (the owner is reached by it), in its stored form 13812345678. */
export const MobilePhone = z
  .string({ error: 'errors.required' })
  .max(40, { error: 'errors.mobile_format' })
  .transform((v, ctx) => {
    const phone = normalisePhone(v);
    if (!phone || phone.kind !== 'mobile') {
      ctx.addIssue({ code: 'custom', message: v.trim() ? 'errors.mobile_format' : 'errors.required' });
      return z.NEVER;
    }
    return phone.normalised;
  });

export const ClaimInput = z.object({
  code: z
    .string({ error: 'errors.required' })
    .max(40, { error: 'errors.claim_code_format' })
    .transform((v, ctx) => {
      const code = normaliseClaimCode(v);
      if (!code) {
        ctx.addIssue({ code: 'custom', message: v.trim() ? 'errors.claim_code_format' : 'errors.required' });
        return z.NEVER;
      }
      return code;
    }),
  owner_name: requiredText(30),
  owner_phone: MobilePhone,
});
export type ClaimInput = z.infer<typeof ClaimInput>;

export const PageInput = z.object({
  biography: optionalText(MAX_BIOGRAPHY),
  visibility: z.enum(memorialVisibilities),
});
export type PageInput = z.infer<typeof PageInput>;

export const TributeInput = z
  .object({
    kind: z.enum(tributeKinds),
    message: optionalText(MAX_MESSAGE),
    writer_name: optionalText(30),
    request_id: requiredText(64),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'message' && !v.message)
      ctx.addIssue({ code: 'custom', path: ['message'], message: 'errors.message_required' });
  });
export type TributeInput = z.infer<typeof TributeInput>;

export const DecisionInput = z.object({ decision: z.enum(['approved', 'rejected']) });
export type DecisionInput = z.infer<typeof DecisionInput>;

export const ListQuery = z.object({ q: searchText(30), page: pageParam });

// Input of the custody forms: a fridge, a slot's service state, receiving, moving and releasing a body.
import { z } from 'zod';
import { Id, instant, optionalText, requiredText } from '../http/fields.js';
import { readIdNumber } from '../cases/id-number.js';
import { otherPlaces } from './kinds.js';

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const checkbox = z.preprocess((v) => v === 'on' || v === '1' || v === 'true' || v === true, z.boolean());

/** A fridge and how many numbered slots it has ("A柜, 12 格"). */
export const FridgeInput = z.object({
  name: requiredText(40),
  slots: z.coerce
    .number({ error: 'errors.slot_count' })
    .int({ error: 'errors.slot_count' })
    .min(1, { error: 'errors.slot_count' })
    .max(60, { error: 'errors.slot_count' }),
});
export type FridgeInput = z.infer<typeof FridgeInput>;

/** Out of service needs a reason; back in service needs none. */
export const SlotServiceInput = z
  .object({ out_of_service: checkbox, reason: optionalText(200) })
  .superRefine((v, ctx) => {
    if (v.out_of_service && !v.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'errors.slot_reason_required' });
  });
export type SlotServiceInput = z.infer<typeof SlotServiceInput>;

/** 接收遗体: who received it and when (Asia/Shanghai), who handed it over, the tag, the body's condition. */
export const ReceiveInput = z.object({
  received_by: Id,
  received_at: z.preprocess(blankToUndefined, instant('errors.invalid_datetime')),
  handed_over_by: requiredText(60),
  tag_number: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
    z
      .string()
      .min(1)
      .max(40)
      .regex(/^[0-9A-Z-]+$/, { error: 'errors.tag_format' }),
  ),
  condition_note: optionalText(500),
});
export type ReceiveInput = z.infer<typeof ReceiveInput>;

/** A place is a slot (`slot:<id>`) or one of the other places; `current` is the move the form was drawn from. */
export const MoveInput = z.object({
  place: z
    .string({ error: 'errors.place_required' })
    .trim()
    .regex(new RegExp(`^(slot:\\d{1,10}|${otherPlaces.join('|')})$`), { error: 'errors.place_required' }),
  current: z.preprocess(blankToUndefined, Id.optional()),
  note: optionalText(200),
});
export type MoveInput = z.infer<typeof MoveInput>;

/** 骨灰领取: the recipient, the ID number checked against the original document. */
export const ReleaseInput = z.object({
  recipient_name: requiredText(60),
  recipient_relationship: requiredText(20),
  recipient_id_number: z
    .string({ error: 'errors.required' })
    .trim()
    .min(1)
    .max(40)
    .superRefine((v, ctx) => {
      const facts = readIdNumber(v);
      if ('problem' in facts) ctx.addIssue({ code: 'custom', message: `errors.id_number_${facts.problem}` });
    }),
  original_verified: checkbox.refine((v) => v, { error: 'errors.original_not_verified' }),
  note: optionalText(200),
});
export type ReleaseInput = z.infer<typeof ReleaseInput>;

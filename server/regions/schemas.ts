// Input of the regions pages: the bureau's correction of one unit's kind.
import { z } from 'zod';
import { requiredText } from '../http/validate.js';
import { villageKinds } from './levels.js';

/** A village-level unit's 12-digit code in a path. */
export const VillageCode = z.string().regex(/^\d{12}$/);

/** The correction form: the new kind and why (kept with the correction and in the audit log). */
export const KindInput = z.object({
  kind: z.enum(villageKinds, { error: 'errors.region_kind_choice' }),
  reason: requiredText(200),
});
export type KindInput = z.infer<typeof KindInput>;

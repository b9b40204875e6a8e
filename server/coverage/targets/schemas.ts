// Input of the targets pages: a target typed as a percent for a region, indicator and year.
import { z } from 'zod';
import { optionalText } from '../../http/validate.js';
import { halfWidth, Year } from '../figures/schemas.js';
import { targetIndicators } from '../indicators/kinds.js';

/**
 * A rate typed as a percent → a fraction, by integer arithmetic on tenths of a percent so that "30.5" is exactly
 * 305/1000: "30", "30.5", "30%", "１００" are accepted; a second decimal, a minus sign or more than 100 are not.
 */
export function percentToFraction(text: string): { rate: number } | { error: string } {
  const v = halfWidth(text).replace(/\s*%$/, '');
  if (v === '') return { error: 'errors.required' };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) return { error: 'errors.target_rate_format' };
  if ((m[2] ?? '').length > 1) return { error: 'errors.target_rate_decimals' };
  const tenths = Number(m[1]) * 10 + Number(m[2] ?? '0');
  if (tenths > 1000) return { error: 'errors.target_rate_range' };
  return { rate: tenths / 1000 };
}

const Percent = z
  .preprocess((v) => (v === undefined || v === null ? '' : v), z.string())
  .transform((v, ctx) => {
    const r = percentToFraction(v);
    if ('error' in r) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.rate;
  });

/** The target form. `region` is the picker's deepest choice (see pickedCode), `rate` a percent as typed. */
export const TargetInput = z
  .object({
    region: z
      .string({ error: 'errors.target_region_required' })
      .regex(/^(\d{2}|\d{4}|\d{6}|\d{9})$/, { error: 'errors.target_region_required' }),
    indicator: z.enum(targetIndicators, { error: 'errors.invalid_choice' }),
    year: Year,
    rate: Percent,
    source: optionalText(200),
  })
  .transform(({ source, ...rest }) => ({ ...rest, source: source ?? null }));
export type TargetInput = z.infer<typeof TargetInput>;

/** Filters of the targets list: the region (prefix) and indicator. */
export const TargetQuery = z.object({
  indicator: z.enum(targetIndicators).optional().catch(undefined),
});

// Input of the report settings page: the region, and the issuing office, head, reviewer and phone its reports carry.
import { z } from 'zod';
import { optionalText } from '../http/fields.js';
import { normalisePhone } from '../cases/phone.js';

/** Regions that keep report settings: the country's provinces, cities and counties (2, 4 or 6 digits). */
export const SettingsRegion = z
  .string({ error: 'errors.report_settings_region' })
  .regex(/^(\d{2}|\d{4}|\d{6})$/, { error: 'errors.report_settings_region' });

/**
 * An office telephone: a landline with its area code or a mobile, as server/cases/phone.ts reads them, with an
 * optional extension after 转 (0858-8221234转801); → the stored form, the extension kept after 转.
 */
export function officePhone(raw: string): string | undefined {
  const m = /^(.*?)(?:\s*(?:转|ext\.?|x)\s*(\d{1,6}))?$/i.exec(raw.trim());
  if (!m || !m[1]) return undefined;
  const phone = normalisePhone(m[1]);
  if (!phone) return undefined;
  return m[2] ? `${phone.normalised}转${m[2]}` : phone.normalised;
}

const Phone = optionalText(30).transform((v, ctx) => {
  if (v === undefined) return null;
  const phone = officePhone(v);
  if (!phone) {
    ctx.addIssue({ code: 'custom', message: 'errors.report_settings_phone' });
    return z.NEVER;
  }
  return phone;
});

const text = (max: number) => optionalText(max).transform((v) => v ?? null);

/** The settings form: every field may be left empty (the report then leaves a line to fill in by hand). */
export const SettingsInput = z.object({
  region: SettingsRegion,
  issuer: text(60),
  head: text(30),
  reviewer: text(30),
  phone: Phone,
});
export type SettingsInput = z.infer<typeof SettingsInput>;

/** Clearing a region's own settings names the region. */
export const ClearInput = z.object({ region: SettingsRegion });

// Inputs of the waiver pages: a policy (new or a new version), a group list import, a declaration at intake.
import { z } from 'zod';
import { isoDate, optionalText, requiredText } from '../http/fields.js';
import { matchKinds } from './kinds.js';

const MAX_CAP_FEN = 100_000_000; // ¥1,000,000: far above any real waiver

/** Yuan as typed (1540, 1,540.00) → integer fen; blank → undefined. */
const yuan = (key: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/[,，\s¥￥]/g, '') || undefined : v),
    z
      .string()
      .regex(/^\d{1,9}(\.\d{1,2})?$/, { error: 'errors.waiver_money_format' })
      .transform((v) => {
        const [i, f = ''] = v.split('.');
        return Number(i) * 100 + Number((f + '00').slice(0, 2));
      })
      .refine((v) => v > 0 && v <= MAX_CAP_FEN, { error: key })
      .optional(),
  );

const count = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() || undefined : v),
  z.coerce
    .number({ error: 'errors.waiver_quantity_format' })
    .int({ error: 'errors.waiver_quantity_format' })
    .min(1, { error: 'errors.waiver_quantity_format' })
    .max(3650, { error: 'errors.waiver_quantity_format' })
    .optional(),
);

const optionalDate = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
  isoDate().optional(),
);

const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

export const PolicyItemInput = z.object({
  match_by: z.enum(matchKinds),
  match_value: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{2,30}$/, { error: 'errors.waiver_item_format' }),
  cap_fen: yuan('errors.waiver_cap_range'),
  quantity_cap: count,
});
export type PolicyItemInput = z.infer<typeof PolicyItemInput>;

export const PolicyInput = z
  .object({
    name: requiredText(100),
    region_code: z
      .string()
      .trim()
      .regex(/^\d{4}(\d{2})?$/, { error: 'errors.waiver_region_level' })
      .optional(),
    valid_from: isoDate(),
    valid_to: optionalDate,
    effective_from: optionalDate,
    total_cap_fen: yuan('errors.waiver_cap_range'),
    green_reward_fen: yuan('errors.waiver_cap_range'),
    note: optionalText(500),
    groups: z.preprocess(list, z.array(z.string().max(30)).min(1, { error: 'errors.waiver_groups_required' })),
    base_version: z.coerce.number().int().min(0).optional(),
    items: z.preprocess(
      (v) => (Array.isArray(v) ? v : v && typeof v === 'object' ? Object.values(v) : []),
      z
        .array(z.record(z.string(), z.unknown()))
        .max(30)
        .transform((rows) => rows.filter((r) => String(r.match_value ?? '').trim() !== ''))
        .pipe(z.array(PolicyItemInput).min(1, { error: 'errors.waiver_items_required' })),
    ),
  })
  .refine((v) => !v.valid_to || v.valid_to >= v.valid_from, {
    path: ['valid_to'],
    error: 'errors.waiver_period_reversed',
  });
export type PolicyInput = z.infer<typeof PolicyInput>;

export const ListImportInput = z.object({
  group_code: z.string().trim().min(1).max(30),
  csv: z.string().min(1, { error: 'errors.waiver_csv_required' }).max(5_000_000),
  file_name: optionalText(200),
  confirm: z.preprocess((v) => v === '1' || v === 'true' || v === true, z.boolean()).optional(),
});
export type ListImportInput = z.infer<typeof ListImportInput>;

export const DeclarationInput = z.object({
  group_code: z.string().trim().min(1).max(30),
  certificate_no: requiredText(40),
});
export type DeclarationInput = z.infer<typeof DeclarationInput>;

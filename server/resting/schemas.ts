// Input of resting places: a range of columbarium walls, a cemetery section, a hold, a block, the hold setting.
import { z } from 'zod';
import { optionalText, requiredText } from '../http/fields.js';
import { MAX_ASH_GRAVE_M2, plotTypes } from './kinds.js';

const count = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
    z.number({ error: 'errors.required' }).int({ error: 'errors.whole_number' }).min(1).max(max),
  );
const optionalCount = (max: number) =>
  z.preprocess((v) => (v === '' || v === undefined || v === null ? undefined : v), count(max).optional());

const yes = z.preprocess((v) => v === '1' || v === 'on' || v === true, z.boolean());

/** 骨灰堂: hall A, walls 1–12, 10 rows × 20 columns; an optional tier for a row range (rows 4–7 优选). */
export const WallRangeInput = z
  .object({
    hall: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
      z.string().regex(/^[A-Z]{1,3}$/, { error: 'errors.hall_format' }),
    ),
    wall_from: count(99),
    wall_to: count(99),
    rows: count(99),
    columns: count(99),
    tier: requiredText(20),
    special_tier: optionalText(20),
    special_from: optionalCount(99),
    special_to: optionalCount(99),
    term_years: count(99),
    confirm: yes,
  })
  .superRefine((v, ctx) => {
    if (v.wall_to < v.wall_from) ctx.addIssue({ code: 'custom', path: ['wall_to'], message: 'errors.range_backwards' });
    if (v.special_tier) {
      if (v.special_from === undefined)
        ctx.addIssue({ code: 'custom', path: ['special_from'], message: 'errors.required' });
      if (v.special_to === undefined)
        ctx.addIssue({ code: 'custom', path: ['special_to'], message: 'errors.required' });
      if (v.special_from !== undefined && v.special_to !== undefined) {
        if (v.special_to < v.special_from)
          ctx.addIssue({ code: 'custom', path: ['special_to'], message: 'errors.range_backwards' });
        else if (v.special_to > v.rows)
          ctx.addIssue({ code: 'custom', path: ['special_to'], message: 'errors.tier_rows_outside' });
      }
    }
  });
export type WallRangeInput = z.infer<typeof WallRangeInput>;

/** 墓区: a section of rows × plots of one type, area and use term. */
export const SectionInput = z
  .object({
    code: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
      z.string().regex(/^[A-Z0-9]{1,6}$/, { error: 'errors.section_code_format' }),
    ),
    name: optionalText(40),
    rows: count(99),
    columns: count(99),
    place_type: z.enum(plotTypes, { error: 'errors.invalid_choice' }),
    area_m2: z.preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v),
      z
        .number({ error: 'errors.area_invalid' })
        .positive({ error: 'errors.area_invalid' })
        .max(100, { error: 'errors.area_invalid' }),
    ),
    tier: optionalText(20),
    term_years: count(99),
    confirm: yes,
  })
  .superRefine((v, ctx) => {
    // 单穴、双穴骨灰墓占地不超过 1 平方米: named here and refused by the database too.
    if ((v.place_type === 'single' || v.place_type === 'double') && v.area_m2 > MAX_ASH_GRAVE_M2)
      ctx.addIssue({ code: 'custom', path: ['area_m2'], message: 'errors.ash_grave_over_1m2' });
  });
export type SectionInput = z.infer<typeof SectionInput>;

export const BlockInput = z.object({ reason: requiredText(200) });
export type BlockInput = z.infer<typeof BlockInput>;

export const HoldSettingInput = z.object({ hold_hours: count(720) });
export type HoldSettingInput = z.infer<typeof HoldSettingInput>;

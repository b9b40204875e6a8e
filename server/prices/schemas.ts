// Price list input: the staff form (price typed in yuan) and the public API's date query.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { MAX_YEAR, MIN_YEAR, requiredText } from '../http/fields.js';

export const priceCategories = ['basic', 'optional'] as const;
export type PriceCategory = (typeof priceCategories)[number];

// 基本殡葬服务: the government-priced services a waiver policy may cover, in the order a price list shows them.
export const basicKinds = ['transport', 'refrigeration', 'cremation', 'ash_storage', 'urn'] as const;
export type BasicKind = (typeof basicKinds)[number];

export const priceUnits = ['time', 'day', 'year', 'piece'] as const;
export type PriceUnit = (typeof priceUnits)[number];

/** The price column is a 32-bit integer of fen; no funeral-home service comes near ¥10 million. */
export const MAX_PRICE_FEN = 999_999_999;

const FULL_WIDTH = /[０-９，．]/g;

/**
 * What a clerk types as a price in yuan → integer fen, by string arithmetic so that "0.29" is 29 fen and never
 * 28.999…: "850", "1,234.50", "¥300", "１２０元" (full-width from a Chinese input method) are accepted; a minus
 * sign, a third decimal or a misplaced comma are not.
 */
export function yuanToFen(text: string): { fen: number } | { error: string } {
  const v = text
    .trim()
    .replace(FULL_WIDTH, (c) => (c === '，' ? ',' : c === '．' ? '.' : String.fromCharCode(c.charCodeAt(0) - 0xfee0)))
    .replace(/^[¥￥]\s*/, '')
    .replace(/\s*元$/, '');
  if (v === '') return { error: 'errors.required' };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) return { error: 'errors.price_format' };
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return { error: 'errors.price_decimals' };
  const whole = m[1].replace(/,/g, '').replace(/^0+(?=\d)/, '');
  if (whole.length > 7) return { error: 'errors.price_too_big' };
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (fen > MAX_PRICE_FEN) return { error: 'errors.price_too_big' };
  return { fen };
}

/** fen → the yuan a form shows back: 123450 → "1234.50" (no separator, so it parses again unchanged). */
export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** A calendar date 'YYYY-MM-DD' that exists (no 2026-02-30), in 1900–2100. */
export const IsoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'errors.price_date_format' })
  .refine(
    (v) => {
      const d = DateTime.fromISO(v);
      return d.isValid && d.year >= MIN_YEAR && d.year <= MAX_YEAR;
    },
    { error: 'errors.price_date_format' },
  );

const Yuan = z.string().transform((v, ctx) => {
  const r = yuanToFen(v);
  if ('error' in r) {
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  }
  return r.fen;
});

export const PriceCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9_-]{2,30}$/, { error: 'errors.price_code_format' });

/** The staff form. `price` is yuan as typed; the result carries price_fen. */
export const PriceItemInput = z
  .object({
    code: PriceCode,
    name_zh: requiredText(60),
    name_en: requiredText(100),
    category: z.enum(priceCategories),
    basic_kind: z.preprocess(blankToUndefined, z.enum(basicKinds).optional()),
    unit: z.enum(priceUnits),
    price: z.preprocess((v) => (v === undefined || v === null ? '' : v), Yuan),
    valid_from: IsoDate,
    valid_to: z.preprocess(blankToUndefined, IsoDate.optional()),
  })
  .transform(({ price, basic_kind, valid_to, ...rest }) => ({
    ...rest,
    basic_kind: basic_kind ?? null,
    price_fen: price,
    valid_to: valid_to ?? null,
  }));
export type PriceItemInput = z.infer<typeof PriceItemInput>;

/** 停用自某日: the first day the price no longer applies. */
export const EndInput = z.object({ stop_from: IsoDate });
export type EndInput = z.infer<typeof EndInput>;

/** ?date= on the list pages and the API; without it, today in Asia/Shanghai. */
export const DateQuery = z.object({ date: z.preprocess(blankToUndefined, IsoDate.optional()) });

// Registry input: the facility form (also each row of a CSV import), a status change, the list query.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { MAX_YEAR, MIN_YEAR, optionalText, requiredText, searchText } from '../http/fields.js';
import { buildModes, facilityKinds, facilityStatuses, type BuildMode, type FacilityKind } from './kinds.js';

/** Investment column: bigint of fen; no facility comes near ¥100 billion, and the bound keeps it a safe JS integer. */
export const MAX_INVESTMENT_FEN = 9_999_999_999_999;
/** Capacity columns are 32-bit integers. */
export const MAX_CAPACITY = 10_000_000;

const FULL_WIDTH = /[０-９，．－]/g;
const halfWidth = (v: string) =>
  v.replace(
    FULL_WIDTH,
    (c) =>
      (({ '，': ',', '．': '.', '－': '-' }) as Record<string, string>)[c] ??
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
  );

/**
 * Yuan as typed → integer fen by string arithmetic ("0.29" is 29 fen, never 28.999…): "3500000", "3,500,000.50",
 * "¥120", "１２０元". A minus sign, a third decimal or a misplaced comma are refused.
 */
export function yuanToFen(text: string): { fen: number } | { error: string } {
  const v = halfWidth(text.trim())
    .replace(/^[¥￥]\s*/, '')
    .replace(/\s*元$/, '');
  if (v === '') return { error: 'errors.required' };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(v);
  if (!m) return { error: 'errors.facility_investment_format' };
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return { error: 'errors.facility_investment_decimals' };
  const whole = m[1].replace(/,/g, '').replace(/^0+(?=\d)/, '');
  if (whole.length > 11) return { error: 'errors.facility_investment_too_big' };
  const fen = Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
  if (fen > MAX_INVESTMENT_FEN) return { error: 'errors.facility_investment_too_big' };
  return { fen };
}

/** fen → yuan as a form and the CSV show it: 350000050 → "3500000.50" (no separators, so it parses back unchanged). */
export function fenToYuan(fen: number): string {
  return `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
const blankToUndefined = (v: unknown) => (blank(v) ? undefined : typeof v === 'string' ? halfWidth(v.trim()) : v);

/** A calendar date 'YYYY-MM-DD' that exists, in 1900–2100 (a typo such as 0202 or 2206 is caught). */
export const IsoDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'errors.facility_date_format' })
  .refine(
    (v) => {
      const d = DateTime.fromISO(v);
      return d.isValid && d.year >= MIN_YEAR && d.year <= MAX_YEAR;
    },
    { error: 'errors.facility_date_format' },
  );

const Capacity = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^\d+$/, { error: 'errors.facility_capacity_format' })
    .transform(Number)
    .refine((n) => n <= MAX_CAPACITY, { error: 'errors.facility_capacity_too_big' })
    .optional(),
);

const Investment = z.preprocess(
  blankToUndefined,
  z
    .string()
    .transform((v, ctx) => {
      const r = yuanToFen(v);
      if ('error' in r) {
        ctx.addIssue({ code: 'custom', message: r.error });
        return z.NEVER;
      }
      return r.fen;
    })
    .optional(),
);

const coordinate = (min: number, max: number, key: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(/^-?\d{1,3}(\.\d{1,8})?$/, { error: 'errors.facility_coordinate_format' })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error: key })
      .optional(),
  );

/** A choice left empty is required; anything else typed (a CSV cell) is not one of the codes or names. */
const choice = (required: string, unknown: string) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null || issue.input === '' ? required : unknown,
});

/** A region code as stored: 2, 4, 6, 9 or 12 digits. */
export const regionCode = /^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/;

/** Service-area codes typed or pasted: separated by spaces, commas, semicolons or new lines (any width). */
export function splitCodes(text: string): string[] {
  return halfWidth(text)
    .split(/[\s,;，；、]+/)
    .map((c) => c.trim())
    .filter(Boolean);
}

const Phone = z.preprocess(
  blankToUndefined,
  z
    .string()
    .max(30, { error: 'errors.facility_phone_format' })
    .regex(/^[0-9+()\- 转]+$/, { error: 'errors.facility_phone_format' })
    .optional(),
);

/**
 * One facility as a clerk gives it, from the form or a CSV row. `region` is the code where it stands (the picker's
 * deepest choice or the CSV's region_code); `areas` the service-area codes. Rules across fields (build mode,
 * coordinates in pairs, the regions existing) are checked by the service, which reads the division tree.
 */
export const FacilityInput = z
  .object({
    name: requiredText(100),
    kind: z.enum(facilityKinds, choice('errors.facility_kind_required', 'errors.facility_kind_unknown')),
    region: z.preprocess(
      (v) => (blank(v) ? '' : v),
      z
        .string()
        .trim()
        .min(1, { error: 'errors.facility_region_required' })
        .regex(regionCode, { error: 'errors.region_code_format' }),
    ),
    address: optionalText(200),
    phone: Phone,
    lng: coordinate(73, 136, 'errors.facility_lng_range'),
    lat: coordinate(3, 54, 'errors.facility_lat_range'),
    niche_capacity: Capacity,
    plot_capacity: Capacity,
    investment: Investment,
    build_mode: z.preprocess(
      blankToUndefined,
      z.enum(buildModes, choice('errors.invalid_choice', 'errors.facility_build_mode_unknown')).optional(),
    ),
    // Format and existence of each code are checked with the other area rules (service.ts), which name the bad codes.
    areas: z
      .array(z.string().trim())
      .default([])
      .transform((codes) => [...new Set(codes.filter(Boolean))].sort()),
    note: optionalText(500),
  })
  .transform((v) => ({
    name: v.name,
    kind: v.kind,
    region_code: v.region,
    address: v.address ?? null,
    phone: v.phone ?? null,
    lng: v.lng ?? null,
    lat: v.lat ?? null,
    niche_capacity: v.niche_capacity ?? null,
    plot_capacity: v.plot_capacity ?? null,
    investment_fen: v.investment ?? null,
    build_mode: v.build_mode ?? null,
    areas: v.areas,
    note: v.note ?? null,
  }));
export type FacilityInput = z.infer<typeof FacilityInput>;

/** What the rules across fields read (service.ts, facilityProblems). */
export interface FacilityShape {
  kind: FacilityKind | null;
  /** '' when none or unreadable. */
  region_code: string;
  build_mode: BuildMode | null;
  areas: string[];
  lng: unknown;
  lat: unknown;
}

/**
 * The same, read from input that may have failed its own checks (an unreadable part is null), so that a clerk hears
 * about a wrong build mode together with a mistyped investment rather than one after the other.
 */
export function shapeOf(raw: Record<string, unknown>): FacilityShape {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const kind = z.enum(facilityKinds).safeParse(text(raw.kind));
  const mode = z.enum(buildModes).safeParse(text(raw.build_mode));
  const region = text(raw.region);
  return {
    kind: kind.success ? kind.data : null,
    region_code: regionCode.test(region) ? region : '',
    build_mode: mode.success ? mode.data : null,
    areas: Array.isArray(raw.areas) ? [...new Set(raw.areas.map(text).filter(Boolean))].sort() : [],
    lng: blank(raw.lng) ? null : raw.lng,
    lat: blank(raw.lat) ? null : raw.lat,
  };
}

/** A status with the day it takes effect: the first one when a facility is created, or a later change. */
export const StatusInput = z
  .object({
    status: z.enum(facilityStatuses, choice('errors.facility_status_required', 'errors.facility_status_unknown')),
    effective_on: z.preprocess(
      (v) => (blank(v) ? '' : v),
      z.string().min(1, { error: 'errors.facility_date_required' }).pipe(IsoDate),
    ),
    status_note: optionalText(200),
  })
  .transform((v) => ({ status: v.status, effective_on: v.effective_on, note: v.status_note ?? null }));
export type StatusInput = z.infer<typeof StatusInput>;

/** The list page's filters; a bad value is dropped rather than refused. */
export const ListQuery = z.object({
  kind: z.enum(facilityKinds).optional().catch(undefined),
  status: z.enum(facilityStatuses).optional().catch(undefined),
  q: searchText(50),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});
export type ListQuery = z.infer<typeof ListQuery>;

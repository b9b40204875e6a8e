// What the visit forms and the JSON API accept: bounded, trimmed, and refused per field with a message key.
import { z } from 'zod';
import { normaliseIdNumber, readIdNumber } from '../cases/id-number.js';
import { normalisePhone } from '../cases/phone.js';
import { Id, isoDate, optionalText, requiredText } from '../http/fields.js';
import { settingBounds } from './kinds.js';

const blankToUndefined = (v: unknown) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v);

/** A mainland mobile number (the code's SMS-able holder), stored as 11 digits. */
export const MobilePhone = z
  .string({ error: 'errors.visit_phone_invalid' })
  .max(30, { error: 'errors.visit_phone_invalid' })
  .transform((v, ctx) => {
    const p = normalisePhone(v);
    if (!p || p.kind !== 'mobile') {
      ctx.addIssue({ code: 'custom', message: 'errors.visit_phone_invalid' });
      return z.NEVER;
    }
    return p.normalised;
  });

/** A confirmation code as families type it: case, spaces and hyphens do not matter. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const CODE_LENGTH = 8;
export const normaliseCode = (raw: string) => raw.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
export const VisitCode = z
  .string({ error: 'errors.visit_code_invalid' })
  .max(40, { error: 'errors.visit_code_invalid' })
  .transform(normaliseCode)
  .refine((v) => new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`).test(v), { error: 'errors.visit_code_invalid' });

const IdNumber = z
  .string()
  .max(60)
  .transform(normaliseIdNumber)
  .superRefine((v, ctx) => {
    const facts = readIdNumber(v);
    if ('problem' in facts) ctx.addIssue({ code: 'custom', message: `errors.id_number_${facts.problem}` });
  });

/** Mainland plates: a province's character, a letter, then five (or six, new energy) letters and digits. */
const CarPlate = z
  .string()
  .max(20)
  .transform((v) =>
    v
      .normalize('NFKC')
      .replace(/[\s·・.-]/g, '')
      .toUpperCase(),
  )
  .refine((v) => /^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$/.test(v), { error: 'errors.visit_car_plate_invalid' });

const partySize = z.coerce
  .number({ error: 'errors.visit_party_size_invalid' })
  .int({ error: 'errors.visit_party_size_invalid' })
  .min(1, { error: 'errors.visit_party_size_invalid' })
  .max(20, { error: 'errors.visit_party_size_invalid' });

/** A reservation as a family (or a staff member for them) fills it in. */
export const ReservationInput = z.object({
  name: requiredText(40),
  phone: MobilePhone,
  party_size: partySize,
  id_number: z.preprocess(blankToUndefined, IdNumber.optional()),
  visiting: optionalText(60),
  car_plate: z.preprocess(blankToUndefined, CarPlate.optional()),
});
export type ReservationInput = z.infer<typeof ReservationInput>;

/** Looking up or cancelling a reservation: the code and the phone it was booked with. */
export const CodeAndPhone = z.object({ code: VisitCode, phone: MobilePhone });

export const CancelInput = z.object({ phone: MobilePhone });

const hhmm = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'errors.visit_time_invalid' });

/** "08:00-10:00" lines (also with – or ～ or 至), one window per line. */
export const WindowTimes = z
  .string()
  .max(2000)
  .transform((v, ctx) => {
    const out: { start: string; end: string }[] = [];
    for (const line of v.split(/[\r\n,，;；]+/).map((l) => l.trim())) {
      if (!line) continue;
      const m = /^(\d{1,2}:\d{2})\s*(?:-|–|—|~|～|至|到)\s*(\d{1,2}:\d{2})$/.exec(line.normalize('NFKC'));
      const pad = (t: string) => t.padStart(5, '0');
      if (!m || !hhmm.safeParse(pad(m[1])).success || !hhmm.safeParse(pad(m[2])).success || pad(m[1]) >= pad(m[2])) {
        ctx.addIssue({ code: 'custom', message: 'errors.visit_time_invalid', params: { line } });
        return z.NEVER;
      }
      out.push({ start: pad(m[1]), end: pad(m[2]) });
    }
    if (out.length === 0 || out.length > 12) {
      ctx.addIssue({ code: 'custom', message: 'errors.visit_times_count' });
      return z.NEVER;
    }
    const sorted = [...out].sort((a, b) => a.start.localeCompare(b.start));
    for (let i = 1; i < sorted.length; i++)
      if (sorted[i].start < sorted[i - 1].end) {
        ctx.addIssue({ code: 'custom', message: 'errors.visit_times_overlap' });
        return z.NEVER;
      }
    return sorted;
  });

const capacity = z.coerce
  .number({ error: 'errors.visit_capacity_invalid' })
  .int({ error: 'errors.visit_capacity_invalid' })
  .min(1, { error: 'errors.visit_capacity_invalid' })
  .max(100_000, { error: 'errors.visit_capacity_invalid' });

/** Dates as a list: "2027-04-03 2027-04-04" or one per line. */
const DateList = z
  .string()
  .max(2000)
  .transform((v, ctx) => {
    const out: string[] = [];
    for (const d of v.split(/[\s,，;；]+/).filter(Boolean)) {
      if (!isoDate().safeParse(d).success) {
        ctx.addIssue({ code: 'custom', message: 'errors.visit_peak_dates_invalid' });
        return z.NEVER;
      }
      out.push(d);
    }
    return out;
  });

/** Windows made in bulk: every day from → to, each of the daily times, with a capacity (another on peak days). */
export const GenerateInput = z
  .object({
    facility_id: Id,
    from: isoDate(),
    to: isoDate(),
    times: WindowTimes,
    capacity,
    peak_capacity: z.preprocess(blankToUndefined, capacity.optional()),
    peak_dates: z.preprocess((v) => v ?? '', DateList),
  })
  .superRefine((v, ctx) => {
    if (v.to < v.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'errors.visit_to_before_from' });
    if (v.peak_dates.length > 0 && v.peak_capacity === undefined)
      ctx.addIssue({ code: 'custom', path: ['peak_capacity'], message: 'errors.visit_peak_capacity_missing' });
  });
export type GenerateInput = z.infer<typeof GenerateInput>;

const bounded = (name: keyof typeof settingBounds) =>
  z.coerce
    .number({ error: `errors.visit_setting_${name}` })
    .int({ error: `errors.visit_setting_${name}` })
    .min(settingBounds[name][0], { error: `errors.visit_setting_${name}` })
    .max(settingBounds[name][1], { error: `errors.visit_setting_${name}` });

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean());

export const SettingsInput = z.object({
  open_percent: bounded('open_percent'),
  book_ahead_days: bounded('book_ahead_days'),
  max_per_phone_day: bounded('max_per_phone_day'),
  id_required: checkbox,
  max_per_id_day: bounded('max_per_id_day'),
  max_party_size: bounded('max_party_size'),
  has_parking: checkbox,
});

/** A window's new capacity: down to what is booked (the store refuses less), or 0 when nothing is booked. */
export const CapacityInput = z.object({
  capacity: z.coerce
    .number({ error: 'errors.visit_capacity_invalid' })
    .int({ error: 'errors.visit_capacity_invalid' })
    .min(0, { error: 'errors.visit_capacity_invalid' })
    .max(100_000, { error: 'errors.visit_capacity_invalid' }),
});

// Bounded zod building blocks for every schema: ids, money, dates, instants and text that the database can store.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { zone } from '../time.js';

/** Id columns are 32-bit integers: a larger number can name no row, and PostgreSQL refuses to compare with it. */
export const MAX_ID = 2_147_483_647;
/** Money columns are 32-bit integers of fen; no amount the platform records comes near ¥10 million. */
export const MAX_FEN = 1_000_000_000;
/** Dates and instants outside these years are typos (0202, 20260) or attacks (+275760), never a record. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2100;

const blankToUndefined = (v: unknown) => (v === null || (typeof v === 'string' && v.trim() === '') ? undefined : v);

/** C0 controls but tab, line feed and carriage return (a textarea's), DEL and C1 controls: PostgreSQL refuses NUL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** A positive id that fits the id columns: a number (JSON) or digits (forms, query strings); `key` names the message. */
export const id = (key = 'errors.id_format', missing = key === 'errors.id_format' ? 'errors.required' : key) =>
  z.unknown().transform((v, ctx) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,10}\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > MAX_ID) {
      ctx.addIssue({ code: 'custom', message: v === undefined || v === null || v === '' ? missing : key });
      return z.NEVER;
    }
    return n;
  });
export const Id = id();
export const optionalId = z.preprocess(blankToUndefined, Id.optional());

/** An id in a route parameter or a filter: a bad one is treated as absent by the caller (404 or default). */
export function idOrUndefined(v: unknown): number | undefined {
  const r = Id.safeParse(v);
  return r.success ? r.data : undefined;
}
/** The same as a field of a query schema. */
export const idOrNone = z.unknown().transform(idOrUndefined).optional();

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !CONTROL.test(v), { error: 'errors.control_characters' });

/** Typed text, trimmed; control characters (NUL among them) are refused with a field message. */
export const requiredText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().min(1).pipe(text(max)));
export const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    text(max).optional(),
  );

/** A search box: trimmed, blank or repeated is "not given"; control characters and overlong text are refused. */
export const searchText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : undefined), text(max).optional());

/** A calendar date 'YYYY-MM-DD' that exists, in years MIN_YEAR–MAX_YEAR. `key` names the message. */
export const isoDate = (key = 'errors.date_invalid') =>
  z
    .string({ error: key })
    .trim()
    .refine(
      (v) => {
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
        const d = DateTime.fromISO(v, { zone });
        return d.isValid && d.year >= MIN_YEAR && d.year <= MAX_YEAR;
      },
      { error: key },
    );

/**
 * An instant: 'YYYY-MM-DDTHH:mm[:ss]' from a datetime-local field is Asia/Shanghai time, an ISO string with an offset
 * or Z is taken as is; → UTC ISO with milliseconds. Years outside MIN_YEAR–MAX_YEAR are refused, and so is
 * '+275760-09-13T00:00:00Z' (the last day a JavaScript Date holds), which sorts before any real date as a string.
 */
export const instant = (key = 'errors.datetime_invalid', opts: { offsetRequired?: boolean } = {}) =>
  z
    .string({ error: key })
    .trim()
    .transform((v, ctx) => {
      const withOffset = /[zZ]|[+-]\d{2}:?\d{2}$/.test(v);
      const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([zZ]|[+-]\d{2}:?\d{2})?$/;
      const d =
        !shape.test(v) || (opts.offsetRequired && !withOffset)
          ? undefined
          : withOffset
            ? DateTime.fromISO(v, { setZone: true })
            : DateTime.fromISO(v, { zone });
      // The year as written: 1900-01-01T08:00 in Shanghai (local mean time then, +08:05:43) is 1899 in UTC.
      if (!d || !d.isValid || d.year < MIN_YEAR || d.year > MAX_YEAR) {
        ctx.addIssue({ code: 'custom', message: key });
        return z.NEVER;
      }
      return d.toUTC().toISO()!;
    });

// How values are shown: Asia/Shanghai time the Chinese way, money from fen, rates as percents, personal data masked.
import { DateTime } from 'luxon';
import type { Lang } from '../i18n/types.js';
import { inShanghai, shanghaiClock, zone } from '../time.js';

const money = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 });

/** 123450 fen → "¥1,234.50" */
export function formatMoney(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  return money.format(fen / 100);
}

/** What `Date.prototype.toISOString` writes, as the app stores and hands back instants. */
const CANONICAL_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** An instant, shown in Asia/Shanghai: 2026年11月25日 14:05 / 2026-11-25 14:05 */
export function formatDateTime(v: string | Date | null | undefined, lang: Lang): string {
  if (!v) return '';
  // Since 1992 Shanghai's offset is a fixed +08:00: an instant in the canonical form needs no zone lookup (luxon's,
  // a few percent of a page that prints its time). Anything else goes the general way below.
  const clock =
    v instanceof Date
      ? shanghaiClock(v.getTime())
      : CANONICAL_INSTANT.test(v)
        ? shanghaiClock(Date.parse(v))
        : undefined;
  if (clock) {
    const [y, m, d, hh, mm] = [
      clock.getUTCFullYear(),
      clock.getUTCMonth() + 1,
      clock.getUTCDate(),
      clock.getUTCHours(),
      clock.getUTCMinutes(),
    ];
    return lang === 'zh-CN'
      ? `${y}年${m}月${d}日 ${two(hh)}:${two(mm)}`
      : `${y}-${two(m)}-${two(d)} ${two(hh)}:${two(mm)}`;
  }
  const d = inShanghai(v);
  if (!d.isValid) return '';
  return d.toFormat(lang === 'zh-CN' ? 'yyyy年M月d日 HH:mm' : 'yyyy-MM-dd HH:mm');
}

const CALENDAR_DATE = /^(\d{4})-(\d\d)-(\d\d)/;
const leap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** A calendar date 'YYYY-MM-DD' (no time zone): 2026年11月25日 / 2026-11-25 */
export function formatDate(v: string | null | undefined, lang: Lang): string {
  if (!v) return '';
  // A calendar date needs no time zone: its own digits, checked to be a real day (no 2026-02-30), without luxon's
  // zone lookup (a wall page's list of contracts spent 3 % of its time there). Other forms go the general way below.
  const m = CALENDAR_DATE.exec(v);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const day = new Date(Date.UTC(2000, mo - 1, d));
    if (mo >= 1 && mo <= 12 && d >= 1 && day.getUTCMonth() === mo - 1 && (mo !== 2 || d < 29 || leap(y)))
      return lang === 'zh-CN' ? `${m[1]}年${mo}月${d}日` : `${m[1]}-${m[2]}-${m[3]}`;
  }
  const d = DateTime.fromISO(v.slice(0, 10), { zone });
  if (!d.isValid) return '';
  return d.toFormat(lang === 'zh-CN' ? 'yyyy年M月d日' : 'yyyy-MM-dd');
}

/** 520201199001011234 → 520201********1234 */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  if (id.length <= 10) return '*'.repeat(id.length);
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** 13812345678 → 138****5678; a landline keeps its area code and last three digits: 0858-8221234 → 0858****234 */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  const landline = /^(0\d{2,3})-(\d+)$/.exec(phone);
  if (landline) return `${landline[1]}****${landline[2].slice(-3)}`;
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}

// ## Rates: one figure, one way
// Every rate on a page, the map, the PDF, the CSV and the XLSX reads as a percent with one decimal, rounded half up
// ("88.9%", "80.0%", "0.0%"). Rounding works on decimal digits, never on rate × 1000 in binary, where 0.5025 × 1000
// is 502.49999999999994 and would read 50.2% (201 of 400 villages, which is 50.25%). One exception: a rate short of
// the whole never reads 100.0% (2,499 of 2,500 reads 99.9%), so a region with a unit left to cover never looks done.

/** covered / total in tenths of a percent, half up, by integer arithmetic: 8/9 → 889, 1/16 → 63 (6.25% → 6.3%). */
export function ratioTenths(covered: number, total: number): number {
  const twice = 2000 * covered + total; // (1000·covered + total/2) / total, kept whole
  return short(Math.floor(twice / (2 * total)), covered < total);
}

/** x × 10^shift rounded half up (half away from zero below 0) on x's shortest decimal form, never on x × 10^shift in binary. */
function halfUp(x: number, shift: number): number {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  if (x < 0) return -halfUp(-x, shift);
  if (x === 0) return 0;
  // toExponential() prints the shortest digits that read back as x: 0.5025 → "5.025e-1".
  const [mantissa, exponent] = x.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  // x × 10^shift = digits × 10^places
  const places = Number(exponent) + shift - (digits.length - 1);
  if (places >= 0) return Number(digits + '0'.repeat(places));
  const keep = digits.length + places; // digits before the point
  const whole = keep > 0 ? Number(digits.slice(0, keep)) : 0;
  const next = keep >= 0 ? Number(digits[keep]) : 0;
  return whole + (next >= 5 ? 1 : 0);
}

/**
 * A fraction in tenths of a percent, half up on its shortest decimal form (the digits JavaScript prints, which read
 * back as the same number): 0.8885 → 889, 0.0625 → 63, 0.25 → 250. For covered / total with totals up to millions
 * this equals ratioTenths: such a quotient is either exactly a half (and then its shortest form is that short
 * decimal) or at least 1/(2·total) away from one, far beyond a double's error.
 */
export const rateTenths = (rate: number): number => short(halfUp(rate, 3), rate < 1);

/** 1000 tenths (100.0%) for a rate short of the whole reads 999 (99.9%). */
const short = (tenths: number, isShort: boolean): number => (isShort && tenths === 1000 ? 999 : tenths);

/** Tenths → "88.9". */
export const tenthsText = (tenths: number): string =>
  `${tenths < 0 ? '-' : ''}${Math.floor(Math.abs(tenths) / 10)}.${Math.abs(tenths) % 10}`;

/** A fraction as a percent: 0.8888… → "88.9%", 0.8 → "80.0%"; `none` (default '') for null. */
export function formatRate(rate: number | null | undefined, none = ''): string {
  return rate === null || rate === undefined ? none : `${tenthsText(rateTenths(rate))}%`;
}

/** covered / total as a percent, from the counts: 8 of 9 → "88.9%"; `none` (default '') when total is 0. */
export function formatRatio(covered: number, total: number, none = ''): string {
  return total === 0 ? none : `${tenthsText(ratioTenths(covered, total))}%`;
}

/** The percent figure as a number, one decimal: 0.8888… → 88.9 (for a chart's axis or a spreadsheet cell). */
export const percentNumber = (rate: number): number => rateTenths(rate) / 10;

/** The fraction a rate reads as: 0.8888… → 0.889, so a spreadsheet's "0.0%" cell shows exactly "88.9%". */
export const shownFraction = (rate: number): number => rateTenths(rate) / 1000;

/**
 * How far an actual rate is below its target, in tenths of a percentage point as the figures read: the target's
 * figure minus the actual's (80.0 − 74.7 = 5.3), so the three numbers on a page agree; 0 when met, and at least 1
 * (0.1 points) when behind at all, even where the actual rounds up to the target's figure.
 */
export function gapTenths(actualTenths: number, target: number, met: boolean): number {
  return met ? 0 : Math.max(1, rateTenths(target) - actualTenths);
}

/** Percentage points, one decimal, half up: 5.25 → "5.3". */
export const formatPoints = (points: number): string => tenthsText(halfUp(points, 1));

/** A fraction as a form field shows it back, as typed: 0.8 → "80", 0.305 → "30.5". */
export function percentInput(rate: number): string {
  const tenths = rateTenths(rate);
  return tenths % 10 === 0 ? String(tenths / 10) : tenthsText(tenths);
}

/** An average score with one decimal, half up, from whole-number sums: 17 over 4 → "4.3"; `none` when count is 0. */
export function formatAverage(sum: number, count: number, none = ''): string {
  return count === 0 ? none : tenthsText(Math.floor((20 * sum + count) / (2 * count)));
}

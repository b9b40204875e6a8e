// How values are shown: Asia/Shanghai time the Chinese way, money from fen, personal data masked.
import { DateTime } from 'luxon';
import type { Lang } from '../i18n/types.js';
import { inShanghai, zone } from '../time.js';

const money = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 });

/** 123450 fen → "¥1,234.50" */
export function formatMoney(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '';
  return money.format(fen / 100);
}

/** An instant, shown in Asia/Shanghai: 2026年11月25日 14:05 / 2026-11-25 14:05 */
export function formatDateTime(v: string | Date | null | undefined, lang: Lang): string {
  if (!v) return '';
  const d = inShanghai(v);
  if (!d.isValid) return '';
  return d.toFormat(lang === 'zh-CN' ? 'yyyy年M月d日 HH:mm' : 'yyyy-MM-dd HH:mm');
}

/** A calendar date 'YYYY-MM-DD' (no time zone): 2026年11月25日 / 2026-11-25 */
export function formatDate(v: string | null | undefined, lang: Lang): string {
  if (!v) return '';
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

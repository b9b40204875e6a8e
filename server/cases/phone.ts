// Chinese telephone numbers as families give them: mobiles (13812345678, 138 1234 5678, +86 138-1234-5678) and
// landlines with their area code (0858-8221234, 010 12345678, (0858)8221234, +86 858 8221234), each kept in one form.

export type PhoneKind = 'mobile' | 'landline';

export interface Phone {
  kind: PhoneKind;
  /** 13812345678, or the area code and the number joined by a hyphen: 0858-8221234, 010-12345678. */
  normalised: string;
}

/** Area codes of three digits: Beijing (010) and the large cities 020–029; all others have four. */
const threeDigitArea = /^0(10|2\d)/;

/** A typed number in its stored form, or undefined when it is no mainland mobile or landline. */
export function normalisePhone(raw: string): Phone | undefined {
  // Full-width digits and signs (from a Chinese input method) count as the ASCII ones.
  let s = raw.replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).trim();
  if (!/^[\d\s\-+()]+$/.test(s)) return undefined;
  let international = false;
  const intl = /^(\+|00)\s*86[\s-]*/.exec(s);
  if (intl) {
    international = true;
    s = s.slice(intl[0].length);
  }
  const digits = s.replace(/[\s\-()]/g, '');
  if (!/^\d+$/.test(digits)) return undefined;
  if (/^1[3-9]\d{9}$/.test(digits)) return { kind: 'mobile', normalised: digits };
  // From abroad the area code drops its 0 (+86 858 …); written at home it keeps it.
  const national = international ? (digits.startsWith('0') ? undefined : `0${digits}`) : digits;
  if (!national || !national.startsWith('0') || national.startsWith('00')) return undefined;
  const areaLength = threeDigitArea.test(national) ? 3 : 4;
  const area = national.slice(0, areaLength),
    local = national.slice(areaLength);
  // Local numbers have 8 digits in the three-digit areas, 7 or 8 elsewhere, and never start with 0.
  const localOk = areaLength === 3 ? /^[1-9]\d{7}$/.test(local) : /^[1-9]\d{6,7}$/.test(local);
  return localOk ? { kind: 'landline', normalised: `${area}-${local}` } : undefined;
}

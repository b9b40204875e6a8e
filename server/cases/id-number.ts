// Resident identity card numbers (GB 11643-1999): 6-digit region, 8-digit birth date, 3-digit sequence whose
// parity gives the sex, and an ISO 7064 MOD 11-2 check character.
import { DateTime } from 'luxon';
import { zone } from '../time.js';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export interface IdNumberFacts {
  birthDate: string;
  sex: 'male' | 'female';
}

export type IdNumberProblem = 'format' | 'birth_date' | 'check_digit';

/** The facts an ID number carries, or why it is not a valid one. It is read as normaliseIdNumber writes it. */
export function readIdNumber(raw: string): IdNumberFacts | { problem: IdNumberProblem } {
  const id = normaliseIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(id)) return { problem: 'format' };
  const birth = DateTime.fromFormat(id.slice(6, 14), 'yyyyMMdd', { zone });
  if (!birth.isValid || birth.year < 1880 || birth > DateTime.now().setZone(zone)) return { problem: 'birth_date' };
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return { problem: 'check_digit' };
  return { birthDate: birth.toISODate()!, sex: Number(id[16]) % 2 === 1 ? 'male' : 'female' };
}

/** Spaces of any width and dashes of any kind that clerks type or paste between the groups of digits. */
const SEPARATORS = /[\s\u2010-\u2015\u2212\uFE58\uFE63-]/gu;

/**
 * An ID number as it is stored and compared: full-width digits and letters made ASCII (NFKC: ＸＸ０１２３ → XX0123),
 * spaces and hyphens between the groups taken out, a lower-case x made X. Anything else is left for the check to refuse.
 */
export function normaliseIdNumber(raw: string): string {
  return raw.normalize('NFKC').replace(SEPARATORS, '').toUpperCase();
}

// The secrets of a memorial page: its unguessable address (slug), the family's one-time claim code and the owner's
// management key. Codes and keys are stored as SHA-256 hashes only; they are shown once, when made.
import { createHash, randomBytes } from 'node:crypto';

/** Without 0/O, 1/I/L: a code read over the telephone or typed from paper is read one way. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'.split('');
/** 12 characters of 31: about 59 bits, far beyond what the claim form's rate limit lets anyone try. */
export const CODE_LENGTH = 12;

export const sha256 = (v: string) => createHash('sha256').update(v, 'utf8').digest('hex');

/** 128 random bits, URL-safe: 22 characters. */
export function newSlug(): string {
  return randomBytes(16).toString('base64url');
}

export const isSlug = (v: string) => /^[A-Za-z0-9_-]{22}$/.test(v);

/** 256 random bits, URL-safe: the owner's management key. */
export function newKey(): string {
  return randomBytes(32).toString('base64url');
}

export const isKey = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);

/** A new claim code, unbiased (rejection sampling over random bytes), grouped for reading: ABCD-EFGH-JKMN. */
export function newClaimCode(): string {
  const out: string[] = [];
  while (out.length < CODE_LENGTH) {
    for (const b of randomBytes(CODE_LENGTH * 2)) {
      if (b >= 248) continue; // 248 = 8 × 31: keeps every character equally likely
      out.push(CODE_ALPHABET[b % CODE_ALPHABET.length]);
      if (out.length === CODE_LENGTH) break;
    }
  }
  return `${out.slice(0, 4).join('')}-${out.slice(4, 8).join('')}-${out.slice(8).join('')}`;
}

/** A code as typed (spaces, hyphens, lower case, full-width letters) in its one form, or undefined when it cannot be one. */
export function normaliseClaimCode(raw: string): string | undefined {
  const s = raw
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .toUpperCase()
    .replace(/[\s-]/g, '');
  if (s.length !== CODE_LENGTH || ![...s].every((ch) => CODE_ALPHABET.includes(ch))) return undefined;
  return s;
}

export const hashClaimCode = (normalised: string) => sha256(`claim:${normalised}`);
export const hashKey = (key: string) => sha256(`owner:${key}`);

// Installation-wide values that every process must share, made once by whichever process starts first.
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { getOrCreate } from './store.js';

/** The secret that signs session and CSRF cookies, so a cookie signed by one process is valid on every other. */
export function cookieSecret(db: Knex): Promise<string> {
  return getOrCreate(db, 'cookie_secret', () => randomBytes(32).toString('hex'));
}

// API bearer tokens: shown once at creation, stored as SHA-256, revocable.
import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { nowIso } from '../db.js';
import * as audit from '../audit/service.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import type { User } from './roles.js';
import * as store from './store.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export async function createToken(
  db: Knex,
  actor: audit.Actor | null,
  userId: number,
  label: string,
  ip: string | null,
): Promise<{ id: number; token: string }> {
  const prefix = randomBytes(4).toString('hex');
  const token = `shian_${prefix}_${randomBytes(24).toString('base64url')}`;
  return db.transaction(async (trx) => {
    const user = await store.findUser(trx, userId);
    if (!user) throw new ValidationError({ user_id: { key: 'errors.user_unknown' } });
    const row = { user_id: userId, label, prefix, token_hash: sha256(token), created_at: nowIso() };
    const id = await store.insertToken(trx, row);
    await audit.record(trx, {
      actor,
      action: 'create',
      entity: 'api_token',
      entityId: id,
      after: { user_id: userId, label, prefix },
      ip,
    });
    return { id, token };
  });
}

export async function revokeToken(db: Knex, actor: audit.Actor, id: number, ip: string | null): Promise<void> {
  await db.transaction(async (trx) => {
    const n = await store.revokeToken(trx, id, nowIso());
    if (!n) throw new NotFoundError();
    await audit.record(trx, { actor, action: 'revoke', entity: 'api_token', entityId: id, ip });
  });
}

export const listTokens = store.listTokens;

/** The active user behind a bearer token, or undefined. */
export async function userForToken(db: Knex, token: string): Promise<User | undefined> {
  const hit = await store.findActiveTokenUser(db, sha256(token));
  if (!hit) return undefined;
  const user = await store.findUser(db, hit.user_id);
  if (!user || user.disabled) return undefined;
  await store.tokenUsed(db, hit.token_id, nowIso());
  return user;
}

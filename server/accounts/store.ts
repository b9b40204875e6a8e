// Queries on users and api_tokens.
import type { Knex } from 'knex';
import { bool } from '../db.js';
import type { Role, User } from './roles.js';

const userColumns = ['u.id', 'u.username', 'u.display_name', 'u.role', 'u.facility_id', 'f.name as facility_name',
  'u.disabled', 'u.failed_logins', 'u.locked_until', 'u.created_at', 'u.updated_at'];

function toUser(row: Record<string, unknown>): User {
  return { ...(row as unknown as User), disabled: bool(row.disabled), failed_logins: Number(row.failed_logins) };
}

function users(db: Knex) {
  return db('users as u').leftJoin('facilities as f', 'f.id', 'u.facility_id');
}

export async function findUser(db: Knex, id: number): Promise<User | undefined> {
  const row = await users(db).where('u.id', id).first(userColumns);
  return row ? toUser(row) : undefined;
}

export async function findUserWithHash(db: Knex, username: string): Promise<(User & { password_hash: string }) | undefined> {
  const row = await users(db).where('u.username', username).first([...userColumns, 'u.password_hash']);
  return row ? { ...toUser(row), password_hash: row.password_hash } : undefined;
}

export async function listUsers(db: Knex, f: { q?: string; role?: Role; page: number; perPage: number }): Promise<{ rows: User[]; total: number }> {
  const q = users(db);
  if (f.q) q.where((w) => w.where('u.username', 'like', `%${f.q}%`).orWhere('u.display_name', 'like', `%${f.q}%`));
  if (f.role) q.where('u.role', f.role);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q.orderBy('u.username').limit(f.perPage).offset((f.page - 1) * f.perPage).select(userColumns);
  return { rows: rows.map(toUser), total: Number(n) };
}

export async function insertUser(trx: Knex, row: Record<string, unknown>): Promise<number> {
  const [out] = await trx('users').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function updateUser(trx: Knex, id: number, patch: Record<string, unknown>): Promise<number> {
  const n = await trx('users').where({ id }).update(patch);
  userChanged(id);
  return n;
}

// Signed-in users are kept in memory for a few seconds per process (server/http/auth.ts). A change to a user in
// this process drops them at once: the services call userChanged again after their transaction commits, so that
// a read which overlapped the transaction is not kept either.
const userListeners = new Set<(id: number) => void>();

/** Calls fn with the id of every user changed in this process; returns the function that stops it. */
export function onUserChanged(fn: (id: number) => void): () => void {
  userListeners.add(fn);
  return () => userListeners.delete(fn);
}

export function userChanged(id: number): void {
  for (const fn of userListeners) fn(id);
}

/** Counts a failed login; locks the account when it reaches the limit. One statement, so concurrent failures all count. */
export async function recordFailedLogin(db: Knex, id: number, maxFailures: number, lockUntil: string): Promise<void> {
  await db('users').where({ id }).update({
    failed_logins: db.raw('failed_logins + 1'),
    locked_until: db.raw('CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END', [maxFailures, lockUntil]),
  });
}

export interface TokenRow { id: number; user_id: number; username: string; label: string; prefix: string; created_at: string; last_used_at: string | null; revoked_at: string | null }

export async function listTokens(db: Knex): Promise<TokenRow[]> {
  return db('api_tokens as t').join('users as u', 'u.id', 't.user_id').orderBy('t.id', 'desc')
    .select('t.id', 't.user_id', 'u.username', 't.label', 't.prefix', 't.created_at', 't.last_used_at', 't.revoked_at');
}

export async function findActiveTokenUser(db: Knex, tokenHash: string): Promise<{ token_id: number; user_id: number } | undefined> {
  return db('api_tokens').where({ token_hash: tokenHash }).whereNull('revoked_at').first('id as token_id', 'user_id');
}

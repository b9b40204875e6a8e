// Queries on users, api_tokens and the login counters in rate_limits.
import type { Knex } from 'knex';
import { bool } from '../db.js';
import type { Role, User } from './roles.js';

const userColumns = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.role',
  'u.facility_id',
  'f.name as facility_name',
  'u.region_code',
  'r.name as region_name',
  'u.disabled',
  'u.session_epoch',
  'u.created_at',
  'u.updated_at',
];

function toUser(row: Record<string, unknown>): User {
  return { ...(row as unknown as User), disabled: bool(row.disabled), session_epoch: Number(row.session_epoch) };
}

function users(db: Knex) {
  return db('users as u')
    .leftJoin('facilities as f', 'f.id', 'u.facility_id')
    .leftJoin('regions as r', 'r.code', 'u.region_code');
}

export async function findUser(db: Knex, id: number): Promise<User | undefined> {
  const row = await users(db).where('u.id', id).first(userColumns);
  return row ? toUser(row) : undefined;
}

export async function findUserWithHash(
  db: Knex,
  username: string,
): Promise<(User & { password_hash: string }) | undefined> {
  const row = await users(db)
    .where('u.username', username)
    .first([...userColumns, 'u.password_hash']);
  return row ? { ...toUser(row), password_hash: row.password_hash } : undefined;
}

export async function listUsers(
  db: Knex,
  f: { q?: string; role?: Role; page: number; perPage: number },
): Promise<{ rows: User[]; total: number }> {
  const q = users(db);
  if (f.q)
    q.where((w) => {
      w.where('u.username', 'like', `%${f.q}%`).orWhere('u.display_name', 'like', `%${f.q}%`);
    });
  if (f.role) q.where('u.role', f.role);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q
    .orderBy('u.username')
    .limit(f.perPage)
    .offset((f.page - 1) * f.perPage)
    .select(userColumns);
  return { rows: rows.map(toUser), total: Number(n) };
}

export async function facilityExists(db: Knex, id: number): Promise<boolean> {
  return !!(await db('facilities').where({ id }).first('id'));
}

export async function regionExists(db: Knex, code: string): Promise<boolean> {
  return !!(await db('regions').where({ code }).first('code'));
}

export async function insertUser(trx: Knex, row: Record<string, unknown>): Promise<number> {
  const [out] = await trx('users').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function updateUser(trx: Knex, id: number, patch: Record<string, unknown>): Promise<number> {
  return trx('users').where({ id }).update(patch);
}

/** Changes the user and ends their sessions (session_epoch + 1) in one statement; the number of rows changed. */
export async function updateUserEndingSessions(trx: Knex, id: number, patch: Record<string, unknown>): Promise<number> {
  return trx('users')
    .where({ id })
    .update({ ...patch, session_epoch: trx.raw('session_epoch + 1') });
}

export async function sessionEpoch(trx: Knex, id: number): Promise<number | undefined> {
  const row = await trx('users').where({ id }).first('session_epoch');
  return row ? Number(row.session_epoch) : undefined;
}

// ## Login counters: rate-limiter-flexible's rows (accounts/login-limits.ts), keyed `<prefix>:<name>|<address>`.

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Ends every lock and back-off of an account name, from every address. */
export async function clearLoginCounters(trx: Knex, prefixes: string[]): Promise<void> {
  await trx('rate_limits')
    .where((w) => {
      for (const p of prefixes) w.orWhereRaw('key LIKE ? ESCAPE ?', [likePrefix(p), '\\']);
    })
    .delete();
}

/** The latest expiry (epoch ms) of the counters under these key prefixes with at least `points`, by prefix. */
export async function countersAtLeast(
  db: Knex,
  prefixes: string[],
  points: number,
  nowMs: number,
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  if (!prefixes.length) return found;
  const rows: { key: string; expire: string | number }[] = await db('rate_limits')
    .where('points', '>=', points)
    .where('expire', '>', nowMs)
    .where((w) => {
      for (const p of prefixes) w.orWhereRaw('key LIKE ? ESCAPE ?', [likePrefix(p), '\\']);
    })
    .select('key', 'expire');
  for (const r of rows) {
    const prefix = prefixes.find((p) => r.key.startsWith(p));
    if (prefix) found.set(prefix, Math.max(found.get(prefix) ?? 0, Number(r.expire)));
  }
  return found;
}

// ## API tokens

export interface TokenRow {
  id: number;
  user_id: number;
  username: string;
  label: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export async function listTokens(db: Knex): Promise<TokenRow[]> {
  return db('api_tokens as t')
    .join('users as u', 'u.id', 't.user_id')
    .orderBy('t.id', 'desc')
    .select('t.id', 't.user_id', 'u.username', 't.label', 't.prefix', 't.created_at', 't.last_used_at', 't.revoked_at');
}

export async function findActiveTokenUser(
  db: Knex,
  tokenHash: string,
): Promise<{ token_id: number; user_id: number } | undefined> {
  return db('api_tokens').where({ token_hash: tokenHash }).whereNull('revoked_at').first('id as token_id', 'user_id');
}

export async function insertToken(trx: Knex, row: Record<string, unknown>): Promise<number> {
  const [out] = await trx('api_tokens').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

/** Revokes an active token; the number of rows changed (0: no such active token). */
export async function revokeToken(trx: Knex, id: number, at: string): Promise<number> {
  return trx('api_tokens').where({ id }).whereNull('revoked_at').update({ revoked_at: at });
}

/**
 * Records when a token was last used, to the minute: the row is written only when its time is missing or at least
 * a minute old, so a client calling many times a minute makes one write a minute, not one commit (a wait for the
 * disk on SQLite) per request. The tokens page shows the time to the minute.
 */
export async function tokenUsed(db: Knex, id: number, at: string): Promise<void> {
  const minuteBefore = new Date(Date.parse(at) - 60_000).toISOString();
  await db('api_tokens')
    .where({ id })
    .where((w) => {
      w.whereNull('last_used_at').orWhere('last_used_at', '<=', minuteBefore);
    })
    .update({ last_used_at: at });
}

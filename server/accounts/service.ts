// Use cases for staff accounts: login with its counters, the session's user, create, update, reset password.
import type { Knex } from 'knex';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { isUniqueViolation, nowIso } from '../db.js';
import * as audit from '../audit/service.js';
import {
  ConflictError,
  InvalidCredentialsError,
  LockedError,
  NotFoundError,
  TooManyRequestsError,
  ValidationError,
} from '../http/errors.js';
import {
  NAME_PREFIX,
  PAIR_PREFIX,
  WAIT_PREFIX,
  nameDelaySeconds,
  nameKey,
  pairKey,
  type LoginLimits,
} from './login-limits.js';
import { hashPassword, verifyPassword } from './password.js';
import { bureauRoles, scopedRoles, type Role, type User } from './roles.js';
import type { NewUserInput, OwnPasswordInput, PasswordResetInput, UserUpdateInput } from './schemas.js';
import * as store from './store.js';

// Verifying against a real hash when the user does not exist keeps the timing the same either way.
let dummyHash: Promise<string> | undefined;

/** Uses one of the address's attempts; 429 once they are spent. */
async function useAttempt(limiter: LoginLimits['perAddress'], key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rej) {
    if (rej instanceof RateLimiterRes) throw new TooManyRequestsError('too_many_attempts', rej.msBeforeNext / 1000);
    throw rej;
  }
}

const untilIso = (res: RateLimiterRes) => new Date(Date.now() + Math.max(res.msBeforeNext, 0)).toISOString();

/**
 * The user with this name and password, or a typed error: 429 when the address has used its attempts or the name
 * is in its back-off, 423 when this (name, address) pair is locked, 401 otherwise. Unknown and disabled names go
 * through the same counters and get the same answers as known ones.
 */
export async function authenticate(
  db: Knex,
  limits: LoginLimits,
  username: string,
  password: string,
  ip: string | null,
): Promise<User> {
  await useAttempt(limits.perAddress, ip ?? '?');
  const name = nameKey(username);
  const pair = pairKey(username, ip);
  const locked = await limits.perPair.get(pair);
  if (locked && locked.consumedPoints >= limits.maxFailures && locked.msBeforeNext > 0)
    throw new LockedError('account_locked', untilIso(locked));
  const wait = await limits.nameWait.get(name);
  if (wait && wait.consumedPoints > 0 && wait.msBeforeNext > 0)
    throw new TooManyRequestsError('too_many_attempts', wait.msBeforeNext / 1000);

  const user = await store.findUserWithHash(db, username);
  const ok = await verifyPassword(
    password,
    user?.password_hash ?? (await (dummyHash ??= hashPassword('not-a-user-password-0'))),
  );
  if (!user || !ok || user.disabled) {
    const failures = await limits.perPair.penalty(pair);
    const named = await limits.perName.penalty(name);
    const delay = nameDelaySeconds(named.consumedPoints);
    if (delay > 0) await limits.nameWait.block(name, delay);
    if (failures.consumedPoints >= limits.maxFailures) {
      const lock = await limits.perPair.block(pair, limits.lockMinutes * 60);
      const until = untilIso(lock);
      if (user)
        await audit.record(db, {
          actor: null,
          action: 'lock',
          entity: 'user',
          entityId: user.id,
          after: { locked_until: until },
          ip,
        });
      throw new LockedError('account_locked', until);
    }
    throw new InvalidCredentialsError();
  }
  await limits.perPair.delete(pair);
  const { password_hash: _omit, ...plain } = user;
  return plain;
}

/** What a session holds about its sign-in. */
export interface SignIn {
  userId?: number;
  epoch?: number;
  loginAt?: number;
}

/**
 * The user a session signs in, read on every request; undefined when the session has ended: the user is gone or
 * disabled, their sessions were ended (password reset or changed, account disabled: another epoch), or maxMs have
 * passed since the login.
 */
export async function sessionUser(db: Knex, session: SignIn, nowMs: number, maxMs: number): Promise<User | undefined> {
  if (!session.userId || session.loginAt === undefined || !(nowMs - session.loginAt < maxMs)) return undefined;
  const user = await store.findUser(db, session.userId);
  if (!user || user.disabled || user.session_epoch !== (session.epoch ?? 0)) return undefined;
  return user;
}

/** A user by id, for pages about them; 404 when there is none. The login lock shows until it ends. */
export async function getUser(db: Knex, id: number, maxFailures: number): Promise<User> {
  const user = await store.findUser(db, id);
  if (!user) throw new NotFoundError();
  return (await withLocks(db, [user], maxFailures))[0];
}

export async function listUsers(
  db: Knex,
  f: { q?: string; role?: Role; page: number; perPage: number },
  maxFailures: number,
): Promise<{ rows: User[]; total: number }> {
  const { rows, total } = await store.listUsers(db, f);
  return { rows: await withLocks(db, rows, maxFailures), total };
}

/** Each user with `locked_until`: the end of the latest lock of their name from some address, or null. */
async function withLocks(db: Knex, users: User[], maxFailures: number): Promise<User[]> {
  const prefixOf = (u: User) => `${PAIR_PREFIX}:${nameKey(u.username)}|`;
  const locks = await store.countersAtLeast(db, users.map(prefixOf), maxFailures, Date.now());
  return users.map((u) => {
    const until = locks.get(prefixOf(u));
    return { ...u, locked_until: until ? new Date(until).toISOString() : null };
  });
}

/** Ends the locks and back-off of a name: an administrator's unlock, or a new password. */
const clearLoginCounters = (trx: Knex, username: string) => {
  const name = nameKey(username);
  return store.clearLoginCounters(trx, [`${PAIR_PREFIX}:${name}|`, `${NAME_PREFIX}:${name}`, `${WAIT_PREFIX}:${name}`]);
};

async function assertScope(
  db: Knex,
  input: { role: User['role']; facility_id?: number; region_code?: string },
): Promise<void> {
  const { role, facility_id: facilityId, region_code: region } = input;
  if (scopedRoles.includes(role) && !facilityId) {
    throw new ValidationError({ facility_id: { key: 'errors.facility_required_for_role' } });
  }
  if (facilityId && !(await store.facilityExists(db, facilityId))) {
    throw new ValidationError({ facility_id: { key: 'errors.facility_unknown' } });
  }
  if (role === 'county_bureau' && region?.length !== 6)
    throw new ValidationError({ region_code: { key: 'errors.user_region_county' } });
  if (region && !bureauRoles.includes(role))
    throw new ValidationError({ region_code: { key: 'errors.user_region_not_bureau' } });
  if (region && !(await store.regionExists(db, region)))
    throw new ValidationError({ region_code: { key: 'errors.user_region_unknown' } });
}

export async function createUser(
  db: Knex,
  actor: audit.Actor,
  input: NewUserInput,
  ip: string | null,
): Promise<number> {
  await assertScope(db, input);
  const hash = await hashPassword(input.password);
  try {
    return await db.transaction(async (trx) => {
      const now = nowIso();
      const row = {
        username: input.username,
        display_name: input.display_name,
        role: input.role,
        facility_id: input.facility_id ?? null,
        region_code: input.region_code ?? null,
        password_hash: hash,
        created_at: now,
        updated_at: now,
      };
      const id = await store.insertUser(trx, row);
      await audit.record(trx, { actor, action: 'create', entity: 'user', entityId: id, after: row, ip });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('username_taken', { username: { key: 'errors.username_taken' } });
    throw err;
  }
}

/** Changes a user; disabling them ends their sessions in the same transaction. */
export async function updateUser(
  db: Knex,
  actor: audit.Actor,
  id: number,
  input: UserUpdateInput,
  ip: string | null,
): Promise<void> {
  await assertScope(db, input);
  await db.transaction(async (trx) => {
    const before = await store.findUser(trx, id);
    if (!before) throw new NotFoundError();
    if (before.id === actor.id && (input.role !== 'admin' || input.disabled)) {
      throw new ValidationError({ role: { key: 'errors.cannot_demote_self' } });
    }
    const patch: Record<string, unknown> = {
      display_name: input.display_name,
      role: input.role,
      facility_id: input.facility_id ?? null,
      region_code: input.region_code ?? null,
      disabled: input.disabled,
      updated_at: nowIso(),
    };
    if (input.disabled && !before.disabled) await store.updateUserEndingSessions(trx, id, patch);
    else await store.updateUser(trx, id, patch);
    if (input.unlock) await clearLoginCounters(trx, before.username);
    await audit.record(trx, {
      actor,
      action: 'update',
      entity: 'user',
      entityId: id,
      before,
      after: { ...patch, ...(input.unlock ? { unlocked: true } : {}) },
      ip,
    });
  });
}

/** An administrator sets a new password: the user's sessions end and their login locks are cleared. */
export async function resetPassword(
  db: Knex,
  actor: audit.Actor,
  id: number,
  input: PasswordResetInput,
  ip: string | null,
): Promise<void> {
  const hash = await hashPassword(input.password);
  await db.transaction(async (trx) => {
    const user = await store.findUser(trx, id);
    if (!user) throw new NotFoundError();
    await store.updateUserEndingSessions(trx, id, { password_hash: hash, updated_at: nowIso() });
    await clearLoginCounters(trx, user.username);
    await audit.record(trx, { actor, action: 'reset_password', entity: 'user', entityId: id, ip });
  });
}

/**
 * The user changes their own password: every session of theirs ends; the new epoch is returned so that the
 * session making the change can be re-issued with it.
 */
export async function changeOwnPassword(
  db: Knex,
  user: User,
  input: OwnPasswordInput,
  ip: string | null,
): Promise<number> {
  const row = await store.findUserWithHash(db, user.username);
  if (!row || !(await verifyPassword(input.current, row.password_hash))) {
    throw new ValidationError({ current: { key: 'errors.current_password_wrong' } });
  }
  const hash = await hashPassword(input.password);
  return db.transaction(async (trx) => {
    await store.updateUserEndingSessions(trx, user.id, { password_hash: hash, updated_at: nowIso() });
    await audit.record(trx, { actor: user, action: 'change_password', entity: 'user', entityId: user.id, ip });
    return (await store.sessionEpoch(trx, user.id))!;
  });
}

/** Every user, for the API token page's picker. */
export async function allUsers(db: Knex): Promise<User[]> {
  return (await store.listUsers(db, { page: 1, perPage: 1000 })).rows;
}

/** A sign-in or sign-out, in the audit log. */
export async function recordSignIn(db: Knex, user: User, action: 'login' | 'logout', ip: string | null): Promise<void> {
  await audit.record(db, { actor: user, action, entity: 'session', ip });
}

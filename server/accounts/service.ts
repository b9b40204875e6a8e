// Use cases for staff accounts: login with lockout, create, update, reset password.
import type { Knex } from 'knex';
import { isUniqueViolation, nowIso } from '../db.js';
import * as audit from '../audit/service.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { hashPassword, verifyPassword } from './password.js';
import { scopedRoles, type User } from './roles.js';
import type { NewUserInput, OwnPasswordInput, PasswordResetInput, UserUpdateInput } from './schemas.js';
import * as store from './store.js';

export interface LoginPolicy { maxFailures: number; lockMinutes: number }

// Verifying against a real hash when the user does not exist keeps the timing the same either way.
let dummyHash: Promise<string> | undefined;

export async function authenticate(db: Knex, username: string, password: string, policy: LoginPolicy, ip: string | null): Promise<User> {
  const user = await store.findUserWithHash(db, username);
  if (!user) {
    await verifyPassword(password, await (dummyHash ??= hashPassword('not-a-user-password-0')));
    throw new AppError(401, 'invalid_credentials');
  }
  const now = new Date();
  if (user.locked_until && new Date(user.locked_until) > now) {
    throw new AppError(423, 'account_locked', {}, { until: user.locked_until });
  }
  const ok = await verifyPassword(password, user.password_hash);
  if (!ok) {
    const lockUntil = new Date(now.getTime() + policy.lockMinutes * 60_000).toISOString();
    await store.recordFailedLogin(db, user.id, policy.maxFailures, lockUntil);
    if (user.failed_logins + 1 >= policy.maxFailures) {
      await audit.record(db, { actor: null, action: 'lock', entity: 'user', entityId: user.id, after: { locked_until: lockUntil }, ip });
      throw new AppError(423, 'account_locked', {}, { until: lockUntil });
    }
    throw new AppError(401, 'invalid_credentials');
  }
  if (user.disabled) throw new AppError(401, 'invalid_credentials');
  if (user.failed_logins > 0 || user.locked_until) {
    await store.updateUser(db, user.id, { failed_logins: 0, locked_until: null });
  }
  const { password_hash: _omit, ...plain } = user;
  return { ...plain, failed_logins: 0, locked_until: null };
}

async function assertScope(db: Knex, role: User['role'], facilityId: number | undefined): Promise<void> {
  if (scopedRoles.includes(role) && !facilityId) {
    throw new ValidationError({ facility_id: { key: 'errors.facility_required_for_role' } });
  }
  if (facilityId) {
    const f = await db('facilities').where({ id: facilityId }).first('id');
    if (!f) throw new ValidationError({ facility_id: { key: 'errors.facility_unknown' } });
  }
}

export async function createUser(db: Knex, actor: audit.Actor, input: NewUserInput, ip: string | null): Promise<number> {
  await assertScope(db, input.role, input.facility_id);
  const hash = await hashPassword(input.password);
  try {
    return await db.transaction(async (trx) => {
      const now = nowIso();
      const row = { username: input.username, display_name: input.display_name, role: input.role,
        facility_id: input.facility_id ?? null, password_hash: hash, created_at: now, updated_at: now };
      const id = await store.insertUser(trx, row);
      await audit.record(trx, { actor, action: 'create', entity: 'user', entityId: id, after: row, ip });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('username_taken', { username: { key: 'errors.username_taken' } });
    throw err;
  }
}

export async function updateUser(db: Knex, actor: audit.Actor, id: number, input: UserUpdateInput, ip: string | null): Promise<void> {
  await assertScope(db, input.role, input.facility_id);
  await db.transaction(async (trx) => {
    const before = await store.findUser(trx, id);
    if (!before) throw new NotFoundError();
    if (before.id === actor.id && (input.role !== 'admin' || input.disabled)) {
      throw new ValidationError({ role: { key: 'errors.cannot_demote_self' } });
    }
    const patch: Record<string, unknown> = { display_name: input.display_name, role: input.role,
      facility_id: input.facility_id ?? null, disabled: input.disabled, updated_at: nowIso() };
    if (input.unlock) Object.assign(patch, { failed_logins: 0, locked_until: null });
    await store.updateUser(trx, id, patch);
    await audit.record(trx, { actor, action: 'update', entity: 'user', entityId: id, before, after: patch, ip });
  });
  store.userChanged(id);
}

export async function resetPassword(db: Knex, actor: audit.Actor, id: number, input: PasswordResetInput, ip: string | null): Promise<void> {
  const hash = await hashPassword(input.password);
  await db.transaction(async (trx) => {
    const changed = await store.updateUser(trx, id, { password_hash: hash, failed_logins: 0, locked_until: null, updated_at: nowIso() });
    if (!changed) throw new NotFoundError();
    await audit.record(trx, { actor, action: 'reset_password', entity: 'user', entityId: id, ip });
  });
  store.userChanged(id);
}

export async function changeOwnPassword(db: Knex, user: User, input: OwnPasswordInput, ip: string | null): Promise<void> {
  const row = await store.findUserWithHash(db, user.username);
  if (!row || !(await verifyPassword(input.current, row.password_hash))) {
    throw new ValidationError({ current: { key: 'errors.current_password_wrong' } });
  }
  const hash = await hashPassword(input.password);
  await db.transaction(async (trx) => {
    await store.updateUser(trx, user.id, { password_hash: hash, updated_at: nowIso() });
    await audit.record(trx, { actor: user, action: 'change_password', entity: 'user', entityId: user.id, ip });
  });
  store.userChanged(user.id);
}

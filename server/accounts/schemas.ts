// Input schemas for login, accounts and API tokens.
import { z } from 'zod';
import { Id, optionalId, requiredText, searchText } from '../http/fields.js';
import { roles } from './roles.js';

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

export const Password = z
  .string()
  .min(10, { error: 'errors.password_too_short' })
  .max(200)
  .refine((v) => /[A-Za-z]/.test(v) && /\d/.test(v), { error: 'errors.password_weak' });

export const LoginInput = z.object({
  username: requiredText(40),
  password: z.string().min(1).max(200),
});
export type LoginInput = z.infer<typeof LoginInput>;

export const Username = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_.-]{2,39}$/, { error: 'errors.username_format' });

const userFields = {
  display_name: requiredText(60),
  role: z.enum(roles),
  facility_id: optionalId,
  /** A bureau's region: a county's 6-digit code for a county bureau, a city's 4 digits (or none) for a city bureau. */
  region_code: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .regex(/^(\d{2}|\d{4}|\d{6})$/, { error: 'errors.user_region_format' })
      .optional(),
  ),
};

export const NewUserInput = z.object({ username: Username, ...userFields, password: Password });
export type NewUserInput = z.infer<typeof NewUserInput>;

export const UserUpdateInput = z.object({ ...userFields, disabled: checkbox, unlock: checkbox });
export type UserUpdateInput = z.infer<typeof UserUpdateInput>;

export const PasswordResetInput = z
  .object({ password: Password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], error: 'errors.password_mismatch' });
export type PasswordResetInput = z.infer<typeof PasswordResetInput>;

export const OwnPasswordInput = z
  .object({ current: z.string().min(1), password: Password, confirm: z.string() })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], error: 'errors.password_mismatch' });
export type OwnPasswordInput = z.infer<typeof OwnPasswordInput>;

export const TokenInput = z.object({ user_id: Id, label: requiredText(60) });
export type TokenInput = z.infer<typeof TokenInput>;

export const UserQuery = z.object({
  q: searchText(40),
  role: z.enum(roles).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100000).catch(1).default(1),
});

// The four staff roles. A role's facility scope (front desk, cemetery staff) limits what it sees.
export const roles = ['admin', 'bureau', 'front_desk', 'cemetery_staff'] as const;
export type Role = (typeof roles)[number];

/** Roles whose accounts must be tied to one facility. */
export const scopedRoles: readonly Role[] = ['front_desk', 'cemetery_staff'];

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  facility_id: number | null;
  facility_name?: string | null;
  disabled: boolean;
  /** Bumped when the password is reset or changed or the account disabled: sessions of an older epoch end. */
  session_epoch: number;
  /** Until when a login lock holds on this name from some address (admin pages only; see accounts/login-limits.ts). */
  locked_until?: string | null;
  created_at: string;
  updated_at: string;
}

/** The one facility a scoped account may see, or undefined for roles that see all. */
export function facilityScope(user: Pick<User, 'role' | 'facility_id'>): number | undefined {
  return scopedRoles.includes(user.role) ? (user.facility_id ?? -1) : undefined;
}

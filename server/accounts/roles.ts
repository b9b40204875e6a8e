// The staff roles. A role's facility scope (front desk, cemetery staff) or region scope (a county bureau; a city
// bureau tied to its city) limits what it sees.
export const roles = ['admin', 'bureau', 'county_bureau', 'front_desk', 'cemetery_staff'] as const;
export type Role = (typeof roles)[number];

/** Roles whose accounts must be tied to one facility. */
export const scopedRoles: readonly Role[] = ['front_desk', 'cemetery_staff'];

/** The bureaus: the city's (民政局, optionally tied to its city) and a county's (县民政局, tied to its county). */
export const bureauRoles: readonly Role[] = ['bureau', 'county_bureau'];

/** Every role: pages anyone signed in may open. */
export const everyone: readonly Role[] = roles;

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  facility_id: number | null;
  facility_name?: string | null;
  /** The region a bureau account is tied to: a county bureau's county, a city bureau's city; null for the rest. */
  region_code: string | null;
  region_name?: string | null;
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

/**
 * The region code prefix a bureau account may see and change, or undefined for every region: a county bureau's
 * county, a city bureau's city when it is tied to one. Other roles are scoped by facility, not by region.
 */
export function regionScope(user: Pick<User, 'role' | 'region_code'>): string | undefined {
  if (user.role === 'county_bureau') return user.region_code ?? '-';
  if (user.role === 'bureau') return user.region_code ?? undefined;
  return undefined;
}

/** Whether a region (any code) lies inside the user's region scope. */
export function inRegionScope(user: Pick<User, 'role' | 'region_code'>, code: string): boolean {
  const scope = regionScope(user);
  return scope === undefined || code.startsWith(scope);
}

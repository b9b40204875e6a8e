// Who may read or change a facility's operational data (cases, schedules, price lists, inventories) and the bureau's
// registry and figures by region.
// Admin: all. Bureau: reads all (or, tied to a city, that city's), changes none. County bureau: no operational data;
// its county's registry and figures. Front desk and cemetery staff: read and change their own facility.
// Another facility's record answers as a missing one (404), so that ids cannot be probed to count another home's
// cases or bookings; 403 is left for what the user can see but not change (the bureau).
import { ForbiddenError, NotFoundError } from '../http/errors.js';
import { inRegionScope, regionScope, scopedRoles, type User } from './roles.js';

type Who = Pick<User, 'role' | 'facility_id'> & Partial<Pick<User, 'region_code'>>;

/**
 * A facility by id, or with its location: a region-scoped bureau reads only facilities whose location it is given
 * and which lie in its region. Operational pages pass an id alone, so a county bureau (no access to them) reads none
 * there and a city bureau keeps reading every home's operational data, as before.
 */
export type FacilityRef = number | { id: number; region_code: string };

const idOf = (f: FacilityRef) => (typeof f === 'number' ? f : f.id);
const who = (user: Who) => ({ role: user.role, region_code: user.region_code ?? null });

export function canRead(user: Who, facility: FacilityRef): boolean {
  if (user.role === 'admin') return true;
  if (user.role === 'bureau') return typeof facility === 'number' || inRegionScope(who(user), facility.region_code);
  if (user.role === 'county_bureau')
    return typeof facility !== 'number' && inRegionScope(who(user), facility.region_code);
  return scopedRoles.includes(user.role) && user.facility_id === idOf(facility);
}

export function canWrite(user: Who, facility: FacilityRef): boolean {
  return user.role === 'admin' || (scopedRoles.includes(user.role) && user.facility_id === idOf(facility));
}

export function assertCanRead(user: Who, facility: FacilityRef): void {
  if (!canRead(user, facility)) throw new NotFoundError();
}

export function assertCanWrite(user: Who, facility: FacilityRef): void {
  if (!canRead(user, facility)) throw new NotFoundError();
  if (!canWrite(user, facility)) throw new ForbiddenError();
}

/**
 * The region a bureau page opens: the one asked for when it lies in the user's region (a region above or beside it
 * is 403 `region_outside_scope`); none asked, the user's own region, or undefined for an unscoped user (the page's
 * own default). Codes are prefixes: a county's townships and villages start with its code.
 */
export function scopedRegion(user: Who, asked: string | undefined): string | undefined {
  const scope = regionScope(who(user));
  if (!asked) return scope;
  if (scope !== undefined && !asked.startsWith(scope)) throw new ForbiddenError('region_outside_scope');
  return asked;
}

/** Whether a region is the user's to open (in or below its scope). */
export function mayOpenRegion(user: Who, code: string): boolean {
  return inRegionScope(who(user), code);
}

/** Every region code a form names must lie in the user's region (a posted grid's rows, say): else 403. */
export function assertRegionsInScope(user: Who, codes: string[]): void {
  for (const c of codes) if (!mayOpenRegion(user, c)) throw new ForbiddenError('region_outside_scope');
}

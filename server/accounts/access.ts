// Who may read or change a facility's operational data (cases, schedules, price lists, inventories).
// Admin: all. Bureau: reads all, changes none. Front desk and cemetery staff: read and change their own facility.
// Another facility's record answers as a missing one (404), so that ids cannot be probed to count another home's
// cases or bookings; 403 is left for what the user can see but not change (the bureau).
import { ForbiddenError, NotFoundError } from '../http/errors.js';
import { scopedRoles, type User } from './roles.js';

type Who = Pick<User, 'role' | 'facility_id'>;

export function canRead(user: Who, facilityId: number): boolean {
  return (
    user.role === 'admin' ||
    user.role === 'bureau' ||
    (scopedRoles.includes(user.role) && user.facility_id === facilityId)
  );
}

export function canWrite(user: Who, facilityId: number): boolean {
  return user.role === 'admin' || (scopedRoles.includes(user.role) && user.facility_id === facilityId);
}

export function assertCanRead(user: Who, facilityId: number): void {
  if (!canRead(user, facilityId)) throw new NotFoundError();
}

export function assertCanWrite(user: Who, facilityId: number): void {
  if (!canRead(user, facilityId)) throw new NotFoundError();
  if (!canWrite(user, facilityId)) throw new ForbiddenError();
}

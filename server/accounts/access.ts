// Who may read or change a facility's operational data (cases, schedules, price lists, inventories).
// Admin: all. Bureau: reads all, changes none. Front desk and cemetery staff: read and change their own facility.
import { ForbiddenError } from '../http/errors.js';
import { scopedRoles, type User } from './roles.js';

type Who = Pick<User, 'role' | 'facility_id'>;

export function canRead(user: Who, facilityId: number): boolean {
  return user.role === 'admin' || user.role === 'bureau' || (scopedRoles.includes(user.role) && user.facility_id === facilityId);
}

export function canWrite(user: Who, facilityId: number): boolean {
  return user.role === 'admin' || (scopedRoles.includes(user.role) && user.facility_id === facilityId);
}

export function assertCanRead(user: Who, facilityId: number): void {
  if (!canRead(user, facilityId)) throw new ForbiddenError();
}

export function assertCanWrite(user: Who, facilityId: number): void {
  if (!canWrite(user, facilityId)) throw new ForbiddenError();
}

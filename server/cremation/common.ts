// What the cremation use cases share: who acts, how resources are named in the audit log, a resource's working
// day, and the rule that only funeral homes have cremation pages.
import type { Knex } from 'knex';
import type { User } from '../accounts/roles.js';
import { NotFoundError } from '../http/errors.js';
import type { WorkingDay } from './slots.js';
import * as resourceStore from './resource-store.js';
import * as store from './store.js';

export type Actor = Pick<User, 'id' | 'username' | 'role' | 'facility_id'>;

export const auditEntity = { cremator: 'cremator', hall: 'farewell_hall' } as const;

export const workingDay = (r: resourceStore.Resource): WorkingDay => ({
  dayStart: r.day_start,
  dayEnd: r.day_end,
  slotMinutes: r.slot_minutes,
});

/** The facility, when it is a funeral home; anything else has no cremation pages. */
export async function funeralHome(db: Knex, facilityId: number): Promise<store.Facility> {
  const f = await store.findFacility(db, facilityId);
  if (!f || f.kind !== 'funeral_home') throw new NotFoundError();
  return f;
}

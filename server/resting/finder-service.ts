// Finding a grave (issue 18 item 7): staff search by deceased, ID number, holder, phone or code within their scope;
// families find where one deceased lies by the full name and the holder's phone, both exact, or learn nothing.
import type { Knex } from 'knex';
import { facilityScope, regionScope } from '../accounts/roles.js';
import { ValidationError } from '../http/errors.js';
import { visitKinds } from '../visits/kinds.js';
import type { FinderQuery, GraveQuery } from './finder-schemas.js';
import * as store from './finder-store.js';
import type { Actor } from './service.js';

export type { FoundRow } from './finder-store.js';

export const PER_PAGE = 50;

/** A found row as the results show it: in place, removed (已迁出), scattered, or a contract with nobody placed. */
export type FoundState = 'placed' | 'removed' | 'scattered' | 'unplaced' | 'ended';

export interface Found extends store.FoundRow {
  state: FoundState;
}

function stateOf(r: store.FoundRow): FoundState {
  if (r.placement_id === null) return r.contract_status === 'ended' ? 'ended' : 'unplaced';
  if (r.removed_on) return 'removed';
  if (r.place_id === null) return 'scattered';
  if (r.contract_status === 'ended') return 'ended';
  return 'placed';
}

/** Whether the query names anything to look for (a page or a facility alone does not). */
export const hasCriteria = (q: FinderQuery) =>
  Boolean(q.deceased || q.id_number || q.holder || q.phone || q.code || q.facility_id);

/**
 * 查找: every field given must match. Cemetery staff search their facility, a bureau its region (a city bureau
 * unscoped: all), the administrator all; the route keeps the front desk out.
 */
export async function search(
  db: Knex,
  actor: Actor,
  q: FinderQuery,
): Promise<{ rows: Found[]; total: number; page: number }> {
  if (!hasCriteria(q)) throw new ValidationError({ deceased: { key: 'errors.finder_empty' } }, 'finder_empty');
  const { rows, total } = await store.search(
    db,
    {
      scopeFacilityId: facilityScope(actor),
      scopeRegion: regionScope(actor),
      facilityId: q.facility_id,
      deceased: q.deceased ? { text: q.deceased, contains: q.match === 'contains' } : undefined,
      idNumber: q.id_number,
      holder: q.holder,
      phone: q.phone,
      code: q.code,
    },
    q.page,
    PER_PAGE,
  );
  return { rows: rows.map((r) => ({ ...r, state: stateOf(r) })), total, page: q.page };
}

/** Where a deceased lies, in words a family reads: the hall and wall, or the section; row and column; the code. */
export interface Grave {
  deceased_name: string;
  kind: 'niche' | 'plot';
  code: string;
  hall: string | null;
  wall: number | null;
  section: string | null;
  section_name: string | null;
  row: number;
  column: number;
  facility: { id: number; name: string; address: string | null; phone: string | null };
  /** The public booking pages take visits at an operating columbarium or cemetery: /visits/:id. */
  bookable: boolean;
}

function asGrave(r: store.GraveRow): Grave {
  const wall = r.group_kind === 'wall' ? Number(r.group_code.split('-').pop()) : null;
  return {
    deceased_name: r.deceased_name,
    kind: r.place_kind,
    code: r.code,
    hall: r.group_kind === 'wall' ? r.hall : null,
    wall: wall !== null && Number.isFinite(wall) ? wall : null,
    section: r.group_kind === 'section' ? r.group_code : null,
    section_name: r.group_kind === 'section' ? r.group_name : null,
    row: r.row_no,
    column: r.column_no,
    facility: { id: r.facility_id, name: r.facility_name, address: r.address, phone: r.facility_phone },
    bookable: r.facility_status === 'operating' && (visitKinds as readonly string[]).includes(r.facility_kind),
  };
}

/**
 * 查墓: the graves of this exact name under a contract in force whose holder has this exact phone, still in place.
 * An empty list is all a caller learns otherwise: no name, wrong phone, removed and ended look the same.
 */
export async function findGraves(db: Knex, q: GraveQuery): Promise<Grave[]> {
  return (await store.graves(db, q.deceased, q.phone)).map(asGrave);
}

// Fixtures of the grave-finder tests: contracts and placements written straight into their tables (contract creation
// is another use case's), and a place of its own at a facility that has none laid out.
import type { Db } from '../../server/db.js';
import { greenBurialMethods, type BurialMethod } from '../../server/resting/kinds.js';
import { todayInShanghai } from '../../server/time.js';

let serial = 0;
const idOf = (r: unknown): number => (typeof r === 'object' && r !== null ? (r as { id: number }).id : (r as number));

/** A place by code, or a new one-plot section `X<n>` at a facility with none laid out (the commercial cemetery). */
export async function plotAt(db: Db, facility: number, code?: string): Promise<{ id: number; code: string }> {
  if (code) return db('resting_places').where({ facility_id: facility, code }).first('id', 'code');
  serial += 1;
  const now = new Date().toISOString();
  const group = `X${serial}`;
  const [g] = await db('resting_groups')
    .insert({
      facility_id: facility,
      kind: 'section',
      hall: null,
      code: group,
      name: null,
      row_count: 1,
      column_count: 1,
      created_at: now,
    })
    .returning('id');
  const placeCode = `${group}-01-01`;
  const [p] = await db('resting_places')
    .insert({
      facility_id: facility,
      group_id: idOf(g),
      kind: 'plot',
      code: placeCode,
      row_no: 1,
      column_no: 1,
      place_type: 'single',
      area_m2: 0.8,
      term_years: 20,
      status: 'free',
      updated_at: now,
    })
    .returning('id');
  return { id: idOf(p), code: placeCode };
}

export interface ContractFixture {
  facility: number;
  place: number;
  holderName: string;
  holderPhone: string;
  status?: 'active' | 'ended';
}

/** A contract in force (or ended) on a place, the place marked occupied. */
export async function insertContract(db: Db, c: ContractFixture): Promise<{ id: number; number: string }> {
  serial += 1;
  const now = new Date().toISOString();
  const today = todayInShanghai();
  const number = `2026-F${String(serial).padStart(5, '0')}`;
  const ended = c.status === 'ended';
  const [row] = await db('resting_contracts')
    .insert({
      facility_id: c.facility,
      place_id: c.place,
      contract_number: number,
      status: ended ? 'ended' : 'active',
      holder_name: c.holderName,
      holder_phone: c.holderPhone,
      term_starts_on: today,
      term_ends_on: `${Number(today.slice(0, 4)) + 20}${today.slice(4)}`,
      ended_on: ended ? today : null,
      end_reason: ended ? '家属退还' : null,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  if (!ended) await db('resting_places').where({ id: c.place }).update({ status: 'occupied' });
  return { id: idOf(row), number };
}

export interface PlacementFixture {
  facility: number;
  deceasedName: string;
  /** Absent for scattering (撒散), which has neither. */
  contract?: number;
  place?: number;
  slot?: 1 | 2;
  idNumber?: string | null;
  method?: BurialMethod;
  removedOn?: string;
}

/** A deceased laid in a place under a contract (or scattered), optionally removed (迁出) since. */
export async function insertPlacement(db: Db, p: PlacementFixture): Promise<number> {
  const method: BurialMethod = p.method ?? (p.place ? 'single' : 'scattering');
  const [row] = await db('resting_placements')
    .insert({
      facility_id: p.facility,
      contract_id: p.contract ?? null,
      place_id: p.place ?? null,
      slot: p.slot ?? 1,
      deceased_name: p.deceasedName,
      id_number: p.idNumber ?? null,
      death_date: '2026-01-15',
      burial_method: method,
      green: (greenBurialMethods as readonly string[]).includes(method),
      placed_on: '2026-03-01',
      removed_on: p.removedOn ?? null,
      removal_reason: p.removedOn ? '迁往外地' : null,
      created_at: new Date().toISOString(),
    })
    .returning('id');
  return idOf(row);
}

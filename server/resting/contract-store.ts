// Queries of contracts: the conditional UPDATE that turns a held place occupied, the yearly contract counter, the
// contract, fee line, placement and notice rows, and the funeral cases a deceased may be picked from.
import type { Knex } from 'knex';
import type { BurialMethod, ContractStatus, FeeLineKind, NoticeMethod } from './kinds.js';

export interface ContractRow {
  id: number;
  facility_id: number;
  place_id: number;
  contract_number: string;
  status: ContractStatus;
  holder_name: string;
  holder_phone: string;
  holder_id_number: string | null;
  holder_relationship: string | null;
  holder_address: string | null;
  term_starts_on: string;
  term_ends_on: string;
  ended_on: string | null;
  end_reason: string | null;
  ended_by: number | null;
  request_id: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface FeeLineRow {
  id: number;
  contract_id: number;
  kind: FeeLineKind;
  price_item_id: number | null;
  code: string;
  name_zh: string;
  unit: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
  term_from: string | null;
  term_to: string | null;
  reason: string | null;
  created_by: number | null;
  created_at: string;
}

export interface PlacementRow {
  id: number;
  facility_id: number;
  contract_id: number | null;
  place_id: number | null;
  slot: number;
  case_id: number | null;
  deceased_name: string;
  id_number: string | null;
  sex: string | null;
  birth_date: string | null;
  death_date: string;
  household_region_code: string | null;
  burial_method: BurialMethod;
  green: boolean;
  placed_on: string;
  removed_on: string | null;
  removal_reason: string | null;
  created_by: number | null;
  created_at: string;
}

export interface NoticeRow {
  id: number;
  contract_id: number;
  method: NoticeMethod;
  sent_on: string;
  note: string | null;
  created_at: string;
}

/** Dates come back as Date objects from PostgreSQL and as text from SQLite: both as 'YYYY-MM-DD'. */
const day = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date)
    return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
};
const instant = (v: unknown): string => new Date(v as string).toISOString();

const toContract = (r: Record<string, unknown>): ContractRow => ({
  ...(r as unknown as ContractRow),
  term_starts_on: day(r.term_starts_on)!,
  term_ends_on: day(r.term_ends_on)!,
  ended_on: day(r.ended_on),
  created_at: instant(r.created_at),
  updated_at: instant(r.updated_at),
});

const toPlacement = (r: Record<string, unknown>): PlacementRow => ({
  ...(r as unknown as PlacementRow),
  birth_date: day(r.birth_date),
  death_date: day(r.death_date)!,
  placed_on: day(r.placed_on)!,
  removed_on: day(r.removed_on),
  green: r.green === true || r.green === 1,
  created_at: instant(r.created_at),
});

const idOf = (r: unknown): number => Number(typeof r === 'object' && r !== null ? (r as { id: number }).id : r);

/**
 * 分配: a place held by a live hold becomes occupied with the term's end. The row count decides between staff
 * allocating it at once; the unique index of one active contract per place backs it.
 */
export async function occupyHeldPlace(trx: Knex, placeId: number, termEndsOn: string, now: string): Promise<boolean> {
  const n = await trx('resting_places')
    .where({ id: placeId, status: 'held' })
    .where('hold_expires_at', '>', now)
    .update({ status: 'occupied', term_ends_on: termEndsOn, hold_expires_at: null, held_by: null, updated_at: now });
  return n === 1;
}

/** An ended contract frees its place again. */
export async function freeOccupiedPlace(trx: Knex, placeId: number, now: string): Promise<boolean> {
  const n = await trx('resting_places')
    .where({ id: placeId, status: 'occupied' })
    .update({ status: 'free', term_ends_on: null, updated_at: now });
  return n === 1;
}

export async function setPlaceTermEnd(trx: Knex, placeId: number, termEndsOn: string, now: string): Promise<void> {
  await trx('resting_places').where({ id: placeId }).update({ term_ends_on: termEndsOn, updated_at: now });
}

/** The next contract number of a facility in a year: one statement, so concurrent contracts never share one. */
export async function nextContractNumber(trx: Knex, facilityId: number, year: number): Promise<number> {
  const [row] = await trx('resting_contract_counters')
    .insert({ facility_id: facilityId, year, last: 1 })
    .onConflict(['facility_id', 'year'])
    .merge({ last: trx.raw('?? + 1', ['resting_contract_counters.last']) })
    .returning('last');
  return Number(typeof row === 'object' ? row.last : row);
}

export async function insertContract(trx: Knex, row: Omit<ContractRow, 'id'>): Promise<number> {
  return idOf((await trx('resting_contracts').insert(row).returning('id'))[0]);
}

export async function insertFeeLine(trx: Knex, row: Omit<FeeLineRow, 'id'>): Promise<number> {
  return idOf((await trx('resting_fee_lines').insert(row).returning('id'))[0]);
}

export async function insertPlacement(trx: Knex, row: Omit<PlacementRow, 'id'>): Promise<number> {
  return idOf((await trx('resting_placements').insert(row).returning('id'))[0]);
}

export async function findContract(db: Knex, id: number): Promise<ContractRow | undefined> {
  const r = await db('resting_contracts').where({ id }).first();
  return r ? toContract(r) : undefined;
}

export async function contractByRequestId(db: Knex, requestId: string): Promise<ContractRow | undefined> {
  const r = await db('resting_contracts').where({ request_id: requestId }).first();
  return r ? toContract(r) : undefined;
}

/** The place's contract in force, if any. */
export async function activeContractOfPlace(db: Knex, placeId: number): Promise<ContractRow | undefined> {
  const r = await db('resting_contracts').where({ place_id: placeId, status: 'active' }).first();
  return r ? toContract(r) : undefined;
}

/** The contracts in force on one wall or section, by place code (one indexed query per grid page). */
export async function activeContractsOfGroup(
  db: Knex,
  groupId: number,
): Promise<{ id: number; contract_number: string; code: string; holder_name: string; term_ends_on: string }[]> {
  const rows = await db('resting_contracts as c')
    .join('resting_places as p', 'p.id', 'c.place_id')
    .where('p.group_id', groupId)
    .where('c.status', 'active')
    .orderBy('p.code')
    .select('c.id', 'c.contract_number', 'p.code', 'c.holder_name', 'c.term_ends_on');
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    contract_number: String(r.contract_number),
    code: String(r.code),
    holder_name: String(r.holder_name),
    term_ends_on: day(r.term_ends_on)!,
  }));
}

/** Every contract the place has had, newest first. */
export async function contractsOfPlace(db: Knex, placeId: number): Promise<ContractRow[]> {
  const rows = await db('resting_contracts').where({ place_id: placeId }).orderBy('id', 'desc');
  return rows.map(toContract);
}

/** Moves the term's end if it is still what the clerk saw and the contract is in force. */
export async function extendTerm(
  trx: Knex,
  id: number,
  expectedEnd: string,
  newEnd: string,
  now: string,
): Promise<boolean> {
  const n = await trx('resting_contracts')
    .where({ id, status: 'active', term_ends_on: expectedEnd })
    .update({ term_ends_on: newEnd, updated_at: now });
  return n === 1;
}

export async function endContract(
  trx: Knex,
  id: number,
  fields: { ended_on: string; end_reason: string; ended_by: number },
  now: string,
): Promise<boolean> {
  const n = await trx('resting_contracts')
    .where({ id, status: 'active' })
    .update({ status: 'ended', ...fields, updated_at: now });
  return n === 1;
}

export async function feeLinesOf(db: Knex, contractId: number): Promise<FeeLineRow[]> {
  const rows = await db('resting_fee_lines').where({ contract_id: contractId }).orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({
    ...(r as unknown as FeeLineRow),
    term_from: day(r.term_from),
    term_to: day(r.term_to),
    created_at: instant(r.created_at),
  }));
}

export async function placementsOf(db: Knex, contractId: number): Promise<PlacementRow[]> {
  const rows = await db('resting_placements').where({ contract_id: contractId }).orderBy('id');
  return rows.map(toPlacement);
}

export async function findPlacement(db: Knex, id: number): Promise<PlacementRow | undefined> {
  const r = await db('resting_placements').where({ id }).first();
  return r ? toPlacement(r) : undefined;
}

/** 迁出: records the removal of a placement still in place; the row stays. */
export async function removePlacement(trx: Knex, id: number, removedOn: string, reason: string): Promise<boolean> {
  const n = await trx('resting_placements')
    .where({ id })
    .whereNull('removed_on')
    .update({ removed_on: removedOn, removal_reason: reason });
  return n === 1;
}

export async function countInPlace(db: Knex, contractId: number): Promise<number> {
  const r = await db('resting_placements')
    .where({ contract_id: contractId })
    .whereNull('removed_on')
    .count({ n: '*' })
    .first();
  return Number(r?.n ?? 0);
}

export async function slotsTaken(db: Knex, placeId: number): Promise<number[]> {
  const rows = await db('resting_placements').where({ place_id: placeId }).whereNull('removed_on').select('slot');
  return rows.map((r: { slot: number }) => Number(r.slot));
}

export async function noticesOf(db: Knex, contractId: number): Promise<NoticeRow[]> {
  const rows = await db('resting_notices')
    .where({ contract_id: contractId })
    .orderBy('id')
    .select('id', 'contract_id', 'method', 'sent_on', 'note', 'created_at');
  return rows.map((r: Record<string, unknown>) => ({
    ...(r as unknown as NoticeRow),
    sent_on: day(r.sent_on)!,
    created_at: instant(r.created_at),
  }));
}

export interface CaseChoice {
  id: number;
  case_number: string;
  facility_name: string;
  deceased_name: string;
  id_number: string;
  sex: 'male' | 'female';
  birth_date: string;
  death_at: string;
  household_region_code: string | null;
}

const caseColumns = [
  'c.id',
  'c.case_number',
  'f.name as facility_name',
  'c.deceased_name',
  'c.id_number',
  'c.sex',
  'c.birth_date',
  'c.death_at',
  'c.household_region_code',
];

const toCase = (r: Record<string, unknown>): CaseChoice => ({
  ...(r as unknown as CaseChoice),
  birth_date: day(r.birth_date)!,
  death_at: instant(r.death_at),
});

/** Funeral cases by exact case number or by the deceased's name (prefix), newest first, at most `limit`. */
export async function searchCases(db: Knex, q: string, limit: number): Promise<CaseChoice[]> {
  const rows = await db('funeral_cases as c')
    .join('facilities as f', 'f.id', 'c.facility_id')
    .where((w) => {
      w.where('c.case_number', q).orWhere('c.deceased_name', 'like', `${q.replace(/[\\%_]/g, '')}%`);
    })
    .orderBy('c.id', 'desc')
    .limit(limit)
    .select(caseColumns);
  return rows.map(toCase);
}

export async function findCase(db: Knex, id: number): Promise<CaseChoice | undefined> {
  const r = await db('funeral_cases as c')
    .join('facilities as f', 'f.id', 'c.facility_id')
    .where('c.id', id)
    .first(caseColumns);
  return r ? toCase(r) : undefined;
}

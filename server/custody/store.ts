// Queries of body custody: fridges and slots, the body's custody record, its moves and the release of the ashes.
import type { Knex } from 'knex';
import type { CustodyStatus, PlaceKind, SlotStatus } from './kinds.js';

export interface FridgeRow {
  id: number;
  facility_id: number;
  name: string;
}
export interface SlotRow {
  id: number;
  fridge_id: number;
  number: number;
  status: SlotStatus;
  out_of_service_reason: string | null;
}
/** A slot with its fridge and, when occupied, the body in it. */
export interface BoardSlot extends SlotRow {
  fridge_name: string;
  facility_id: number;
  case_id: number | null;
  case_number: string | null;
  deceased_name: string | null;
  since: string | null;
}
export interface CustodyRow {
  id: number;
  case_id: number;
  facility_id: number;
  status: CustodyStatus;
  tag_number: string;
  received_at: string;
  received_by: number;
  received_by_name: string | null;
  handed_over_by: string;
  condition_note: string | null;
  recorded_by_name: string | null;
}
export interface MoveRow {
  id: number;
  case_id: number;
  place_kind: PlaceKind;
  slot_id: number | null;
  slot_number: number | null;
  fridge_name: string | null;
  moved_at: string;
  ended_at: string | null;
  moved_by_name: string | null;
  note: string | null;
}
export interface ReleaseRow {
  id: number;
  case_id: number;
  recipient_name: string;
  recipient_relationship: string;
  recipient_id_number: string;
  released_at: string;
  released_by_name: string | null;
  note: string | null;
}
export interface StaffRow {
  id: number;
  display_name: string;
}

const idOf = (row: unknown): number =>
  typeof row === 'object' && row !== null ? (row as { id: number }).id : Number(row);

// ## Fridges and slots
export function fridgesOf(db: Knex, facilityId: number): Promise<FridgeRow[]> {
  return db('fridges').where({ facility_id: facilityId }).orderBy('name').select('id', 'facility_id', 'name');
}

export function findFridge(db: Knex, id: number): Promise<FridgeRow | undefined> {
  return db('fridges').where({ id }).first('id', 'facility_id', 'name');
}

export async function insertFridge(
  trx: Knex,
  row: { facility_id: number; name: string; created_by: number; created_at: string },
  slots: number,
): Promise<number> {
  const [out] = await trx('fridges')
    .insert({ ...row, updated_at: row.created_at })
    .returning('id');
  const id = idOf(out);
  const numbers = Array.from({ length: slots }, (_, i) => i + 1);
  await trx('fridge_slots').insert(
    numbers.map((number) => ({ fridge_id: id, number, status: 'in_service', updated_at: row.created_at })),
  );
  return id;
}

/** Every slot of a home's fridges, with the body each holds now. */
export function boardSlots(db: Knex, facilityId: number): Promise<BoardSlot[]> {
  return db('fridge_slots as s')
    .join('fridges as f', 'f.id', 's.fridge_id')
    .leftJoin('custody_moves as m', (j) => j.on('m.slot_id', 's.id').andOnNull('m.ended_at'))
    .leftJoin('funeral_cases as c', 'c.id', 'm.case_id')
    .where('f.facility_id', facilityId)
    .orderBy('f.name')
    .orderBy('s.number')
    .select(
      's.id',
      's.fridge_id',
      's.number',
      's.status',
      's.out_of_service_reason',
      'f.name as fridge_name',
      'f.facility_id',
      'c.id as case_id',
      'c.case_number',
      'c.deceased_name',
      'm.moved_at as since',
    );
}

/** When each case in a home's fridges first went into one: its days in storage count from there. */
export async function firstStored(db: Knex, caseIds: number[]): Promise<Map<number, string>> {
  if (!caseIds.length) return new Map();
  const rows: { case_id: number; first: string }[] = await db('custody_moves')
    .whereIn('case_id', caseIds)
    .where('place_kind', 'fridge_slot')
    .groupBy('case_id')
    .select('case_id', db.raw('min(moved_at) as ??', ['first']));
  return new Map(rows.map((r) => [Number(r.case_id), new Date(r.first).toISOString()]));
}

export function findSlot(db: Knex, fridgeId: number, slotId: number): Promise<SlotRow | undefined> {
  return db('fridge_slots')
    .where({ id: slotId, fridge_id: fridgeId })
    .first('id', 'fridge_id', 'number', 'status', 'out_of_service_reason');
}

/** A slot of a home, with its fridge's name. */
export function slotOfHome(
  db: Knex,
  facilityId: number,
  slotId: number,
): Promise<(SlotRow & { fridge_name: string }) | undefined> {
  return db('fridge_slots as s')
    .join('fridges as f', 'f.id', 's.fridge_id')
    .where({ 's.id': slotId, 'f.facility_id': facilityId })
    .first('s.id', 's.fridge_id', 's.number', 's.status', 's.out_of_service_reason', 'f.name as fridge_name');
}

/**
 * Takes the slot's row lock when it is in service (PostgreSQL: a slot being put out of service waits, and a body put
 * into a slot just put out of service finds it so); false when it is out of service.
 */
export async function lockSlotInService(trx: Knex, slotId: number, at: string): Promise<boolean> {
  return (await trx('fridge_slots').where({ id: slotId, status: 'in_service' }).update({ updated_at: at })) === 1;
}

/** Locks the slot's row, so the occupancy read after it sees every body put in before. */
export async function lockSlot(trx: Knex, slotId: number): Promise<SlotRow | undefined> {
  return trx('fridge_slots')
    .where({ id: slotId })
    .forUpdate()
    .first('id', 'fridge_id', 'number', 'status', 'out_of_service_reason');
}

export async function slotOccupied(trx: Knex, slotId: number): Promise<boolean> {
  return !!(await trx('custody_moves').where({ slot_id: slotId }).whereNull('ended_at').first('id'));
}

export async function setSlotStatus(
  trx: Knex,
  slotId: number,
  status: SlotStatus,
  reason: string | null,
  at: string,
): Promise<void> {
  await trx('fridge_slots').where({ id: slotId }).update({ status, out_of_service_reason: reason, updated_at: at });
}

// ## The body
export function custodyOf(db: Knex, caseId: number): Promise<CustodyRow | undefined> {
  return db('body_custody as b')
    .leftJoin('users as r', 'r.id', 'b.received_by')
    .leftJoin('users as w', 'w.id', 'b.recorded_by')
    .where('b.case_id', caseId)
    .first(
      'b.id',
      'b.case_id',
      'b.facility_id',
      'b.status',
      'b.tag_number',
      'b.received_at',
      'b.received_by',
      'r.display_name as received_by_name',
      'b.handed_over_by',
      'b.condition_note',
      'w.display_name as recorded_by_name',
    );
}

export async function insertCustody(
  trx: Knex,
  row: {
    case_id: number;
    facility_id: number;
    tag_number: string;
    received_at: string;
    received_by: number;
    handed_over_by: string;
    condition_note: string | null;
    recorded_by: number;
    created_at: string;
  },
): Promise<number> {
  const [out] = await trx('body_custody')
    .insert({ ...row, status: 'in_custody', updated_at: row.created_at })
    .returning('id');
  return idOf(out);
}

export async function endCustody(trx: Knex, caseId: number, at: string): Promise<void> {
  await trx('body_custody')
    .where({ case_id: caseId, status: 'in_custody' })
    .update({ status: 'released', updated_at: at });
}

/** Staff who may be named as having received a body at a home: its own active accounts. */
export function staffOf(db: Knex, facilityId: number): Promise<StaffRow[]> {
  return db('users')
    .where({ facility_id: facilityId, disabled: false })
    .orderBy('display_name')
    .select('id', 'display_name');
}

export function findUser(
  db: Knex,
  id: number,
): Promise<
  { id: number; display_name: string; role: string; facility_id: number | null; disabled: unknown } | undefined
> {
  return db('users').where({ id }).first('id', 'display_name', 'role', 'facility_id', 'disabled');
}

// ## Moves
const moveColumns = [
  'm.id',
  'm.case_id',
  'm.place_kind',
  'm.slot_id',
  's.number as slot_number',
  'f.name as fridge_name',
  'm.moved_at',
  'm.ended_at',
  'u.display_name as moved_by_name',
  'm.note',
];

function moves(db: Knex) {
  return db('custody_moves as m')
    .leftJoin('fridge_slots as s', 's.id', 'm.slot_id')
    .leftJoin('fridges as f', 'f.id', 's.fridge_id')
    .leftJoin('users as u', 'u.id', 'm.moved_by');
}

/** A body's moves, oldest first. */
export function movesOf(db: Knex, caseId: number): Promise<MoveRow[]> {
  return moves(db).where('m.case_id', caseId).orderBy('m.moved_at').orderBy('m.id').select(moveColumns);
}

export function currentMove(db: Knex, caseId: number): Promise<MoveRow | undefined> {
  return moves(db).where('m.case_id', caseId).whereNull('m.ended_at').first(moveColumns);
}

/** Ends the body's current place if it is still the one the user saw (or, with no id, whatever it is). */
export async function endMove(trx: Knex, caseId: number, moveId: number | null, at: string): Promise<boolean> {
  const q = trx('custody_moves').where({ case_id: caseId }).whereNull('ended_at');
  if (moveId !== null) q.where({ id: moveId });
  return (await q.update({ ended_at: at })) === 1;
}

export async function insertMove(
  trx: Knex,
  row: {
    case_id: number;
    facility_id: number;
    place_kind: PlaceKind;
    slot_id: number | null;
    moved_at: string;
    moved_by: number;
    note: string | null;
  },
): Promise<number> {
  const [out] = await trx('custody_moves').insert(row).returning('id');
  return idOf(out);
}

// ## Release
export function releaseOf(db: Knex, caseId: number): Promise<ReleaseRow | undefined> {
  return db('custody_releases as r')
    .leftJoin('users as u', 'u.id', 'r.released_by')
    .where('r.case_id', caseId)
    .first(
      'r.id',
      'r.case_id',
      'r.recipient_name',
      'r.recipient_relationship',
      'r.recipient_id_number',
      'r.released_at',
      'u.display_name as released_by_name',
      'r.note',
    );
}

export async function insertRelease(
  trx: Knex,
  row: {
    case_id: number;
    recipient_name: string;
    recipient_relationship: string;
    recipient_id_number: string;
    original_verified: boolean;
    released_by: number;
    released_at: string;
    note: string | null;
  },
): Promise<void> {
  await trx('custody_releases').insert(row);
}

// ## The front desk's day

/** A body a home keeps now, with its current place (none when not placed yet) and when it was first stored. */
export interface KeptBodyRow {
  case_id: number;
  case_number: string;
  deceased_name: string;
  case_status: string;
  tag_number: string;
  received_at: string;
  place_kind: PlaceKind | null;
  fridge_name: string | null;
  slot_number: number | null;
  first_stored: string | null;
}

/**
 * The bodies in a home's custody whose case is at one of `statuses`, in one query: each with its current place and
 * the first time it went into a fridge, longest kept first (from that time, else from its reception).
 */
export async function bodiesKept(db: Knex, facilityId: number, statuses: readonly string[]): Promise<KeptBodyRow[]> {
  // Written out: knex's builder took as long to compile this as the database to run it, on every dashboard view.
  // Each body's first fridge move is found by the custody_moves (case_id) index, not by grouping the home's whole
  // history; the outer query is there because PostgreSQL orders by an output name only when it stands alone.
  const result: unknown = await db.raw(
    `select k.* from (
       select c.id as case_id, c.case_number, c.deceased_name, c.status as case_status, b.tag_number, b.received_at,
              m.place_kind, f.name as fridge_name, s.number as slot_number,
              (select min(x.moved_at) from custody_moves x
                where x.case_id = b.case_id and x.place_kind = 'fridge_slot') as first_stored
         from body_custody b
         join funeral_cases c on c.id = b.case_id
         left join custody_moves m on m.case_id = b.case_id and m.ended_at is null
         left join fridge_slots s on s.id = m.slot_id
         left join fridges f on f.id = s.fridge_id
        where b.facility_id = ? and b.status = 'in_custody' and c.status in (${statuses.map(() => '?').join(', ')})
     ) k
     order by coalesce(k.first_stored, k.received_at), k.case_id`,
    [facilityId, ...statuses],
  );
  return rowsOf<KeptBodyRow>(result);
}

/** The rows of a raw query: better-sqlite3 answers them, pg a result holding them. */
const rowsOf = <T>(result: unknown): T[] => (Array.isArray(result) ? result : (result as { rows: T[] }).rows);

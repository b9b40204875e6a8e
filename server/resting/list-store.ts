// Queries of the lists staff work from: contracts by the end of their term (expiring, expired), their deceased and
// notices, the conditional changes that clear an expired contract, holds about to lapse, and the counts behind the
// inventory and the capacity forecast of many facilities at once.
import type { Knex } from 'knex';
import type { NoticeMethod, PlaceStatus, PlaceType } from './kinds.js';

export interface ContractListRow {
  id: number;
  facility_id: number;
  contract_number: string;
  place_id: number;
  place_code: string;
  place_type: PlaceType;
  holder_name: string;
  holder_phone: string;
  term_ends_on: string;
}

export interface ContractFilter {
  facilityId: number;
  /** term_ends_on on or after this day (inclusive), if given. */
  endsFrom?: string;
  /** term_ends_on on or before this day (inclusive). */
  endsTo: string;
  /** A holder's or a deceased's name, a place code or a contract number (part of it). */
  q?: string;
}

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Contracts in force of a facility whose term ends in the filter's days: a search matches holder, deceased, code. */
function contractsWhere(db: Knex, f: ContractFilter) {
  const q = db('resting_contracts as c')
    .join('resting_places as p', 'p.id', 'c.place_id')
    .where('c.facility_id', f.facilityId)
    .where('c.status', 'active')
    .where('c.term_ends_on', '<=', f.endsTo);
  if (f.endsFrom) q.where('c.term_ends_on', '>=', f.endsFrom);
  if (f.q) {
    const pattern = like(f.q);
    q.where((w) => {
      w.whereRaw("c.holder_name LIKE ? ESCAPE '\\'", [pattern])
        .orWhereRaw("p.code LIKE ? ESCAPE '\\'", [pattern])
        .orWhereRaw("c.contract_number LIKE ? ESCAPE '\\'", [pattern])
        .orWhereExists((e) => {
          e.select(db.raw('1'))
            .from('resting_placements as d')
            .whereRaw('d.contract_id = c.id')
            .whereNull('d.removed_on')
            .whereRaw("d.deceased_name LIKE ? ESCAPE '\\'", [pattern]);
        });
    });
  }
  return q;
}

/** One page of contracts, soonest term end first, and how many match in all. */
export async function listContracts(
  db: Knex,
  f: ContractFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: ContractListRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    contractsWhere(db, f)
      .orderBy([
        { column: 'c.term_ends_on', order: 'asc' },
        { column: 'c.id', order: 'asc' },
      ])
      .limit(page.limit)
      .offset(page.offset)
      .select(
        'c.id',
        'c.facility_id',
        'c.contract_number',
        'c.place_id',
        'p.code as place_code',
        'p.place_type',
        'c.holder_name',
        'c.holder_phone',
        'c.term_ends_on',
      ),
    countContracts(db, f),
  ]);
  return { rows: rows as ContractListRow[], total };
}

export async function countContracts(db: Knex, f: ContractFilter): Promise<number> {
  const [{ n }] = await contractsWhere(db, f).count({ n: '*' });
  return Number(n);
}

/** The deceased laid under each contract (not removed), by slot. */
export async function deceasedOf(db: Knex, contractIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (contractIds.length === 0) return out;
  const rows = await db('resting_placements')
    .whereIn('contract_id', contractIds)
    .whereNull('removed_on')
    .orderBy(['contract_id', 'slot', 'id'])
    .select('contract_id', 'deceased_name');
  for (const r of rows) out.set(r.contract_id, [...(out.get(r.contract_id) ?? []), r.deceased_name]);
  return out;
}

export interface NoticeRow {
  id: number;
  contract_id: number;
  method: NoticeMethod;
  sent_on: string;
  note: string | null;
  recorded_by_name: string | null;
  created_at: string;
}

/** The latest notice of each contract (by the day it was sent). */
export async function lastNotices(db: Knex, contractIds: number[]): Promise<Map<number, NoticeRow>> {
  const out = new Map<number, NoticeRow>();
  if (contractIds.length === 0) return out;
  const rows = await db('resting_notices')
    .whereIn('contract_id', contractIds)
    .orderBy(['contract_id', 'sent_on', 'id'])
    .select('id', 'contract_id', 'method', 'sent_on', 'note', 'created_at');
  for (const r of rows) out.set(r.contract_id, { ...r, recorded_by_name: null });
  return out;
}

export async function noticesOf(db: Knex, contractId: number): Promise<NoticeRow[]> {
  const rows = await db('resting_notices as n')
    .leftJoin('users as u', 'u.id', 'n.recorded_by')
    .where('n.contract_id', contractId)
    .orderBy([
      { column: 'n.sent_on', order: 'desc' },
      { column: 'n.id', order: 'desc' },
    ])
    .select(
      'n.id',
      'n.contract_id',
      'n.method',
      'n.sent_on',
      'n.note',
      'u.display_name as recorded_by_name',
      'n.created_at',
    );
  return rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() }));
}

export interface ContractRow extends ContractListRow {
  status: 'active' | 'ended';
  term_starts_on: string;
  ended_on: string | null;
  end_reason: string | null;
}

export async function findContract(db: Knex, id: number): Promise<ContractRow | undefined> {
  return db('resting_contracts as c')
    .join('resting_places as p', 'p.id', 'c.place_id')
    .where('c.id', id)
    .first(
      'c.id',
      'c.facility_id',
      'c.contract_number',
      'c.place_id',
      'p.code as place_code',
      'p.place_type',
      'c.holder_name',
      'c.holder_phone',
      'c.status',
      'c.term_starts_on',
      'c.term_ends_on',
      'c.ended_on',
      'c.end_reason',
    );
}

export async function insertNotice(
  trx: Knex,
  row: {
    contract_id: number;
    method: NoticeMethod;
    sent_on: string;
    note: string | null;
    recorded_by: number;
    created_at: string;
  },
): Promise<number> {
  const [r] = await trx('resting_notices').insert(row).returning('id');
  return typeof r === 'object' ? r.id : r;
}

/** Whether the same notice is recorded already (a form sent twice records it once). */
export async function sameNotice(
  trx: Knex,
  row: { contract_id: number; method: string; sent_on: string; note: string | null },
): Promise<boolean> {
  const q = trx('resting_notices').where({ contract_id: row.contract_id, method: row.method, sent_on: row.sent_on });
  if (row.note === null) q.whereNull('note');
  else q.where('note', row.note);
  return (await q.first('id')) !== undefined;
}

/** Ends a contract in force: the row count says whether this call ended it (0: someone else did first). */
export async function endContract(
  trx: Knex,
  id: number,
  end: { ended_on: string; end_reason: string; ended_by: number; now: string },
): Promise<boolean> {
  const n = await trx('resting_contracts').where({ id, status: 'active' }).update({
    status: 'ended',
    ended_on: end.ended_on,
    end_reason: end.end_reason,
    ended_by: end.ended_by,
    updated_at: end.now,
  });
  return n === 1;
}

/** An occupied place back to free, its term cleared. */
export async function freePlace(trx: Knex, id: number, now: string): Promise<boolean> {
  const n = await trx('resting_places')
    .where({ id, status: 'occupied' })
    .update({ status: 'free', term_ends_on: null, updated_at: now });
  return n === 1;
}

/** Marks the contract's placements removed on the day, with the reason (迁出/清理): the rows stay. */
export async function removePlacements(trx: Knex, contractId: number, on: string, reason: string): Promise<number> {
  return trx('resting_placements')
    .where({ contract_id: contractId })
    .whereNull('removed_on')
    .update({ removed_on: on, removal_reason: reason });
}

export interface LapsingHoldRow {
  id: number;
  code: string;
  place_type: PlaceType;
  hold_expires_at: string;
  held_by_name: string | null;
}

/** Holds that still live at `now` and lapse by `until`, soonest first. */
export async function lapsingHolds(
  db: Knex,
  facilityId: number,
  now: string,
  until: string,
): Promise<LapsingHoldRow[]> {
  const rows = await db('resting_places as p')
    .leftJoin('users as u', 'u.id', 'p.held_by')
    .where('p.facility_id', facilityId)
    .where('p.status', 'held')
    .where('p.hold_expires_at', '>', now)
    .where('p.hold_expires_at', '<=', until)
    .orderBy([
      { column: 'p.hold_expires_at', order: 'asc' },
      { column: 'p.code', order: 'asc' },
    ])
    .select('p.id', 'p.code', 'p.place_type', 'p.hold_expires_at', 'u.display_name as held_by_name');
  return rows.map((r) => ({ ...r, hold_expires_at: new Date(r.hold_expires_at).toISOString() }));
}

export interface InventoryGroupOf {
  facility_id: number;
  place_type: PlaceType;
  status: PlaceStatus;
  term_ends_on: string | null;
  hold_live: boolean;
  n: number;
}

/** The places of several facilities counted as store.inventory counts one facility's: one grouped query. */
export async function inventories(db: Knex, facilityIds: number[], now: string): Promise<InventoryGroupOf[]> {
  if (facilityIds.length === 0) return [];
  const rows = await db('resting_places')
    .whereIn('facility_id', facilityIds)
    .groupBy('facility_id', 'place_type', 'status', 'term_ends_on', 'hold_live')
    .select(
      'facility_id',
      'place_type',
      'status',
      'term_ends_on',
      db.raw(`CASE WHEN status = 'held' AND hold_expires_at > ? THEN 1 ELSE 0 END AS hold_live`, [
        now,
      ]) as unknown as string,
      db.raw('COUNT(*) AS n') as unknown as string,
    );
  return rows.map((r: Record<string, unknown>) => ({
    facility_id: Number(r.facility_id),
    place_type: r.place_type as PlaceType,
    status: r.status as PlaceStatus,
    term_ends_on: (r.term_ends_on as string | null) ?? null,
    hold_live: Number(r.hold_live) === 1,
    n: Number(r.n),
  }));
}

/**
 * Places newly taken per facility in [from, to] (dates): placements in a niche or plot, first slot only, so that
 * the second burial of a double plot takes no new place; removed ones count too (the place was taken then).
 */
export async function placementsBetween(
  db: Knex,
  facilityIds: number[],
  from: string,
  to: string,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (facilityIds.length === 0) return out;
  const rows = await db('resting_placements')
    .whereIn('facility_id', facilityIds)
    .whereNotNull('place_id')
    .where('slot', 1)
    .whereBetween('placed_on', [from, to])
    .groupBy('facility_id')
    .select('facility_id', db.raw('COUNT(*) AS n') as unknown as string);
  for (const r of rows as { facility_id: number; n: number }[]) out.set(Number(r.facility_id), Number(r.n));
  return out;
}

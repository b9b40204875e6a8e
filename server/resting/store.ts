// Queries of resting places: groups (walls, sections), their places, the conditional status changes that decide
// holds and blocks, the inventory in one grouped query, and a place's history from the audit log.
import type { Knex } from 'knex';
import type { GroupKind, PlaceKind, PlaceStatus, PlaceType } from './kinds.js';

export interface GroupRow {
  id: number;
  facility_id: number;
  kind: GroupKind;
  hall: string | null;
  code: string;
  name: string | null;
  row_count: number;
  column_count: number;
}

export interface PlaceRow {
  id: number;
  facility_id: number;
  group_id: number;
  kind: PlaceKind;
  code: string;
  row_no: number;
  column_no: number;
  place_type: PlaceType;
  tier: string | null;
  area_m2: number | null;
  term_years: number;
  term_ends_on: string | null;
  status: PlaceStatus;
  hold_expires_at: string | null;
  held_by: number | null;
  held_by_name?: string | null;
  blocked_reason: string | null;
  updated_at: string;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

const toPlace = (r: Record<string, unknown>): PlaceRow => ({
  ...(r as unknown as PlaceRow),
  area_m2: r.area_m2 === null ? null : Number(r.area_m2),
  hold_expires_at: iso(r.hold_expires_at),
});

export type NewGroup = Omit<GroupRow, 'id'> & { created_by: number | null; created_at: string };
export type NewPlace = Omit<PlaceRow, 'id' | 'held_by_name'>;

export async function insertGroup(trx: Knex, row: NewGroup): Promise<number> {
  const [r] = await trx('resting_groups').insert(row).returning('id');
  return typeof r === 'object' ? r.id : r;
}

/** Several groups in one statement: their ids by code. */
export async function insertGroups(trx: Knex, rows: NewGroup[]): Promise<Map<string, number>> {
  const out = (await trx('resting_groups').insert(rows).returning(['id', 'code'])) as { id: number; code: string }[];
  return new Map(out.map((r) => [r.code, r.id]));
}

/** Inserts in chunks of 500 rows: knex writes a SQLite multi-row insert as a compound SELECT, of 500 terms at most. */
export async function insertPlaces(trx: Knex, rows: NewPlace[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await trx('resting_places').insert(rows.slice(i, i + 500));
}

export function groupsOf(db: Knex, facilityId: number): Promise<GroupRow[]> {
  return db('resting_groups')
    .where({ facility_id: facilityId })
    .orderBy('code')
    .select('id', 'facility_id', 'kind', 'hall', 'code', 'name', 'row_count', 'column_count');
}

export function findGroup(db: Knex, id: number): Promise<GroupRow | undefined> {
  return db('resting_groups')
    .where({ id })
    .first('id', 'facility_id', 'kind', 'hall', 'code', 'name', 'row_count', 'column_count');
}

/** A group with what its page needs of its facility (name, kind, region for the access check), in one statement. */
export interface GroupWithFacility {
  group: GroupRow;
  facility: { id: number; name: string; kind: string; region_code: string };
}

export async function findGroupOfFacility(
  db: Knex,
  facilityId: number,
  groupId: number,
): Promise<GroupWithFacility | undefined> {
  const r = await db('resting_groups as g')
    .join('facilities as f', 'f.id', 'g.facility_id')
    .where('g.id', groupId)
    .where('g.facility_id', facilityId)
    .first(
      'g.id',
      'g.facility_id',
      'g.kind',
      'g.hall',
      'g.code',
      'g.name',
      'g.row_count',
      'g.column_count',
      'f.name as facility_name',
      'f.kind as facility_kind',
      'f.region_code as facility_region_code',
    );
  if (!r) return undefined;
  const { facility_name, facility_kind, facility_region_code, ...group } = r as GroupRow & {
    facility_name: string;
    facility_kind: string;
    facility_region_code: string;
  };
  return {
    group,
    facility: { id: group.facility_id, name: facility_name, kind: facility_kind, region_code: facility_region_code },
  };
}

const placeColumns = [
  'p.id',
  'p.facility_id',
  'p.group_id',
  'p.kind',
  'p.code',
  'p.row_no',
  'p.column_no',
  'p.place_type',
  'p.tier',
  'p.area_m2',
  'p.term_years',
  'p.term_ends_on',
  'p.status',
  'p.hold_expires_at',
  'p.held_by',
  'p.blocked_reason',
  'p.updated_at',
];

export interface GridCellRow {
  id: number;
  code: string;
  row_no: number;
  status: PlaceStatus;
  term_ends_on: string | null;
  hold_expires_at: string | null;
}

/**
 * What a grid draws of one group's places, by row and column: the link, the code and what the shown status needs
 * (a wall page reads one wall only, six columns of its rows).
 */
export async function gridCellsOf(db: Knex, groupId: number): Promise<GridCellRow[]> {
  const rows: Record<string, unknown>[] = await db('resting_places')
    .where('group_id', groupId)
    .orderBy(['row_no', 'column_no'])
    .select('id', 'code', 'row_no', 'status', 'term_ends_on', 'hold_expires_at');
  for (const r of rows) if (r.hold_expires_at !== null) r.hold_expires_at = iso(r.hold_expires_at);
  return rows as unknown as GridCellRow[];
}

export async function findPlace(db: Knex, id: number): Promise<PlaceRow | undefined> {
  const r = await db('resting_places as p')
    .leftJoin('users as u', 'u.id', 'p.held_by')
    .where('p.id', id)
    .first([...placeColumns, 'u.display_name as held_by_name']);
  return r ? toPlace(r) : undefined;
}

/**
 * Free, or held by a hold that has lapsed: what a new hold or a block may take. `WHERE status = 'free' OR (status =
 * 'held' AND hold_expires_at <= now)`, so that an expired hold needs no job to clear it.
 */
const takable = (now: string) => (w: Knex.QueryBuilder) => {
  w.where('status', 'free').orWhere((h) => {
    h.where('status', 'held').where('hold_expires_at', '<=', now);
  });
};

/**
 * Holds the place if it is free or its hold has lapsed: the row count says who won (0: someone else holds, occupies
 * or blocked it). An expired hold needs no job to clear it: this condition treats it as free.
 */
export async function holdPlace(
  trx: Knex,
  id: number,
  by: number,
  now: string,
  until: string,
  kind?: PlaceKind,
): Promise<boolean> {
  const q = trx('resting_places').where({ id }).where(takable(now));
  if (kind) q.where('kind', kind);
  const n = await q.update({
    status: 'held',
    hold_expires_at: until,
    held_by: by,
    blocked_reason: null,
    updated_at: now,
  });
  return n === 1;
}

/** Ends a hold (lapsed or not): back to free. */
export async function releaseHold(trx: Knex, id: number, now: string): Promise<boolean> {
  const n = await trx('resting_places')
    .where({ id, status: 'held' })
    .update({ status: 'free', hold_expires_at: null, held_by: null, updated_at: now });
  return n === 1;
}

/** Blocks a free place (or one whose hold has lapsed), with the reason. */
export async function blockPlace(trx: Knex, id: number, reason: string, now: string): Promise<boolean> {
  const n = await trx('resting_places')
    .where({ id })
    .where(takable(now))
    .update({ status: 'blocked', blocked_reason: reason, hold_expires_at: null, held_by: null, updated_at: now });
  return n === 1;
}

export async function unblockPlace(trx: Knex, id: number, now: string): Promise<boolean> {
  const n = await trx('resting_places')
    .where({ id, status: 'blocked' })
    .update({ status: 'free', blocked_reason: null, updated_at: now });
  return n === 1;
}

export interface InventoryGroup {
  place_type: PlaceType;
  status: PlaceStatus;
  term_ends_on: string | null;
  /** Of the group's n places, how many are held by a hold that still lives. */
  live: number;
  n: number;
}

/**
 * The facility's places counted by type, stored status and term end, with how many holds still live: one grouped
 * query, answered from the index on (facility, type, status, term end, hold expiry) alone, in its order; the shown
 * status of each group is derived by the one rule in service.ts.
 */
export async function inventory(db: Knex, facilityId: number, now: string): Promise<InventoryGroup[]> {
  const rows = await db('resting_places')
    .where({ facility_id: facilityId })
    .groupBy('place_type', 'status', 'term_ends_on')
    .select(
      'place_type',
      'status',
      'term_ends_on',
      db.raw(`SUM(CASE WHEN status = 'held' AND hold_expires_at > ? THEN 1 ELSE 0 END) AS live`, [
        now,
      ]) as unknown as string,
      db.raw('COUNT(*) AS n') as unknown as string,
    );
  return rows.map((r: Record<string, unknown>) => ({
    place_type: r.place_type as PlaceType,
    status: r.status as PlaceStatus,
    term_ends_on: (r.term_ends_on as string | null) ?? null,
    live: Number(r.live),
    n: Number(r.n),
  }));
}

export async function holdHours(db: Knex, facilityId: number): Promise<number | undefined> {
  const r = await db('resting_settings').where({ facility_id: facilityId }).first('hold_hours');
  return r ? Number(r.hold_hours) : undefined;
}

export async function saveHoldHours(trx: Knex, facilityId: number, hours: number, now: string): Promise<void> {
  await trx('resting_settings')
    .insert({ facility_id: facilityId, hold_hours: hours, updated_at: now })
    .onConflict('facility_id')
    .merge({ hold_hours: hours, updated_at: now });
}

export interface HistoryRow {
  at: string;
  actor_name: string | null;
  action: string;
  before: string | null;
  after: string | null;
}

/** A place's whole history: its audit entries, oldest first. */
export async function historyOf(db: Knex, placeId: number): Promise<HistoryRow[]> {
  const rows = await db('audit_log')
    .where({ entity: 'resting_place', entity_id: String(placeId) })
    .orderBy('id')
    .select('at', 'actor_name', 'action', 'before', 'after');
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}

// Queries on the facility registry: facilities, their status history and service areas.
import type { Knex } from 'knex';
import { bool, dialectOf } from '../db.js';
import type { BuildMode, Facility, FacilityKind, FacilityStatus } from './kinds.js';

export interface FacilityFilter {
  id?: number;
  kind?: FacilityKind;
  status?: FacilityStatus;
  region?: string;
  q?: string;
}

function filtered(db: Knex, f: FacilityFilter) {
  const q = db('facilities as f')
    .join('regions as r', 'r.code', 'f.region_code')
    .leftJoin('regions as rp', 'rp.code', 'r.parent_code');
  if (f.id !== undefined) q.where('f.id', f.id);
  if (f.kind) q.where('f.kind', f.kind);
  if (f.status) q.where('f.status', f.status);
  // Codes nest: a township's code starts with its county's, so a prefix selects a region and all below it.
  if (f.region) q.where('f.region_code', 'like', `${f.region}%`);
  if (f.q) q.where('f.name', 'like', `%${f.q}%`);
  return q;
}

const columns = [
  'f.id',
  'f.name',
  'f.kind',
  'f.status',
  'f.region_code',
  'r.name as region_name',
  'rp.name as parent_region_name',
  'f.address',
  'f.phone',
  'f.lng',
  'f.lat',
  'f.niche_capacity',
  'f.plot_capacity',
  'f.is_sample',
  'f.build_mode',
  'f.investment_fen',
  'f.note',
  'f.updated_at',
];

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const toFacility = (row: Record<string, unknown>): Facility => ({
  ...(row as unknown as Facility),
  is_sample: bool(row.is_sample),
  build_mode: (row.build_mode as BuildMode | null) ?? null,
  lng: num(row.lng),
  lat: num(row.lat),
  investment_fen: num(row.investment_fen),
  updated_at: String(row.updated_at),
});

export async function list(
  db: Knex,
  f: FacilityFilter & { page: number; perPage: number },
): Promise<{ rows: Facility[]; total: number }> {
  const q = filtered(db, f);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q
    .orderBy('f.region_code')
    .orderBy('f.id')
    .limit(f.perPage)
    .offset((f.page - 1) * f.perPage)
    .select(columns);
  return { rows: rows.map(toFacility), total: Number(n) };
}

export async function listAll(db: Knex, f: FacilityFilter = {}): Promise<Facility[]> {
  const rows = await filtered(db, f).orderBy('f.region_code').orderBy('f.id').select(columns);
  return rows.map(toFacility);
}

export async function find(db: Knex, id: number): Promise<Facility | undefined> {
  const row = await filtered(db, {}).where('f.id', id).first(columns);
  return row ? toFacility(row) : undefined;
}

export async function findByName(db: Knex, name: string): Promise<Facility | undefined> {
  const row = await filtered(db, {}).where('f.name', name).first(columns);
  return row ? toFacility(row) : undefined;
}

export async function countByKindAndStatus(
  db: Knex,
  region?: string,
): Promise<{ kind: FacilityKind; status: FacilityStatus; n: number }[]> {
  const q = db('facilities');
  if (region) q.where('region_code', 'like', `${region}%`);
  const rows = (await q.groupBy('kind', 'status').select('kind', 'status').count({ n: '*' })) as unknown as {
    kind: string;
    status: string;
    n: number;
  }[];
  return rows.map((r) => ({ kind: r.kind as FacilityKind, status: r.status as FacilityStatus, n: Number(r.n) }));
}

// ## Writes

/** The columns a clerk keeps (everything but id, status, is_sample and the timestamps). */
export interface FacilityRow {
  name: string;
  kind: FacilityKind;
  region_code: string;
  address: string | null;
  phone: string | null;
  lng: number | null;
  lat: number | null;
  niche_capacity: number | null;
  plot_capacity: number | null;
  investment_fen: number | null;
  build_mode: BuildMode | null;
  note: string | null;
}

export async function insertFacility(
  trx: Knex,
  row: FacilityRow & { status: FacilityStatus; created_at: string; updated_at: string },
): Promise<number> {
  const [out] = await trx('facilities')
    .insert({ ...row, is_sample: false })
    .returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function updateFacility(
  trx: Knex,
  id: number,
  patch: Partial<FacilityRow> & { status?: FacilityStatus; updated_at: string },
): Promise<number> {
  return trx('facilities').where({ id }).update(patch);
}

export async function deleteFacility(trx: Knex, id: number): Promise<number> {
  return trx('facilities').where({ id }).delete();
}

/**
 * Serialises changes to one facility (its row, status history and service area) for this transaction. SQLite
 * transactions already begin IMMEDIATE; on PostgreSQL the row is locked FOR NO KEY UPDATE, which does not block
 * inserts of cases or prices that reference it.
 */
export async function lockFacility(trx: Knex, id: number): Promise<{ id: number; updated_at: string } | undefined> {
  const q = trx('facilities').where({ id }).first('id', 'updated_at');
  if (dialectOf(trx) === 'postgres') q.forNoKeyUpdate();
  const row = await q;
  return row ? { id: row.id, updated_at: String(row.updated_at) } : undefined;
}

/**
 * lockFacility for every facility of these names at once (a CSV import names its rows), in one statement so that
 * two imports take their locks in the same order.
 */
export async function lockFacilitiesNamed(trx: Knex, names: string[]): Promise<void> {
  if (dialectOf(trx) !== 'postgres' || names.length === 0) return;
  await trx('facilities')
    .whereIn('name', [...new Set(names)])
    .orderBy('id')
    .forNoKeyUpdate()
    .select('id');
}

// ## Status history

export interface StatusEntry {
  id: number;
  facility_id: number;
  status: FacilityStatus;
  /** YYYY-MM-DD: the status holds from this day until the next entry's. */
  effective_on: string;
  note: string | null;
  recorded_by_name: string | null;
  recorded_at: string;
}

/** A facility's history, oldest first; entries of one day in the order recorded. */
export async function statusHistory(db: Knex, facilityId: number): Promise<StatusEntry[]> {
  const rows = await db('facility_status_history as h')
    .leftJoin('users as u', 'u.id', 'h.recorded_by')
    .where('h.facility_id', facilityId)
    .orderBy('h.effective_on')
    .orderBy('h.id')
    .select(
      'h.id',
      'h.facility_id',
      'h.status',
      'h.effective_on',
      'h.note',
      'u.display_name as recorded_by_name',
      'h.recorded_at',
    );
  return rows.map((r) => ({
    ...r,
    effective_on: String(r.effective_on).slice(0, 10),
    recorded_at: String(r.recorded_at),
  }));
}

/** The latest entry of each facility (by date, then as recorded), for lists and the export. */
export async function latestEntries(
  db: Knex,
  facilityIds: number[],
): Promise<Map<number, { status: FacilityStatus; effective_on: string }>> {
  const out = new Map<number, { status: FacilityStatus; effective_on: string }>();
  for (let i = 0; i < facilityIds.length; i += 500) {
    const rows = await db('facility_status_history')
      .whereIn('facility_id', facilityIds.slice(i, i + 500))
      .orderBy('facility_id')
      .orderBy('effective_on')
      .orderBy('id')
      .select('facility_id', 'status', 'effective_on');
    for (const r of rows)
      out.set(r.facility_id, { status: r.status, effective_on: String(r.effective_on).slice(0, 10) });
  }
  return out;
}

export async function insertStatus(
  trx: Knex,
  row: {
    facility_id: number;
    status: FacilityStatus;
    effective_on: string;
    note: string | null;
    recorded_by: number | null;
    recorded_at: string;
  },
): Promise<number> {
  const [out] = await trx('facility_status_history').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

// ## Service areas

/** The listed service area of each facility, codes in order. */
export async function serviceAreas(db: Knex, facilityIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>(facilityIds.map((id) => [id, []]));
  for (let i = 0; i < facilityIds.length; i += 500) {
    const rows = await db('facility_service_areas')
      .whereIn('facility_id', facilityIds.slice(i, i + 500))
      .orderBy('region_code')
      .select('facility_id', 'region_code');
    for (const r of rows) out.get(r.facility_id)?.push(r.region_code);
  }
  return out;
}

export async function replaceAreas(trx: Knex, facilityId: number, codes: string[]): Promise<void> {
  await trx('facility_service_areas').where({ facility_id: facilityId }).delete();
  for (let i = 0; i < codes.length; i += 500) {
    const batch = codes.slice(i, i + 500).map((region_code) => ({ facility_id: facilityId, region_code }));
    if (batch.length) await trx('facility_service_areas').insert(batch);
  }
}

// ## Regions the registry refers to

/** Active cremators of a funeral home (what cremation coverage counts). */
export async function activeCremators(db: Knex, facilityId: number): Promise<number> {
  return Number((await db('cremators').where({ facility_id: facilityId, active: true }).count({ n: '*' }))[0].n);
}

export interface RegionInfo {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  is_admin_village: boolean | null;
}

export async function regionsByCode(db: Knex, codes: string[]): Promise<Map<string, RegionInfo>> {
  const out = new Map<string, RegionInfo>();
  // Codes come from what a clerk typed: one that is not digits names no region (and a NUL would fail the query).
  const unique = [...new Set(codes)].filter((c) => /^\d{1,12}$/.test(c));
  for (let i = 0; i < unique.length; i += 500) {
    const rows = await db('regions')
      .whereIn('code', unique.slice(i, i + 500))
      .select('code', 'name', 'level', 'parent_code', 'is_admin_village');
    for (const r of rows)
      out.set(r.code, { ...r, is_admin_village: r.is_admin_village === null ? null : bool(r.is_admin_village) });
  }
  return out;
}

/** Village-level units of a township, in code order. */
export async function villagesOf(db: Knex, township: string): Promise<RegionInfo[]> {
  const rows = await db('regions')
    .where({ parent_code: township, level: 'village' })
    .orderBy('code')
    .select('code', 'name', 'level', 'parent_code', 'is_admin_village');
  return rows.map((r) => ({ ...r, is_admin_village: r.is_admin_village === null ? null : bool(r.is_admin_village) }));
}

/** Administrative villages and communities of each township. */
export async function townshipCounts(
  db: Knex,
  townships: string[],
): Promise<Map<string, { adminVillages: number; communities: number }>> {
  const out = new Map<string, { adminVillages: number; communities: number }>();
  if (townships.length === 0) return out;
  const rows = (await db('regions')
    .whereIn('parent_code', townships)
    .where('level', 'village')
    .groupBy('parent_code')
    .select('parent_code')
    .count({ n: '*' })
    .sum({ a: db.raw('CASE WHEN is_admin_village THEN 1 ELSE 0 END') })) as unknown as {
    parent_code: string;
    n: number | string;
    a: number | string | null;
  }[];
  for (const t of townships) out.set(t, { adminVillages: 0, communities: 0 });
  for (const r of rows)
    out.set(r.parent_code, { adminVillages: Number(r.a ?? 0), communities: Number(r.n) - Number(r.a ?? 0) });
  return out;
}

// ## What refers to a facility

/** Tables whose rows tie a facility down: it cannot be deleted while any of them refers to it. */
const referencing = ['funeral_cases', 'price_items', 'cremators', 'farewell_halls', 'users'] as const;
export type Reference = (typeof referencing)[number];

export async function references(db: Knex, facilityId: number): Promise<{ table: Reference; n: number }[]> {
  const out: { table: Reference; n: number }[] = [];
  for (const table of referencing) {
    const [{ n }] = await db(table).where({ facility_id: facilityId }).count({ n: '*' });
    if (Number(n) > 0) out.push({ table, n: Number(n) });
  }
  return out;
}

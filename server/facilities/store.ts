// Queries on the facility registry.
import type { Knex } from 'knex';
import { bool } from '../db.js';
import type { Facility, FacilityKind, FacilityStatus } from './kinds.js';

export interface FacilityFilter { id?: number; kind?: FacilityKind; status?: FacilityStatus; region?: string; q?: string }

function filtered(db: Knex, f: FacilityFilter) {
  const q = db('facilities as f').join('regions as r', 'r.code', 'f.region_code').leftJoin('regions as rp', 'rp.code', 'r.parent_code');
  if (f.id !== undefined) q.where('f.id', f.id);
  if (f.kind) q.where('f.kind', f.kind);
  if (f.status) q.where('f.status', f.status);
  // Codes nest: a township's code starts with its county's, so a prefix selects a region and all below it.
  if (f.region) q.where('f.region_code', 'like', `${f.region}%`);
  if (f.q) q.where('f.name', 'like', `%${f.q}%`);
  return q;
}

const columns = ['f.id', 'f.name', 'f.kind', 'f.status', 'f.region_code', 'r.name as region_name', 'rp.name as parent_region_name', 'f.address', 'f.phone',
  'f.lng', 'f.lat', 'f.niche_capacity', 'f.plot_capacity', 'f.is_sample'];

const toFacility = (row: Record<string, unknown>): Facility => ({ ...(row as unknown as Facility), is_sample: bool(row.is_sample) });

export async function list(db: Knex, f: FacilityFilter & { page: number; perPage: number }): Promise<{ rows: Facility[]; total: number }> {
  const q = filtered(db, f);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q.orderBy('f.region_code').orderBy('f.id').limit(f.perPage).offset((f.page - 1) * f.perPage).select(columns);
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

export async function countByKindAndStatus(db: Knex): Promise<{ kind: FacilityKind; status: FacilityStatus; n: number }[]> {
  const rows = (await db('facilities').groupBy('kind', 'status').select('kind', 'status').count({ n: '*' })) as unknown as { kind: string; status: string; n: number }[];
  return rows.map((r) => ({ kind: r.kind as FacilityKind, status: r.status as FacilityStatus, n: Number(r.n) }));
}

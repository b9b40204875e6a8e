// Queries the coverage engine reads: division totals per township, facilities with their status on a date,
// service areas, cremators. Everything is read in a few set-based queries so a whole country stays fast.
import type { Knex } from 'knex';
import { bool } from '../db.js';
import type { FacilityKind } from '../facilities/kinds.js';
import type { BuildMode } from './indicators.js';

/** Village-level totals of one township. */
export interface TownshipTotals { code: string; adminVillages: number; centralVillages: number; communities: number }

/** Townships (with their village totals) and counties below a prefix ('' for the whole country). */
export async function divisionTotals(db: Knex, prefix: string): Promise<{ counties: string[]; townships: TownshipTotals[] }> {
  const like = `${prefix}%`;
  const counties = (await db('regions').where('level', 'county').where('code', 'like', like).orderBy('code').pluck('code')) as string[];
  const townships = (await db('regions').where('level', 'township').where('code', 'like', like).orderBy('code').pluck('code')) as string[];
  // One pass over the village level, grouped by township (a village's parent).
  const rows = (await db('regions').where('level', 'village').where('code', 'like', like).groupBy('parent_code')
    .select('parent_code')
    .sum({ a: db.raw('CASE WHEN is_admin_village THEN 1 ELSE 0 END') })
    .sum({ c: db.raw('CASE WHEN is_admin_village AND is_central_village THEN 1 ELSE 0 END') })
    .count({ n: '*' })) as unknown as { parent_code: string; a: number | string | null; c: number | string | null; n: number | string }[];
  const byTownship = new Map(rows.map((r) => [r.parent_code, r]));
  return {
    counties,
    townships: townships.map((code) => {
      const r = byTownship.get(code);
      const a = Number(r?.a ?? 0);
      return { code, adminVillages: a, centralVillages: Number(r?.c ?? 0), communities: Number(r?.n ?? 0) - a };
    }),
  };
}

export interface VillageFlags { code: string; name: string; parent_code: string; is_admin_village: boolean; is_central_village: boolean }

const toVillage = (r: Record<string, unknown>): VillageFlags => ({
  code: String(r.code), name: String(r.name), parent_code: String(r.parent_code),
  is_admin_village: bool(r.is_admin_village), is_central_village: bool(r.is_central_village),
});

/** The named village-level units (any number; read in batches). */
export async function villagesByCode(db: Knex, codes: string[]): Promise<VillageFlags[]> {
  const out: VillageFlags[] = [];
  for (let i = 0; i < codes.length; i += 500) {
    const rows = await db('regions').where('level', 'village').whereIn('code', codes.slice(i, i + 500))
      .select('code', 'name', 'parent_code', 'is_admin_village', 'is_central_village');
    out.push(...rows.map(toVillage));
  }
  return out;
}

/** Every village-level unit below a prefix, in code order. */
export async function villagesUnder(db: Knex, prefix: string, opts: { adminOnly?: boolean } = {}): Promise<VillageFlags[]> {
  const q = db('regions').where('level', 'village').where('code', 'like', `${prefix}%`).orderBy('code');
  if (opts.adminOnly) q.where('is_admin_village', true);
  const rows = await q.select('code', 'name', 'parent_code', 'is_admin_village', 'is_central_village');
  return rows.map(toVillage);
}

export interface OperatingFacility { id: number; name: string; kind: FacilityKind; region_code: string; build_mode: BuildMode | null; areas: string[]; cremators: number }

/**
 * Facilities whose status on `date` is operating: the latest status-history row on or before the date decides.
 * Only kinds that can count are read (ash placement and funeral homes).
 */
export async function operatingOn(db: Knex, date: string, kinds: readonly FacilityKind[]): Promise<OperatingFacility[]> {
  const history = (await db('facility_status_history as h').join('facilities as f', 'f.id', 'h.facility_id')
    .whereIn('f.kind', kinds as FacilityKind[]).where('h.effective_on', '<=', date)
    .orderBy('h.facility_id').orderBy('h.effective_on').orderBy('h.id')
    .select('h.facility_id', 'h.status')) as { facility_id: number; status: string }[];
  const latest = new Map<number, string>();
  for (const h of history) latest.set(h.facility_id, h.status);
  const ids = [...latest].filter(([, s]) => s === 'operating').map(([id]) => id);
  if (ids.length === 0) return [];
  const out = new Map<number, OperatingFacility>();
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    const rows = await db('facilities').whereIn('id', batch).select('id', 'name', 'kind', 'region_code', 'build_mode');
    for (const r of rows) out.set(r.id, { ...r, build_mode: r.build_mode ?? null, areas: [], cremators: 0 });
    const areas = await db('facility_service_areas').whereIn('facility_id', batch).orderBy('region_code').select('facility_id', 'region_code');
    for (const a of areas) out.get(a.facility_id)?.areas.push(a.region_code);
    const cremators = (await db('cremators').whereIn('facility_id', batch).where('active', true).groupBy('facility_id')
      .select('facility_id').count({ n: '*' })) as unknown as { facility_id: number; n: number | string }[];
    for (const c of cremators) { const f = out.get(c.facility_id); if (f) f.cremators = Number(c.n); }
  }
  return [...out.values()].sort((a, b) => a.id - b.id);
}

export async function regionNames(db: Knex, codes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < codes.length; i += 500) {
    const rows = await db('regions').whereIn('code', codes.slice(i, i + 500)).select('code', 'name');
    for (const r of rows) out.set(r.code, r.name);
  }
  return out;
}

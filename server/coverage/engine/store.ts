// Queries the coverage engine reads: division totals per township, facilities with their status on a date,
// service areas, cremators. Everything is read in a few set-based queries so a whole country stays fast.
import type { Knex } from 'knex';
import { bool } from '../../db.js';
import type { BuildMode, FacilityKind } from '../../facilities/kinds.js';

/**
 * Restricts a code column to a prefix. Codes are digit strings, so `code >= '5202' AND code < '5203'` is the
 * prefix as a range the primary-key index can walk (SQLite's LIKE is case-insensitive and cannot use it); the LIKE
 * beside it keeps the answer exact for shorter codes that fall inside the range ('5202' is between '520199' and
 * '520200'). '' is everything.
 */
export function underPrefix<Q extends Knex.QueryBuilder>(q: Q, column: string, prefix: string): Q {
  if (!prefix) return q;
  q.where(column, '>=', prefix).where(column, 'like', `${prefix}%`);
  const next = nextCode(prefix);
  if (next) q.where(column, '<', next);
  return q;
}

/** The digit string after `prefix` of the same length ('5209' → '5210'); undefined after '99…9'. */
function nextCode(prefix: string): string | undefined {
  const digits = prefix.split('');
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    if (digits[i] !== '9') {
      digits[i] = String(Number(digits[i]) + 1);
      return digits.join('');
    }
    digits[i] = '0';
  }
  return undefined;
}

/** Village-level totals of one township. */
export interface TownshipTotals {
  code: string;
  adminVillages: number;
  centralVillages: number;
  communities: number;
}

/**
 * Townships (with their village totals) and counties below a prefix ('' for the whole country). Each township row
 * keeps its own totals, counted again by the database in the transaction of every change to its villages
 * (db/migrations/202612052700_keep_township_totals.ts): no pass over the 620,573 village rows.
 */
export async function divisionTotals(
  db: Knex,
  prefix: string,
): Promise<{ counties: string[]; townships: TownshipTotals[] }> {
  const [counties, rows] = await Promise.all([
    underPrefix(db('regions').where('level', 'county'), 'code', prefix).orderBy('code').pluck('code') as Promise<
      string[]
    >,
    underPrefix(db('regions').where('level', 'township'), 'code', prefix)
      .orderBy('code')
      .select('code', 'village_count', 'admin_village_count', 'central_village_count') as Promise<
      { code: string; village_count: number; admin_village_count: number; central_village_count: number }[]
    >,
  ]);
  return {
    counties,
    townships: rows.map((r) => {
      const a = Number(r.admin_village_count);
      return {
        code: r.code,
        adminVillages: a,
        centralVillages: Number(r.central_village_count),
        communities: Number(r.village_count) - a,
      };
    }),
  };
}

export interface VillageFlags {
  code: string;
  name: string;
  parent_code: string;
  is_admin_village: boolean;
  is_central_village: boolean;
}

const toVillage = (r: Record<string, unknown>): VillageFlags => ({
  code: String(r.code),
  name: String(r.name),
  parent_code: String(r.parent_code),
  is_admin_village: bool(r.is_admin_village),
  is_central_village: bool(r.is_central_village),
});

const villageColumns = ['code', 'name', 'parent_code', 'is_admin_village', 'is_central_village'];

/** The named village-level units (any number; read in batches). */
export async function villagesByCode(db: Knex, codes: string[]): Promise<VillageFlags[]> {
  const out: VillageFlags[] = [];
  // Only 12-digit codes are village-level; filtering on level instead would lead SQLite to walk the level index.
  const villages = codes.filter((c) => c.length === 12);
  for (let i = 0; i < villages.length; i += 900) {
    const rows = await db('regions')
      .whereIn('code', villages.slice(i, i + 900))
      .select(villageColumns);
    for (const r of rows) out.push(toVillage(r));
  }
  return out;
}

/** Every village-level unit below a prefix, in code order. */
export async function villagesUnder(
  db: Knex,
  prefix: string,
  opts: { adminOnly?: boolean; q?: string } = {},
): Promise<VillageFlags[]> {
  const q = underPrefix(db('regions').where('level', 'village'), 'code', prefix).orderBy('code');
  if (opts.adminOnly) q.where('is_admin_village', true);
  const text = opts.q?.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  if (text)
    q.where((w) => {
      w.whereRaw("name like ? escape '\\'", [`%${text}%`]).orWhereRaw("code like ? escape '\\'", [`%${text}%`]);
    });
  return (await q.select(villageColumns)).map(toVillage);
}

/** The village-level units of the given townships, in code order. */
export async function villagesOf(
  db: Knex,
  townships: string[],
  opts: { adminOnly?: boolean } = {},
): Promise<VillageFlags[]> {
  const out: VillageFlags[] = [];
  const sorted = [...townships].sort();
  for (let i = 0; i < sorted.length; i += 900) {
    const q = db('regions')
      .whereIn('parent_code', sorted.slice(i, i + 900))
      .where('level', 'village')
      .orderBy('code');
    if (opts.adminOnly) q.where('is_admin_village', true);
    for (const r of await q.select(villageColumns)) out.push(toVillage(r));
  }
  return out;
}

export interface OperatingFacility {
  id: number;
  name: string;
  kind: FacilityKind;
  region_code: string;
  build_mode: BuildMode | null;
  areas: string[];
  cremators: number;
}

/**
 * Facilities of the given kinds whose status on `date` is operating: the latest status-history row on or before
 * the date decides (the later-recorded row when two share a date); a facility without history on or before the
 * date does not count. Below a prefix, only facilities that stand there or list a service area there are read.
 * Funeral homes come with their number of active cremators.
 */
export async function operatingOn(
  db: Knex,
  date: string,
  kinds: readonly FacilityKind[],
  prefix = '',
): Promise<OperatingFacility[]> {
  // Each facility's status on the date, as one window over its history rows up to the date.
  const latest = db('facility_status_history')
    .where('effective_on', '<=', date)
    .select(
      'facility_id',
      'status',
      db.raw('row_number() over (partition by facility_id order by effective_on desc, id desc) as rn'),
    );
  const q = db('facilities as f')
    .join(latest.as('h'), 'h.facility_id', 'f.id')
    .where('h.rn', 1)
    .where('h.status', 'operating')
    .whereIn('f.kind', kinds as FacilityKind[])
    .orderBy('f.id')
    .select('f.id', 'f.name', 'f.kind', 'f.region_code', 'f.build_mode');
  if (prefix) {
    q.where((w) => {
      w.where((located) => {
        underPrefix(located, 'f.region_code', prefix);
      }).orWhereIn('f.id', underPrefix(db('facility_service_areas').select('facility_id'), 'region_code', prefix));
    });
  }
  const rows = (await q) as {
    id: number;
    name: string;
    kind: FacilityKind;
    region_code: string;
    build_mode: BuildMode | null;
  }[];
  const ids = rows.map((r) => r.id);
  const out = new Map<number, OperatingFacility>();
  for (const r of rows)
    out.set(r.id, {
      id: r.id,
      name: r.name,
      kind: r.kind,
      region_code: r.region_code,
      build_mode: r.build_mode ?? null,
      areas: [],
      cremators: 0,
    });
  await fillAreasAndCremators(db, ids, out);
  return [...out.values()];
}

/**
 * Fills in each facility's service area and, for funeral homes, its active cremators, reading in batches of 900 ids
 * (under SQLite's limit of bound parameters).
 */
async function fillAreasAndCremators(db: Knex, ids: number[], facilities: Map<number, OperatingFacility>) {
  for (let i = 0; i < ids.length; i += 900) {
    const batch = ids.slice(i, i + 900);
    const areas = await db('facility_service_areas')
      .whereIn('facility_id', batch)
      .orderBy('region_code')
      .select('facility_id', 'region_code');
    for (const a of areas) facilities.get(a.facility_id)?.areas.push(a.region_code);
    const homes = batch.filter((id) => facilities.get(id)?.kind === 'funeral_home');
    if (homes.length === 0) continue;
    const cremators = (await db('cremators')
      .whereIn('facility_id', homes)
      .where('active', true)
      .groupBy('facility_id')
      .select('facility_id')
      .count({ n: '*' })) as unknown as { facility_id: number; n: number | string }[];
    for (const c of cremators) {
      const f = facilities.get(c.facility_id);
      if (f) f.cremators = Number(c.n);
    }
  }
}

/**
 * operatingOn for several dates from one read (the dashboard's yearly chart): every history row of the facilities
 * up to the last date, the status on each date decided as in operatingOn, then areas and cremators read once.
 */
export async function operatingOnDates(
  db: Knex,
  dates: string[],
  kinds: readonly FacilityKind[],
  prefix = '',
): Promise<Map<string, OperatingFacility[]>> {
  const out = new Map<string, OperatingFacility[]>(dates.map((d) => [d, []]));
  if (dates.length === 0) return out;
  const last = [...dates].sort()[dates.length - 1];
  const q = db('facility_status_history as h')
    .join('facilities as f', 'f.id', 'h.facility_id')
    .whereIn('f.kind', kinds as FacilityKind[])
    .where('h.effective_on', '<=', last)
    .orderBy('h.facility_id')
    .orderBy('h.effective_on')
    .orderBy('h.id')
    .select('h.facility_id', 'h.status', 'h.effective_on', 'f.name', 'f.kind', 'f.region_code', 'f.build_mode');
  if (prefix) {
    q.where((w) => {
      w.where((located) => {
        underPrefix(located, 'f.region_code', prefix);
      }).orWhereIn('f.id', underPrefix(db('facility_service_areas').select('facility_id'), 'region_code', prefix));
    });
  }
  const rows = (await q) as {
    facility_id: number;
    status: string;
    effective_on: string;
    name: string;
    kind: FacilityKind;
    region_code: string;
    build_mode: BuildMode | null;
  }[];
  const facilities = new Map<number, OperatingFacility>();
  const history = new Map<number, { on: string; status: string }[]>();
  for (const r of rows) {
    if (!facilities.has(r.facility_id)) {
      facilities.set(r.facility_id, {
        id: r.facility_id,
        name: r.name,
        kind: r.kind,
        region_code: r.region_code,
        build_mode: r.build_mode ?? null,
        areas: [],
        cremators: 0,
      });
      history.set(r.facility_id, []);
    }
    history.get(r.facility_id)!.push({ on: String(r.effective_on).slice(0, 10), status: r.status });
  }
  const used = new Set<number>();
  for (const date of dates) {
    const list = out.get(date)!;
    for (const [id, steps] of history) {
      let status: string | undefined;
      for (const s of steps) if (s.on <= date) status = s.status; // in date then id order: the last one on or before wins
      if (status === 'operating') {
        list.push(facilities.get(id)!);
        used.add(id);
      }
    }
  }
  await fillAreasAndCremators(
    db,
    [...used].sort((a, b) => a - b),
    facilities,
  );
  return out;
}

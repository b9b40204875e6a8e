// Queries of the grave finder: the staff search over placements (scattering included) and contracts not placed yet,
// scoped by facility or region, counted and paged in SQL; and the families' exact look-up by name and phone.
import type { Knex } from 'knex';
import type { BurialMethod, ContractStatus, GroupKind, PlaceKind } from './kinds.js';

export interface FinderFilter {
  /** A scoped account's facility (cemetery staff) or a bureau's region prefix; neither for the unscoped. */
  scopeFacilityId?: number;
  scopeRegion?: string;
  facilityId?: number;
  deceased?: { text: string; contains: boolean };
  idNumber?: string;
  holder?: string;
  phone?: { whole: string } | { tail: string };
  code?: string;
}

/** A row of the staff results: a placement (with its contract and place when it has them), or a contract alone. */
export interface FoundRow {
  placement_id: number | null;
  deceased_name: string | null;
  id_number: string | null;
  burial_method: BurialMethod | null;
  placed_on: string | null;
  removed_on: string | null;
  contract_id: number | null;
  contract_number: string | null;
  contract_status: ContractStatus | null;
  holder_name: string | null;
  holder_phone: string | null;
  place_id: number | null;
  place_code: string | null;
  facility_id: number;
  facility_name: string;
}

/** LIKE with the user's %, _ and \ taken literally. */
const like = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const LIKE = "LIKE ? ESCAPE '\\'";

function scoped(q: Knex.QueryBuilder, f: FinderFilter) {
  if (f.scopeFacilityId !== undefined) q.where('f.id', f.scopeFacilityId);
  if (f.scopeRegion !== undefined) q.whereRaw(`f.region_code ${LIKE}`, [`${like(f.scopeRegion)}%`]);
  if (f.facilityId !== undefined) q.where('f.id', f.facilityId);
  if (f.holder) q.whereRaw(`c.holder_name ${LIKE}`, [`%${like(f.holder)}%`]);
  if (f.phone && 'whole' in f.phone) q.where('c.holder_phone', f.phone.whole);
  if (f.phone && 'tail' in f.phone) q.whereRaw(`c.holder_phone ${LIKE}`, [`%${like(f.phone.tail)}`]);
  if (f.code) q.whereRaw(`p.code ${LIKE}`, [`${like(f.code)}%`]);
  return q;
}

/** Both branches of the results, UNION ALL: placements first (their column types lead), then unplaced contracts. */
function results(db: Knex, f: FinderFilter): Knex.QueryBuilder {
  const placements = scoped(
    db('resting_placements as pl')
      .join('facilities as f', 'f.id', 'pl.facility_id')
      .leftJoin('resting_contracts as c', 'c.id', 'pl.contract_id')
      .leftJoin('resting_places as p', 'p.id', 'pl.place_id')
      .select(
        'pl.id as placement_id',
        'pl.deceased_name',
        'pl.id_number',
        'pl.burial_method',
        'pl.placed_on',
        'pl.removed_on',
        'c.id as contract_id',
        'c.contract_number',
        'c.status as contract_status',
        'c.holder_name',
        'c.holder_phone',
        'p.id as place_id',
        'p.code as place_code',
        'f.id as facility_id',
        'f.name as facility_name',
      ),
    f,
  );
  if (f.deceased)
    placements.whereRaw(`pl.deceased_name ${LIKE}`, [
      f.deceased.contains ? `%${like(f.deceased.text)}%` : `${like(f.deceased.text)}%`,
    ]);
  if (f.idNumber)
    if (f.idNumber.length === 18) placements.where('pl.id_number', f.idNumber);
    else placements.whereRaw(`pl.id_number ${LIKE}`, [`%${like(f.idNumber)}%`]);
  // A contract with nobody placed yet is found by its holder or place only, never by a deceased's name or ID.
  if (f.deceased || f.idNumber) return placements;
  const unplaced = scoped(
    db('resting_contracts as c')
      .join('facilities as f', 'f.id', 'c.facility_id')
      .join('resting_places as p', 'p.id', 'c.place_id')
      .whereNotExists((s) => {
        s.select(db.raw('1')).from('resting_placements as x').whereRaw('x.contract_id = c.id');
      })
      .select(
        db.raw('NULL as placement_id'),
        db.raw('NULL as deceased_name'),
        db.raw('NULL as id_number'),
        db.raw('NULL as burial_method'),
        db.raw('NULL as placed_on'),
        db.raw('NULL as removed_on'),
        'c.id as contract_id',
        'c.contract_number',
        'c.status as contract_status',
        'c.holder_name',
        'c.holder_phone',
        'p.id as place_id',
        'p.code as place_code',
        'f.id as facility_id',
        'f.name as facility_name',
      ),
    f,
  );
  return placements.unionAll(unplaced);
}

const day = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

/** One page of the results, placed before removed, then by code; and how many there are. */
export async function search(
  db: Knex,
  f: FinderFilter,
  page: number,
  perPage: number,
): Promise<{ rows: FoundRow[]; total: number }> {
  const [count] = await db.from(results(db, f).as('r')).count({ n: '*' });
  const total = Number(count.n);
  if (total === 0) return { rows: [], total };
  const rows = await db
    .from(results(db, f).as('r'))
    .select('*')
    .orderByRaw(
      'CASE WHEN removed_on IS NULL THEN 0 ELSE 1 END, COALESCE(place_code, ?), COALESCE(placement_id, 0), contract_id',
      [''],
    )
    .limit(perPage)
    .offset((page - 1) * perPage);
  return {
    total,
    rows: (rows as Record<string, unknown>[]).map((r) => ({
      ...(r as unknown as FoundRow),
      placed_on: day(r.placed_on),
      removed_on: day(r.removed_on),
    })),
  };
}

/** Where a deceased lies, for the families: facility, layout group and place. */
export interface GraveRow {
  placement_id: number;
  deceased_name: string;
  place_kind: PlaceKind;
  code: string;
  row_no: number;
  column_no: number;
  group_kind: GroupKind;
  hall: string | null;
  group_code: string;
  group_name: string | null;
  facility_id: number;
  facility_name: string;
  facility_kind: string;
  facility_status: string;
  address: string | null;
  facility_phone: string | null;
}

/**
 * Placements of this exact name whose contract is in force with this exact holder's phone, still in place (not
 * removed). Both must match: one query, so that a wrong phone and an unknown name take the same path.
 */
export function graves(db: Knex, deceasedName: string, holderPhone: string): Promise<GraveRow[]> {
  return db('resting_placements as pl')
    .join('resting_contracts as c', 'c.id', 'pl.contract_id')
    .join('resting_places as p', 'p.id', 'pl.place_id')
    .join('resting_groups as g', 'g.id', 'p.group_id')
    .join('facilities as f', 'f.id', 'pl.facility_id')
    .where('pl.deceased_name', deceasedName)
    .where('c.holder_phone', holderPhone)
    .where('c.status', 'active')
    .whereNull('pl.removed_on')
    .orderBy('pl.id')
    .limit(10)
    .select(
      'pl.id as placement_id',
      'pl.deceased_name',
      'p.kind as place_kind',
      'p.code',
      'p.row_no',
      'p.column_no',
      'g.kind as group_kind',
      'g.hall',
      'g.code as group_code',
      'g.name as group_name',
      'f.id as facility_id',
      'f.name as facility_name',
      'f.kind as facility_kind',
      'f.status as facility_status',
      'f.address',
      'f.phone as facility_phone',
    );
}

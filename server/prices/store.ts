// Queries on price_items. Dates are 'YYYY-MM-DD' strings on both drivers, so they compare as text.
import type { Knex } from 'knex';
import { dialectOf } from '../db.js';
import { basicKinds, type BasicKind, type PriceCategory, type PriceUnit } from './schemas.js';

export interface PriceItem {
  id: number;
  facility_id: number;
  code: string;
  name_zh: string;
  name_en: string;
  category: PriceCategory;
  basic_kind: BasicKind | null;
  unit: PriceUnit;
  price_fen: number;
  valid_from: string;
  /** Inclusive; null = until further notice. */
  valid_to: string | null;
  created_at: string;
  updated_at: string;
}

export type PriceItemRow = Omit<PriceItem, 'id' | 'created_at' | 'updated_at'>;

const columns = [
  'id',
  'facility_id',
  'code',
  'name_zh',
  'name_en',
  'category',
  'basic_kind',
  'unit',
  'price_fen',
  'valid_from',
  'valid_to',
  'created_at',
  'updated_at',
];

const toItem = (row: Record<string, unknown>): PriceItem => ({
  ...(row as unknown as PriceItem),
  price_fen: Number(row.price_fen),
});

/**
 * Items in the order a price list shows them: basic services in the order of basicKinds, then optional services in
 * the order the home first listed them (a code keeps its place when its price changes), older periods first.
 */
async function inListOrder(db: Knex, q: Knex.QueryBuilder): Promise<PriceItem[]> {
  const rows: Record<string, unknown>[] = await q
    .select(columns.map((c) => `p.${c}`))
    .select(
      db.raw(
        '(SELECT MIN(f.id) FROM price_items f WHERE f.facility_id = p.facility_id AND f.code = p.code) AS first_id',
      ),
    );
  const rank = (r: Record<string, unknown>) =>
    r.category === 'basic' ? basicKinds.indexOf(r.basic_kind as BasicKind) : basicKinds.length;
  rows.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      Number(a.first_id) - Number(b.first_id) ||
      String(a.valid_from).localeCompare(String(b.valid_from)),
  );
  return rows.map(({ first_id: _omit, ...row }) => toItem(row));
}

/** An item is valid on a date when valid_from ≤ date ≤ valid_to (valid_to inclusive, null open-ended). */
function validOn(q: Knex.QueryBuilder, date: string): Knex.QueryBuilder {
  return q.where('p.valid_from', '<=', date).where((w) => {
    w.whereNull('p.valid_to').orWhere('p.valid_to', '>=', date);
  });
}

export async function findPriceItem(db: Knex, id: number): Promise<PriceItem | undefined> {
  const row = await db('price_items').where({ id }).first(columns);
  return row ? toItem(row) : undefined;
}

/** The price list of a funeral home on a date: the items valid that day. */
export async function priceItemsOn(db: Knex, facilityId: number, date: string): Promise<PriceItem[]> {
  return inListOrder(db, validOn(db('price_items as p').where('p.facility_id', facilityId), date));
}

export async function listAll(db: Knex, facilityId: number): Promise<PriceItem[]> {
  return inListOrder(db, db('price_items as p').where('p.facility_id', facilityId));
}

/** Items of the same code whose period meets [from, to] (to null = open-ended), other than `exceptId`. */
export async function overlapping(
  trx: Knex,
  facilityId: number,
  code: string,
  from: string,
  to: string | null,
  exceptId?: number,
): Promise<PriceItem[]> {
  const q = trx('price_items')
    .where({ facility_id: facilityId, code })
    .where((w) => {
      w.whereNull('valid_to').orWhere('valid_to', '>=', from);
    });
  if (to !== null) q.where('valid_from', '<=', to);
  if (exceptId !== undefined) q.whereNot('id', exceptId);
  const rows = await q.orderBy('valid_from').select(columns);
  return rows.map(toItem);
}

/**
 * Serialises changes to one funeral home's price list, so that the overlap check and the write that follows it
 * cannot interleave with another change. SQLite transactions already begin IMMEDIATE (one writer at a time); on
 * PostgreSQL the facility row is locked FOR NO KEY UPDATE, which does not block inserts of cases that reference it.
 * Returns the facility's kind, or undefined when there is no such facility.
 */
export async function lockFacility(trx: Knex, facilityId: number): Promise<string | undefined> {
  const q = trx('facilities').where({ id: facilityId }).first('kind');
  if (dialectOf(trx) === 'postgres') q.forNoKeyUpdate();
  return (await q)?.kind;
}

export async function insertItem(
  trx: Knex,
  row: PriceItemRow & { created_at: string; updated_at: string },
): Promise<number> {
  const [out] = await trx('price_items').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function updateItem(
  trx: Knex,
  id: number,
  patch: Partial<PriceItemRow> & { updated_at: string },
): Promise<number> {
  return trx('price_items').where({ id }).update(patch);
}

/** How many items each funeral home lists on a date, for the index pages. */
export async function countsOn(db: Knex, date: string): Promise<Map<number, number>> {
  const rows = (await validOn(db('price_items as p'), date)
    .groupBy('facility_id')
    .select('facility_id')
    .count({ n: '*' })) as unknown as { facility_id: number; n: number }[];
  return new Map(rows.map((r) => [Number(r.facility_id), Number(r.n)]));
}

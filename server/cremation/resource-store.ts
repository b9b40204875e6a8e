// Queries on cremators and farewell halls and their closures (停用时段). Plain rows in and out; callers pass the
// transaction. The bookings of both kinds are in store.ts.
import type { Knex } from 'knex';
import { bool, dialectOf } from '../db.js';
import type { ResourceKind } from './schemas.js';

/** Where each kind of resource and its bookings live. */
export const tables = {
  cremator: { resources: 'cremators', bookings: 'cremation_bookings', column: 'cremator_id' },
  hall: { resources: 'farewell_halls', bookings: 'hall_bookings', column: 'hall_id' },
} as const satisfies Record<ResourceKind, { resources: string; bookings: string; column: string }>;

export interface Resource {
  id: number;
  kind: ResourceKind;
  facility_id: number;
  name: string;
  slot_minutes: number;
  day_start: string;
  day_end: string;
  capacity: number | null;
  active: boolean;
  /** The price item a booking of it charges (its code, at the price of the booking's date); null: no charge. */
  price_item_id: number | null;
  created_at: string;
  updated_at: string;
}

export interface Closure {
  id: number;
  resource_type: ResourceKind;
  resource_id: number;
  resource_name: string;
  facility_id: number;
  starts_at: string;
  ends_at: string;
  reason: string;
  created_by: number | null;
  created_at: string;
}

// ## Resources

const resourceColumns = (kind: ResourceKind) => [
  'id',
  'facility_id',
  'name',
  'slot_minutes',
  'day_start',
  'day_end',
  ...(kind === 'hall' ? ['capacity'] : []),
  'active',
  'price_item_id',
  'created_at',
  'updated_at',
];

function toResource(kind: ResourceKind, row: Record<string, unknown>): Resource {
  return {
    ...(row as unknown as Resource),
    kind,
    capacity: kind === 'hall' ? Number(row.capacity) : null,
    active: bool(row.active),
    price_item_id: row.price_item_id == null ? null : Number(row.price_item_id),
  };
}

export async function listResources(
  db: Knex,
  kind: ResourceKind,
  facilityId: number,
  opts: { activeOnly?: boolean } = {},
): Promise<Resource[]> {
  const q = db(tables[kind].resources).where({ facility_id: facilityId });
  if (opts.activeOnly) q.where({ active: true });
  const rows = await q.orderBy('id').select(resourceColumns(kind));
  return rows.map((r: Record<string, unknown>) => toResource(kind, r));
}

/** Both kinds of the facility's resources in one query (the day's pages count their queries), cremators first. The kind is a constant of ours, never input. */
export async function listAllResources(
  db: Knex,
  facilityId: number,
  opts: { activeOnly?: boolean } = {},
): Promise<Resource[]> {
  const part = (kind: ResourceKind) => {
    const q = db(tables[kind].resources)
      .where({ facility_id: facilityId })
      .select(
        db.raw(`'${kind}' as kind`),
        'id',
        'facility_id',
        'name',
        'slot_minutes',
        'day_start',
        'day_end',
        kind === 'hall' ? 'capacity' : db.raw('null as capacity'),
        'active',
        'price_item_id',
        'created_at',
        'updated_at',
      );
    if (opts.activeOnly) q.where({ active: true });
    return q;
  };
  const rows: Record<string, unknown>[] = await part('cremator').unionAll(part('hall'));
  return rows
    .map((r) => toResource(r.kind as ResourceKind, r))
    .sort((a, b) => (a.kind === b.kind ? a.id - b.id : a.kind === 'cremator' ? -1 : 1));
}

export async function findResource(db: Knex, kind: ResourceKind, id: number): Promise<Resource | undefined> {
  const row = await db(tables[kind].resources).where({ id }).first();
  return row ? toResource(kind, row) : undefined;
}

/**
 * Reads a resource inside a transaction and holds it against changes until the transaction ends: bookings take a
 * shared lock (they may run side by side; the unique index decides between them), changes to hours and new
 * closures an exclusive one, so a booking never slips in under a closure or a changed grid. PostgreSQL needs the
 * row locks; SQLite transactions already begin immediate and run one at a time.
 */
export async function lockResource(
  trx: Knex.Transaction,
  kind: ResourceKind,
  id: number,
  mode: 'share' | 'update',
): Promise<Resource | undefined> {
  const q = trx(tables[kind].resources).where({ id });
  if (dialectOf(trx) === 'postgres') {
    if (mode === 'share') q.forShare();
    else q.forUpdate();
  }
  const row = await q.first();
  return row ? toResource(kind, row) : undefined;
}

export async function insertResource(trx: Knex, kind: ResourceKind, row: Record<string, unknown>): Promise<number> {
  const [out] = await trx(tables[kind].resources).insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function updateResource(
  trx: Knex,
  kind: ResourceKind,
  id: number,
  patch: Record<string, unknown>,
): Promise<number> {
  const n = await trx(tables[kind].resources).where({ id }).update(patch);
  return n;
}

// ## Closures

/** Closures joined to the cremator or hall they close, whichever it is. */
const closures = (db: Knex) =>
  db('resource_closures as rc')
    .leftJoin('cremators as c', function () {
      this.on('c.id', 'rc.resource_id').andOnVal('rc.resource_type', 'cremator');
    })
    .leftJoin('farewell_halls as h', function () {
      this.on('h.id', 'rc.resource_id').andOnVal('rc.resource_type', 'hall');
    });

/** A Closure's columns, with the name and facility of its resource. */
const closureColumns = (db: Knex) => [
  'rc.id',
  'rc.resource_type',
  'rc.resource_id',
  'rc.starts_at',
  'rc.ends_at',
  'rc.reason',
  'rc.created_by',
  'rc.created_at',
  db.raw('coalesce(c.name, h.name) as resource_name'),
  db.raw('coalesce(c.facility_id, h.facility_id) as facility_id'),
];

/** Closures of the facility's resources that overlap [from, to), with the resource's name. */
export async function closuresOfFacility(db: Knex, facilityId: number, from: string, to: string): Promise<Closure[]> {
  const rows = await closures(db)
    .where((w) => {
      w.where('c.facility_id', facilityId).orWhere('h.facility_id', facilityId);
    })
    .where('rc.starts_at', '<', to)
    .where('rc.ends_at', '>', from)
    .orderBy('rc.starts_at')
    .orderBy('rc.id')
    .select(closureColumns(db));
  return rows as Closure[];
}

export async function findClosure(db: Knex, id: number): Promise<Closure | undefined> {
  const row = await closures(db).where('rc.id', id).first(closureColumns(db));
  return row as Closure | undefined;
}

/** Closures of one resource overlapping [from, to). */
export async function closuresOf(
  db: Knex,
  kind: ResourceKind,
  resourceId: number,
  from: string,
  to: string,
): Promise<Pick<Closure, 'id' | 'starts_at' | 'ends_at' | 'reason'>[]> {
  return db('resource_closures')
    .where({ resource_type: kind, resource_id: resourceId })
    .where('starts_at', '<', to)
    .where('ends_at', '>', from)
    .orderBy('starts_at')
    .select('id', 'starts_at', 'ends_at', 'reason');
}

export async function insertClosure(
  trx: Knex,
  row: {
    resource_type: ResourceKind;
    resource_id: number;
    starts_at: string;
    ends_at: string;
    reason: string;
    created_by: number | null;
    created_at: string;
  },
): Promise<number> {
  // cremator_id and hall_id are the foreign keys behind (resource_type, resource_id): exactly one, equal to resource_id.
  const keys = {
    cremator_id: row.resource_type === 'cremator' ? row.resource_id : null,
    hall_id: row.resource_type === 'hall' ? row.resource_id : null,
  };
  const [out] = await trx('resource_closures')
    .insert({ ...row, ...keys })
    .returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function deleteClosure(trx: Knex, id: number): Promise<number> {
  const n = await trx('resource_closures').where({ id }).del();
  return n;
}

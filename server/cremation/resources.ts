// A funeral home's cremators, farewell halls and closures: what can be booked, when. Changes that would strand
// future bookings are refused, because the unique index that prevents double booking compares slot starts only.
import type { Knex } from 'knex';
import { assertCanRead, assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { findPriceItem, priceItemsOn, type PriceItem } from '../prices/service.js';
import { todayInShanghai } from '../time.js';
import type { ResourceInput, ResourceKind } from './schemas.js';
import { locateSlot, type WorkingDay } from './slots.js';
import { forgetDays } from './day-cache.js';
import * as resourceStore from './resource-store.js';
import * as store from './store.js';
import { auditEntity, funeralHome, type Actor } from './common.js';

export async function resourcesOf(db: Knex, actor: Actor, facilityId: number, now = new Date()) {
  const facility = await funeralHome(db, facilityId);
  assertCanRead(actor, facilityId);
  const [cremators, halls, closures] = await Promise.all([
    resourceStore.listResources(db, 'cremator', facilityId),
    resourceStore.listResources(db, 'hall', facilityId),
    resourceStore.closuresOfFacility(db, facilityId, now.toISOString(), '9999-12-31T00:00:00.000Z'),
  ]);
  return { facility, cremators, halls, closures };
}

/** A resource of this funeral home, for its edit form. */
export async function resourceOf(
  db: Knex,
  actor: Actor,
  facilityId: number,
  kind: ResourceKind,
  id: number,
): Promise<resourceStore.Resource> {
  await funeralHome(db, facilityId);
  assertCanRead(actor, facilityId);
  const r = await resourceStore.findResource(db, kind, id);
  if (!r || r.facility_id !== facilityId) throw new NotFoundError();
  return r;
}

function resourceRow(kind: ResourceKind, input: ResourceInput) {
  return {
    name: input.name,
    slot_minutes: input.slot_minutes,
    day_start: input.day_start,
    day_end: input.day_end,
    active: input.active,
    price_item_id: input.price_item_id ?? null,
    ...(kind === 'hall' ? { capacity: input.capacity } : {}),
  };
}

/** The price items a cremator or hall may charge: the home's list as it stands today, and the one already chosen. */
export async function priceItemChoices(db: Knex, facilityId: number, chosen?: number | null): Promise<PriceItem[]> {
  const items = await priceItemsOn(db, facilityId, todayInShanghai());
  if (chosen && !items.some((i) => i.id === chosen)) {
    const old = await findPriceItem(db, chosen);
    if (old && old.facility_id === facilityId) items.push(old);
  }
  return items;
}

/** The price item a resource charges must be one of its own funeral home's. */
async function checkPriceItem(db: Knex, facilityId: number, input: ResourceInput): Promise<void> {
  if (!input.price_item_id) return;
  const item = await findPriceItem(db, input.price_item_id);
  if (!item || item.facility_id !== facilityId)
    throw new ValidationError({ price_item_id: { key: 'errors.price_item_unknown' } });
}

const nameTaken = () => new ConflictError('resource_name_taken', { name: { key: 'errors.resource_name_taken' } });

export async function createResource(
  db: Knex,
  actor: Actor,
  facilityId: number,
  kind: ResourceKind,
  input: ResourceInput,
  ip: string | null,
): Promise<number> {
  await funeralHome(db, facilityId);
  assertCanWrite(actor, facilityId);
  await checkPriceItem(db, facilityId, input);
  try {
    const created = await db.transaction(async (trx) => {
      const now = nowIso();
      const row = { facility_id: facilityId, ...resourceRow(kind, input), created_at: now, updated_at: now };
      const id = await resourceStore.insertResource(trx, kind, row);
      await audit.record(trx, { actor, action: 'create', entity: auditEntity[kind], entityId: id, after: row, ip });
      return id;
    });
    forgetDays(db);
    return created;
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

/**
 * Changes a resource. New hours or slot length, or switching it off, must leave every future booking on a slot
 * the resource still offers: a booking off the grid would escape the unique index that prevents overlaps.
 */
export async function updateResource(
  db: Knex,
  actor: Actor,
  facilityId: number,
  kind: ResourceKind,
  id: number,
  input: ResourceInput,
  ip: string | null,
  now = new Date(),
): Promise<void> {
  await funeralHome(db, facilityId);
  assertCanWrite(actor, facilityId);
  await checkPriceItem(db, facilityId, input);
  try {
    await db.transaction(async (trx) => {
      const before = await resourceStore.lockResource(trx, kind, id, 'update');
      if (!before || before.facility_id !== facilityId) throw new NotFoundError();
      const patch = { ...resourceRow(kind, input), updated_at: nowIso() };
      const day: WorkingDay = { dayStart: input.day_start, dayEnd: input.day_end, slotMinutes: input.slot_minutes };
      const future = await store.activeBookingsOf(trx, kind, id, now.toISOString(), null);
      const stranded = input.active ? future.filter((b) => !('slot' in locateSlot(b.starts_at, day))) : future;
      if (stranded.length) throw new ConflictError('resource_has_bookings', {}, { count: stranded.length });
      await resourceStore.updateResource(trx, kind, id, patch);
      await audit.record(trx, {
        actor,
        action: 'update',
        entity: auditEntity[kind],
        entityId: id,
        before,
        after: patch,
        ip,
      });
    });
    forgetDays(db);
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken();
    throw err;
  }
}

export interface ClosureRequest {
  target: 'all' | { kind: ResourceKind; id: number };
  starts_at: string;
  ends_at: string;
  reason: string;
}

/**
 * Closes one resource, or all of the home's active ones, over [starts_at, ends_at). Refused while bookings lie in
 * that time: they must be moved first, so that no family's booking silently falls into a maintenance day.
 * Returns how many closures were added (an identical one submitted again is not added twice).
 */
export async function addClosure(
  db: Knex,
  actor: Actor,
  facilityId: number,
  req: ClosureRequest,
  ip: string | null,
  now = new Date(),
): Promise<number> {
  await funeralHome(db, facilityId);
  assertCanWrite(actor, facilityId);
  if (req.ends_at <= now.toISOString()) throw new ValidationError({ end_date: { key: 'errors.closure_in_past' } });
  const count = await db.transaction(async (trx) => {
    let targets: { kind: ResourceKind; id: number }[];
    if (req.target === 'all') {
      const [c, h] = await Promise.all([
        resourceStore.listResources(trx, 'cremator', facilityId, { activeOnly: true }),
        resourceStore.listResources(trx, 'hall', facilityId, { activeOnly: true }),
      ]);
      targets = [...c, ...h].map((r) => ({ kind: r.kind, id: r.id }));
    } else targets = [req.target];
    if (targets.length === 0) throw new ValidationError({ target: { key: 'errors.resource_unknown' } });
    let blocking = 0;
    let added = 0;
    for (const t of targets) {
      const r = await resourceStore.lockResource(trx, t.kind, t.id, 'update');
      if (!r || r.facility_id !== facilityId) throw new ValidationError({ target: { key: 'errors.resource_unknown' } });
      blocking += (await store.activeBookingsOf(trx, t.kind, t.id, req.starts_at, req.ends_at)).length;
      if (blocking) continue;
      const same = (await resourceStore.closuresOf(trx, t.kind, t.id, req.starts_at, req.ends_at)).some(
        (c) => c.starts_at === req.starts_at && c.ends_at === req.ends_at && c.reason === req.reason,
      );
      if (same) continue;
      const row = {
        resource_type: t.kind,
        resource_id: t.id,
        starts_at: req.starts_at,
        ends_at: req.ends_at,
        reason: req.reason,
        created_by: actor.id,
        created_at: nowIso(),
      };
      const id = await resourceStore.insertClosure(trx, row);
      await audit.record(trx, { actor, action: 'create', entity: 'resource_closure', entityId: id, after: row, ip });
      added += 1;
    }
    if (blocking) throw new ConflictError('closure_has_bookings', {}, { count: blocking });
    return added;
  });
  forgetDays(db);
  return count;
}

export async function closureOf(
  db: Knex,
  actor: Actor,
  facilityId: number,
  closureId: number,
): Promise<resourceStore.Closure> {
  await funeralHome(db, facilityId);
  assertCanRead(actor, facilityId);
  const c = await resourceStore.findClosure(db, closureId);
  if (!c || Number(c.facility_id) !== facilityId) throw new NotFoundError();
  return c;
}

export async function removeClosure(
  db: Knex,
  actor: Actor,
  facilityId: number,
  closureId: number,
  ip: string | null,
): Promise<resourceStore.Closure> {
  const closure = await closureOf(db, actor, facilityId, closureId);
  assertCanWrite(actor, facilityId);
  await db.transaction(async (trx) => {
    if (!(await resourceStore.deleteClosure(trx, closureId))) throw new NotFoundError();
    await audit.record(trx, {
      actor,
      action: 'delete',
      entity: 'resource_closure',
      entityId: closureId,
      before: closure,
      ip,
    });
  });
  forgetDays(db);
  return closure;
}

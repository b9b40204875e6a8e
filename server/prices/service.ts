// Price list rules (价格公示): consistent items, one price per code on any day, an audit row with every change.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { canRead, canWrite } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { changed } from '../changes.js';
import { isExclusionViolation, isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../http/errors.js';
import { MAX_PRICE_FEN, priceCategories, type PriceCategory, type PriceItemInput } from './schemas.js';
import * as store from './store.js';
import type { PriceItem, PriceItemRow } from './store.js';

// The price list as other domains (a case's service lines) and this domain's pages read it.
export { countsOn, findPriceItem, listAll as allPriceItems, priceItemsOn } from './store.js';
export type { PriceItem } from './store.js';

type ItemFields = Omit<PriceItemRow, 'facility_id'>;
export type PriceActor = audit.Actor & Pick<User, 'role' | 'facility_id'>;

/**
 * Who may change which items of a home's list: basic services (基本殡葬服务) are government-priced, so the bureau or
 * an admin sets them for every home; a home's own front desk (or an admin) sets its optional services.
 */
export function mayChange(actor: Pick<User, 'role' | 'facility_id'>, facilityId: number, category: string): boolean {
  if (category === 'basic') return actor.role === 'admin' || actor.role === 'bureau';
  return canWrite(actor, facilityId);
}

/** The categories the actor may create or change at a home; none means a read-only list. */
export function changeableCategories(actor: Pick<User, 'role' | 'facility_id'>, facilityId: number): PriceCategory[] {
  return priceCategories.filter((c) => mayChange(actor, facilityId, c));
}

/** Another home's staff get 404 (as for a missing item); a category the actor may not change, 403. */
function assertMayChange(actor: PriceActor, facilityId: number, ...categories: string[]): void {
  if (!canRead(actor, facilityId)) throw new NotFoundError();
  for (const c of categories)
    if (!mayChange(actor, facilityId, c))
      throw new ForbiddenError(c === 'basic' ? 'price_basic_bureau_only' : 'price_optional_home_only');
}

/** The rules an item must meet on its own, whoever calls: field → message key. Empty when it is fine. */
export function itemProblems(item: ItemFields): FieldErrors {
  const out: FieldErrors = {};
  if (!/^[A-Z0-9_-]{2,30}$/.test(item.code)) out.code = { key: 'errors.price_code_format' };
  if (!Number.isInteger(item.price_fen) || item.price_fen < 0 || item.price_fen > MAX_PRICE_FEN)
    out.price = { key: 'errors.price_format' };
  // Basic services are the ones a waiver policy names by kind; an optional service has no such kind.
  if (item.category === 'basic' && !item.basic_kind) out.basic_kind = { key: 'errors.price_basic_kind_required' };
  if (item.category === 'optional' && item.basic_kind) out.basic_kind = { key: 'errors.price_basic_kind_not_allowed' };
  if (item.valid_to !== null && item.valid_to < item.valid_from) out.valid_to = { key: 'errors.price_period_reversed' };
  return out;
}

function assertItem(item: ItemFields): void {
  const problems = itemProblems(item);
  if (Object.keys(problems).length) throw new ValidationError(problems);
}

function overlapError(code: string, other: PriceItem): ConflictError {
  const field =
    other.valid_to === null
      ? { key: 'errors.price_period_overlap_open', params: { code, from: other.valid_from } }
      : { key: 'errors.price_period_overlap', params: { code, from: other.valid_from, to: other.valid_to } };
  return new ConflictError('price_period_overlap', { valid_from: field });
}

/** Locks the home's price list for this transaction; only funeral homes have one. */
async function lockHome(trx: Knex, facilityId: number): Promise<void> {
  if ((await store.lockFacility(trx, facilityId)) !== 'funeral_home') throw new NotFoundError();
}

/** The fields a price item is made of, without its id and times (also the JSON API's item, with the id). */
export const fieldsOf = (i: ItemFields): ItemFields => ({
  code: i.code,
  name_zh: i.name_zh,
  name_en: i.name_en,
  category: i.category,
  basic_kind: i.basic_kind,
  unit: i.unit,
  price_fen: i.price_fen,
  valid_from: i.valid_from,
  valid_to: i.valid_to,
});

const sameFields = (a: ItemFields, b: ItemFields) => JSON.stringify(fieldsOf(a)) === JSON.stringify(fieldsOf(b));

/**
 * The unique key (facility, code, valid_from) and, on PostgreSQL, the exclusion constraint against overlapping
 * periods back up the overlap check; should a write still lose to another one, the clerk gets the same message as
 * from the check.
 */
async function reportingClash<T>(db: Knex, facilityId: number, item: ItemFields, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isUniqueViolation(err) && !isExclusionViolation(err)) throw err;
    const [other] = await store.overlapping(db, facilityId, item.code, item.valid_from, item.valid_to);
    throw other ? overlapError(item.code, other) : new ConflictError('conflict');
  }
}

/** Adds an item. Submitting the same item twice (a double click) returns the first one and writes nothing. */
export async function createItem(
  db: Knex,
  actor: PriceActor,
  facilityId: number,
  input: PriceItemInput,
  ip: string | null,
): Promise<number> {
  assertMayChange(actor, facilityId, input.category);
  const item = fieldsOf(input);
  assertItem(item);
  const created = await reportingClash(db, facilityId, item, () =>
    db.transaction(async (trx) => {
      await lockHome(trx, facilityId);
      const clash = await store.overlapping(trx, facilityId, item.code, item.valid_from, item.valid_to);
      if (clash.length === 1 && sameFields(clash[0], item)) return clash[0].id;
      if (clash.length) throw overlapError(item.code, clash[0]);
      const now = nowIso();
      const row = { facility_id: facilityId, ...item, created_at: now, updated_at: now };
      const id = await store.insertItem(trx, row);
      await audit.record(trx, { actor, action: 'create', entity: 'price_item', entityId: id, after: row, ip });
      return id;
    }),
  );
  changed(db, 'prices');
  return created;
}

export async function updateItem(
  db: Knex,
  actor: PriceActor,
  facilityId: number,
  id: number,
  input: PriceItemInput,
  ip: string | null,
): Promise<void> {
  const item = fieldsOf(input);
  assertItem(item);
  await reportingClash(db, facilityId, item, () =>
    db.transaction(async (trx) => {
      await lockHome(trx, facilityId);
      const before = await store.findPriceItem(trx, id);
      if (!before || before.facility_id !== facilityId) throw new NotFoundError();
      // Both what the item was and what it becomes: a front desk can neither edit a basic service nor make one.
      assertMayChange(actor, facilityId, before.category, item.category);
      if (sameFields(before, item)) return;
      const clash = await store.overlapping(trx, facilityId, item.code, item.valid_from, item.valid_to, id);
      if (clash.length) throw overlapError(item.code, clash[0]);
      const patch = { ...item, updated_at: nowIso() };
      await store.updateItem(trx, id, patch);
      await audit.record(trx, {
        actor,
        action: 'update',
        entity: 'price_item',
        entityId: id,
        before: fieldsOf(before),
        after: item,
        ip,
      });
    }),
  );
  changed(db, 'prices');
}

/**
 * 停用自某日: from `stopFrom` on, the item no longer applies, so it stays valid up to the day before (valid_to is
 * inclusive). It only shortens a period; the same stop date again is a no-op.
 */
export async function endItem(
  db: Knex,
  actor: PriceActor,
  facilityId: number,
  id: number,
  stopFrom: string,
  ip: string | null,
): Promise<PriceItem> {
  const lastDay = DateTime.fromISO(stopFrom).minus({ days: 1 }).toISODate()!;
  const ended = await db.transaction(async (trx) => {
    await lockHome(trx, facilityId);
    const before = await store.findPriceItem(trx, id);
    if (!before || before.facility_id !== facilityId) throw new NotFoundError();
    assertMayChange(actor, facilityId, before.category);
    if (lastDay < before.valid_from) {
      throw new ValidationError({
        stop_from: { key: 'errors.price_stop_before_start', params: { from: before.valid_from } },
      });
    }
    if (before.valid_to !== null && lastDay > before.valid_to) {
      throw new ValidationError({ stop_from: { key: 'errors.price_already_ended', params: { to: before.valid_to } } });
    }
    if (before.valid_to === lastDay) return before;
    const updated_at = nowIso();
    await store.updateItem(trx, id, { valid_to: lastDay, updated_at });
    await audit.record(trx, {
      actor,
      action: 'end',
      entity: 'price_item',
      entityId: id,
      before: { valid_to: before.valid_to },
      after: { valid_to: lastDay },
      ip,
    });
    return { ...before, valid_to: lastDay, updated_at };
  });
  changed(db, 'prices');
  return ended;
}

/** Where an item stands on a date: in force, not yet, or over. */
export function phaseOn(item: Pick<PriceItem, 'valid_from' | 'valid_to'>, date: string): 'current' | 'future' | 'past' {
  if (item.valid_from > date) return 'future';
  if (item.valid_to !== null && item.valid_to < date) return 'past';
  return 'current';
}

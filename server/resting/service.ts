// Use cases of resting places (issue 18): which facilities a user keeps or reads, laying out columbarium walls and
// cemetery sections from a range, the wall/section grid, a place's page and history, holds, blocks and the inventory.
import type { Knex } from 'knex';
import { assertCanRead, assertCanWrite, canRead, canWrite } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { nowIso } from '../db.js';
import { facilityChoices, findFacility } from '../facilities/service.js';
import type { Facility, FacilityKind } from '../facilities/kinds.js';
import { ConflictError, NotFoundError } from '../http/errors.js';
import { addDays, inShanghai, todayInShanghai } from '../time.js';
import {
  DEFAULT_HOLD_HOURS,
  EXPIRING_DAYS,
  placeTypes,
  shownStatuses,
  type PlaceKind,
  type PlaceStatus,
  type PlaceType,
  type ShownStatus,
} from './kinds.js';
import type { BlockInput, HoldSettingInput } from './schemas.js';
import * as store from './store.js';
import { activeContractsOfGroup, contractsOfPlace } from './contract-store.js';

export type { GroupRow, PlaceRow, HistoryRow } from './store.js';

export type Actor = Pick<User, 'id' | 'username' | 'role' | 'facility_id' | 'region_code'>;

/** Columbaria keep niches; the three kinds of cemetery keep plots. */
export const restingKinds: Record<string, PlaceKind> = {
  columbarium: 'niche',
  urban_public_cemetery: 'plot',
  rural_public_cemetery: 'plot',
  commercial_cemetery: 'plot',
} satisfies Partial<Record<FacilityKind, PlaceKind>>;

export interface RestingFacility {
  id: number;
  name: string;
  kind: FacilityKind;
  region_code: string;
  placeKind: PlaceKind;
}

const asResting = (f: Facility): RestingFacility | undefined =>
  restingKinds[f.kind]
    ? { id: f.id, name: f.name, kind: f.kind, region_code: f.region_code, placeKind: restingKinds[f.kind] }
    : undefined;

// ## The one rule of shown statuses

/**
 * What a place shows on a day in Asia/Shanghai. term_ends_on is the last day of the term: an occupied place is
 * expired from the day after it, expiring while it falls within the next EXPIRING_DAYS days (today included). A
 * hold that has lapsed shows as free: the hold's condition treats it as free too.
 */
export function shownStatus(
  p: { status: PlaceStatus; term_ends_on: string | null; holdLive: boolean },
  today: string,
): ShownStatus {
  return shownStatusOn(today)(p);
}

/**
 * The same rule for many places on one day: the horizon is worked out once (a wall page or the inventory asks for
 * hundreds or thousands of places), by calendar arithmetic on the date's text, no time-zone lookup per place.
 */
export function shownStatusOn(
  today: string,
): (p: { status: PlaceStatus; term_ends_on: string | null; holdLive: boolean }) => ShownStatus {
  const horizon = addDays(today, EXPIRING_DAYS);
  return (p) => {
    if (p.status === 'held') return p.holdLive ? 'held' : 'free';
    if (p.status === 'occupied' && p.term_ends_on) {
      const end = p.term_ends_on.slice(0, 10);
      if (end < today) return 'expired';
      if (end <= horizon) return 'expiring';
    }
    return p.status;
  };
}

/** Whether a hold still lives at `now` (its expiry is the first instant it no longer does). */
export const holdLives = (expiresAt: string | null, now: Date): boolean =>
  expiresAt !== null && Date.parse(expiresAt) > now.getTime();

// ## Facilities

/** The columbaria and cemeteries the user may read (a bureau its region's, cemetery staff their own). */
export async function restingFacilities(db: Knex, actor: Actor): Promise<RestingFacility[]> {
  const all = await facilityChoices(db);
  return all
    .map(asResting)
    .filter((f): f is RestingFacility => f !== undefined && canRead(actor, { id: f.id, region_code: f.region_code }));
}

/** A columbarium or cemetery the user may read; another answers as a missing one. */
export async function restingFacility(db: Knex, actor: Actor, id: number): Promise<RestingFacility> {
  const f = await findFacility(db, id);
  const r = f && asResting(f);
  if (!r) throw new NotFoundError();
  assertCanRead(actor, { id: r.id, region_code: r.region_code });
  return r;
}

const writable = (actor: Actor, f: RestingFacility) => canWrite(actor, { id: f.id, region_code: f.region_code });

export async function holdHoursOf(db: Knex, facilityId: number): Promise<number> {
  return (await store.holdHours(db, facilityId)) ?? DEFAULT_HOLD_HOURS;
}

export interface Inventory {
  total: number;
  byStatus: Record<ShownStatus, number>;
  byType: { place_type: PlaceType; total: number; byStatus: Record<ShownStatus, number> }[];
}

const zeros = () => Object.fromEntries(shownStatuses.map((s) => [s, 0])) as Record<ShownStatus, number>;

/**
 * Counts by type and shown status, from one grouped query over the facility's index (no row read): a group per
 * type, stored status and term end, with how many of its holds still live.
 */
export async function inventoryOf(db: Knex, facilityId: number, now = new Date()): Promise<Inventory> {
  const groups = await store.inventory(db, facilityId, now.toISOString());
  const shown = shownStatusOn(todayInShanghai(now));
  const inv: Inventory = { total: 0, byStatus: zeros(), byType: [] };
  const types = new Map<PlaceType, Inventory['byType'][number]>();
  const add = (t: Inventory['byType'][number], s: ShownStatus, n: number) => {
    t.total += n;
    t.byStatus[s] += n;
    inv.total += n;
    inv.byStatus[s] += n;
  };
  for (const g of groups) {
    let t = types.get(g.place_type);
    if (!t) types.set(g.place_type, (t = { place_type: g.place_type, total: 0, byStatus: zeros() }));
    const place = { status: g.status, term_ends_on: g.term_ends_on };
    if (g.live > 0) add(t, shown({ ...place, holdLive: true }), g.live);
    if (g.n > g.live) add(t, shown({ ...place, holdLive: false }), g.n - g.live);
  }
  inv.byType = placeTypes.filter((t) => types.has(t)).map((t) => types.get(t)!);
  return inv;
}

/** The facility's page: its walls or sections, the inventory, the hold setting. */
export async function facilityPage(db: Knex, actor: Actor, id: number) {
  const facility = await restingFacility(db, actor, id);
  const [groups, inventory, holdHours] = await Promise.all([
    store.groupsOf(db, facility.id),
    inventoryOf(db, facility.id),
    holdHoursOf(db, facility.id),
  ]);
  return { facility, groups, inventory, holdHours, writable: writable(actor, facility) };
}

export async function saveHoldHours(
  db: Knex,
  actor: Actor,
  id: number,
  input: HoldSettingInput,
  ip: string | null,
): Promise<void> {
  const facility = await restingFacility(db, actor, id);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  await db.transaction(async (trx) => {
    const before = await holdHoursOf(trx, facility.id);
    await store.saveHoldHours(trx, facility.id, input.hold_hours, nowIso());
    await audit.record(trx, {
      actor,
      action: 'update',
      entity: 'resting_settings',
      entityId: facility.id,
      before: { hold_hours: before },
      after: { hold_hours: input.hold_hours },
      regionCode: facility.region_code,
      ip,
    });
  });
}

// ## Grid and place

/** A cell of a wall's or section's grid: what its link and its state need. */
export interface GridCell {
  id: number;
  code: string;
  shown: ShownStatus;
}

/** One wall or section: its places by row (one group's rows only, at most 99 × 99). */
export async function gridPage(db: Knex, actor: Actor, facilityId: number, groupId: number, now = new Date()) {
  // The wall and its facility in one statement: a missing wall, another facility's, a facility that keeps no
  // resting places or one the user may not read all answer 404, as restingFacility and findGroup did one by one.
  const found = await store.findGroupOfFacility(db, facilityId, groupId);
  const kind = found && restingKinds[found.facility.kind];
  if (!found || !kind) throw new NotFoundError();
  const { group } = found;
  const facility: RestingFacility = { ...found.facility, kind: found.facility.kind as FacilityKind, placeKind: kind };
  assertCanRead(actor, { id: facility.id, region_code: facility.region_code });
  const [places, contracts] = await Promise.all([
    store.gridCellsOf(db, group.id),
    activeContractsOfGroup(db, group.id),
  ]);
  const shown = shownStatusOn(todayInShanghai(now));
  const counts = zeros();
  const rows: { row: number; cells: GridCell[] }[] = [];
  for (const p of places) {
    const s = shown({ status: p.status, term_ends_on: p.term_ends_on, holdLive: holdLives(p.hold_expires_at, now) });
    counts[s] += 1;
    if (rows.length === 0 || rows[rows.length - 1].row !== p.row_no) rows.push({ row: p.row_no, cells: [] });
    rows[rows.length - 1].cells.push({ id: p.id, code: p.code, shown: s });
  }
  const columns = Array.from({ length: group.column_count }, (_, i) => i + 1);
  return { facility, group, rows, columns, counts, total: places.length, contracts };
}

/** A niche or plot the user may read, with its shown status and its facility. */
export async function placeOf(db: Knex, actor: Actor, placeId: number, now = new Date()) {
  const place = await store.findPlace(db, placeId);
  if (!place) throw new NotFoundError();
  const facility = await restingFacility(db, actor, place.facility_id);
  const holdLive = holdLives(place.hold_expires_at, now);
  const shown = shownStatus({ ...place, holdLive }, todayInShanghai(now));
  return { place, facility, shown, holdLive, writable: writable(actor, facility) };
}

export async function placePage(db: Knex, actor: Actor, placeId: number) {
  const data = await placeOf(db, actor, placeId);
  const [group, history, holdHours, contracts] = await Promise.all([
    store.findGroup(db, data.place.group_id),
    store.historyOf(db, data.place.id),
    holdHoursOf(db, data.facility.id),
    contractsOfPlace(db, data.place.id),
  ]);
  const contract = contracts.find((c) => c.status === 'active');
  return { ...data, group: group!, history: history.map(describe), holdHours, contract, contracts };
}

/** A history entry as staff read it: what happened, and the hold's end or the block's reason. */
function describe(h: store.HistoryRow) {
  const after = (h.after ? JSON.parse(h.after) : {}) as {
    hold_expires_at?: string;
    blocked_reason?: string;
    contract_id?: number;
    contract_number?: string;
    deceased_name?: string;
    term_ends_on?: string;
    removal_reason?: string;
    end_reason?: string;
  };
  return {
    at: h.at,
    actor_name: h.actor_name,
    action: h.action,
    until: after.hold_expires_at,
    reason: after.blocked_reason ?? after.removal_reason ?? after.end_reason,
    // contract events (签订、安放、续期、迁出、终止) name the contract, the deceased and the term's end
    contract_number: after.contract_number,
    deceased_name: after.deceased_name,
    term_ends_on: h.action === 'renew' || h.action === 'contract' ? after.term_ends_on : undefined,
  };
}

/** Why a place could not be taken: held (until when), occupied or blocked. */
async function refusal(db: Knex, placeId: number, now: Date): Promise<ConflictError> {
  const p = await store.findPlace(db, placeId);
  if (!p) return new ConflictError('place_changed');
  if (p.status === 'held' && holdLives(p.hold_expires_at, now))
    return new ConflictError(
      'place_held',
      {},
      { until: p.hold_expires_at, at: inShanghai(p.hold_expires_at!).toFormat('yyyy-MM-dd HH:mm'), code: p.code },
    );
  if (p.status === 'occupied') return new ConflictError('place_occupied', {}, { code: p.code });
  if (p.status === 'blocked') return new ConflictError('place_blocked', {}, { code: p.code });
  return new ConflictError('place_changed', {}, { code: p.code });
}

/**
 * 预定: holds a free place (or one whose hold has lapsed) for the facility's hold hours. The conditional UPDATE
 * decides between two staff choosing it at once: one wins, the other gets 409 naming until when it is held.
 */
export async function hold(
  db: Knex,
  actor: Actor,
  placeId: number,
  ip: string | null,
  opts: { kind?: PlaceKind } = {},
): Promise<{ place: store.PlaceRow; until: string }> {
  const { place, facility } = await placeOf(db, actor, placeId);
  if (opts.kind && place.kind !== opts.kind) throw new NotFoundError();
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  const hours = await holdHoursOf(db, facility.id);
  const now = new Date();
  const until = new Date(now.getTime() + hours * 3_600_000).toISOString();
  const won = await db.transaction(async (trx) => {
    if (!(await store.holdPlace(trx, place.id, actor.id, now.toISOString(), until))) return false;
    await audit.record(trx, {
      actor,
      action: 'hold',
      entity: 'resting_place',
      entityId: place.id,
      before: { status: place.status, hold_expires_at: place.hold_expires_at, held_by: place.held_by },
      after: { status: 'held', hold_expires_at: until, held_by: actor.id, code: place.code },
      regionCode: facility.region_code,
      ip,
    });
    return true;
  });
  if (!won) throw await refusal(db, place.id, now);
  return { place: { ...place, status: 'held', hold_expires_at: until, held_by: actor.id }, until };
}

/** Ends a hold before its time (the family chose otherwise). */
export async function release(db: Knex, actor: Actor, placeId: number, ip: string | null): Promise<store.PlaceRow> {
  const { place, facility } = await placeOf(db, actor, placeId);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  await db.transaction(async (trx) => {
    if (!(await store.releaseHold(trx, place.id, nowIso()))) throw new ConflictError('place_not_held');
    await audit.record(trx, {
      actor,
      action: 'release',
      entity: 'resting_place',
      entityId: place.id,
      before: { status: 'held', hold_expires_at: place.hold_expires_at, held_by: place.held_by },
      after: { status: 'free', code: place.code },
      regionCode: facility.region_code,
      ip,
    });
  });
  return place;
}

/** 停用: a free place is taken out of use with the reason (damaged, reserved by the bureau …). */
export async function block(
  db: Knex,
  actor: Actor,
  placeId: number,
  input: BlockInput,
  ip: string | null,
): Promise<store.PlaceRow> {
  const { place, facility } = await placeOf(db, actor, placeId);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  const now = new Date();
  const won = await db.transaction(async (trx) => {
    if (!(await store.blockPlace(trx, place.id, input.reason, now.toISOString()))) return false;
    await audit.record(trx, {
      actor,
      action: 'block',
      entity: 'resting_place',
      entityId: place.id,
      before: { status: place.status },
      after: { status: 'blocked', blocked_reason: input.reason, code: place.code },
      regionCode: facility.region_code,
      ip,
    });
    return true;
  });
  if (!won) throw await refusal(db, place.id, now);
  return place;
}

export async function unblock(db: Knex, actor: Actor, placeId: number, ip: string | null): Promise<store.PlaceRow> {
  const { place, facility } = await placeOf(db, actor, placeId);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  await db.transaction(async (trx) => {
    if (!(await store.unblockPlace(trx, place.id, nowIso()))) throw new ConflictError('place_not_blocked');
    await audit.record(trx, {
      actor,
      action: 'unblock',
      entity: 'resting_place',
      entityId: place.id,
      before: { status: 'blocked', blocked_reason: place.blocked_reason },
      after: { status: 'free', code: place.code },
      regionCode: facility.region_code,
      ip,
    });
  });
  return place;
}

// The lists staff of columbaria and cemeteries work from (issue 18, item 6): contracts whose term ends within 90, 30
// or 7 days, expired ones with the notices given and the guarded clearing, holds about to lapse, each facility's
// inventory with a capacity forecast, and the bureau's view of them per county.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanWrite, canWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { maskPhone } from '../http/format.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { regionNames } from '../regions/service.js';
import { addDays, todayInShanghai, zone } from '../time.js';
import { placeTypes, shownStatuses, type PlaceType, type ShownStatus } from './kinds.js';
import type { ClearInput, NoticeInput } from './list-schemas.js';
import * as store from './list-store.js';
import {
  restingFacilities,
  restingFacility,
  shownStatus,
  type Actor,
  type Inventory,
  type RestingFacility,
} from './service.js';

/** The tabs of the expiring list: a term ending within this many days from today (Asia/Shanghai), today included. */
export const EXPIRING_WINDOWS = [90, 30, 7] as const;
export type ExpiringWindow = (typeof EXPIRING_WINDOWS)[number];

/**
 * 清理 guard: an expired contract is cleared only when the holder was told at least this many days before the day it
 * is cleared (a notice recorded with sent_on ≤ ended_on − 30). Thirty days give a family that was reached a month
 * to renew or move the remains; change it here, the refusal names the number.
 */
export const NOTICE_DAYS_BEFORE_CLEARING = 30;

/** Holds that lapse within this many hours are listed so that staff can call the family before the place is lost. */
export const LAPSING_HOLD_HOURS = 24;

export const PER_PAGE = 20;

// ## Facilities

async function facilityFor(db: Knex, actor: Actor, id: number) {
  const facility = await restingFacility(db, actor, id);
  return { facility, writable: canWrite(actor, { id: facility.id, region_code: facility.region_code }) };
}

// ## Contracts by the end of their term

export interface ContractListItem extends store.ContractListRow {
  deceased: string[];
  phone: string;
  revealed: boolean;
  days: number;
  lastNotice?: store.NoticeRow;
  clearableFrom?: string;
}

const daysBetween = (from: string, to: string) =>
  Math.round(DateTime.fromISO(to, { zone }).diff(DateTime.fromISO(from, { zone }), 'days').days);

/** The first day a contract may be cleared with this notice: NOTICE_DAYS_BEFORE_CLEARING days after it was sent. */
export const clearableFrom = (sentOn: string) => addDays(sentOn, NOTICE_DAYS_BEFORE_CLEARING);

async function itemsOf(
  db: Knex,
  rows: store.ContractListRow[],
  today: string,
  reveal?: { id: number; phone: string },
): Promise<ContractListItem[]> {
  const ids = rows.map((r) => r.id);
  const [deceased, notices] = await Promise.all([store.deceasedOf(db, ids), store.lastNotices(db, ids)]);
  return rows.map((r) => {
    const revealed = reveal?.id === r.id;
    const last = notices.get(r.id);
    const term = r.term_ends_on.slice(0, 10);
    return {
      ...r,
      term_ends_on: term,
      deceased: deceased.get(r.id) ?? [],
      phone: revealed ? reveal!.phone : maskPhone(r.holder_phone),
      revealed,
      days: Math.abs(daysBetween(today, term)),
      lastNotice: last,
      clearableFrom: last ? clearableFrom(last.sent_on) : undefined,
    };
  });
}

export interface ListQuery {
  q?: string;
  page: number;
}

/** Contracts in force whose term ends from today to today + `within` days (both included), soonest first. */
export async function expiringList(
  db: Knex,
  actor: Actor,
  facilityId: number,
  query: ListQuery & { within: ExpiringWindow },
  opts: { now?: Date; reveal?: { id: number; phone: string } } = {},
) {
  const { facility, writable } = await facilityFor(db, actor, facilityId);
  const today = todayInShanghai(opts.now);
  const endsTo = addDays(today, query.within);
  const filter = { facilityId: facility.id, endsFrom: today, endsTo, q: query.q };
  const page = await store.listContracts(db, filter, {
    limit: PER_PAGE,
    offset: (query.page - 1) * PER_PAGE,
  });
  const counts = await Promise.all(
    EXPIRING_WINDOWS.map(async (w) => {
      return { within: w, n: await store.countContracts(db, { ...filter, endsTo: addDays(today, w) }) };
    }),
  );
  return {
    facility,
    writable,
    today,
    endsTo,
    counts,
    rows: await itemsOf(db, page.rows, today, opts.reveal),
    total: page.total,
  };
}

/** Contracts still in force whose term has ended (term_ends_on before today), the longest overdue first. */
export async function expiredList(
  db: Knex,
  actor: Actor,
  facilityId: number,
  query: ListQuery,
  opts: { now?: Date; reveal?: { id: number; phone: string } } = {},
) {
  const { facility, writable } = await facilityFor(db, actor, facilityId);
  const today = todayInShanghai(opts.now);
  const page = await store.listContracts(
    db,
    { facilityId: facility.id, endsTo: addDays(today, -1), q: query.q },
    { limit: PER_PAGE, offset: (query.page - 1) * PER_PAGE },
  );
  const rows = (await itemsOf(db, page.rows, today, opts.reveal)).map((r) => ({
    ...r,
    clearable: r.clearableFrom !== undefined && r.clearableFrom <= today,
  }));
  return { facility, writable, today, rows, total: page.total, noticeDays: NOTICE_DAYS_BEFORE_CLEARING };
}

/** A contract of this facility that the user may read; another facility's answers as missing. */
async function contractOf(db: Knex, actor: Actor, facilityId: number, contractId: number) {
  const { facility, writable } = await facilityFor(db, actor, facilityId);
  const contract = await store.findContract(db, contractId);
  if (!contract || contract.facility_id !== facility.id) throw new NotFoundError();
  return {
    facility,
    writable,
    contract: { ...contract, term_ends_on: contract.term_ends_on.slice(0, 10) },
  };
}

/** The holder's full phone number, for the facility's own staff; every reveal is in the audit log (who, which). */
export async function revealPhone(
  db: Knex,
  actor: Actor,
  facilityId: number,
  contractId: number,
  ip: string | null,
): Promise<{ id: number; phone: string }> {
  const { facility, contract } = await contractOf(db, actor, facilityId, contractId);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  await audit.record(db, {
    actor,
    action: 'reveal_holder_phone',
    entity: 'resting_contract',
    entityId: contract.id,
    after: { contract_number: contract.contract_number, place_code: contract.place_code },
    regionCode: facility.region_code,
    ip,
  });
  return { id: contract.id, phone: contract.holder_phone };
}

/** An expired contract's page in the lists: its deceased, the notices given, and whether it may be cleared today. */
export async function noticePage(
  db: Knex,
  actor: Actor,
  facilityId: number,
  contractId: number,
  opts: { now?: Date; reveal?: { id: number; phone: string } } = {},
) {
  const data = await contractOf(db, actor, facilityId, contractId);
  const today = todayInShanghai(opts.now);
  const [deceased, notices] = await Promise.all([store.deceasedOf(db, [contractId]), store.noticesOf(db, contractId)]);
  const c = data.contract;
  const expired = c.status === 'active' && c.term_ends_on < today;
  const from = notices.length ? clearableFrom(notices[0].sent_on) : undefined;
  const revealed = opts.reveal?.id === c.id;
  return {
    ...data,
    today,
    deceased: deceased.get(contractId) ?? [],
    phone: revealed ? opts.reveal!.phone : maskPhone(c.holder_phone),
    revealed,
    notices,
    expired,
    clearableFrom: from,
    clearable: expired && from !== undefined && from <= today,
    noticeDays: NOTICE_DAYS_BEFORE_CLEARING,
  };
}

/** 通知: how and when the holder was told that the term ends or has ended; a form sent twice records it once. */
export async function recordNotice(
  db: Knex,
  actor: Actor,
  facilityId: number,
  contractId: number,
  input: NoticeInput,
  ip: string | null,
  now = new Date(),
): Promise<{ recorded: boolean }> {
  const { facility, contract } = await contractOf(db, actor, facilityId, contractId);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  if (contract.status !== 'active')
    throw new ConflictError('contract_not_active', {}, { number: contract.contract_number });
  if (input.sent_on > todayInShanghai(now))
    throw new ValidationError({ sent_on: { key: 'errors.notice_date_future' } });
  const row = { contract_id: contract.id, method: input.method, sent_on: input.sent_on, note: input.note ?? null };
  return db.transaction(async (trx) => {
    if (await store.sameNotice(trx, row)) return { recorded: false };
    const id = await store.insertNotice(trx, { ...row, recorded_by: actor.id, created_at: now.toISOString() });
    await audit.record(trx, {
      actor,
      action: 'record_notice',
      entity: 'resting_contract',
      entityId: contract.id,
      after: { notice_id: id, ...row, contract_number: contract.contract_number, place_code: contract.place_code },
      regionCode: facility.region_code,
      ip,
    });
    return { recorded: true };
  });
}

/**
 * Checks a clearing before it is confirmed: the contract is in force, its term ended before the clearing day, that
 * day is not in the future, and a notice was sent at least NOTICE_DAYS_BEFORE_CLEARING days before it.
 */
export async function checkClear(
  db: Knex,
  actor: Actor,
  facilityId: number,
  contractId: number,
  input: Pick<ClearInput, 'ended_on'>,
  now = new Date(),
) {
  const data = await contractOf(db, actor, facilityId, contractId);
  assertCanWrite(actor, { id: data.facility.id, region_code: data.facility.region_code });
  const c = data.contract;
  if (c.status !== 'active') throw new ConflictError('contract_not_active', {}, { number: c.contract_number });
  const today = todayInShanghai(now);
  if (input.ended_on > today) throw new ValidationError({ ended_on: { key: 'errors.clear_date_future' } });
  if (input.ended_on <= c.term_ends_on)
    throw new ConflictError('clear_not_expired', {}, { number: c.contract_number, term: c.term_ends_on });
  const notices = await store.noticesOf(db, c.id);
  const days = NOTICE_DAYS_BEFORE_CLEARING;
  if (notices.length === 0) throw new ConflictError('clear_needs_notice', {}, { days });
  const latestAllowed = addDays(input.ended_on, -days);
  if (!notices.some((n) => n.sent_on <= latestAllowed))
    throw new ConflictError(
      'clear_notice_too_recent',
      {},
      { days, sent: notices[0].sent_on, from: clearableFrom(notices[0].sent_on) },
    );
  return data;
}

/**
 * 清理: ends an expired contract whose holder was told in time, frees its place and marks its placements removed,
 * with the reason and day, in one transaction with its audit row; nothing is deleted. The conditional UPDATE of the
 * contract decides between two staff clearing it at once: the other gets 409.
 */
export async function clearContract(
  db: Knex,
  actor: Actor,
  facilityId: number,
  contractId: number,
  input: ClearInput,
  ip: string | null,
  now = new Date(),
): Promise<{ number: string; code: string }> {
  const { facility, contract } = await checkClear(db, actor, facilityId, contractId, input, now);
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    const ended = await store.endContract(trx, contract.id, {
      ended_on: input.ended_on,
      end_reason: input.reason,
      ended_by: actor.id,
      now: at,
    });
    if (!ended) throw new ConflictError('contract_not_active', {}, { number: contract.contract_number });
    if (!(await store.freePlace(trx, contract.place_id, at)))
      throw new ConflictError('place_changed', {}, { code: contract.place_code });
    const removed = await store.removePlacements(trx, contract.id, input.ended_on, input.reason);
    await audit.record(trx, {
      actor,
      action: 'clear_contract',
      entity: 'resting_contract',
      entityId: contract.id,
      before: { status: 'active', term_ends_on: contract.term_ends_on, place_status: 'occupied' },
      after: {
        status: 'ended',
        ended_on: input.ended_on,
        end_reason: input.reason,
        contract_number: contract.contract_number,
        place_id: contract.place_id,
        place_code: contract.place_code,
        place_status: 'free',
        placements_removed: removed,
      },
      regionCode: facility.region_code,
      ip,
    });
  });
  return { number: contract.contract_number, code: contract.place_code };
}

// ## Holds about to lapse

export async function lapsingHoldsList(db: Knex, actor: Actor, facilityId: number, now = new Date()) {
  const { facility, writable } = await facilityFor(db, actor, facilityId);
  const until = new Date(now.getTime() + LAPSING_HOLD_HOURS * 3_600_000);
  const rows = await store.lapsingHolds(db, facility.id, now.toISOString(), until.toISOString());
  return {
    facility,
    writable,
    hours: LAPSING_HOLD_HOURS,
    rows: rows.map((r) => ({
      ...r,
      minutesLeft: Math.max(0, Math.floor((Date.parse(r.hold_expires_at) - now.getTime()) / 60_000)),
    })),
  };
}

// ## Inventory and the capacity forecast

export type Forecast =
  { kind: 'full' } | { kind: 'unknown' } | { kind: 'month'; year: number; month: number; month_key: string };

/** The last 12 months in Asia/Shanghai, ending today: (today − 12 months, today], and its length in days. */
export function rateWindow(today: string): { from: string; to: string; days: number } {
  const from = DateTime.fromISO(today, { zone }).minus({ months: 12 }).plus({ days: 1 }).toISODate()!;
  return { from, to: today, days: daysBetween(from, today) + 1 };
}

/**
 * The month the facility is full at the rate of the last 12 months: `placed` places taken in `windowDays` days, so
 * the `free` places last free × windowDays / placed days from today (rounded up to a whole day). No free place: full
 * now; none taken in the window: no rate to forecast with.
 */
export function forecastFull(today: string, free: number, placed: number, windowDays: number): Forecast {
  if (free <= 0) return { kind: 'full' };
  if (placed <= 0) return { kind: 'unknown' };
  const day = DateTime.fromISO(addDays(today, Math.ceil((free * windowDays) / placed)), { zone });
  return { kind: 'month', year: day.year, month: day.month, month_key: day.toFormat('yyyy-MM') };
}

const zeros = () => Object.fromEntries(shownStatuses.map((s) => [s, 0])) as Record<ShownStatus, number>;

export interface Capacity {
  inventory: Inventory;
  /** Places taken in the window (first placements in a niche or plot). */
  placed: number;
  window: { from: string; to: string; days: number };
  forecast: Forecast;
}

/** Inventories and forecasts of several facilities, from two grouped queries. */
export async function capacitiesOf(db: Knex, facilityIds: number[], now = new Date()): Promise<Map<number, Capacity>> {
  const today = todayInShanghai(now);
  const window = rateWindow(today);
  const [groups, placed] = await Promise.all([
    store.inventories(db, facilityIds, now.toISOString()),
    store.placementsBetween(db, facilityIds, window.from, window.to),
  ]);
  const invs = new Map<number, { inv: Inventory; types: Map<PlaceType, Inventory['byType'][number]> }>();
  for (const id of facilityIds) invs.set(id, { inv: { total: 0, byStatus: zeros(), byType: [] }, types: new Map() });
  for (const g of groups) {
    const s = shownStatus({ status: g.status, term_ends_on: g.term_ends_on, holdLive: g.hold_live }, today);
    const { inv, types } = invs.get(g.facility_id)!;
    let t = types.get(g.place_type);
    if (!t) types.set(g.place_type, (t = { place_type: g.place_type, total: 0, byStatus: zeros() }));
    t.total += g.n;
    t.byStatus[s] += g.n;
    inv.total += g.n;
    inv.byStatus[s] += g.n;
  }
  const out = new Map<number, Capacity>();
  for (const [id, { inv, types }] of invs) {
    inv.byType = placeTypes.filter((t) => types.has(t)).map((t) => types.get(t)!);
    const n = placed.get(id) ?? 0;
    out.set(id, {
      inventory: inv,
      placed: n,
      window,
      forecast: forecastFull(today, inv.byStatus.free, n, window.days),
    });
  }
  return out;
}

/** A facility's inventory by type and status, and the month it is full at the last 12 months' rate. */
export async function capacityPage(db: Knex, actor: Actor, facilityId: number, now = new Date()) {
  const { facility, writable } = await facilityFor(db, actor, facilityId);
  const capacity = (await capacitiesOf(db, [facility.id], now)).get(facility.id)!;
  return { facility, writable, ...capacity, statuses: shownStatuses };
}

export interface CountyCapacity {
  code: string;
  name: string;
  facilities: (RestingFacility & Capacity)[];
  total: number;
  free: number;
}

/** The bureau's view: each columbarium and cemetery of its region with inventory and forecast, grouped by county. */
export async function countyCapacities(db: Knex, actor: Actor, now = new Date()): Promise<CountyCapacity[]> {
  const facilities = await restingFacilities(db, actor);
  const caps = await capacitiesOf(
    db,
    facilities.map((f) => f.id),
    now,
  );
  const names = await regionNames(db, [...new Set(facilities.map((f) => f.region_code.slice(0, 6)))]);
  const byCounty = new Map<string, CountyCapacity>();
  for (const f of [...facilities].sort((a, b) => a.region_code.localeCompare(b.region_code) || a.id - b.id)) {
    const code = f.region_code.slice(0, 6);
    let c = byCounty.get(code);
    if (!c) byCounty.set(code, (c = { code, name: names.get(code) ?? code, facilities: [], total: 0, free: 0 }));
    const cap = caps.get(f.id)!;
    c.facilities.push({ ...f, ...cap });
    c.total += cap.inventory.total;
    c.free += cap.inventory.byStatus.free;
  }
  return [...byCounty.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * Remaining capacity for the coverage pages: free places of each resting facility's laid-out inventory and its
 * forecast (facilities with no layout have no entry).
 */
export async function remainingCapacity(
  db: Knex,
  facilityIds: number[],
  now = new Date(),
): Promise<Map<number, { total: number; free: number; forecast: Forecast }>> {
  const caps = await capacitiesOf(db, facilityIds, now);
  const out = new Map<number, { total: number; free: number; forecast: Forecast }>();
  for (const [id, c] of caps)
    if (c.inventory.total > 0)
      out.set(id, { total: c.inventory.total, free: c.inventory.byStatus.free, forecast: c.forecast });
  return out;
}

// Registry rules: a facility's fields against the division tree and its build mode, its status history (one
// transaction with an audit row per change), deletion only while nothing refers to it, and what it serves.
import type { Knex } from 'knex';
import { regionScope, type User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { changed } from '../changes.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../http/errors.js';
import { todayInShanghai } from '../time.js';
import { guardClosedYears, type ChangeReach } from './closed-years.js';
import { ashPlacementKinds, type Facility, type FacilityKind, type FacilityStatus } from './kinds.js';
import { shortName } from '../regions/levels.js';
import { serviceOf } from './service-area.js';
import type { FacilityInput, FacilityShape, StatusInput } from './schemas.js';
import * as store from './store.js';
import type { FacilityRow, RegionInfo } from './store.js';

function add(out: FieldErrors, field: string, key: string, params?: Record<string, unknown>): void {
  if (!out[field]) out[field] = params ? { key: `errors.${key}`, params } : { key: `errors.${key}` };
}

const counts = (kind: FacilityKind) => (ashPlacementKinds as readonly string[]).includes(kind);

/** Every region code a facility's input names, for one batched lookup. */
export const codesOf = (f: Pick<FacilityShape, 'region_code' | 'areas'>): string[] =>
  [f.region_code, ...f.areas].filter(Boolean);

/**
 * The rules across fields and against the division tree: field → message key; empty when the facility is fine.
 * `regions` must hold every code of codesOf(f) that exists. Parts that could not be read (null kind, '' region) are
 * left to the message that says so.
 */
export function facilityProblems(f: FacilityShape, regions: Map<string, RegionInfo>): FieldErrors {
  const out: FieldErrors = {};
  if (f.region_code) {
    if (!regions.has(f.region_code)) add(out, 'region', 'facility_region_unknown', { code: f.region_code });
    else if (f.region_code.length < 6) add(out, 'region', 'facility_region_too_high');
  }

  if (f.lng === null && f.lat !== null) add(out, 'lng', 'facility_coordinates_pair');
  if (f.lat === null && f.lng !== null) add(out, 'lat', 'facility_coordinates_pair');

  const badFormat = f.areas.filter((c) => !/^(\d{9}|\d{12})$/.test(c));
  const unknown = f.areas.filter((c) => !badFormat.includes(c) && !regions.has(c));
  if (f.areas.length && f.kind && !counts(f.kind)) add(out, 'areas', 'facility_areas_not_for_kind');
  if (badFormat.length) add(out, 'areas', 'facility_area_code_format', { codes: badFormat.join('、') });
  if (unknown.length) add(out, 'areas', 'facility_area_unknown', { codes: unknown.join('、') });
  if (!f.kind) return out;

  // 农村公益性公墓 only, and always: the build mode decides which villages it serves (DESIGN.md, Domain).
  if (f.kind !== 'rural_public_cemetery') {
    if (f.build_mode) add(out, 'build_mode', 'facility_build_mode_not_allowed');
    return out;
  }
  const listedVillages = f.areas.filter((c) => c.length === 12);
  const listedTownships = f.areas.filter((c) => c.length === 9);
  switch (f.build_mode) {
    case null:
      add(out, 'build_mode', 'facility_build_mode_required');
      break;
    case 'single_village': // 单村独建: serves its own village, so it must stand in one
      if (f.region_code && f.region_code.length !== 12) add(out, 'region', 'facility_single_village_location');
      if (f.areas.length) add(out, 'areas', 'facility_single_village_areas');
      break;
    case 'multi_village': {
      // 多村联建: more than one village
      const own = f.region_code.length === 12 ? [f.region_code] : [];
      if (new Set([...own, ...listedVillages]).size + listedTownships.length < 2)
        add(out, 'areas', 'facility_multi_village_areas');
      break;
    }
    case 'township_wide': // 全镇统建: every village of its township, so it must stand at least in a township
      if (f.region_code && f.region_code.length < 9) add(out, 'region', 'facility_township_wide_location');
      break;
    case 'township_village': // 镇村合建: the township seat and the villages listed with it
      if (f.region_code && f.region_code.length < 9) add(out, 'region', 'facility_township_village_location');
      if (listedVillages.length === 0 && listedTownships.length === 0)
        add(out, 'areas', 'facility_township_village_areas');
      break;
  }
  return out;
}

/** The rules across fields for a form or row, whether or not its fields passed their own checks. */
export async function shapeProblems(db: Knex, f: FacilityShape): Promise<FieldErrors> {
  return facilityProblems(f, await store.regionsByCode(db, codesOf(f)));
}

/** Who changes the registry: a bureau account carries its role and region (a county bureau keeps only its county). */
export type Keeper = audit.Actor & Partial<Pick<User, 'role' | 'region_code'>>;

/** The region code prefix a keeper may place facilities in, or undefined for anywhere. */
export const scopeOf = (actor: Keeper): string | undefined =>
  actor.role ? regionScope({ role: actor.role, region_code: actor.region_code ?? null }) : undefined;

/** A facility placed, or serving, outside the keeper's region: field → message (empty when inside or unscoped). */
export function scopeProblems(f: Pick<FacilityShape, 'region_code' | 'areas'>, scope: string | undefined): FieldErrors {
  const out: FieldErrors = {};
  if (scope === undefined) return out;
  if (f.region_code && !f.region_code.startsWith(scope)) add(out, 'region', 'facility_region_outside_scope', { scope });
  const outside = f.areas.filter((c) => !c.startsWith(scope));
  if (outside.length) add(out, 'areas', 'facility_areas_outside_scope', { scope, codes: outside.join('、') });
  return out;
}

async function assertFacility(db: Knex, f: FacilityInput, extra: FieldErrors = {}): Promise<void> {
  const problems = { ...(await shapeProblems(db, f)), ...extra };
  if (Object.keys(problems).length) throw new ValidationError(problems);
}

// ## Status history

/** The status on a date: the latest entry on or before it (entries of one day in the order recorded). */
export function statusOn(
  history: Pick<store.StatusEntry, 'status' | 'effective_on'>[],
  date: string,
): FacilityStatus | null {
  let out: FacilityStatus | null = null;
  for (const h of history) if (h.effective_on <= date) out = h.status;
  return out;
}

/** The entry that decides facilities.status: the latest by date. */
export function latestOf<T extends Pick<store.StatusEntry, 'effective_on'>>(history: T[]): T | undefined {
  let out: T | undefined;
  for (const h of history) if (!out || h.effective_on >= out.effective_on) out = h;
  return out;
}

/**
 * Whether an entry may join a history. Building, operating and closing are facts and happen by today; only a plan
 * may be dated ahead (the year a facility is scheduled in). An entry may fall between earlier ones (a forgotten
 * step), but not on a day that already has one, and it must change the status in force that day; a facility under
 * construction or in service goes back to "planned" only after it has been closed.
 */
export function statusProblems(
  history: Pick<store.StatusEntry, 'status' | 'effective_on'>[],
  entry: Pick<StatusInput, 'status' | 'effective_on'>,
  today: string,
): FieldErrors {
  const out: FieldErrors = {};
  if (entry.status !== 'planned' && entry.effective_on > today)
    add(out, 'effective_on', 'facility_status_future', { today });
  if (history.some((h) => h.effective_on === entry.effective_on))
    add(out, 'effective_on', 'facility_status_date_taken', { date: entry.effective_on });
  const before = statusOn(
    history.filter((h) => h.effective_on < entry.effective_on),
    entry.effective_on,
  );
  if (before === entry.status) add(out, 'status', 'facility_status_unchanged');
  else if (entry.status === 'planned' && (before === 'building' || before === 'operating'))
    add(out, 'status', 'facility_status_planned_after');
  return out;
}

// ## Changes

const nameTaken = (name: string) =>
  new ConflictError('facility_name_taken', { name: { key: 'errors.facility_name_taken', params: { name } } });

/** The unique index on names decides a race between two creates; the loser gets the same message as from the check. */
async function reportingNameClash<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw nameTaken(name);
    throw err;
  }
}

const rowOf = (f: FacilityInput): FacilityRow => ({
  name: f.name,
  kind: f.kind,
  region_code: f.region_code,
  address: f.address,
  phone: f.phone,
  lng: f.lng,
  lat: f.lat,
  niche_capacity: f.niche_capacity,
  plot_capacity: f.plot_capacity,
  investment_fen: f.investment_fen,
  build_mode: f.build_mode,
  note: f.note,
});

/** The fields a clerk keeps, with the service area, as a facility has them now. */
export function inputOf(f: Facility, areas: string[]): FacilityInput {
  return {
    name: f.name,
    kind: f.kind,
    region_code: f.region_code,
    address: f.address,
    phone: f.phone,
    lng: f.lng,
    lat: f.lat,
    niche_capacity: f.niche_capacity,
    plot_capacity: f.plot_capacity,
    investment_fen: f.investment_fen ?? null,
    build_mode: f.build_mode ?? null,
    areas: [...areas].sort(),
    note: f.note ?? null,
  };
}

/** Names of the fields that differ. */
export function changedFields(before: FacilityInput, after: FacilityInput): (keyof FacilityInput)[] {
  return (Object.keys(after) as (keyof FacilityInput)[]).filter(
    (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}

export interface NewFacility {
  input: FacilityInput;
  status: StatusInput;
}

/** Inserts a facility with its service area and first status; the caller holds the transaction and writes the audit. */
export async function insertWithStatus(trx: Knex, actor: audit.Actor, f: NewFacility): Promise<number> {
  const now = nowIso();
  const id = await store.insertFacility(trx, {
    ...rowOf(f.input),
    status: f.status.status,
    created_at: now,
    updated_at: now,
  });
  await store.replaceAreas(trx, id, f.input.areas);
  // Every facility has a history from its first day: the coverage engine reads status on a date from it.
  await store.insertStatus(trx, {
    facility_id: id,
    status: f.status.status,
    effective_on: f.status.effective_on,
    note: f.status.note,
    recorded_by: actor.id,
    recorded_at: now,
  });
  return id;
}

/** What a change to a facility reaches: where it stands and what it lists, from a day on (closed years, 年度报送). */
const reachOf = (codes: string[], from: string, entityId: number | null): ChangeReach => ({
  codes: [...new Set(codes.filter(Boolean))],
  from,
  entity: 'facility',
  entityId,
});

/** The fields whose change alters what a facility counts for on every day it operated. */
const countingFields: readonly (keyof FacilityInput)[] = ['kind', 'region_code', 'build_mode', 'areas'];

/**
 * `closedYearReason`: why a change that alters a closed year's submitted figures is made anyway; without one such a
 * change is refused (ConflictError closed_year_changed, with the differences).
 */
export async function createFacility(
  db: Knex,
  actor: Keeper,
  f: NewFacility,
  ip: string | null,
  closedYearReason?: string,
): Promise<number> {
  await assertFacility(db, f.input, {
    ...statusProblems([], f.status, todayInShanghai()),
    ...scopeProblems(f.input, scopeOf(actor)),
  });
  const created = await reportingNameClash(f.input.name, () =>
    db.transaction(async (trx) => {
      if (await store.findByName(trx, f.input.name)) throw nameTaken(f.input.name);
      const reach = reachOf(codesOf(f.input), f.status.effective_on, null);
      const id = await guardClosedYears(trx, actor, reach, closedYearReason, async () => {
        const id = await insertWithStatus(trx, actor, f);
        reach.entityId = id;
        return id;
      });
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: 'facility',
        entityId: id,
        after: { ...f.input, status: f.status, ...(closedYearReason ? { closed_year_reason: closedYearReason } : {}) },
        regionCode: f.input.region_code,
        ip,
      });
      return id;
    }),
  );
  changed(db, 'facilities');
  return created;
}

/**
 * Saves the form. `version` is the updated_at the form was drawn from: if someone saved in between, the clerk gets a
 * 409 instead of silently overwriting their change. The same values again write nothing.
 */
export async function updateFacility(
  db: Knex,
  actor: Keeper,
  id: number,
  input: FacilityInput,
  version: string | undefined,
  ip: string | null,
  closedYearReason?: string,
): Promise<void> {
  const scope = scopeOf(actor);
  await assertFacility(db, input, scopeProblems(input, scope));
  await reportingNameClash(input.name, () =>
    db.transaction(async (trx) => {
      const locked = await store.lockFacility(trx, id);
      if (!locked) throw new NotFoundError();
      if (version !== undefined && version !== locked.updated_at) throw new ConflictError('facility_changed');
      const current = (await store.find(trx, id))!;
      if (scope !== undefined && !current.region_code.startsWith(scope)) throw new NotFoundError();
      const before = inputOf(current, (await store.serviceAreas(trx, [id])).get(id) ?? []);
      const fields = changedFields(before, input);
      if (fields.length === 0) return;
      const other = await store.findByName(trx, input.name);
      if (other && other.id !== id) throw nameTaken(input.name);
      const save = async () => {
        await store.updateFacility(trx, id, { ...rowOf(input), updated_at: nowIso() });
        if (fields.includes('areas')) await store.replaceAreas(trx, id, input.areas);
      };
      const first = (await store.statusHistory(trx, id))[0];
      if (first && fields.some((k) => countingFields.includes(k)))
        await guardClosedYears(
          trx,
          actor,
          reachOf([...codesOf(before), ...codesOf(input)], first.effective_on, id),
          closedYearReason,
          save,
        );
      else await save();
      const pick = (f: FacilityInput) => Object.fromEntries(fields.map((k) => [k, f[k]]));
      await audit.record(trx, {
        actor,
        action: 'update',
        entity: 'facility',
        entityId: id,
        before: pick(before),
        after: { ...pick(input), ...(closedYearReason ? { closed_year_reason: closedYearReason } : {}) },
        regionCode: input.region_code,
        ip,
      });
    }),
  );
  changed(db, 'facilities');
}

/** Appends an entry to the history and sets facilities.status to the latest-dated one. */
export async function recordStatus(
  db: Knex,
  actor: audit.Actor,
  id: number,
  entry: StatusInput,
  ip: string | null,
  closedYearReason?: string,
): Promise<void> {
  await db.transaction(async (trx) => {
    if (!(await store.lockFacility(trx, id))) throw new NotFoundError();
    const f = (await store.find(trx, id))!;
    const areas = (await store.serviceAreas(trx, [id])).get(id) ?? [];
    await guardClosedYears(
      trx,
      actor,
      reachOf([f.region_code, ...areas], entry.effective_on, id),
      closedYearReason,
      () => appendStatus(trx, actor, id, entry, todayInShanghai()),
    );
    const after = closedYearReason ? { ...entry, closed_year_reason: closedYearReason } : entry;
    await audit.record(trx, {
      actor,
      action: 'status',
      entity: 'facility',
      entityId: id,
      before: { status: f.status },
      after,
      regionCode: f.region_code,
      ip,
    });
  });
  changed(db, 'facilities');
}

/** The locked facility's history gains an entry; facilities.status follows the latest date. Throws when the entry may not join. */
export async function appendStatus(
  trx: Knex,
  actor: audit.Actor,
  id: number,
  entry: StatusInput,
  today: string,
): Promise<void> {
  const history = await store.statusHistory(trx, id);
  const problems = statusProblems(history, entry, today);
  if (Object.keys(problems).length) throw new ValidationError(problems);
  const now = nowIso();
  await store.insertStatus(trx, {
    facility_id: id,
    status: entry.status,
    effective_on: entry.effective_on,
    note: entry.note,
    recorded_by: actor.id,
    recorded_at: now,
  });
  const latest = latestOf([...history, { status: entry.status, effective_on: entry.effective_on }])!;
  await store.updateFacility(trx, id, { status: latest.status, updated_at: now });
}

const isForeignKeyViolation = (err: unknown) => {
  const code = (err as { code?: string })?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
};

/** Removes a facility entered by mistake. Anything that refers to it (cases, prices, cremators, accounts) keeps it. */
export async function deleteFacility(
  db: Knex,
  actor: audit.Actor,
  id: number,
  ip: string | null,
  closedYearReason?: string,
): Promise<Facility> {
  try {
    const removed = await db.transaction(async (trx) => {
      if (!(await store.lockFacility(trx, id))) throw new NotFoundError();
      if ((await store.references(trx, id)).length) throw new ConflictError('facility_in_use');
      const f = (await store.find(trx, id))!;
      const before = {
        ...inputOf(f, (await store.serviceAreas(trx, [id])).get(id) ?? []),
        history: await store.statusHistory(trx, id),
      };
      const remove = () => store.deleteFacility(trx, id);
      if (before.history.length)
        await guardClosedYears(
          trx,
          actor,
          reachOf(codesOf(before), before.history[0].effective_on, id),
          closedYearReason,
          remove,
        );
      else await remove();
      await audit.record(trx, {
        actor,
        action: 'delete',
        entity: 'facility',
        entityId: id,
        before,
        regionCode: f.region_code,
        ip,
      });
      return f;
    });
    changed(db, 'facilities');
    return removed;
  } catch (err) {
    // A table added later that refers to facilities: the database refuses, and the clerk hears why.
    if (isForeignKeyViolation(err)) throw new ConflictError('facility_in_use');
    throw err;
  }
}

// ## What a facility serves

export interface ServiceView {
  /** Whether the kind counts toward public-welfare coverage at all. */
  counts: boolean;
  /** Catalog key under facilities.service and its parameters: the one-line explanation. */
  key: string;
  params: Record<string, unknown>;
  /** Townships served whole, with their village totals. */
  townships: { code: string; name: string; adminVillages: number; communities: number }[];
  /** Villages served one by one, grouped by township. */
  villageGroups: { township: string; villages: { code: string; name: string; community: boolean }[] }[];
  communities: number;
}

/**
 * Explains what a facility serves, by the coverage engine's own rule (serviceOf), so that the page says exactly what
 * the dashboard counts: e.g. 全镇统建：服务大河镇全部 12 个行政村.
 */
export async function describeService(
  db: Knex,
  f: Pick<Facility, 'id' | 'kind' | 'region_code' | 'build_mode'>,
  areas: string[],
): Promise<ServiceView> {
  const empty: ServiceView = {
    counts: false,
    key: `not_counted.${f.kind}`,
    params: {},
    townships: [],
    villageGroups: [],
    communities: 0,
  };
  if (f.kind === 'funeral_home') {
    // What the cremation coverage counts: active cremators (the same rule as coverage/engine/store.ts).
    const n = await store.activeCremators(db, f.id);
    const county =
      (await store.regionsByCode(db, [f.region_code.slice(0, 6)])).get(f.region_code.slice(0, 6))?.name ??
      f.region_code.slice(0, 6);
    return {
      ...empty,
      key: n ? 'not_counted.funeral_home_cremators' : 'not_counted.funeral_home_none',
      params: { n, county },
    };
  }
  if (!counts(f.kind)) return empty;
  const s = serviceOf({ region_code: f.region_code, build_mode: f.build_mode ?? null, areas });
  const whole = new Set(s.townships);
  const villages = s.villages.filter((v) => !whole.has(v.slice(0, 9)));
  const regions = await store.regionsByCode(db, [
    ...s.townships,
    ...villages,
    ...villages.map((v) => v.slice(0, 9)),
    f.region_code,
    f.region_code.slice(0, 6),
  ]);
  const totals = await store.townshipCounts(db, s.townships);
  const townships = s.townships.map((code) => ({ code, name: regions.get(code)?.name ?? code, ...totals.get(code)! }));
  const groups = new Map<string, ServiceView['villageGroups'][number]>();
  for (const v of villages.sort()) {
    const t = v.slice(0, 9);
    if (!groups.has(t)) groups.set(t, { township: regions.get(t)?.name ?? t, villages: [] });
    const r = regions.get(v);
    groups
      .get(t)!
      .villages.push({ code: v, name: r ? shortName(r.name) : v, community: r?.is_admin_village === false });
  }
  const adminVillages =
    townships.reduce((n, t) => n + t.adminVillages, 0) +
    villages.filter((v) => regions.get(v)?.is_admin_village).length;
  const communities =
    townships.reduce((n, t) => n + t.communities, 0) +
    villages.filter((v) => regions.get(v)?.is_admin_village === false).length;
  const view = { counts: true, townships, villageGroups: [...groups.values()], communities };
  const own = f.region_code.length >= 9 ? f.region_code.slice(0, 9) : null;
  if (townships.length === 0 && villages.length === 0) {
    return {
      ...view,
      key: 'nothing',
      params: { county: regions.get(f.region_code.slice(0, 6))?.name ?? f.region_code },
    };
  }
  if (townships.length === 1 && villages.length === 0 && townships[0].code === own) {
    return { ...view, key: 'whole_township', params: { township: townships[0].name, n: adminVillages } };
  }
  if (townships.length === 0 && villages.length === 1 && villages[0] === f.region_code) {
    return {
      ...view,
      key: 'own_village',
      params: { village: shortName(regions.get(f.region_code)?.name ?? f.region_code) },
    };
  }
  return { ...view, key: 'villages', params: { n: adminVillages } };
}

// ## Reads of the registry's own pages

/** A page of facilities with the date of each one's latest status entry. */
export async function facilityPage(
  db: Knex,
  f: store.FacilityFilter & { page: number; perPage: number },
): Promise<{ rows: Facility[]; total: number; latest: Map<number, { status: FacilityStatus; effective_on: string }> }> {
  const { rows, total } = await store.list(db, f);
  return {
    rows,
    total,
    latest: await store.latestEntries(
      db,
      rows.map((r) => r.id),
    ),
  };
}

/** The region codes a facility lists as its service area. */
export async function serviceAreaOf(db: Knex, id: number): Promise<string[]> {
  return (await store.serviceAreas(db, [id])).get(id) ?? [];
}

export function statusHistory(db: Knex, id: number): Promise<store.StatusEntry[]> {
  return store.statusHistory(db, id);
}

/** The village-level units of a township, for the service-area form. */
export function villagesOf(db: Knex, township: string): Promise<RegionInfo[]> {
  return store.villagesOf(db, township);
}

export function regionsByCode(db: Knex, codes: string[]): Promise<Map<string, RegionInfo>> {
  return store.regionsByCode(db, codes);
}

/** Rows of other tables that refer to a facility (a facility with any cannot be deleted). */
export function references(db: Knex, id: number): Promise<{ table: store.Reference; n: number }[]> {
  return store.references(db, id);
}

// Reads other domains use (pickers, headings, the staff dashboard's counts): their routes call these, never the store.

/** Facilities for a picker or a list, by name; `filter` narrows by kind, status, region or text. */
export function facilityChoices(db: Knex, filter: store.FacilityFilter = {}): Promise<Facility[]> {
  return store.listAll(db, filter);
}

/** One facility, or undefined when there is none with that id. */
export function findFacility(db: Knex, id: number): Promise<Facility | undefined> {
  return store.find(db, id);
}

/** How many facilities there are of each kind and status (in a region: a code prefix). */
export function facilityCounts(
  db: Knex,
  region?: string,
): Promise<{ kind: FacilityKind; status: FacilityStatus; n: number }[]> {
  return store.countByKindAndStatus(db, region);
}

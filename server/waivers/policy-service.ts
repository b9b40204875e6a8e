// Waiver policies kept by the bureaus: created, edited into a new version (a version once written never changes), read
// with their history. A city bureau keeps its city's (an unscoped bureau and the administrator every one), a county
// bureau its county's.
import type { Knex } from 'knex';
import { inRegionScope, type User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../http/errors.js';
import { findRegion } from '../regions/service.js';
import { todayInShanghai } from '../time.js';
import { versionOn, type EngineVersion, type Memberships } from './engine.js';
import * as listStore from './list-store.js';
import type { PolicyInput } from './schemas.js';
import * as store from './policy-store.js';

type Staff = Pick<User, 'id' | 'username' | 'role' | 'region_code'>;

const KEEPERS = ['admin', 'bureau', 'county_bureau'];

export const mayKeep = (user: Staff, regionCode: string): boolean =>
  KEEPERS.includes(user.role) && inRegionScope(user, regionCode);

/** A policy concerns the user when its region holds the user's or lies in it (a county bureau reads its city's). */
const concerns = (user: Staff, regionCode: string): boolean =>
  inRegionScope(user, regionCode) || (user.region_code !== null && user.region_code.startsWith(regionCode));

export type Phase = 'current' | 'future' | 'ended';

export interface PolicySummary {
  id: number;
  region_code: string;
  region_name: string | null;
  current: store.VersionRow & { groups: string[]; items: store.ItemRow[] };
  versions: number;
  phase: Phase;
  writable: boolean;
}

function phaseOf(v: { valid_from: string; valid_to: string | null }, today: string): Phase {
  if (v.valid_from > today) return 'future';
  if (v.valid_to !== null && v.valid_to < today) return 'ended';
  return 'current';
}

export async function listPolicies(db: Knex, user: Staff): Promise<PolicySummary[]> {
  const policies = (await store.policies(db)).filter((p) => concerns(user, p.region_code));
  const versions = await store.versions(
    db,
    policies.map((p) => p.id),
  );
  const today = todayInShanghai();
  return policies.map((p) => {
    const own = versions.filter((v) => v.policy_id === p.id);
    // Today's version; a policy edited for a later date shows its newest.
    const current = versionOn(
      own.map((v) => ({ ...v, region_code: p.region_code, groups: [], items: [] })),
      today,
    );
    const shown = own.find((v) => v.id === current?.id) ?? own[own.length - 1];
    return {
      ...p,
      current: shown,
      versions: own.length,
      phase: phaseOf(shown, today),
      writable: mayKeep(user, p.region_code),
    };
  });
}

export async function policyPage(db: Knex, user: Staff, id: number) {
  const p = await store.findPolicy(db, id);
  if (!p || !concerns(user, p.region_code)) throw new NotFoundError();
  const versions = await store.versions(db, [id]);
  const today = todayInShanghai();
  return {
    policy: p,
    versions: versions
      .slice()
      .reverse()
      .map((v) => ({ ...v, phase: phaseOf(v, today) })),
    latest: versions[versions.length - 1],
    writable: mayKeep(user, p.region_code),
  };
}

async function checkInput(db: Knex, input: PolicyInput): Promise<void> {
  const known = new Set((await store.groups(db)).map((g) => g.code));
  if (input.groups.some((g) => !known.has(g))) throw new ValidationError({ groups: { key: 'errors.invalid_choice' } });
  const seen = new Set<string>();
  input.items.forEach((i, n) => {
    const k = `${i.match_by}:${i.match_value}`;
    if (seen.has(k)) throw new ValidationError({ [`match_value_${n}`]: { key: 'errors.waiver_item_twice' } });
    seen.add(k);
  });
}

const items = (input: PolicyInput) =>
  input.items.map((i) => ({
    match_by: i.match_by,
    match_value: i.match_by === 'code' ? i.match_value.toUpperCase() : i.match_value,
    cap_fen: i.cap_fen ?? null,
    quantity_cap: i.quantity_cap ?? null,
  }));

export async function createPolicy(db: Knex, user: Staff, input: PolicyInput, ip: string | null): Promise<number> {
  const code = input.region_code ?? user.region_code ?? '';
  const region = code ? await findRegion(db, code) : undefined;
  // A policy covers a city or a county: those are the levels that set 惠民殡葬 policies.
  if (!region || (region.level !== 'city' && region.level !== 'county'))
    throw new ValidationError({ region_code: { key: 'errors.waiver_region_level' } });
  if (!mayKeep(user, code)) throw new ForbiddenError('region_outside_scope');
  await checkInput(db, input);
  return db.transaction(async (trx) => {
    const at = nowIso();
    const id = await store.insertPolicy(trx, { region_code: code, created_by: user.id, at });
    const version = {
      policy_id: id,
      version: 1,
      name: input.name,
      // The first version is the policy from its start; later edits take effect from their own date.
      effective_from: input.valid_from,
      valid_from: input.valid_from,
      valid_to: input.valid_to ?? null,
      total_cap_fen: input.total_cap_fen ?? null,
      green_reward_fen: input.green_reward_fen ?? 0,
      note: input.note ?? null,
      created_by: user.id,
      created_at: at,
    };
    const versionId = await store.insertVersion(trx, version, input.groups, items(input));
    await audit.record(trx, {
      actor: user,
      action: 'create',
      entity: 'waiver_policy',
      entityId: id,
      after: { ...version, version_id: versionId, region_code: code, groups: input.groups, items: items(input) },
      regionCode: code,
      ip,
    });
    return id;
  });
}

/**
 * An edit writes the next version, effective from today (Asia/Shanghai) or a later date given: deaths before it keep
 * the version they had. The form carries the version it was made from; another edit saved meanwhile is a 409.
 */
export async function editPolicy(
  db: Knex,
  user: Staff,
  id: number,
  input: PolicyInput,
  ip: string | null,
): Promise<number> {
  const p = await store.findPolicy(db, id);
  if (!p || !concerns(user, p.region_code)) throw new NotFoundError();
  if (!mayKeep(user, p.region_code)) throw new ForbiddenError();
  await checkInput(db, input);
  const today = todayInShanghai();
  const effective = input.effective_from ?? today;
  if (effective < today) throw new ValidationError({ effective_from: { key: 'errors.waiver_effective_past' } });
  try {
    return await db.transaction(async (trx) => {
      const latest = await store.latestVersion(trx, id);
      if (input.base_version !== undefined && input.base_version !== latest)
        throw new ConflictError('waiver_policy_changed');
      const at = nowIso();
      const version = {
        policy_id: id,
        version: latest + 1,
        name: input.name,
        effective_from: effective,
        valid_from: input.valid_from,
        valid_to: input.valid_to ?? null,
        total_cap_fen: input.total_cap_fen ?? null,
        green_reward_fen: input.green_reward_fen ?? 0,
        note: input.note ?? null,
        created_by: user.id,
        created_at: at,
      };
      const versionId = await store.insertVersion(trx, version, input.groups, items(input));
      await store.touchPolicy(trx, id, at);
      await audit.record(trx, {
        actor: user,
        action: 'new_version',
        entity: 'waiver_policy',
        entityId: id,
        after: { ...version, version_id: versionId, groups: input.groups, items: items(input) },
        regionCode: p.region_code,
        ip,
      });
      return version.version;
    });
  } catch (err) {
    // Two edits of one version at once: the unique (policy, version) lets one through.
    if (isUniqueViolation(err)) throw new ConflictError('waiver_policy_changed');
    throw err;
  }
}

export const groups = store.groups;

// ## What the engine reads (the waiver of a case, the reward of a green placement)

/** Every version of the policies whose region holds one of the places (region codes), as the engine takes them. */
export async function engineVersions(db: Knex, places: string[]): Promise<Map<number, EngineVersion[]>> {
  // One after another: inside a transaction they share one connection.
  const allGroups = await store.groups(db);
  const policies = await store.policies(db);
  const concerned = policies.filter((p) => places.some((code) => code.startsWith(p.region_code)));
  const versions = concerned.length
    ? await store.versions(
        db,
        concerned.map((p) => p.id),
      )
    : [];
  const byGroup = new Map(allGroups.map((g) => [g.code, g]));
  const engine = new Map<number, EngineVersion[]>();
  for (const p of concerned) engine.set(p.id, []);
  for (const v of versions) {
    const p = concerned.find((x) => x.id === v.policy_id)!;
    engine.get(v.policy_id)!.push({
      ...v,
      region_code: p.region_code,
      groups: v.groups.map((code) => ({ code, all_residents: byGroup.get(code)?.all_residents ?? false })),
    });
  }
  return engine;
}

/**
 * The groups the deceased belonged to on the date of death: declared ones (待核实), and those an imported list holds
 * the ID number in (a list match wins over a declaration of the same group).
 */
export async function membershipsOf(
  db: Knex,
  idNumber: string | null,
  date: string,
  declarations: { group_code: string }[],
): Promise<{ memberships: Memberships; listed: listStore.MemberRow[] }> {
  const listed = idNumber ? await listStore.membershipsOn(db, idNumber, date) : [];
  const memberships: Memberships = new Map();
  for (const d of declarations) memberships.set(d.group_code, 'declared');
  for (const m of listed) memberships.set(m.group_code, 'list');
  return { memberships, listed };
}

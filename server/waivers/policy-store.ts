// Queries of waiver policies, their versions (never updated once written), eligible groups and waived items.
import type { Knex } from 'knex';
import type { MatchKind } from './kinds.js';

export interface GroupRow {
  code: string;
  name_zh: string;
  name_en: string;
  all_residents: boolean;
}

export interface PolicyRow {
  id: number;
  region_code: string;
  region_name: string | null;
  created_at: string;
  updated_at: string;
}

export interface VersionRow {
  id: number;
  policy_id: number;
  version: number;
  name: string;
  effective_from: string;
  valid_from: string;
  valid_to: string | null;
  total_cap_fen: number | null;
  green_reward_fen: number;
  note: string | null;
  created_by_name: string | null;
  created_at: string;
}

export interface ItemRow {
  version_id: number;
  match_by: MatchKind;
  match_value: string;
  cap_fen: number | null;
  quantity_cap: number | null;
}

const dateOf = (v: unknown): string | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function groups(db: Knex): Promise<GroupRow[]> {
  const rows = await db('waiver_groups')
    .orderBy('sort')
    .orderBy('code')
    .select('code', 'name_zh', 'name_en', 'all_residents');
  return rows.map((g) => ({ ...g, all_residents: Boolean(g.all_residents) }));
}

export async function policies(db: Knex): Promise<PolicyRow[]> {
  return db('waiver_policies as p')
    .leftJoin('regions as r', 'r.code', 'p.region_code')
    .orderBy('p.id')
    .select('p.id', 'p.region_code', 'r.name as region_name', 'p.created_at', 'p.updated_at');
}

export async function findPolicy(db: Knex, id: number): Promise<PolicyRow | undefined> {
  return db('waiver_policies as p')
    .leftJoin('regions as r', 'r.code', 'p.region_code')
    .where('p.id', id)
    .first('p.id', 'p.region_code', 'r.name as region_name', 'p.created_at', 'p.updated_at');
}

/** Every version of the given policies (all when none given), oldest first, with their groups and items. */
export async function versions(
  db: Knex,
  policyIds?: number[],
): Promise<(VersionRow & { groups: string[]; items: ItemRow[] })[]> {
  const q = db('waiver_policy_versions as v').leftJoin('users as u', 'u.id', 'v.created_by');
  if (policyIds) q.whereIn('v.policy_id', policyIds);
  const rows = await q
    .orderBy('v.policy_id')
    .orderBy('v.version')
    .select(
      'v.id',
      'v.policy_id',
      'v.version',
      'v.name',
      'v.effective_from',
      'v.valid_from',
      'v.valid_to',
      'v.total_cap_fen',
      'v.green_reward_fen',
      'v.note',
      'u.display_name as created_by_name',
      'v.created_at',
    );
  const ids = rows.map((r) => r.id as number);
  const gs = ids.length
    ? await db('waiver_policy_groups').whereIn('version_id', ids).select('version_id', 'group_code')
    : [];
  const items: ItemRow[] = ids.length
    ? await db('waiver_policy_items')
        .whereIn('version_id', ids)
        .orderBy('sort')
        .orderBy('id')
        .select('version_id', 'match_by', 'match_value', 'cap_fen', 'quantity_cap')
    : [];
  return rows.map((r) => ({
    ...r,
    effective_from: dateOf(r.effective_from)!,
    valid_from: dateOf(r.valid_from)!,
    valid_to: dateOf(r.valid_to),
    total_cap_fen: numOrNull(r.total_cap_fen),
    green_reward_fen: Number(r.green_reward_fen),
    groups: gs.filter((g) => g.version_id === r.id).map((g) => g.group_code as string),
    items: items
      .filter((i) => i.version_id === r.id)
      .map((i) => ({ ...i, cap_fen: numOrNull(i.cap_fen), quantity_cap: numOrNull(i.quantity_cap) })),
  }));
}

export async function insertPolicy(
  trx: Knex,
  row: { region_code: string; created_by: number; at: string },
): Promise<number> {
  const [out] = await trx('waiver_policies')
    .insert({ region_code: row.region_code, created_by: row.created_by, created_at: row.at, updated_at: row.at })
    .returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function touchPolicy(trx: Knex, id: number, at: string): Promise<void> {
  await trx('waiver_policies').where({ id }).update({ updated_at: at });
}

export async function latestVersion(trx: Knex, policyId: number): Promise<number> {
  const row = await trx('waiver_policy_versions').where({ policy_id: policyId }).max({ v: 'version' }).first();
  return Number(row?.v ?? 0);
}

export interface NewVersion {
  policy_id: number;
  version: number;
  name: string;
  effective_from: string;
  valid_from: string;
  valid_to: string | null;
  total_cap_fen: number | null;
  green_reward_fen: number;
  note: string | null;
  created_by: number;
  created_at: string;
}

/** Writes a version with its groups and items; a version number taken meanwhile fails on the unique index. */
export async function insertVersion(
  trx: Knex,
  v: NewVersion,
  groupCodes: string[],
  items: Omit<ItemRow, 'version_id'>[],
): Promise<number> {
  const [out] = await trx('waiver_policy_versions').insert(v).returning('id');
  const id: number = typeof out === 'object' ? out.id : out;
  if (groupCodes.length)
    await trx('waiver_policy_groups').insert(groupCodes.map((group_code) => ({ version_id: id, group_code })));
  if (items.length) await trx('waiver_policy_items').insert(items.map((i, sort) => ({ ...i, version_id: id, sort })));
  return id;
}

export async function regionLevel(db: Knex, code: string): Promise<string | undefined> {
  return (await db('regions').where({ code }).first('level'))?.level;
}

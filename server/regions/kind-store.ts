// Queries on the bureau's corrections of a village-level unit's kind (region_kind_overrides).
import type { Knex } from 'knex';
import { bool } from '../db.js';
import type { VillageKind } from './levels.js';

export interface KindOverride {
  code: string;
  kind: VillageKind;
  reason: string;
  set_by: number | null;
  set_by_name: string | null;
  set_at: string;
}

const toOverride = (r: Record<string, unknown>): KindOverride => ({
  code: String(r.code),
  kind: r.kind as VillageKind,
  reason: String(r.reason),
  set_by: r.set_by === null ? null : Number(r.set_by),
  set_by_name: (r.set_by_name as string | null) ?? null,
  set_at: r.set_at instanceof Date ? r.set_at.toISOString() : String(r.set_at),
});

const withUser = (db: Knex) =>
  db('region_kind_overrides as o')
    .leftJoin('users as u', 'u.id', 'o.set_by')
    .select(
      'o.code',
      'o.kind',
      'o.reason',
      'o.set_by',
      'o.set_at',
      db.raw('COALESCE(u.display_name, u.username) AS set_by_name'),
    );

export async function find(db: Knex, code: string): Promise<KindOverride | undefined> {
  const row = await withUser(db).where('o.code', code).first();
  return row ? toOverride(row) : undefined;
}

/** The corrections of the given units (codes without one are left out). */
export async function ofCodes(db: Knex, codes: string[]): Promise<Map<string, KindOverride>> {
  const out = new Map<string, KindOverride>();
  for (let i = 0; i < codes.length; i += 500)
    for (const r of await withUser(db).whereIn('o.code', codes.slice(i, i + 500))) out.set(r.code, toOverride(r));
  return out;
}

/** Every correction below a code prefix, as the import applies them: code → is an administrative village. */
export async function kindsUnder(db: Knex, prefix: string): Promise<Map<string, boolean>> {
  const q = db('region_kind_overrides').select('code', 'kind');
  if (prefix) q.where('code', 'like', `${prefix}%`);
  return new Map((await q).map((r: { code: string; kind: string }) => [r.code, r.kind === 'village']));
}

export async function save(
  trx: Knex,
  row: { code: string; kind: VillageKind; reason: string; set_by: number | null; set_at: string },
): Promise<void> {
  await trx('region_kind_overrides').insert(row).onConflict('code').merge(['kind', 'reason', 'set_by', 'set_at']);
}

export async function remove(trx: Knex, code: string): Promise<void> {
  await trx('region_kind_overrides').where({ code }).delete();
}

/** Sets a unit's kind; a community loses its central-village mark. Answers the unit as it was, locked. */
export async function setKind(
  trx: Knex,
  code: string,
  village: boolean,
): Promise<{ is_admin_village: boolean; is_central_village: boolean } | undefined> {
  const q = trx('regions').where({ code, level: 'village' }).select('is_admin_village', 'is_central_village');
  if (trx.client.config.client === 'pg') q.forUpdate();
  const before = await q.first();
  if (!before) return undefined;
  await trx('regions')
    .where({ code })
    .update(village ? { is_admin_village: true } : { is_admin_village: false, is_central_village: false });
  return { is_admin_village: bool(before.is_admin_village), is_central_village: bool(before.is_central_village) };
}

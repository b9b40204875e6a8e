// The formal block of a region's reports (填报单位, 负责人, 审核人, 填报人, 联系电话, 填报日期): the issuing office, head,
// reviewer and phone are kept per region — a city bureau's, and a county bureau's when it keeps its own — and a region
// without its own uses its nearest ancestor's, whole; the preparer is whoever asks for the report, the date today.
import type { Knex } from 'knex';
import * as audit from '../audit/service.js';
import { ValidationError } from '../http/errors.js';
import * as regions from '../regions/service.js';
import { todayInShanghai } from '../time.js';
import type { SettingsInput } from './settings-schemas.js';
import * as store from './settings-store.js';
import type { SettingsFields } from './settings-store.js';

export type { SettingsFields } from './settings-store.js';

/** Levels whose bureaus keep report settings. */
const SETTING_LEVELS = ['province', 'city', 'county'];

export interface RegionSettings extends SettingsFields {
  /** The region whose row these are (the region itself or its nearest ancestor), or null when none keeps one. */
  from: string | null;
}

export interface ReportBlock extends SettingsFields {
  /** 填报人: the display name of the signed-in user, or of the API token's user. */
  preparer: string;
  /** 填报日期: today in Asia/Shanghai, 'YYYY-MM-DD'. */
  filledOn: string;
}

const empty: SettingsFields = { issuer: null, head: null, reviewer: null, phone: null };
const fieldsOf = (r: SettingsFields): SettingsFields => ({
  issuer: r.issuer,
  head: r.head,
  reviewer: r.reviewer,
  phone: r.phone,
});

/** The region's code and those of its ancestors, longest first: 520201 → 520201, 5202, 52. */
const selfAndAbove = (code: string) => [12, 9, 6, 4, 2].filter((n) => n <= code.length).map((n) => code.slice(0, n));

/** The settings a region's reports carry: its own row, else its nearest ancestor's, else all empty. */
export async function effectiveSettings(db: Knex, code: string): Promise<RegionSettings> {
  const rows = await store.settingsOf(db, selfAndAbove(code));
  const nearest = rows.sort((a, b) => b.region_code.length - a.region_code.length)[0];
  return nearest ? { ...fieldsOf(nearest), from: nearest.region_code } : { ...empty, from: null };
}

/** The region's own settings, if it keeps them, with when they were last saved. */
export async function ownSettings(
  db: Knex,
  code: string,
): Promise<(SettingsFields & { updatedAt: string }) | undefined> {
  const row = await store.ownSettings(db, code);
  return row ? { ...fieldsOf(row), updatedAt: row.updated_at } : undefined;
}

/** The block printed on a region's reports for this user, today. */
export async function reportBlock(
  db: Knex,
  code: string,
  user: { display_name: string },
  today: string = todayInShanghai(),
): Promise<ReportBlock> {
  const s = await effectiveSettings(db, code);
  return { ...fieldsOf(s), preparer: user.display_name, filledOn: today };
}

/** A region the settings can be kept for: one that exists, at province, city or county level (else a field error). */
export async function settingsRegion(db: Knex, code: string) {
  const region = await regions.findRegion(db, code);
  if (!region) throw new ValidationError({ region: { key: 'errors.region_not_found' } });
  if (!SETTING_LEVELS.includes(region.level))
    throw new ValidationError({ region: { key: 'errors.report_settings_region' } });
  return region;
}

/** Saves the region's own settings in one transaction with its audit row (old → new); an unchanged form writes nothing. */
export async function saveSettings(
  db: Knex,
  actor: audit.Actor,
  input: SettingsInput,
  ip: string | null,
): Promise<'created' | 'updated' | 'unchanged'> {
  await settingsRegion(db, input.region);
  const after = fieldsOf(input);
  return db.transaction(async (trx) => {
    const row = await store.ownSettings(trx, input.region);
    const before = row ? fieldsOf(row) : undefined;
    if (before && JSON.stringify(before) === JSON.stringify(after)) return 'unchanged';
    await store.upsertSettings(trx, input.region, after, actor.id);
    await audit.record(trx, {
      actor,
      action: before ? 'update' : 'create',
      entity: 'report_settings',
      entityId: input.region,
      before,
      after,
      ip,
    });
    return before ? 'updated' : 'created';
  });
}

/** Drops the region's own settings, so that its reports use its nearest ancestor's again; audited. */
export async function clearSettings(db: Knex, actor: audit.Actor, code: string, ip: string | null): Promise<boolean> {
  await settingsRegion(db, code);
  return db.transaction(async (trx) => {
    const row = await store.ownSettings(trx, code);
    if (!row || (await store.deleteSettings(trx, code)) === 0) return false;
    await audit.record(trx, {
      actor,
      action: 'delete',
      entity: 'report_settings',
      entityId: code,
      before: fieldsOf(row),
      ip,
    });
    return true;
  });
}

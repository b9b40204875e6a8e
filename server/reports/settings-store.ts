// Queries of the report settings kept per region (report_settings): who issues a region's reports and signs them.
import type { Knex } from 'knex';
import { nowIso } from '../db.js';

export interface SettingsFields {
  issuer: string | null;
  head: string | null;
  reviewer: string | null;
  phone: string | null;
}

export interface SettingsRow extends SettingsFields {
  region_code: string;
  updated_at: string;
}

const columns = ['region_code', 'issuer', 'head', 'reviewer', 'phone', 'updated_at'] as const;

/** The region's own row, if it keeps one. */
export async function ownSettings(db: Knex, code: string): Promise<SettingsRow | undefined> {
  return db('report_settings')
    .where({ region_code: code })
    .first(...columns);
}

/** The rows of these regions (a region and its ancestors), any order. */
export async function settingsOf(db: Knex, codes: string[]): Promise<SettingsRow[]> {
  if (codes.length === 0) return [];
  return db('report_settings')
    .whereIn('region_code', codes)
    .select(...columns);
}

/** Inserts the region's row or replaces its fields; one statement, so two saves at once leave one of them whole. */
export async function upsertSettings(
  trx: Knex,
  code: string,
  fields: SettingsFields,
  userId: number | null,
): Promise<void> {
  await trx('report_settings')
    .insert({ region_code: code, ...fields, updated_by: userId, updated_at: nowIso() })
    .onConflict('region_code')
    .merge(['issuer', 'head', 'reviewer', 'phone', 'updated_by', 'updated_at']);
}

export async function deleteSettings(trx: Knex, code: string): Promise<number> {
  return trx('report_settings').where({ region_code: code }).delete();
}

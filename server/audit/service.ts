// The audit log: one row per change (or reveal of personal data), written in the same transaction as the change, and
// read back: raw by the administrator, with names and labels by the bureaus for their own region.
import type { Knex } from 'knex';
import { nowIso } from '../db.js';
import * as store from './store.js';

export interface Actor {
  id: number;
  username: string;
}

export interface AuditEntry {
  actor: Actor | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  before?: unknown;
  after?: unknown;
  /**
   * The region the change concerns (a facility's location, a target's or a figure's region): the bureaus read the
   * entries of their own region only (a county bureau its county's), so an entry without one is the administrator's
   * alone. Set it for everything a bureau keeps.
   */
  regionCode?: string | null;
  ip?: string | null;
}

const SECRET_FIELDS = new Set(['password_hash', 'token_hash', 'password']);

/** Secrets never reach the audit log, not even hashed. */
function redact(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  return JSON.stringify(v, (k, val) => (SECRET_FIELDS.has(k) ? '[redacted]' : val));
}

export async function record(trx: Knex, e: AuditEntry): Promise<void> {
  await store.insertEntry(trx, {
    at: nowIso(),
    actor_id: e.actor?.id ?? null,
    actor_name: e.actor?.username ?? null,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
    before: redact(e.before),
    after: redact(e.after),
    region_code: e.regionCode ?? null,
    ip: e.ip ?? null,
  });
}

const CODE_LENGTHS = [12, 9, 6, 4, 2];

/** The longest region code (2, 4, 6, 9 or 12 digits, or '' for the country) that every code starts with. */
export function commonRegion(codes: string[]): string {
  if (codes.length === 0) return '';
  let prefix = codes[0];
  for (const c of codes) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const n = CODE_LENGTHS.find((l) => l <= prefix.length);
  return n ? prefix.slice(0, n) : '';
}

export type { AuditRow, AuditFilter } from './store.js';

/** One page of the log, newest first, narrowed by the filter. */
export function list(
  db: Knex,
  filter: store.AuditFilter & { page: number; perPage: number },
): Promise<{ rows: store.AuditRow[]; total: number }> {
  return store.list(db, filter);
}

/** The rows an export writes: the filter's, newest first, at most `max`. */
export function listAll(db: Knex, filter: store.AuditFilter, max: number): Promise<store.AuditRow[]> {
  return store.listAll(db, filter, max);
}

export function choices(db: Knex, region: string | undefined): Promise<{ actors: string[]; entities: string[] }> {
  return store.choices(db, region);
}

/** Names for what rows refer to: facilities by id, regions by code, users by account name. */
export async function names(
  db: Knex,
  want: { facilityIds: number[]; regionCodes: string[]; usernames: string[] },
): Promise<{ facilities: Map<string, string>; regions: Map<string, string>; users: Map<string, string> }> {
  const [facilities, regions, users] = await Promise.all([
    store.facilityNames(db, [...new Set(want.facilityIds)]),
    store.regionNames(db, [...new Set(want.regionCodes)]),
    store.userNames(db, [...new Set(want.usernames)]),
  ]);
  return { facilities, regions, users };
}

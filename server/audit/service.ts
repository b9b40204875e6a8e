// The audit log: one row per change (or reveal of personal data), written in the same transaction as the change.
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
    ip: e.ip ?? null,
  });
}

export type { AuditRow } from './store.js';

/** One page of the log, newest first, narrowed by entity and actor. */
export function list(
  db: Knex,
  filter: { entity?: string; actor?: string; page: number; perPage: number },
): Promise<{ rows: store.AuditRow[]; total: number }> {
  return store.list(db, filter);
}

// The audit log: one row per change (or reveal of personal data), written in the same transaction as the change.
import type { Knex } from 'knex';
import { nowIso } from '../db.js';

export interface Actor { id: number; username: string }

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
  await trx('audit_log').insert({
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

export interface AuditRow {
  id: number; at: string; actor_name: string | null; action: string; entity: string;
  entity_id: string | null; before: string | null; after: string | null; ip: string | null;
}

export async function list(db: Knex, filter: { entity?: string; actor?: string; page: number; perPage: number }): Promise<{ rows: AuditRow[]; total: number }> {
  const q = db('audit_log');
  if (filter.entity) q.where('entity', filter.entity);
  if (filter.actor) q.where('actor_name', filter.actor);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q.orderBy('id', 'desc').limit(filter.perPage).offset((filter.page - 1) * filter.perPage)
    .select('id', 'at', 'actor_name', 'action', 'entity', 'entity_id', 'before', 'after', 'ip');
  return { rows: rows as AuditRow[], total: Number(n) };
}

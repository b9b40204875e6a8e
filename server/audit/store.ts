// Queries on audit_log: rows are only ever added, and read back a page at a time.
import type { Knex } from 'knex';

export interface AuditRow {
  id: number;
  at: string;
  actor_name: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
  ip: string | null;
}

export async function insertEntry(trx: Knex, row: Omit<AuditRow, 'id'> & { actor_id: number | null }): Promise<void> {
  await trx('audit_log').insert(row);
}

export async function list(
  db: Knex,
  filter: { entity?: string; actor?: string; page: number; perPage: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  const q = db('audit_log');
  if (filter.entity) q.where('entity', filter.entity);
  if (filter.actor) q.where('actor_name', filter.actor);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q
    .orderBy('id', 'desc')
    .limit(filter.perPage)
    .offset((filter.page - 1) * filter.perPage)
    .select('id', 'at', 'actor_name', 'action', 'entity', 'entity_id', 'before', 'after', 'ip');
  return { rows: rows as AuditRow[], total: Number(n) };
}

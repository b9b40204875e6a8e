// Queries on audit_log: rows are only ever added, and read back a page at a time, narrowed by entity, user, dates and
// region; plus the names the readable view shows for what the rows refer to (facilities, regions, users).
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
  region_code: string | null;
}

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actor?: string;
  /** Instants (UTC ISO), `from` inclusive, `to` exclusive. */
  from?: string;
  to?: string;
  /**
   * The rows a bureau reads: those that name a region (entries about facilities, targets and figures), under this
   * code prefix ('' for every region). Undefined: every row (the administrator).
   */
  region?: string;
}

export async function insertEntry(trx: Knex, row: Omit<AuditRow, 'id'> & { actor_id: number | null }): Promise<void> {
  await trx('audit_log').insert(row);
}

function filtered(db: Knex, f: AuditFilter) {
  const q = db('audit_log');
  if (f.entity) q.where('entity', f.entity);
  if (f.entityId) q.where('entity_id', f.entityId);
  if (f.actor) q.where('actor_name', f.actor);
  if (f.from) q.where('at', '>=', f.from);
  if (f.to) q.where('at', '<', f.to);
  if (f.region !== undefined) {
    q.whereNotNull('region_code');
    if (f.region) q.where('region_code', 'like', `${f.region}%`);
  }
  return q;
}

const columns = ['id', 'at', 'actor_name', 'action', 'entity', 'entity_id', 'before', 'after', 'ip', 'region_code'];

const toRow = (r: Record<string, unknown>): AuditRow => ({
  ...(r as unknown as AuditRow),
  id: Number(r.id),
  at: r.at instanceof Date ? r.at.toISOString() : String(r.at),
});

export async function list(
  db: Knex,
  filter: AuditFilter & { page: number; perPage: number },
): Promise<{ rows: AuditRow[]; total: number }> {
  const q = filtered(db, filter);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q
    .orderBy('id', 'desc')
    .limit(filter.perPage)
    .offset((filter.page - 1) * filter.perPage)
    .select(columns);
  return { rows: rows.map(toRow), total: Number(n) };
}

/** Up to `max` rows, newest first (the exports). */
export async function listAll(db: Knex, filter: AuditFilter, max: number): Promise<AuditRow[]> {
  const rows = await filtered(db, filter).orderBy('id', 'desc').limit(max).select(columns);
  return rows.map(toRow);
}

/** The user names and entity types found among the rows a filter lets through (the filters' choices). */
export async function choices(db: Knex, region: string | undefined): Promise<{ actors: string[]; entities: string[] }> {
  const base = filtered(db, { region });
  const [actors, entities] = await Promise.all([
    base.clone().whereNotNull('actor_name').distinct('actor_name').orderBy('actor_name'),
    base.clone().distinct('entity').orderBy('entity'),
  ]);
  return {
    actors: actors.map((r: { actor_name: string }) => r.actor_name),
    entities: entities.map((r: { entity: string }) => r.entity),
  };
}

export async function facilityNames(db: Knex, ids: number[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db('facilities').whereIn('id', ids).select('id', 'name');
  return new Map(rows.map((r: { id: number; name: string }) => [String(r.id), r.name]));
}

export async function regionNames(db: Knex, codes: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < codes.length; i += 500) {
    const rows = await db('regions')
      .whereIn('code', codes.slice(i, i + 500))
      .select('code', 'name');
    for (const r of rows as { code: string; name: string }[]) out.set(r.code, r.name);
  }
  return out;
}

/** Display names of users by account name. */
export async function userNames(db: Knex, usernames: string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const rows = await db('users').whereIn('username', usernames).select('username', 'display_name');
  return new Map(rows.map((r: { username: string; display_name: string }) => [r.username, r.display_name]));
}

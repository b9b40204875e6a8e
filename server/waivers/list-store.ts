// Queries of the group lists (低保/特困 名单) the bureau imports: the imports with their progress, and the members.
import type { Knex } from 'knex';
import type { ImportStatus } from './kinds.js';

export interface ImportRow {
  id: number;
  group_code: string;
  group_name: string;
  region_code: string | null;
  file_name: string | null;
  status: ImportStatus;
  rows_total: number;
  rows_done: number;
  rows_added: number;
  imported_by_name: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface MemberRow {
  group_code: string;
  id_number: string;
  valid_from: string;
  valid_to: string | null;
}

export async function insertImport(
  db: Knex,
  row: {
    group_code: string;
    region_code: string | null;
    file_name: string | null;
    rows_total: number;
    imported_by: number;
    started_at: string;
  },
): Promise<number> {
  const [out] = await db('waiver_list_imports')
    .insert({ ...row, status: 'running', rows_done: 0 })
    .returning('id');
  return typeof out === 'object' ? out.id : out;
}

/** Adds members, a person and period already listed left as it is; answers how many rows were new. */
export async function insertMembers(
  trx: Knex,
  importId: number,
  groupCode: string,
  rows: Omit<MemberRow, 'group_code'>[],
  at: string,
): Promise<number> {
  if (!rows.length) return 0;
  const added = await trx('waiver_list_members')
    .insert(rows.map((r) => ({ ...r, group_code: groupCode, import_id: importId, created_at: at })))
    .onConflict(['group_code', 'id_number', 'valid_from'])
    .ignore()
    .returning('id');
  return added.length;
}

export async function progress(
  trx: Knex,
  id: number,
  p: { rows_done?: number; rows_added: number; status?: ImportStatus; finished_at?: string },
): Promise<void> {
  await trx('waiver_list_imports')
    .where({ id })
    .update({
      ...(p.rows_done !== undefined ? { rows_done: p.rows_done } : {}),
      rows_added: trx.raw('rows_added + ?', [p.rows_added]),
      ...(p.status ? { status: p.status } : {}),
      ...(p.finished_at ? { finished_at: p.finished_at } : {}),
    });
}

export async function imports(db: Knex, regionPrefix: string | undefined, limit = 50): Promise<ImportRow[]> {
  const q = db('waiver_list_imports as i')
    .join('waiver_groups as g', 'g.code', 'i.group_code')
    .leftJoin('users as u', 'u.id', 'i.imported_by');
  if (regionPrefix) q.where('i.region_code', 'like', `${regionPrefix}%`);
  return q
    .orderBy('i.id', 'desc')
    .limit(limit)
    .select(
      'i.id',
      'i.group_code',
      'g.name_zh as group_name',
      'i.region_code',
      'i.file_name',
      'i.status',
      'i.rows_total',
      'i.rows_done',
      'i.rows_added',
      'u.display_name as imported_by_name',
      'i.started_at',
      'i.finished_at',
    );
}

export async function findImport(db: Knex, id: number): Promise<ImportRow | undefined> {
  return (await db('waiver_list_imports as i')
    .join('waiver_groups as g', 'g.code', 'i.group_code')
    .leftJoin('users as u', 'u.id', 'i.imported_by')
    .where('i.id', id)
    .first(
      'i.id',
      'i.group_code',
      'g.name_zh as group_name',
      'i.region_code',
      'i.file_name',
      'i.status',
      'i.rows_total',
      'i.rows_done',
      'i.rows_added',
      'u.display_name as imported_by_name',
      'i.started_at',
      'i.finished_at',
    )) as ImportRow | undefined;
}

/** The lists an ID number is on with a period covering the date (inclusive). */
export async function membershipsOn(db: Knex, idNumber: string, date: string): Promise<MemberRow[]> {
  const rows = await db('waiver_list_members')
    .where({ id_number: idNumber })
    .where('valid_from', '<=', date)
    .where((w) => {
      void w.whereNull('valid_to').orWhere('valid_to', '>=', date);
    })
    .select('group_code', 'id_number', 'valid_from', 'valid_to');
  const d = (v: unknown) =>
    v instanceof Date ? v.toISOString().slice(0, 10) : v === null ? null : String(v).slice(0, 10);
  return rows.map((r) => ({ ...r, valid_from: d(r.valid_from)!, valid_to: d(r.valid_to) }));
}

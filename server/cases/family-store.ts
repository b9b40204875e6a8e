// Queries on a case's family: contacts (one the ashes recipient), the contact log, the papers and their files.
import type { Knex } from 'knex';
import type { ContactKind, DocumentKind, DocumentState, FileStatus, FileType } from './family-kinds.js';

export interface ContactRow {
  id: number;
  case_id: number;
  name: string;
  phone: string;
  relationship: string;
  id_number: string | null;
  note: string | null;
  is_ashes_recipient: boolean;
  created_at: string;
  updated_at: string;
}
export type ContactFields = Pick<ContactRow, 'name' | 'phone' | 'relationship' | 'id_number' | 'note'>;

export interface LogRow {
  id: number;
  case_id: number;
  contact_id: number | null;
  contact_name: string | null;
  kind: ContactKind;
  at: string;
  note: string;
  recorded_by_name: string | null;
}

export interface DocumentRow {
  case_id: number;
  kind: DocumentKind;
  state: DocumentState;
  updated_at: string;
  updated_by_name: string | null;
}

export interface FileRow {
  id: number;
  case_id: number;
  kind: DocumentKind;
  file_type: FileType;
  original_name: string;
  stored_name: string;
  size_bytes: number;
  sha256: string;
  status: FileStatus;
  uploaded_by_name?: string | null;
  uploaded_at: string;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
}

const asBool = <T extends { is_ashes_recipient: unknown }>(r: T): T => ({
  ...r,
  is_ashes_recipient: r.is_ashes_recipient === true || r.is_ashes_recipient === 1,
});
const idOf = (out: unknown): number =>
  typeof out === 'object' && out !== null ? (out as { id: number }).id : Number(out);

// ## Contacts
export async function contacts(db: Knex, caseId: number): Promise<ContactRow[]> {
  const rows = await db('case_contacts').where({ case_id: caseId }).orderBy('id');
  return rows.map(asBool);
}

export async function findContact(db: Knex, caseId: number, id: number): Promise<ContactRow | undefined> {
  const row = await db('case_contacts').where({ case_id: caseId, id }).first();
  return row ? asBool(row) : undefined;
}

/** The case's ashes recipient, or undefined when none is marked. */
export async function recipient(db: Knex, caseId: number): Promise<ContactRow | undefined> {
  const row = await db('case_contacts').where({ case_id: caseId, is_ashes_recipient: true }).first();
  return row ? asBool(row) : undefined;
}

/** The contact a list or a printed statement names: the recipient, else the first one. */
export async function mainContact(db: Knex, caseId: number): Promise<ContactRow | undefined> {
  const row = await db('case_contacts')
    .where({ case_id: caseId })
    .orderBy('is_ashes_recipient', 'desc')
    .orderBy('id')
    .first();
  return row ? asBool(row) : undefined;
}

export async function insertContact(
  trx: Knex,
  row: ContactFields & { case_id: number; is_ashes_recipient: boolean; created_at: string; updated_at: string },
): Promise<number> {
  const [out] = await trx('case_contacts').insert(row).returning('id');
  return idOf(out);
}

export async function updateContact(
  trx: Knex,
  caseId: number,
  id: number,
  fields: ContactFields & { updated_at: string },
): Promise<boolean> {
  return (await trx('case_contacts').where({ case_id: caseId, id }).update(fields)) === 1;
}

/**
 * Makes one contact the recipient: the case row is locked first on PostgreSQL so that two clerks marking two
 * contacts at once take turns; on SQLite the write transaction does the same. The partial unique index refuses
 * a second recipient whatever happens.
 */
export async function markRecipient(trx: Knex, caseId: number, id: number, at: string): Promise<void> {
  if (trx.client.config.client === 'pg') await trx('funeral_cases').where({ id: caseId }).forUpdate().first('id');
  await trx('case_contacts')
    .where({ case_id: caseId, is_ashes_recipient: true })
    .whereNot({ id })
    .update({ is_ashes_recipient: false, updated_at: at });
  await trx('case_contacts').where({ case_id: caseId, id }).update({ is_ashes_recipient: true, updated_at: at });
}

// ## Contact log
export async function insertLog(
  trx: Knex,
  row: {
    case_id: number;
    contact_id: number | null;
    kind: ContactKind;
    at: string;
    note: string;
    recorded_by: number;
    created_at: string;
  },
): Promise<number> {
  const [out] = await trx('case_contact_log').insert(row).returning('id');
  return idOf(out);
}

/** Newest first; entries at the same minute in the order they were written, newest first too. */
export async function log(db: Knex, caseId: number): Promise<LogRow[]> {
  return db('case_contact_log as l')
    .leftJoin('case_contacts as k', 'k.id', 'l.contact_id')
    .leftJoin('users as u', 'u.id', 'l.recorded_by')
    .where('l.case_id', caseId)
    .orderBy('l.at', 'desc')
    .orderBy('l.id', 'desc')
    .select(
      'l.id',
      'l.case_id',
      'l.contact_id',
      'k.name as contact_name',
      'l.kind',
      'l.at',
      'l.note',
      'u.display_name as recorded_by_name',
    );
}

// ## Papers
export async function documents(db: Knex, caseId: number): Promise<DocumentRow[]> {
  return db('case_documents as d')
    .leftJoin('users as u', 'u.id', 'd.updated_by')
    .where('d.case_id', caseId)
    .select('d.case_id', 'd.kind', 'd.state', 'd.updated_at', 'u.display_name as updated_by_name');
}

/** Sets a paper's state in one statement (insert or update), so two clerks never make two rows. */
export async function setDocumentState(
  trx: Knex,
  row: { case_id: number; kind: DocumentKind; state: DocumentState; updated_by: number; updated_at: string },
): Promise<void> {
  await trx('case_documents').insert(row).onConflict(['case_id', 'kind']).merge(['state', 'updated_by', 'updated_at']);
}

export async function files(db: Knex, caseId: number): Promise<FileRow[]> {
  return db('case_document_files as f')
    .leftJoin('users as u', 'u.id', 'f.uploaded_by')
    .where('f.case_id', caseId)
    .orderBy('f.id', 'desc')
    .select('f.*', 'u.display_name as uploaded_by_name');
}

export async function findFile(db: Knex, caseId: number, id: number): Promise<FileRow | undefined> {
  return db('case_document_files').where({ case_id: caseId, id }).first();
}

/** The current file of a paper is replaced (kept on record) by the new one. */
export async function replaceCurrent(trx: Knex, caseId: number, kind: DocumentKind): Promise<number[]> {
  const rows: { id: number }[] = await trx('case_document_files')
    .where({ case_id: caseId, kind, status: 'current' })
    .select('id');
  if (rows.length)
    await trx('case_document_files')
      .whereIn(
        'id',
        rows.map((r) => r.id),
      )
      .update({ status: 'replaced' });
  return rows.map((r) => r.id);
}

export async function insertFile(
  trx: Knex,
  row: Omit<FileRow, 'id' | 'uploaded_by_name' | 'withdrawn_at' | 'withdrawn_reason'> & { uploaded_by: number },
): Promise<number> {
  const [out] = await trx('case_document_files').insert(row).returning('id');
  return idOf(out);
}

/** Withdraws a current file; the row count says whether it was still current. */
export async function withdrawFile(
  trx: Knex,
  caseId: number,
  id: number,
  by: number,
  at: string,
  reason: string,
): Promise<boolean> {
  return (
    (await trx('case_document_files')
      .where({ case_id: caseId, id, status: 'current' })
      .update({ status: 'withdrawn', withdrawn_by: by, withdrawn_at: at, withdrawn_reason: reason })) === 1
  );
}

export async function hasCurrentFile(trx: Knex, caseId: number, kind: DocumentKind): Promise<boolean> {
  return !!(await trx('case_document_files').where({ case_id: caseId, kind, status: 'current' }).first('id'));
}

// ## The front desk's day

export interface PapersMissingRow {
  id: number;
  case_number: string;
  deceased_name: string;
  status: string;
  created_at: string;
  /** Per kind asked for: 1 when that paper is received, else 0. */
  received: Record<string, number>;
}

/**
 * A home's cases at one of `statuses` with one of `kinds` not received (no row counts as missing), newest first, at
 * most `limit`, with how many there are in all: one query.
 */
export async function papersMissing(
  db: Knex,
  facilityId: number,
  statuses: readonly string[],
  kinds: readonly DocumentKind[],
  limit: number,
): Promise<{ rows: PapersMissingRow[]; count: number }> {
  // Written out: knex's builder took longer to compile this than the database to run it, on every dashboard view.
  const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  const result: unknown = await db.raw(
    `select c.id, c.case_number, c.deceased_name, c.status, c.created_at,
            ${kinds.map((_, i) => `max(case when d.kind = ? then 1 else 0 end) as k${i}`).join(', ')},
            count(*) over () as n
       from funeral_cases c
       left join case_documents d on d.case_id = c.id and d.state = 'received' and d.kind in (${list(kinds.length)})
      where c.facility_id = ? and c.status in (${list(statuses.length)})
      group by c.id, c.case_number, c.deceased_name, c.status, c.created_at
     having count(d.case_id) < ?
      order by c.created_at desc, c.id desc
      limit ?`,
    [...kinds, ...kinds, facilityId, ...statuses, kinds.length, limit],
  );
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
  return {
    rows: rows.map((r) => ({
      id: Number(r.id),
      case_number: String(r.case_number),
      deceased_name: String(r.deceased_name),
      status: String(r.status),
      created_at: r.created_at as string,
      received: Object.fromEntries(kinds.map((k, i) => [k, Number(r[`k${i}`])])),
    })),
    count: Number(rows[0]?.n ?? 0),
  };
}

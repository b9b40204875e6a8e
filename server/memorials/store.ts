// Queries on memorial pages, their photos and tributes; the deceased's name and dates are read from the case.
import type { Knex } from 'knex';
import type { CaseStatus } from '../cases/states.js';
import type { MemorialStatus, MemorialVisibility, TributeKind, TributeStatus } from './kinds.js';

export interface MemorialRow {
  id: number;
  case_id: number;
  facility_id: number;
  slug: string;
  status: MemorialStatus;
  visibility: MemorialVisibility;
  biography: string | null;
  photo_version: number;
  owner_name: string | null;
  owner_phone: string | null;
  claimed_at: string | null;
  claim_code_expires_at: string | null;
  claim_code_used_at: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  // from the case
  deceased_name: string;
  sex: 'male' | 'female';
  birth_date: string;
  death_at: string;
  facility_name: string;
}

const columns = [
  'm.id',
  'm.case_id',
  'm.facility_id',
  'm.slug',
  'm.status',
  'm.visibility',
  'm.biography',
  'm.photo_version',
  'm.owner_name',
  'm.owner_phone',
  'm.claimed_at',
  'm.claim_code_expires_at',
  'm.claim_code_used_at',
  'm.created_at',
  'm.updated_at',
  'm.closed_at',
  'c.deceased_name',
  'c.sex',
  'c.birth_date',
  'c.death_at',
  'f.name as facility_name',
];

const withCase = (db: Knex) =>
  db('memorials as m').join('funeral_cases as c', 'c.id', 'm.case_id').join('facilities as f', 'f.id', 'm.facility_id');

export function findByCase(db: Knex, caseId: number): Promise<MemorialRow | undefined> {
  return withCase(db).where('m.case_id', caseId).first(columns);
}

export function findById(db: Knex, id: number): Promise<MemorialRow | undefined> {
  return withCase(db).where('m.id', id).first(columns);
}

export function findBySlug(db: Knex, slug: string): Promise<MemorialRow | undefined> {
  return withCase(db).where('m.slug', slug).first(columns);
}

/** The page whose owner holds the key (its hash), or undefined. */
export function findByOwnerKey(db: Knex, slug: string, keyHash: string): Promise<MemorialRow | undefined> {
  return withCase(db).where({ 'm.slug': slug, 'm.owner_key_hash': keyHash }).first(columns);
}

/** What a claim with this code finds: the page, whether the code was used, and until when it holds. */
export function findByClaimCode(
  db: Knex,
  codeHash: string,
): Promise<{ id: number; claim_code_used_at: string | null; claim_code_expires_at: string | null } | undefined> {
  return db('memorials')
    .where({ claim_code_hash: codeHash })
    .first('id', 'claim_code_used_at', 'claim_code_expires_at');
}

export interface NewMemorial {
  case_id: number;
  facility_id: number;
  slug: string;
  status: MemorialStatus;
  visibility: MemorialVisibility;
  biography: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export async function insertMemorial(trx: Knex, row: NewMemorial): Promise<number> {
  const [r] = await trx('memorials').insert(row).returning('id');
  return typeof r === 'object' ? r.id : r;
}

/** A new claim code for the page (the one before it no longer works). */
export async function setClaimCode(trx: Knex, id: number, codeHash: string, expiresAt: string, at: string) {
  await trx('memorials').where({ id }).update({
    claim_code_hash: codeHash,
    claim_code_expires_at: expiresAt,
    claim_code_used_at: null,
    updated_at: at,
  });
}

/**
 * Takes the claim: the conditional update on an unused, unexpired code decides which of two claims with one code
 * wins (row count 1); the loser's update finds the code used and changes nothing.
 */
export async function claim(
  trx: Knex,
  codeHash: string,
  owner: { name: string; phone: string; keyHash: string },
  at: string,
): Promise<number | undefined> {
  const rows = await trx('memorials')
    .where({ claim_code_hash: codeHash, status: 'open' })
    .whereNull('claim_code_used_at')
    .where('claim_code_expires_at', '>', at)
    .update({
      owner_name: owner.name,
      owner_phone: owner.phone,
      owner_key_hash: owner.keyHash,
      claimed_at: at,
      claim_code_used_at: at,
      updated_at: at,
    })
    .returning('id');
  const r = rows[0];
  return r === undefined ? undefined : typeof r === 'object' ? r.id : r;
}

export async function updatePage(
  trx: Knex,
  id: number,
  fields: { biography: string | null; visibility: MemorialVisibility },
  at: string,
): Promise<void> {
  await trx('memorials')
    .where({ id })
    .update({ ...fields, updated_at: at });
}

/** Closes an open page; false when it was closed already. */
export async function close(trx: Knex, id: number, at: string): Promise<boolean> {
  const n = await trx('memorials')
    .where({ id, status: 'open' })
    .update({ status: 'closed', closed_at: at, updated_at: at });
  return n === 1;
}

export async function putPhoto(
  trx: Knex,
  id: number,
  photo: { bytes: Buffer; width: number; height: number },
  at: string,
): Promise<void> {
  const row = { bytes: photo.bytes, width: photo.width, height: photo.height, size_bytes: photo.bytes.length };
  await trx('memorial_photos')
    .insert({ memorial_id: id, ...row, updated_at: at })
    .onConflict('memorial_id')
    .merge({ ...row, updated_at: at });
  await trx('memorials')
    .where({ id })
    .update({ photo_version: trx.raw('photo_version + 1'), updated_at: at });
}

export function photo(db: Knex, id: number): Promise<{ bytes: Buffer; updated_at: string } | undefined> {
  return db('memorial_photos').where({ memorial_id: id }).first('bytes', 'updated_at');
}

export interface ListedMemorial {
  slug: string;
  deceased_name: string;
  birth_date: string;
  death_at: string;
  photo_version: number;
}

/** Public, open pages, newest deaths first, optionally by part of the name; one page of them and the count. */
export async function listPublic(
  db: Knex,
  filter: { q?: string; page: number; perPage: number },
): Promise<{ rows: ListedMemorial[]; total: number }> {
  const base = () => {
    const q = db('memorials as m')
      .join('funeral_cases as c', 'c.id', 'm.case_id')
      .where({ 'm.visibility': 'public', 'm.status': 'open' });
    // A typed % or _ is a character of the name, not a wildcard.
    if (filter.q)
      q.whereRaw('c.deceased_name LIKE ? ESCAPE ?', [`%${filter.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`, '\\']);
    return q;
  };
  const [{ n }] = (await base().count({ n: '*' })) as { n: number | string }[];
  const rows = await base()
    .orderBy([
      { column: 'c.death_at', order: 'desc' },
      { column: 'm.id', order: 'desc' },
    ])
    .limit(filter.perPage)
    .offset((filter.page - 1) * filter.perPage)
    .select('m.slug', 'c.deceased_name', 'c.birth_date', 'c.death_at', 'm.photo_version');
  return { rows, total: Number(n) };
}

// ## Tributes

export interface TributeRow {
  id: number;
  memorial_id: number;
  kind: TributeKind;
  message: string | null;
  writer_name: string | null;
  status: TributeStatus;
  created_at: string;
  decided_at: string | null;
}

/** Inserts a tribute; a form sent twice (same request id) inserts nothing the second time. */
export async function insertTribute(
  trx: Knex,
  row: Omit<TributeRow, 'id' | 'decided_at'> & { request_id: string },
): Promise<number | undefined> {
  const rows = await trx('memorial_tributes')
    .insert(row)
    .onConflict(['memorial_id', 'request_id'])
    .ignore()
    .returning('id');
  const r = rows[0];
  return r === undefined ? undefined : typeof r === 'object' ? r.id : r;
}

export function tributes(db: Knex, memorialId: number, statuses: TributeStatus[], limit = 200): Promise<TributeRow[]> {
  return db('memorial_tributes')
    .where({ memorial_id: memorialId })
    .whereIn('status', statuses)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit)
    .select('id', 'memorial_id', 'kind', 'message', 'writer_name', 'status', 'created_at', 'decided_at');
}

export async function tributeCounts(db: Knex, memorialId: number): Promise<Record<TributeKind, number>> {
  const rows = (await db('memorial_tributes')
    .where({ memorial_id: memorialId, status: 'approved' })
    .groupBy('kind')
    .select('kind')
    .count({ n: '*' })) as { kind: TributeKind; n: number | string }[];
  const out: Record<TributeKind, number> = { flower: 0, candle: 0, message: 0 };
  for (const r of rows) out[r.kind] = Number(r.n);
  return out;
}

/** Decides a pending tribute; false when it was decided already (by someone else, or a second click). */
export async function decideTribute(
  trx: Knex,
  memorialId: number,
  tributeId: number,
  status: 'approved' | 'rejected',
  by: number | null,
  at: string,
): Promise<boolean> {
  const n = await trx('memorial_tributes')
    .where({ id: tributeId, memorial_id: memorialId, status: 'pending' })
    .update({ status, decided_at: at, decided_by: by });
  return n === 1;
}

export function findTribute(db: Knex, memorialId: number, tributeId: number): Promise<TributeRow | undefined> {
  return db('memorial_tributes').where({ id: tributeId, memorial_id: memorialId }).first();
}

// ## The case behind a page

export interface CaseFacts {
  id: number;
  facility_id: number;
  status: CaseStatus;
  death_at: string | null;
  death_certificate_no: string | null;
  /** The 死亡医学证明 marked received in the papers checklist. */
  certificate_received: boolean;
}

export async function caseFacts(db: Knex, caseId: number): Promise<CaseFacts | undefined> {
  const c = await db('funeral_cases')
    .where({ id: caseId })
    .first('id', 'facility_id', 'status', 'death_at', 'death_certificate_no');
  if (!c) return undefined;
  const paper = await db('case_documents')
    .where({ case_id: caseId, kind: 'death_certificate', state: 'received' })
    .first('id');
  return { ...c, certificate_received: !!paper };
}

// Queries of the yearly submissions (年度报送), their snapshots and the reasons given for changes to closed years.
import type { Knex } from 'knex';
import type { SnapshotIndicator, SubmissionStatus } from './kinds.js';

export interface SubmissionRow {
  id: number;
  region_code: string;
  year: number;
  status: SubmissionStatus;
  round: number;
  submitted_by: number;
  submitted_at: string;
  reviewed_by: number | null;
  reviewed_at: string | null;
  return_reason: string | null;
  updated_at: string;
}

export interface Submission extends SubmissionRow {
  submitted_by_name: string;
  reviewed_by_name: string | null;
}

export interface SnapshotRow {
  submission_id: number;
  round: number;
  region_code: string;
  region_name: string;
  indicator: SnapshotIndicator;
  total: number;
  covered: number;
}

const fields = ['s.*', 'u1.display_name as submitted_by_name', 'u2.display_name as reviewed_by_name'] as const;

function withNames(db: Knex) {
  return db('year_submissions as s')
    .join('users as u1', 'u1.id', 's.submitted_by')
    .leftJoin('users as u2', 'u2.id', 's.reviewed_by')
    .select(...fields);
}

const asSubmission = (r: Submission | undefined): Submission | undefined =>
  r && { ...r, year: Number(r.year), round: Number(r.round) };

export async function findById(db: Knex, id: number): Promise<Submission | undefined> {
  return asSubmission(await withNames(db).where('s.id', id).first());
}

export async function findByRegionYear(db: Knex, region: string, year: number): Promise<Submission | undefined> {
  return asSubmission(await withNames(db).where({ 's.region_code': region, 's.year': year }).first());
}

/** Submissions of the regions for the years, in region and year order. */
export async function listFor(db: Knex, codes: string[], years: number[]): Promise<Submission[]> {
  if (codes.length === 0 || years.length === 0) return [];
  const rows = await withNames(db)
    .whereIn('s.region_code', codes)
    .whereIn('s.year', years)
    .orderBy(['s.region_code', 's.year']);
  return rows.map((r: Submission) => asSubmission(r)!);
}

/** Closed (submitted or accepted) submissions of years ending on or after a day, whose region is one of the codes. */
export async function closedFor(db: Knex, statuses: readonly string[], codes: string[], fromYear: number) {
  if (codes.length === 0) return [];
  const rows = (await db('year_submissions')
    .whereIn('status', statuses)
    .whereIn('region_code', codes)
    .where('year', '>=', fromYear)
    .orderBy(['region_code', 'year'])) as SubmissionRow[];
  return rows.map((r) => ({ ...r, year: Number(r.year), round: Number(r.round) }));
}

export async function insert(trx: Knex, row: Omit<SubmissionRow, 'id'>): Promise<number> {
  const [r] = await trx('year_submissions').insert(row).returning('id');
  return typeof r === 'object' ? (r as { id: number }).id : (r as number);
}

/** A returned submission handed in again: the next round, the review cleared. The row count says who won. */
export function resubmit(trx: Knex, id: number, round: number, by: number, at: string): Promise<number> {
  return trx('year_submissions')
    .where({ id, status: 'returned', round })
    .update({
      status: 'submitted',
      round: round + 1,
      submitted_by: by,
      submitted_at: at,
      reviewed_by: null,
      reviewed_at: null,
      return_reason: null,
      updated_at: at,
    });
}

/** Accepts or returns the round the reviewer saw, only while it is still submitted: one of two reviewers wins. */
export function review(
  trx: Knex,
  id: number,
  round: number,
  change: { status: 'accepted' | 'returned'; by: number; at: string; reason: string | null },
): Promise<number> {
  return trx('year_submissions').where({ id, status: 'submitted', round }).update({
    status: change.status,
    reviewed_by: change.by,
    reviewed_at: change.at,
    return_reason: change.reason,
    updated_at: change.at,
  });
}

export async function insertSnapshot(trx: Knex, rows: SnapshotRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) await trx('year_snapshot_rows').insert(rows.slice(i, i + 200));
}

export async function snapshotRows(db: Knex, id: number, round: number): Promise<SnapshotRow[]> {
  const rows = (await db('year_snapshot_rows')
    .where({ submission_id: id, round })
    .orderBy(['region_code', 'indicator'])) as SnapshotRow[];
  return rows.map((r) => ({ ...r, total: Number(r.total), covered: Number(r.covered), round: Number(r.round) }));
}

export interface ClosedYearChangeRow {
  submission_id: number;
  entity: string;
  entity_id: string | null;
  reason: string;
  differences: string;
  changed_by: number | null;
  changed_at: string;
}

export async function insertClosedYearChange(trx: Knex, row: ClosedYearChangeRow): Promise<void> {
  await trx('closed_year_changes').insert(row);
}

export function closedYearChanges(
  db: Knex,
  submissionId: number,
): Promise<(ClosedYearChangeRow & { name: string | null })[]> {
  return db('closed_year_changes as c')
    .leftJoin('users as u', 'u.id', 'c.changed_by')
    .where('c.submission_id', submissionId)
    .orderBy('c.id')
    .select('c.*', 'u.display_name as name');
}

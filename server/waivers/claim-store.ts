// Queries of waiver claims (申领), their lines and events, and settlement batches (结算批次). Every status change is a
// conditional UPDATE on the expected status: its row count says whether this request won.
import type { Knex } from 'knex';
import { totals as caseTotals } from '../cases/money-store.js';
import type { Basis, ClaimLineKind, ClaimStatus } from './kinds.js';

export interface ClaimRow {
  id: number;
  case_id: number;
  facility_id: number;
  facility_name: string;
  facility_region_code: string;
  claim_number: string;
  status: ClaimStatus;
  case_number: string;
  deceased_name: string;
  household_region_code: string | null;
  death_date: string;
  month: string;
  amount_fen: number;
  review_note: string | null;
  reviewed_at: string | null;
  batch_id: number | null;
  batch_number: string | null;
  submitted_at: string;
  updated_at: string;
}

export interface ClaimLineRow {
  id: number;
  kind: ClaimLineKind;
  case_line_id: number | null;
  policy_version_id: number;
  policy_name: string | null;
  group_code: string;
  basis: Basis;
  item_code: string;
  item_name: string;
  basic_kind: string | null;
  quantity: number;
  amount_fen: number;
  reason: string | null;
  created_at: string;
}

export type NewClaimLine = Omit<ClaimLineRow, 'id' | 'policy_name' | 'created_at'>;

export interface EventRow {
  id: number;
  from_status: ClaimStatus | null;
  to_status: ClaimStatus;
  note: string | null;
  actor_name: string | null;
  at: string;
}

export interface BatchRow {
  id: number;
  facility_id: number;
  facility_name: string;
  month: string;
  batch_number: string;
  region_code: string;
  claims_count: number;
  amount_fen: number;
  note: string | null;
  settled_by_name: string | null;
  settled_at: string;
}

const idOf = (out: unknown) => Number(typeof out === 'object' && out !== null ? (out as { id: number }).id : out);
const dateOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function claimQuery(db: Knex) {
  return db('waiver_claims as w')
    .join('facilities as f', 'f.id', 'w.facility_id')
    .join('funeral_cases as c', 'c.id', 'w.case_id')
    .leftJoin('waiver_settlement_batches as b', 'b.id', 'w.batch_id')
    .select(
      'w.id',
      'w.case_id',
      'w.facility_id',
      'f.name as facility_name',
      'f.region_code as facility_region_code',
      'w.claim_number',
      'w.status',
      'c.case_number',
      'c.deceased_name',
      'w.household_region_code',
      'w.death_date',
      'w.month',
      'w.amount_fen',
      'w.review_note',
      'w.reviewed_at',
      'w.batch_id',
      'b.batch_number',
      'w.submitted_at',
      'w.updated_at',
    );
}

const toClaim = (r: ClaimRow): ClaimRow => ({
  ...r,
  amount_fen: Number(r.amount_fen),
  death_date: dateOf(r.death_date),
});

export async function findClaim(db: Knex, id: number): Promise<ClaimRow | undefined> {
  const r = await claimQuery(db).where('w.id', id).first();
  return r ? toClaim(r) : undefined;
}

export async function claimOfCase(db: Knex, caseId: number): Promise<ClaimRow | undefined> {
  const r = await claimQuery(db).where('w.case_id', caseId).first();
  return r ? toClaim(r) : undefined;
}

export interface ClaimFilter {
  status?: ClaimStatus;
  facility_id?: number;
  month?: string;
  /** Only claims of homes whose region starts with this code (a county bureau's). */
  region?: string;
}

function filtered(db: Knex, f: ClaimFilter) {
  const q = claimQuery(db);
  if (f.status) q.where('w.status', f.status);
  if (f.facility_id) q.where('w.facility_id', f.facility_id);
  if (f.month) q.where('w.month', f.month);
  if (f.region) q.where('f.region_code', 'like', `${f.region}%`);
  return q;
}

export async function listClaims(
  db: Knex,
  f: ClaimFilter,
  page: number,
  perPage: number,
): Promise<{ rows: ClaimRow[]; total: number }> {
  const counted = await filtered(db, f).clearSelect().count({ n: '*' }).first();
  const rows = await filtered(db, f)
    .orderBy('w.submitted_at', 'desc')
    .orderBy('w.id', 'desc')
    .limit(perPage)
    .offset((page - 1) * perPage);
  return { rows: rows.map(toClaim), total: Number(counted?.n ?? 0) };
}

/** Approved claims of a home and month, as the settlement form shows them. */
export async function approvedClaims(db: Knex, facilityId: number, month: string): Promise<ClaimRow[]> {
  const rows = await claimQuery(db)
    .where({ 'w.facility_id': facilityId, 'w.month': month, 'w.status': 'approved' })
    .orderBy('w.claim_number');
  return rows.map(toClaim);
}

export async function claimsOfBatch(db: Knex, batchId: number): Promise<ClaimRow[]> {
  const rows = await claimQuery(db).where('w.batch_id', batchId).orderBy('w.claim_number');
  return rows.map(toClaim);
}

export async function lines(db: Knex, claimId: number): Promise<ClaimLineRow[]> {
  const rows = await db('waiver_claim_lines as l')
    .leftJoin('waiver_policy_versions as v', 'v.id', 'l.policy_version_id')
    .where('l.claim_id', claimId)
    .orderBy('l.id')
    .select(
      'l.id',
      'l.kind',
      'l.case_line_id',
      'l.policy_version_id',
      'v.name as policy_name',
      'l.group_code',
      'l.basis',
      'l.item_code',
      'l.item_name',
      'l.basic_kind',
      'l.quantity',
      'l.amount_fen',
      'l.reason',
      'l.created_at',
    );
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity), amount_fen: Number(r.amount_fen) }));
}

export async function events(db: Knex, claimId: number): Promise<EventRow[]> {
  return db('waiver_claim_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.claim_id', claimId)
    .orderBy('e.id')
    .select('e.id', 'e.from_status', 'e.to_status', 'e.note', 'u.display_name as actor_name', 'e.at');
}

/** The next claim number of a home in a year, in one statement (as the case numbers are). */
export async function nextClaimNumber(trx: Knex, facilityId: number, year: number): Promise<number> {
  const [row] = await trx('waiver_claim_counters')
    .insert({ facility_id: facilityId, year, last: 1 })
    .onConflict(['facility_id', 'year'])
    .merge({ last: trx.raw('?? + 1', ['waiver_claim_counters.last']) })
    .returning('last');
  return Number(typeof row === 'object' ? row.last : row);
}

export async function insertClaim(
  trx: Knex,
  row: {
    case_id: number;
    facility_id: number;
    claim_number: string;
    status: ClaimStatus;
    household_region_code: string | null;
    death_date: string;
    month: string;
    amount_fen: number;
    submitted_by: number | null;
    submitted_at: string;
    updated_at: string;
  },
): Promise<number> {
  const [out] = await trx('waiver_claims').insert(row).returning('id');
  return idOf(out);
}

export async function insertLines(
  trx: Knex,
  claimId: number,
  rows: NewClaimLine[],
  createdBy: number | null,
  at: string,
): Promise<void> {
  if (rows.length)
    await trx('waiver_claim_lines').insert(
      rows.map((r) => ({ ...r, claim_id: claimId, created_by: createdBy, created_at: at })),
    );
}

/** Takes off a claim's waiver lines (before they are copied again); corrections stay. */
export async function deleteWaiverLines(trx: Knex, claimId: number): Promise<void> {
  await trx('waiver_claim_lines').where({ claim_id: claimId, kind: 'waiver' }).del();
}

export async function insertEvent(
  trx: Knex,
  e: {
    claim_id: number;
    from_status: ClaimStatus | null;
    to_status: ClaimStatus;
    note: string | null;
    actor_id: number | null;
    at: string;
  },
): Promise<void> {
  await trx('waiver_claim_events').insert(e);
}

/**
 * Moves a claim from one of the expected statuses; false when another request moved it first. A review (approval,
 * rejection, request for evidence) records the reviewer; a re-submission keeps the last review's note.
 */
export async function moveClaim(
  trx: Knex,
  id: number,
  from: readonly ClaimStatus[],
  to: ClaimStatus,
  set: { review_note?: string | null; reviewed_by?: number | null; reviewed_at?: string },
  at: string,
): Promise<boolean> {
  const n = await trx('waiver_claims')
    .where({ id })
    .whereIn('status', from as ClaimStatus[])
    .update({ status: to, ...set, updated_at: at });
  return n === 1;
}

/** Sets a claim's amount to the sum of its lines, while it is still in one of the given statuses. */
export async function resum(trx: Knex, id: number, from: readonly ClaimStatus[], at: string): Promise<boolean> {
  const sum = trx('waiver_claim_lines').where({ claim_id: id }).sum('amount_fen');
  const n = await trx('waiver_claims')
    .where({ id })
    .whereIn('status', from as ClaimStatus[])
    .update({ amount_fen: trx.raw('COALESCE((?), 0)', [sum]), updated_at: at });
  return n === 1;
}

export async function batchCountOf(trx: Knex, facilityId: number, month: string): Promise<number> {
  const r = await trx('waiver_settlement_batches').where({ facility_id: facilityId, month }).count({ n: '*' }).first();
  return Number(r?.n ?? 0);
}

export async function insertBatch(
  trx: Knex,
  row: Omit<BatchRow, 'id' | 'facility_name' | 'settled_by_name'> & { settled_by: number | null },
): Promise<number> {
  const [out] = await trx('waiver_settlement_batches').insert(row).returning('id');
  return idOf(out);
}

/** Settles every approved claim of a home and month into a batch; answers how many and their sum. */
export async function settleApproved(
  trx: Knex,
  batchId: number,
  facilityId: number,
  month: string,
  at: string,
): Promise<{ count: number; amount_fen: number }> {
  await trx('waiver_claims')
    .where({ facility_id: facilityId, month, status: 'approved' })
    .update({ status: 'settled', batch_id: batchId, updated_at: at });
  const r = await trx('waiver_claims').where({ batch_id: batchId }).count({ n: '*' }).sum({ s: 'amount_fen' }).first();
  return { count: Number(r?.n ?? 0), amount_fen: Number(r?.s ?? 0) };
}

export async function claimIdsOfBatch(trx: Knex, batchId: number): Promise<{ id: number; status: ClaimStatus }[]> {
  return trx('waiver_claims').where({ batch_id: batchId }).select('id', 'status');
}

function batchQuery(db: Knex) {
  return db('waiver_settlement_batches as b')
    .join('facilities as f', 'f.id', 'b.facility_id')
    .leftJoin('users as u', 'u.id', 'b.settled_by')
    .select(
      'b.id',
      'b.facility_id',
      'f.name as facility_name',
      'f.region_code as facility_region_code',
      'b.month',
      'b.batch_number',
      'b.region_code',
      'b.claims_count',
      'b.amount_fen',
      'b.note',
      'u.display_name as settled_by_name',
      'b.settled_at',
    );
}

const toBatch = (r: BatchRow & { facility_region_code: string }) => ({
  ...r,
  claims_count: Number(r.claims_count),
  amount_fen: Number(r.amount_fen),
});

export async function findBatch(db: Knex, id: number) {
  const r = await batchQuery(db).where('b.id', id).first();
  return r ? toBatch(r) : undefined;
}

export async function listBatches(db: Knex, region: string | undefined, limit = 50) {
  const q = batchQuery(db);
  if (region) q.where('f.region_code', 'like', `${region}%`);
  const rows = await q.orderBy('b.settled_at', 'desc').orderBy('b.id', 'desc').limit(limit);
  return rows.map(toBatch);
}

/** Funeral homes a reviewer may settle (in its region when it has one). */
export async function funeralHomes(db: Knex, region: string | undefined) {
  const q = db('facilities').where({ kind: 'funeral_home' });
  if (region) q.where('region_code', 'like', `${region}%`);
  return q.orderBy('name').select('id', 'name', 'region_code');
}

export async function findFacility(db: Knex, id: number) {
  return db('facilities').where({ id }).first('id', 'name', 'region_code', 'kind');
}

/** The case's facts the claim copies: its home, household, death, status, and the money its bill still owes. */
export async function caseForClaim(db: Knex, caseId: number) {
  const c = await db('funeral_cases as c')
    .join('facilities as f', 'f.id', 'c.facility_id')
    .where('c.id', caseId)
    .first(
      'c.id',
      'c.facility_id',
      'f.region_code as facility_region_code',
      'c.household_region_code',
      'c.death_at',
      'c.status',
    );
  return c as
    | {
        id: number;
        facility_id: number;
        facility_region_code: string;
        household_region_code: string | null;
        death_at: string;
        status: string;
      }
    | undefined;
}

/** The case's waiver lines with the names of the items they waive, as a claim copies them. */
export async function caseWaiverLinesNamed(db: Knex, caseId: number): Promise<NewClaimLine[]> {
  const rows = await db('case_waiver_lines as w')
    .join('case_lines as l', 'l.id', 'w.case_line_id')
    .leftJoin('price_items as p', 'p.id', 'l.price_item_id')
    .where('w.case_id', caseId)
    .orderBy('w.case_line_id')
    .orderBy('w.policy_version_id')
    .select(
      'w.case_line_id',
      'w.policy_version_id',
      'w.group_code',
      'w.basis',
      'l.code as item_code',
      'l.name_zh as item_name',
      'p.basic_kind',
      'w.quantity',
      'w.amount_fen',
    );
  return rows.map((r) => ({
    kind: 'waiver' as const,
    ...r,
    quantity: Number(r.quantity),
    amount_fen: Number(r.amount_fen),
    reason: null,
  }));
}

/** The case's certificates declared for its groups (the basis of a 待核实 line). */
export async function declarations(db: Knex, caseId: number) {
  return db('case_waiver_declarations')
    .where({ case_id: caseId })
    .orderBy('id')
    .select('group_code', 'certificate_no', 'declared_at');
}

/** What the case's bill still owes (fen): charged − deducted − paid net of refunds. */
export async function caseBalance(db: Knex, caseId: number): Promise<{ total: number; balance: number }> {
  const m = await caseTotals(db, caseId);
  return { total: m.total, balance: m.total - m.deducted - m.paid };
}

/** Takes the case's row lock, so that its lines and waiver do not move under a claim's copy. */
export async function lockCase(trx: Knex, caseId: number): Promise<void> {
  await trx('funeral_cases')
    .where({ id: caseId })
    .update({ updated_at: trx.raw('updated_at') });
}

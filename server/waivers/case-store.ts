// Queries of a case's waiver: the case's facts and lines as the waiver reads them, declarations, and the waiver lines
// with the deductions they make (case_deductions, source 'waiver', one per policy version).
import type { Knex } from 'knex';
import type { Basis } from './kinds.js';

export const WAIVER_SOURCE = 'waiver';

export interface CaseFacts {
  id: number;
  facility_id: number;
  facility_region_code: string | null;
  id_number: string;
  death_at: string;
  household_region_code: string | null;
  status: string;
}

/** Takes the case's row lock (as the case's money does) and answers its facts. */
export async function lockedCase(trx: Knex, caseId: number): Promise<CaseFacts | undefined> {
  await trx('funeral_cases')
    .where({ id: caseId })
    .update({ updated_at: trx.raw('updated_at') });
  return caseFacts(trx, caseId);
}

export async function caseFacts(db: Knex, caseId: number): Promise<CaseFacts | undefined> {
  return db('funeral_cases as c')
    .join('facilities as f', 'f.id', 'c.facility_id')
    .where('c.id', caseId)
    .first(
      'c.id',
      'c.facility_id',
      'f.region_code as facility_region_code',
      'c.id_number',
      'c.death_at',
      'c.household_region_code',
      'c.status',
    );
}

export interface LineFacts {
  id: number;
  kind: 'charge' | 'correction';
  corrects_line_id: number | null;
  code: string;
  name_zh: string;
  basic_kind: string | null;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
}

export async function lines(db: Knex, caseId: number): Promise<LineFacts[]> {
  const rows = await db('case_lines as l')
    .leftJoin('price_items as p', 'p.id', 'l.price_item_id')
    .where('l.case_id', caseId)
    .orderBy('l.id')
    .select(
      'l.id',
      'l.kind',
      'l.corrects_line_id',
      'l.code',
      'l.name_zh',
      'p.basic_kind',
      'l.quantity',
      'l.unit_price_fen',
      'l.amount_fen',
    );
  return rows.map((r) => ({
    ...r,
    quantity: Number(r.quantity),
    unit_price_fen: Number(r.unit_price_fen),
    amount_fen: Number(r.amount_fen),
  }));
}

export interface DeclarationRow {
  id: number;
  group_code: string;
  certificate_no: string;
  declared_by_name: string | null;
  declared_at: string;
}

export async function declarations(db: Knex, caseId: number): Promise<DeclarationRow[]> {
  return db('case_waiver_declarations as d')
    .leftJoin('users as u', 'u.id', 'd.declared_by')
    .where('d.case_id', caseId)
    .orderBy('d.id')
    .select('d.id', 'd.group_code', 'd.certificate_no', 'u.display_name as declared_by_name', 'd.declared_at');
}

/** Declares a group for a case, or replaces the certificate number of the one declared. */
export async function upsertDeclaration(
  trx: Knex,
  row: { case_id: number; group_code: string; certificate_no: string; declared_by: number; declared_at: string },
): Promise<void> {
  await trx('case_waiver_declarations')
    .insert(row)
    .onConflict(['case_id', 'group_code'])
    .merge(['certificate_no', 'declared_by', 'declared_at']);
}

export async function deleteDeclaration(trx: Knex, caseId: number, groupCode: string): Promise<boolean> {
  return (await trx('case_waiver_declarations').where({ case_id: caseId, group_code: groupCode }).del()) > 0;
}

export interface StoredWaiverLine {
  case_line_id: number;
  policy_version_id: number;
  group_code: string;
  basis: Basis;
  quantity: number;
  amount_fen: number;
}

export async function waiverLines(db: Knex, caseId: number): Promise<StoredWaiverLine[]> {
  const rows = await db('case_waiver_lines')
    .where({ case_id: caseId })
    .orderBy('case_line_id')
    .select('case_line_id', 'policy_version_id', 'group_code', 'basis', 'quantity', 'amount_fen');
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity), amount_fen: Number(r.amount_fen) }));
}

export async function waiverDeducted(db: Knex, caseId: number): Promise<number> {
  const row = await db('case_deductions')
    .where({ case_id: caseId, source: WAIVER_SOURCE })
    .sum({ s: 'amount_fen' })
    .first();
  return Number(row?.s ?? 0);
}

/** Takes off the case's waiver: its waiver lines and the deductions they made. */
export async function clearWaivers(trx: Knex, caseId: number): Promise<void> {
  await trx('case_waiver_lines').where({ case_id: caseId }).del();
  await trx('case_deductions').where({ case_id: caseId, source: WAIVER_SOURCE }).del();
}

export async function insertDeduction(
  trx: Knex,
  row: { case_id: number; label: string; amount_fen: number; created_at: string },
): Promise<number> {
  const [out] = await trx('case_deductions')
    .insert({ ...row, source: WAIVER_SOURCE })
    .returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function insertWaiverLines(
  trx: Knex,
  rows: (StoredWaiverLine & { case_id: number; deduction_id: number; created_at: string })[],
): Promise<void> {
  if (rows.length) await trx('case_waiver_lines').insert(rows);
}

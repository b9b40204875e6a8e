// Queries of a case's money: the case lock, totals, receipt numbers, voids, corrections, closing reasons, takings.
import type { Knex } from 'knex';
import { nextOfCounter, paymentColumns, type PaymentRow } from './store.js';
import type { CaseStatus } from './states.js';

/**
 * Takes the case's row lock for the rest of the transaction and answers its status: payments, lines and status
 * changes of one case then run one after another, so a balance read here is still true when the row is written.
 */
export async function lockCase(trx: Knex, id: number): Promise<CaseStatus | undefined> {
  if (
    !(await trx('funeral_cases')
      .where({ id })
      .update({ updated_at: trx.raw('updated_at') }))
  )
    return undefined;
  return (await trx('funeral_cases').where({ id }).first('status'))?.status;
}

/** The case's money in fen: lines (corrections included), deductions, and paid net of refunds; voids count nothing. */
export async function totals(db: Knex, caseId: number): Promise<{ total: number; deducted: number; paid: number }> {
  const sum = async (q: Knex.QueryBuilder) => Number((await q.sum({ s: 'amount_fen' }).first())?.s ?? 0);
  // One after another: inside a transaction they share one connection.
  const total = await sum(db('case_lines').where({ case_id: caseId }));
  const deducted = await sum(db('case_deductions').where({ case_id: caseId }));
  const received = await sum(
    db('case_payments').where({ case_id: caseId }).whereIn('kind', ['payment', 'deposit']).whereNull('voided_at'),
  );
  const refunded = await sum(db('case_payments').where({ case_id: caseId, kind: 'refund' }).whereNull('voided_at'));
  return { total, deducted, paid: received - refunded };
}

/** The next receipt number of a funeral home in a year. */
export function nextReceiptNumber(trx: Knex, facilityId: number, year: number): Promise<number> {
  return nextOfCounter(trx, 'receipt_counters', facilityId, year);
}

export async function findPaymentByRequestId(
  trx: Knex,
  caseId: number,
  requestId: string,
): Promise<PaymentRow | undefined> {
  return trx('case_payments').where({ case_id: caseId, request_id: requestId }).first();
}

export async function findPayment(db: Knex, caseId: number, id: number): Promise<PaymentRow | undefined> {
  return db('case_payments as p')
    .leftJoin('users as u', 'u.id', 'p.received_by')
    .leftJoin('users as v', 'v.id', 'p.voided_by')
    .where({ 'p.case_id': caseId, 'p.id': id })
    .first(paymentColumns);
}

/** Voids a payment only if no one voided it meanwhile; the row count says whether this request won. */
export async function voidPayment(
  trx: Knex,
  id: number,
  v: { voided_at: string; voided_by: number; void_reason: string },
): Promise<boolean> {
  return (await trx('case_payments').where({ id }).whereNull('voided_at').update(v)) === 1;
}

/** Units of a line still standing: its own quantity and the corrections made to it. */
export async function lineQuantityLeft(trx: Knex, caseId: number, lineId: number): Promise<number> {
  const row = await trx('case_lines')
    .where({ case_id: caseId })
    .where((w) => {
      void w.where({ id: lineId }).orWhere({ corrects_line_id: lineId });
    })
    .sum({ q: 'quantity' })
    .first();
  return Number(row?.q ?? 0);
}

export interface ClosingReasonRow {
  id: number;
  event_id: number | null;
  problem: string;
  amount_fen: number | null;
  documents: string | null;
  reason: string;
  actor_name: string | null;
  at: string;
}

export async function insertClosingReason(
  trx: Knex,
  row: {
    case_id: number;
    event_id: number;
    problem: string;
    amount_fen: number | null;
    documents: string | null;
    reason: string;
    actor_id: number;
    at: string;
  },
): Promise<void> {
  await trx('case_closing_reasons').insert(row);
}

export async function closingReasons(db: Knex, caseId: number): Promise<ClosingReasonRow[]> {
  return db('case_closing_reasons as r')
    .leftJoin('users as u', 'u.id', 'r.actor_id')
    .where('r.case_id', caseId)
    .orderBy('r.id')
    .select(
      'r.id',
      'r.event_id',
      'r.problem',
      'r.amount_fen',
      'r.documents',
      'r.reason',
      'u.display_name as actor_name',
      'r.at',
    );
}

export interface TakingsRow {
  id: number;
  case_id: number;
  case_number: string;
  deceased_name: string;
  receipt_number: string | null;
  kind: string;
  method: string;
  amount_fen: number;
  payer: string | null;
  paid_at: string;
  received_by: number | null;
  received_by_name: string | null;
  voided_at: string | null;
  void_reason: string | null;
}

/** Every receipt of a funeral home issued in [from, to), voided ones included, in the order they were issued. */
export async function takings(db: Knex, facilityId: number, from: string, to: string): Promise<TakingsRow[]> {
  return db('case_payments as p')
    .join('funeral_cases as c', 'c.id', 'p.case_id')
    .leftJoin('users as u', 'u.id', 'p.received_by')
    .where('p.facility_id', facilityId)
    .where('p.paid_at', '>=', from)
    .where('p.paid_at', '<', to)
    .orderBy('p.paid_at')
    .orderBy('p.id')
    .select(
      'p.id',
      'p.case_id',
      'c.case_number',
      'c.deceased_name',
      'p.receipt_number',
      'p.kind',
      'p.method',
      'p.amount_fen',
      'p.payer',
      'p.paid_at',
      'p.received_by',
      'u.display_name as received_by_name',
      'p.voided_at',
      'p.void_reason',
    );
}

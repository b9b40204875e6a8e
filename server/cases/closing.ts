// What stops a case from closing (reaching a final status): one list of problems, each of which a recorded reason
// lets through (挂账 for a balance owed). moveCase calls this inside its transaction, after taking the case's lock.
import type { Knex } from 'knex';
import { ValidationError, type FieldErrors } from '../http/errors.js';
import { formatMoney } from '../http/format.js';
import { documentProblems } from './checklist.js';
import type { DocumentKind } from './family-kinds.js';
import * as moneyStore from './money-store.js';

/** Problem codes; the database's CHECK on case_closing_reasons.problem lists the same. */
export const closingProblemCodes = ['balance_owed', 'documents_missing'] as const;
export type ClosingProblemCode = (typeof closingProblemCodes)[number];

export interface ClosingProblem {
  code: ClosingProblemCode;
  amount_fen?: number;
  /** The required papers not received (documents_missing). */
  documents?: DocumentKind[];
}
export type ClosingReasons = Partial<Record<ClosingProblemCode, string>>;

/** The form field that carries the reason for a problem. */
export const reasonField = (code: ClosingProblemCode) => `closing_reason_${code}`;

/** The reasons a posted form gives, one field per problem code; blank fields give none. */
export function reasonsFrom(body: Record<string, unknown>): ClosingReasons {
  const reasons: ClosingReasons = {};
  for (const code of closingProblemCodes) {
    const v = body[reasonField(code)];
    if (typeof v === 'string' && v.trim()) reasons[code] = v.trim();
  }
  return reasons;
}

/** Every problem that stands in the way of closing the case now, in the order the form asks about them. */
export async function closingProblems(trx: Knex, caseId: number): Promise<ClosingProblem[]> {
  const problems: ClosingProblem[] = [];
  const m = await moneyStore.totals(trx, caseId);
  const owed = m.total - m.deducted - m.paid;
  if (owed > 0) problems.push({ code: 'balance_owed', amount_fen: owed });
  problems.push(...(await documentProblems(trx, caseId)));
  return problems;
}

/** Refuses to close while a problem has no reason: one message per problem, at its own reason field. */
export function assertReasons(problems: ClosingProblem[], reasons: ClosingReasons): void {
  const errors: FieldErrors = {};
  for (const p of problems)
    if (!reasons[p.code]?.trim())
      errors[reasonField(p.code)] = {
        key: `errors.closing_reason_${p.code}`,
        params: {
          ...(p.amount_fen !== undefined ? { amount: formatMoney(p.amount_fen) } : {}),
          ...(p.documents ? { count: p.documents.length } : {}),
        },
      };
  if (Object.keys(errors).length) throw new ValidationError(errors, 'closing_reason_required');
}

/** Records the reason given for each problem, against the status change that closed the case. */
export async function recordReasons(
  trx: Knex,
  caseId: number,
  eventId: number,
  actorId: number,
  at: string,
  problems: ClosingProblem[],
  reasons: ClosingReasons,
): Promise<{ problem: ClosingProblemCode; amount_fen: number | null; documents: string | null; reason: string }[]> {
  const rows = problems.map((p) => ({
    problem: p.code,
    amount_fen: p.amount_fen ?? null,
    documents: p.documents?.join(',') ?? null,
    reason: reasons[p.code]!.trim(),
  }));
  for (const r of rows)
    await moneyStore.insertClosingReason(trx, { ...r, case_id: caseId, event_id: eventId, actor_id: actorId, at });
  return rows;
}

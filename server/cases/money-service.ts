// Money of a case: payments and deposits with receipt numbers, voids (作废) and refunds (退款) that never delete a
// row, and corrections (更正) of a closed case's lines. Each runs under the case's lock, so the balance it checks is
// the one it writes against.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { formatMoney } from '../http/format.js';
import { priceItemsOn } from '../prices/service.js';
import { todayInShanghai, zone } from '../time.js';
import type { PaymentKind } from './schemas.js';
import { loadCase, mainContact, type Actor } from './service.js';
import { isFinal } from './states.js';
import * as moneyStore from './money-store.js';
import * as store from './store.js';
import { linesChanged } from './lines-service.js';

/** Takes the case's lock and answers its money as it stands. */
async function locked(trx: Knex, caseId: number) {
  const status = await moneyStore.lockCase(trx, caseId);
  if (!status) throw new NotFoundError('case_not_found');
  const m = await moneyStore.totals(trx, caseId);
  return { status, ...m, balance: m.total - m.deducted - m.paid };
}

/** A receipt number of the home's year in Shanghai: 2026-000123. */
async function receiptNumber(trx: Knex, facilityId: number): Promise<string> {
  const year = DateTime.now().setZone(zone).year;
  return `${year}-${String(await moneyStore.nextReceiptNumber(trx, facilityId, year)).padStart(6, '0')}`;
}

export interface NewPayment {
  kind: Extract<PaymentKind, 'payment' | 'deposit'>;
  method: string;
  amount_fen: number;
  payer?: string;
  request_id?: string;
}

/**
 * Records money received with the next receipt number. A payment may not exceed the balance owed (the message
 * names it); money beyond it is taken only as a deposit (预付款/押金). A form sent twice records one payment.
 */
export async function addPayment(
  db: Knex,
  actor: Actor,
  caseId: number,
  p: NewPayment,
  ip: string | null,
): Promise<{ id: number; receipt_number: string | null }> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  if (p.amount_fen <= 0) throw new ValidationError({ amount: { key: 'errors.amount_positive' } });
  try {
    return await db.transaction(async (trx) => {
      const m = await locked(trx, caseId);
      if (p.request_id) {
        const seen = await moneyStore.findPaymentByRequestId(trx, caseId, p.request_id);
        if (seen) return { id: seen.id, receipt_number: seen.receipt_number };
      }
      if (p.kind === 'payment' && p.amount_fen > m.balance)
        throw new ValidationError(
          {
            amount: {
              key: m.balance > 0 ? 'errors.payment_beyond_balance' : 'errors.payment_nothing_owed',
              params: { balance: formatMoney(Math.max(m.balance, 0)) },
            },
          },
          'payment_beyond_balance',
        );
      const row = {
        case_id: caseId,
        facility_id: c.facility_id,
        kind: p.kind,
        receipt_number: await receiptNumber(trx, c.facility_id),
        method: p.method,
        amount_fen: p.amount_fen,
        payer: p.payer?.trim() || (await mainContact(trx, caseId))?.name || null,
        paid_at: nowIso(),
        received_by: actor.id,
        request_id: p.request_id ?? null,
      };
      const id = await store.insertPayment(trx, row);
      await audit.record(trx, {
        actor,
        action: p.kind,
        entity: 'funeral_case',
        entityId: caseId,
        after: { payment_id: id, ...row },
        ip,
      });
      return { id, receipt_number: row.receipt_number };
    });
  } catch (err) {
    // The same form raced past the check above: the unique index let one through, which is the answer.
    if (p.request_id && isUniqueViolation(err)) {
      const seen = await moneyStore.findPaymentByRequestId(db, caseId, p.request_id);
      if (seen) return { id: seen.id, receipt_number: seen.receipt_number };
    }
    throw err;
  }
}

/** Pays money back to the family, never more than was paid net; it takes a receipt number of its own. */
export async function refund(
  db: Knex,
  actor: Actor,
  caseId: number,
  r: { method: string; amount_fen: number; reason: string; request_id?: string },
  ip: string | null,
): Promise<{ id: number; receipt_number: string | null }> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  return db.transaction(async (trx) => {
    const m = await locked(trx, caseId);
    if (r.request_id) {
      const seen = await moneyStore.findPaymentByRequestId(trx, caseId, r.request_id);
      if (seen) return { id: seen.id, receipt_number: seen.receipt_number };
    }
    if (r.amount_fen > m.paid)
      throw new ValidationError(
        { refund_amount: { key: 'errors.refund_beyond_paid', params: { paid: formatMoney(Math.max(m.paid, 0)) } } },
        'refund_beyond_paid',
      );
    const row = {
      case_id: caseId,
      facility_id: c.facility_id,
      kind: 'refund' as const,
      receipt_number: await receiptNumber(trx, c.facility_id),
      method: r.method,
      amount_fen: r.amount_fen,
      payer: (await mainContact(trx, caseId))?.name ?? null,
      reason: r.reason,
      paid_at: nowIso(),
      received_by: actor.id,
      request_id: r.request_id ?? null,
    };
    const id = await store.insertPayment(trx, row);
    await audit.record(trx, {
      actor,
      action: 'refund',
      entity: 'funeral_case',
      entityId: caseId,
      after: { payment_id: id, ...row },
      ip,
    });
    return { id, receipt_number: row.receipt_number };
  });
}

/**
 * Voids a payment, deposit or refund: the row stays, marked with who, when and why, and counts nothing after. A
 * payment whose money was partly refunded cannot be voided while the refund stands (void the refund first).
 */
export async function voidPayment(
  db: Knex,
  actor: Actor,
  caseId: number,
  paymentId: number,
  reason: string,
  ip: string | null,
): Promise<void> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  await db.transaction(async (trx) => {
    const m = await locked(trx, caseId);
    const p = await moneyStore.findPayment(trx, caseId, paymentId);
    if (!p) throw new NotFoundError('payment_not_found');
    if (p.voided_at) throw new ConflictError('payment_already_void');
    if (p.kind !== 'refund' && m.paid - Number(p.amount_fen) < 0) throw new ConflictError('void_after_refund');
    const v = { voided_at: nowIso(), voided_by: actor.id, void_reason: reason };
    if (!(await moneyStore.voidPayment(trx, paymentId, v))) throw new ConflictError('payment_already_void');
    await audit.record(trx, {
      actor,
      action: 'void_payment',
      entity: 'funeral_case',
      entityId: caseId,
      before: { payment_id: paymentId, receipt_number: p.receipt_number, kind: p.kind, amount_fen: p.amount_fen },
      after: v,
      ip,
    });
  });
}

export type Correction =
  | { target: 'item'; price_item_id: number; quantity: number; reason: string }
  | { target: 'line'; line_id: number; quantity: number; reason: string };

/**
 * A correction (更正) of a closed case: a service added at today's price, or units taken off an existing line (a
 * negative line of the same price), never below zero units. Marked as a correction, with its reason, audited.
 */
export async function correct(db: Knex, actor: Actor, caseId: number, x: Correction, ip: string | null): Promise<void> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const item =
    x.target === 'item'
      ? (await priceItemsOn(db, c.facility_id, todayInShanghai())).find((p) => p.id === x.price_item_id)
      : undefined;
  if (x.target === 'item' && !item)
    throw new ValidationError({ correction_target: { key: 'errors.price_item_unavailable' } });
  await db.transaction(async (trx) => {
    const status = await moneyStore.lockCase(trx, caseId);
    if (!status) throw new NotFoundError('case_not_found');
    if (!isFinal(status)) throw new ConflictError('case_not_closed');
    const base = { case_id: caseId, kind: 'correction' as const, reason: x.reason, created_by: actor.id };
    let line: store.NewLine;
    if (x.target === 'item') {
      line = {
        ...base,
        price_item_id: item!.id,
        code: item!.code,
        name_zh: item!.name_zh,
        category: item!.category,
        unit: item!.unit,
        quantity: x.quantity,
        unit_price_fen: item!.price_fen,
        amount_fen: item!.price_fen * x.quantity,
        corrects_line_id: null,
        created_at: nowIso(),
      };
    } else {
      const of = await store.findLine(trx, caseId, x.line_id);
      if (!of || of.kind !== 'charge') throw new ValidationError({ correction_target: { key: 'errors.line_unknown' } });
      const left = await moneyStore.lineQuantityLeft(trx, caseId, of.id);
      if (x.quantity > left)
        throw new ValidationError({ correction_quantity: { key: 'errors.correction_beyond_line', params: { left } } });
      line = {
        ...base,
        price_item_id: of.price_item_id,
        code: of.code,
        name_zh: of.name_zh,
        category: of.category,
        unit: of.unit,
        quantity: -x.quantity,
        unit_price_fen: Number(of.unit_price_fen),
        amount_fen: -x.quantity * Number(of.unit_price_fen),
        corrects_line_id: of.id,
        created_at: nowIso(),
      };
    }
    const lineId = await store.insertLine(trx, line);
    await audit.record(trx, {
      actor,
      action: 'correction',
      entity: 'funeral_case',
      entityId: caseId,
      after: { line_id: lineId, ...line },
      ip,
    });
    await linesChanged(trx, actor, caseId, ip);
  });
}

/** One payment of a case, for its receipt; another home's case answers 404 as loadCase does. */
export async function loadPayment(
  db: Knex,
  actor: Actor,
  caseId: number,
  paymentId: number,
): Promise<{ c: store.CaseRow; p: store.PaymentRow }> {
  const c = await loadCase(db, actor, caseId);
  const p = await moneyStore.findPayment(db, caseId, paymentId);
  if (!p) throw new NotFoundError('payment_not_found');
  return { c, p };
}

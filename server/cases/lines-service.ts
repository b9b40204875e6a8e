// Service lines of a case: the clerk's own (added and removed while the case is open) and those a cremator or hall
// booking makes (added, replaced and removed in the booking's transaction). A closed case changes only by a
// correction (money-service.ts).
import type { Knex } from 'knex';
import { assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { findPriceItem, priceItemsOn } from '../prices/service.js';
import { todayInShanghai } from '../time.js';
import { recomputeCaseWaivers } from '../waivers/case-service.js';
import { loadCase, type Actor } from './service.js';
import * as moneyStore from './money-store.js';
import { isFinal } from './states.js';
import * as store from './store.js';

/**
 * Fee waivers (issue 19): every change of a case's lines ends here, in the change's transaction, so the waiver
 * deductions (server/waivers) always follow the lines as they stand.
 */
export async function linesChanged(trx: Knex, actor: Actor, caseId: number, ip: string | null): Promise<void> {
  await recomputeCaseWaivers(trx, actor, caseId, ip);
}

// ## Lines made by bookings (issue 15 item 3), called in the booking's transaction

export interface BookingCharge {
  line_id: number;
  name_zh: string;
  amount_fen: number;
}

/**
 * Charges a booking: one line (quantity 1) of the price item the resource names, at the price of the item's code on
 * the booking's date (Asia/Shanghai). Refused when the item has no price that day, so that no booking goes uncharged.
 */
export async function addBookingLine(
  trx: Knex.Transaction,
  actor: Actor,
  caseId: number,
  booking: { kind: 'cremator' | 'hall'; id: number; price_item_id: number; date: string },
  ip: string | null,
): Promise<BookingCharge> {
  const c = await loadCase(trx, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const named = await findPriceItem(trx, booking.price_item_id);
  const item = named && (await priceItemsOn(trx, c.facility_id, booking.date)).find((p) => p.code === named.code);
  if (!item)
    throw new ValidationError({
      starts_at: { key: 'errors.booking_price_missing', params: { date: booking.date, item: named?.name_zh ?? '' } },
    });
  const line = {
    case_id: caseId,
    price_item_id: item.id,
    code: item.code,
    name_zh: item.name_zh,
    category: item.category,
    unit: item.unit,
    quantity: 1,
    unit_price_fen: item.price_fen,
    amount_fen: item.price_fen,
    booking_kind: booking.kind,
    booking_id: booking.id,
    created_at: nowIso(),
  };
  const lineId = await insertLineAudited(trx, actor, line, ip);
  return { line_id: lineId, name_zh: item.name_zh, amount_fen: item.price_fen };
}

/** Takes off the line a booking made, if it made one (a booking of a resource without a price item made none). */
export async function removeBookingLine(
  trx: Knex.Transaction,
  actor: Actor,
  caseId: number,
  booking: { kind: 'cremator' | 'hall'; id: number },
  ip: string | null,
): Promise<BookingCharge | undefined> {
  const line = await store.findBookingLine(trx, booking.kind, booking.id);
  if (!line || line.case_id !== caseId) return undefined;
  await store.deleteLine(trx, line.id);
  await audit.record(trx, {
    actor,
    action: 'remove_line',
    entity: 'funeral_case',
    entityId: caseId,
    before: line,
    ip,
  });
  await linesChanged(trx, actor, caseId, ip);
  return { line_id: line.id, name_zh: line.name_zh, amount_fen: Number(line.amount_fen) };
}

/** Lines change only while the case is open: takes the case's lock, refuses a closed case. */
async function assertOpen(trx: Knex, caseId: number): Promise<void> {
  const status = await moneyStore.lockCase(trx, caseId);
  if (!status) throw new NotFoundError('case_not_found');
  if (isFinal(status)) throw new ConflictError('lines_of_closed_case');
}

export async function addLine(
  db: Knex,
  actor: Actor,
  caseId: number,
  priceItemId: number,
  quantity: number,
  ip: string | null,
): Promise<void> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const item = (await priceItemsOn(db, c.facility_id, todayInShanghai())).find((p) => p.id === priceItemId);
  if (!item) throw new ValidationError({ price_item_id: { key: 'errors.price_item_unavailable' } });
  await db.transaction(async (trx) => {
    await assertOpen(trx, caseId);
    const line = {
      case_id: caseId,
      price_item_id: item.id,
      code: item.code,
      name_zh: item.name_zh,
      category: item.category,
      unit: item.unit,
      quantity,
      unit_price_fen: item.price_fen,
      amount_fen: item.price_fen * quantity,
      created_by: actor.id,
      created_at: nowIso(),
    };
    await insertLineAudited(trx, actor, line, ip);
  });
}

/** Adds a service line to a case with its audit row, inside the caller's transaction. */
async function insertLineAudited(
  trx: Knex,
  actor: Actor,
  line: Parameters<typeof store.insertLine>[1],
  ip: string | null,
): Promise<number> {
  const lineId = await store.insertLine(trx, line);
  await audit.record(trx, {
    actor,
    action: 'add_line',
    entity: 'funeral_case',
    entityId: line.case_id,
    after: { line_id: lineId, ...line },
    ip,
  });
  await linesChanged(trx, actor, line.case_id, ip);
  return lineId;
}

export async function removeLine(
  db: Knex,
  actor: Actor,
  caseId: number,
  lineId: number,
  ip: string | null,
): Promise<void> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  await db.transaction(async (trx) => {
    await assertOpen(trx, caseId);
    const line = await store.findLine(trx, caseId, lineId);
    if (!line) throw new NotFoundError();
    // A booking's line goes with the booking: cancelling or moving it takes the line off.
    if (line.booking_id) throw new ValidationError({ line: { key: 'errors.line_of_booking' } }, 'line_of_booking');
    await store.deleteLine(trx, lineId);
    await audit.record(trx, {
      actor,
      action: 'remove_line',
      entity: 'funeral_case',
      entityId: caseId,
      before: line,
      ip,
    });
    await linesChanged(trx, actor, caseId, ip);
  });
}

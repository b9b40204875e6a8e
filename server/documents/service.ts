// Use cases of the printed documents: who may print which, what each shows, and the audit of the certificate.
import type { Knex } from 'knex';
import { assertCanWrite } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { loadPayment } from '../cases/money-service.js';
import * as cases from '../cases/service.js';
import type { CaseStatus } from '../cases/states.js';
import { nowIso } from '../db.js';
import { ConflictError } from '../http/errors.js';
import { maskIdNumber, maskPhone } from '../http/format.js';
import { todayInShanghai } from '../time.js';
import type { Lang } from '../i18n/index.js';
import { renderCertificate } from './certificate.js';
import { unprintable, type Fonts } from './fonts.js';
import { renderPaymentReceipt } from './payment-receipt.js';
import QRCode from 'qrcode';
import { renderReceipt, type MemorialClaim, type ReceiptData } from './receipt.js';
import { surveyOfCase } from '../satisfaction/service.js';
import { printedCode } from '../satisfaction/schemas.js';
import * as store from './store.js';
import { waivedByLine } from '../waivers/case-service.js';

export type Printer = cases.Actor & Pick<User, 'display_name'>;
export interface Printed {
  pdf: Buffer;
  caseNumber: string;
}

const cremated: readonly CaseStatus[] = ['cremated', 'ashes_released', 'ashes_placed'];

/** The fields of a funeral case, as the intake form names them, that the certificate and the statement print. */
export const printedCaseFields = ['deceased_name', 'contact_name', 'contact_relationship'] as const;
export type PrintedCaseField = (typeof printedCaseFields)[number];
export interface Unprintable {
  field: PrintedCaseField;
  characters: string[];
}

/**
 * The printed fields with characters that no font on this machine has, which would print as empty boxes: the
 * front desk is told at intake and on the case page, before anything is printed.
 */
export function unprintableFields(fonts: Fonts, values: Partial<Record<PrintedCaseField, unknown>>): Unprintable[] {
  return printedCaseFields.flatMap((field) => {
    const characters = typeof values[field] === 'string' ? unprintable(fonts, values[field]) : [];
    return characters.length ? [{ field, characters }] : [];
  });
}

/** Whether the certificate can be printed: the case is cremated and its cremation was recorded against a booking. */
export async function certificateReady(db: Knex, c: { id: number; status: CaseStatus }): Promise<boolean> {
  if (!cremated.includes(c.status)) return false;
  const { startedAt, endedAt } = await store.cremation(db, c.id);
  return !!startedAt && !!endedAt;
}

/**
 * The cremation certificate, for the funeral home's own staff once the body is cremated. It shows the full ID
 * number and is an official act, so every print is in the audit log.
 */
export async function printCertificate(
  db: Knex,
  fonts: Fonts,
  actor: Printer,
  caseId: number,
  lang: Lang,
  ip: string | null,
): Promise<Printed> {
  const c = await cases.loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const { startedAt, endedAt, cremator } = await store.cremation(db, c.id);
  // The ashes go to the recipient the family named; a case without one names its main contact.
  const receiver = (await cases.ashesRecipient(db, c.id)) ?? (await cases.mainContact(db, c.id));
  if (!cremated.includes(c.status) || !startedAt || !endedAt) throw new ConflictError('not_cremated_yet');
  const pdf = await renderCertificate(
    {
      lang,
      facilityName: c.facility_name ?? '',
      caseNumber: c.case_number,
      deceasedName: c.deceased_name,
      sex: c.sex,
      idNumber: c.id_number,
      birthDate: c.birth_date,
      deathAt: c.death_at,
      crematedAt: startedAt,
      crematedUntil: endedAt,
      cremator,
      receiverName: receiver?.name ?? '',
      receiverRelationship: receiver?.relationship ?? '',
      issuedOn: todayInShanghai(),
      clerk: actor.display_name,
    },
    fonts,
  );
  await audit.record(db, {
    actor,
    action: 'print_certificate',
    entity: 'funeral_case',
    entityId: c.id,
    after: { case_number: c.case_number },
    ip,
  });
  return { pdf, caseNumber: c.case_number };
}

/** The statement of charges, at any stage, for whoever may read the case; personal numbers are masked. */
export async function printReceipt(
  db: Knex,
  fonts: Fonts,
  actor: Printer,
  caseId: number,
  lang: Lang,
  extra: { memorialClaim?: MemorialClaim; publicUrl?: string } = {},
): Promise<Printed> {
  const c = await cases.loadCase(db, actor, caseId);
  const a = await cases.account(db, c.id);
  const contact = await cases.mainContact(db, c.id);
  const survey = await surveyLink(db, c.id, extra.publicUrl);
  const waived = await waivedByLine(db, c.id);
  const pdf = await renderReceipt(
    {
      lang,
      facilityName: c.facility_name ?? '',
      caseNumber: c.case_number,
      deceasedName: c.deceased_name,
      maskedIdNumber: maskIdNumber(c.id_number),
      contactName: contact?.name ?? '',
      contactRelationship: contact?.relationship ?? '',
      maskedPhone: maskPhone(contact?.phone),
      lines: a.lines.map((l) => ({
        name: l.name_zh,
        correction: l.kind === 'correction' ? (l.reason ?? '') : null,
        basic: l.category === 'basic',
        unit: l.unit,
        quantity: Number(l.quantity),
        unitPriceFen: Number(l.unit_price_fen),
        amountFen: Number(l.amount_fen),
        waivedFen: waived.get(l.id) ?? 0,
      })),
      deductions: a.deductions.map((x) => ({ label: x.label, amountFen: Number(x.amount_fen) })),
      payments: a.payments.map((p) => ({
        receiptNumber: p.receipt_number,
        kind: p.kind,
        voided: p.voided_at !== null,
        method: p.method,
        paidAt: p.paid_at,
        amountFen: Number(p.amount_fen),
        receivedBy: p.received_by_name,
      })),
      totalFen: a.total,
      deductedFen: a.deducted,
      paidFen: a.paid,
      balanceFen: a.balance,
      printedAt: nowIso(),
      printedBy: actor.display_name,
      survey,
      memorialClaim: extra.memorialClaim,
    },
    fonts,
  );
  return { pdf, caseNumber: c.case_number };
}

/**
 * The closed case's survey as printed (满意度测评): the public page's address (the configured base URL, else the path)
 * and the code; with a base URL, a QR code of the address with the code filled in. None while the case is open.
 */
async function surveyLink(db: Knex, caseId: number, publicUrl?: string): Promise<ReceiptData['survey']> {
  const s = await surveyOfCase(db, caseId);
  if (!s) return undefined;
  const link = `${publicUrl ?? ''}/rate`;
  const qrPng = publicUrl
    ? await QRCode.toBuffer(`${link}?code=${s.code}`, { type: 'png', margin: 1, width: 240, errorCorrectionLevel: 'M' })
    : undefined;
  return { link, code: printedCode(s.code), qrPng };
}

/** The receipt (收据) of one payment, deposit or refund, for whoever may read the case; VOID stamped once voided. */
export async function printPaymentReceipt(
  db: Knex,
  fonts: Fonts,
  actor: Printer,
  caseId: number,
  paymentId: number,
  lang: Lang,
): Promise<Printed> {
  const { c, p } = await loadPayment(db, actor, caseId, paymentId);
  if (!p.receipt_number) throw new ConflictError('payment_without_receipt');
  const pdf = await renderPaymentReceipt(
    {
      lang,
      facilityName: c.facility_name ?? '',
      receiptNumber: p.receipt_number,
      kind: p.kind,
      caseNumber: c.case_number,
      deceasedName: c.deceased_name,
      payer: p.payer ?? (await cases.mainContact(db, c.id))?.name ?? '',
      method: p.method,
      amountFen: Number(p.amount_fen),
      paidAt: p.paid_at,
      clerk: p.received_by_name ?? '',
      reason: p.reason,
      voided: p.voided_at ? { at: p.voided_at, by: p.voided_by_name ?? '', reason: p.void_reason ?? '' } : null,
      printedAt: nowIso(),
      printedBy: actor.display_name,
    },
    fonts,
  );
  return { pdf, caseNumber: p.receipt_number };
}

// Use cases of a funeral case: intake, status changes, service lines, payments, revealing the ID number.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanWrite, canRead } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../http/errors.js';
import { zone } from '../time.js';
import { normaliseIdNumber, readIdNumber } from './id-number.js';
import type { CaseInput } from './schemas.js';
import { assertReasons, closingProblems, recordReasons, type ClosingReasons } from './closing.js';
export type { ClosingReasons } from './closing.js';
export { closingProblems, reasonsFrom } from './closing.js';
export { papersMissing, type CasePapersMissing } from './checklist.js';
import {
  canMove,
  completes,
  custodySteps,
  isCustodyStep,
  isOpen,
  recordedStatuses,
  type CaseStatus,
} from './states.js';
import * as moneyStore from './money-store.js';
import * as store from './store.js';
import * as family from './family-store.js';
import { normalisePhone } from './phone.js';
import { findFacility } from '../facilities/service.js';
import { findRegion } from '../regions/service.js';
import { issueSurveyIn } from '../satisfaction/service.js';

export type Actor = Pick<User, 'id' | 'username' | 'role' | 'facility_id'>;

const idProblemKey = {
  format: 'errors.id_number_format',
  birth_date: 'errors.id_number_birth_date',
  check_digit: 'errors.id_number_check_digit',
} as const;

/** Rules that need more than one field: the ID number's facts against what was typed, dates in order, the region. */
async function checkCase(
  db: Knex,
  input: CaseInput,
): Promise<{ sex: 'male' | 'female'; birth_date: string; id_number: string }> {
  const errors: FieldErrors = {};
  const id = normaliseIdNumber(input.id_number);
  const facts = readIdNumber(id);
  let sex: 'male' | 'female' = input.sex ?? 'male';
  let birth = input.birth_date ?? '';
  if ('problem' in facts) {
    errors.id_number = { key: idProblemKey[facts.problem] };
  } else {
    if (input.sex && input.sex !== facts.sex) errors.sex = { key: 'errors.sex_mismatch' };
    if (input.birth_date && input.birth_date !== facts.birthDate)
      errors.birth_date = { key: 'errors.birth_date_mismatch', params: { date: facts.birthDate } };
    sex = facts.sex;
    birth = facts.birthDate;
  }
  const death = DateTime.fromISO(input.death_at).setZone(zone);
  if (death > DateTime.now().plus({ minutes: 5 })) errors.death_at = { key: 'errors.death_in_future' };
  else if (birth && death.toISODate()! < birth) errors.death_at = { key: 'errors.death_before_birth' };
  if (input.household_region && !(await findRegion(db, input.household_region)))
    errors.household_region = { key: 'errors.region_unknown' };
  const facility = await findFacility(db, input.facility_id);
  if (!facility || facility.kind !== 'funeral_home') errors.facility_id = { key: 'errors.not_a_funeral_home' };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { sex, birth_date: birth, id_number: id };
}

/** Another case of the same person, as the clerk may see it: number and id only of a case the clerk may read. */
export interface ExistingCase {
  id?: number;
  case_number?: string;
  status: CaseStatus;
  open: boolean;
  facility: { id: number; name: string };
}

/**
 * The person already has a case: `case_exists` when one is under way (refused), `case_exists_closed` when all are
 * closed (saved only when the clerk confirms). `cases` lists them, newest first.
 */
export class CaseExistsError extends ConflictError {
  constructor(
    code: 'case_exists' | 'case_exists_closed',
    readonly cases: ExistingCase[],
  ) {
    super(code, { id_number: { key: `errors.id_number_${code}` } });
  }
}

function asSeenBy(actor: Actor, c: store.CaseOfPerson): ExistingCase {
  // Another home's case is not readable: its home is named, its number and id are not given away.
  const readable = canRead(actor, c.facility_id);
  return {
    ...(readable ? { id: c.id, case_number: c.case_number } : {}),
    status: c.status,
    open: isOpen(c.status),
    facility: { id: c.facility_id, name: c.facility_name },
  };
}

/** One person, one case: an open case refuses the intake; closed ones only ask for a confirmation. */
function assertOnlyCase(actor: Actor, others: store.CaseOfPerson[], confirmed: boolean): void {
  const open = others.filter((c) => isOpen(c.status));
  if (open.length)
    throw new CaseExistsError(
      'case_exists',
      open.map((c) => asSeenBy(actor, c)),
    );
  if (others.length && !confirmed)
    throw new CaseExistsError(
      'case_exists_closed',
      others.map((c) => asSeenBy(actor, c)),
    );
}

/**
 * Opens a case with the next number of the funeral home's year. A form or API call sent twice with the same
 * request id opens one case: the same user gets it back, anyone else a 409. A person with a case under way gets
 * no second one (the index funeral_cases_id_number_open decides a race); one whose cases are all closed gets a new
 * case only when `confirmDuplicate` says the clerk has seen them.
 */
export async function createCase(
  db: Knex,
  actor: Actor,
  input: CaseInput,
  ip: string | null,
  opts: { confirmDuplicate?: boolean } = {},
): Promise<{ id: number; case_number: string; created: boolean }> {
  return openCase(db, actor, input, ip, opts.confirmDuplicate === true, true);
}

async function openCase(
  db: Knex,
  actor: Actor,
  input: CaseInput,
  ip: string | null,
  confirmDuplicate: boolean,
  retry: boolean,
): Promise<{ id: number; case_number: string; created: boolean }> {
  assertCanWrite(actor, input.facility_id);
  const sameRequest = async () => {
    if (!input.request_id) return undefined;
    const seen = await store.findByRequestId(db, input.facility_id, input.request_id);
    if (seen && seen.created_by !== actor.id) throw new ConflictError('duplicate_request');
    return seen && { id: seen.id, case_number: seen.case_number, created: false };
  };
  const seen = await sameRequest();
  if (seen) return seen;
  const checked = await checkCase(db, input);
  const others = await store.casesOfIdNumber(db, checked.id_number);
  try {
    assertOnlyCase(actor, others, confirmDuplicate);
  } catch (err) {
    // The same form sent twice: the first may have opened the person's case between the two reads above.
    const mine = await sameRequest();
    if (mine) return mine;
    throw err;
  }
  try {
    return await db.transaction(async (trx) => {
      const now = nowIso();
      const year = DateTime.now().setZone(zone).year;
      const seq = await store.nextNumber(trx, input.facility_id, year);
      const row = {
        facility_id: input.facility_id,
        case_number: `${year}-${String(seq).padStart(6, '0')}`,
        status: 'registered' as const,
        deceased_name: input.deceased_name,
        id_number: checked.id_number,
        sex: checked.sex,
        birth_date: checked.birth_date,
        death_at: input.death_at,
        death_place: input.death_place ?? null,
        death_certificate_no: input.death_certificate_no ?? null,
        household_region_code: input.household_region ?? null,
        pickup_address: input.pickup_address ?? null,
        pickup_at: input.pickup_at ?? null,
        request_id: input.request_id ?? null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      };
      const id = await store.insertCase(trx, row);
      // The contact the intake names is the case's first, and its ashes recipient until someone else is marked.
      const contact = {
        name: input.contact_name,
        phone: input.contact_phone,
        relationship: input.contact_relationship,
        id_number: null,
        note: null,
      };
      const contactId = await family.insertContact(trx, {
        ...contact,
        case_id: id,
        is_ashes_recipient: true,
        created_at: now,
        updated_at: now,
      });
      await store.insertEvent(trx, {
        case_id: id,
        from_status: null,
        to_status: 'registered',
        at: now,
        actor_id: actor.id,
      });
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: 'funeral_case',
        entityId: id,
        after: {
          ...row,
          id_number: '[masked]',
          contact: { id: contactId, name: contact.name, relationship: contact.relationship, phone: '[masked]' },
          ...(others.length ? { confirmed_despite_cases: others.map((c) => c.id) } : {}),
        },
        ip,
      });
      return { id, case_number: row.case_number, created: true };
    });
  } catch (err) {
    // Two submissions with one request id, or two intakes of one person, raced past the checks above: a unique
    // index let one through. Checked again, the loser finds the winner's case (its own, or the person's open case).
    if (isUniqueViolation(err)) {
      if (retry) return openCase(db, actor, input, ip, confirmDuplicate, false);
      throw new ConflictError('case_changed');
    }
    throw err;
  }
}

/** Cases matching a search, newest first, one page of them, each with its main contact's name and phone. */
export function searchCases(
  db: Knex,
  filter: store.CaseFilter & { page: number; perPage: number },
): Promise<{ rows: store.FoundCase[]; total: number }> {
  const phone = filter.q ? normalisePhone(filter.q)?.normalised : undefined;
  return store.search(db, { ...filter, phone });
}

/** A case's status changes, oldest first, each with the reasons given for closing despite a problem (挂账). */
export async function caseEvents(
  db: Knex,
  caseId: number,
): Promise<(store.EventRow & { closing: moneyStore.ClosingReasonRow[] })[]> {
  const [events, reasons] = await Promise.all([store.events(db, caseId), moneyStore.closingReasons(db, caseId)]);
  return events.map((e) => ({ ...e, closing: reasons.filter((r) => r.event_id === e.id) }));
}

/**
 * The case's ashes recipient (the contact marked to receive the ashes), or undefined when none is marked; for the
 * release form and the certificate. The caller has loaded the case (loadCase), which checked who may read it.
 */
export async function ashesRecipient(db: Knex, caseId: number): Promise<family.ContactRow | undefined> {
  return family.recipient(db, caseId);
}

/** The contact lists and printed statements name: the ashes recipient, else the first contact. */
export async function mainContact(db: Knex, caseId: number): Promise<family.ContactRow | undefined> {
  return family.mainContact(db, caseId);
}

export async function loadCase(db: Knex, actor: Actor, id: number): Promise<store.CaseRow> {
  const c = await store.find(db, id);
  // Another home's case answers exactly as a missing one, so case ids cannot be probed.
  if (!c || !canRead(actor, c.facility_id)) throw new NotFoundError('case_not_found');
  return c;
}

/**
 * Moves a case by the status form. Cremated is reached only by recording the cremation against its booking
 * (cremation/steps-service.ts), and the custody steps (body received, stored, ashes released) only by the custody
 * forms (custody/service.ts); both call moveCaseIn inside their own transaction. Closing it (a final status) with a
 * problem outstanding, such as a balance owed or papers missing, needs a reason per problem, recorded with the step.
 */
export async function moveCase(
  db: Knex,
  actor: Actor,
  id: number,
  from: CaseStatus,
  to: CaseStatus,
  note: string | undefined,
  ip: string | null,
  reasons: ClosingReasons = {},
): Promise<void> {
  // The page says so at the top: no status form offers it.
  if (recordedStatuses.includes(to)) throw new ValidationError({}, 'cremation_by_booking');
  // A form the status form would skip: who received the body, its slot, or the recipient and the ID checked.
  if (isCustodyStep(to)) throw new ValidationError({}, custodySteps[to]);
  const c = await loadCase(db, actor, id);
  assertCanWrite(actor, c.facility_id);
  if (c.status !== from) throw new ConflictError('case_changed');
  await db.transaction((trx) => moveCaseIn(trx, actor, id, from, to, note, ip, reasons));
}

/**
 * Moves a case one step inside the caller's transaction (custody, cremation), so the step and the caller's own
 * rows commit together. The caller has loaded the case and checked the actor may change it.
 */
export async function moveCaseIn(
  trx: Knex,
  actor: Actor,
  id: number,
  from: CaseStatus,
  to: CaseStatus,
  note: string | undefined,
  ip: string | null = null,
  reasons: ClosingReasons = {},
): Promise<void> {
  if (!canMove(from, to))
    throw new ValidationError({ status: { key: 'errors.invalid_transition' } }, 'invalid_transition');
  const at = nowIso();
  // The conditional update takes the case's row lock: payments and lines of the case wait, so the problems read
  // next (a balance owed, papers missing) are still true when the case closes.
  if (!(await store.moveStatus(trx, id, from, to, at))) throw new ConflictError('case_changed');
  const problems = completes(to) ? await closingProblems(trx, id) : [];
  assertReasons(problems, reasons);
  const eventId = await store.insertEvent(trx, {
    case_id: id,
    from_status: from,
    to_status: to,
    at,
    actor_id: actor.id,
    note,
  });
  const closing = await recordReasons(trx, id, eventId, actor.id, at, problems, reasons);
  await audit.record(trx, {
    actor,
    action: 'status',
    entity: 'funeral_case',
    entityId: id,
    before: { status: from },
    after: { status: to, note, ...(closing.length ? { closing } : {}) },
    ip,
  });
  // 满意度测评: the family gets its survey code with the closed case's statement.
  if (completes(to)) await issueSurveyIn(trx, id);
}

/** The full ID number, for the funeral home's own staff only; every reveal is in the audit log. */
export async function revealIdNumber(db: Knex, actor: Actor, caseId: number, ip: string | null): Promise<string> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  await audit.record(db, { actor, action: 'reveal_id_number', entity: 'funeral_case', entityId: caseId, ip });
  return c.id_number;
}

export interface Account {
  lines: store.LineRow[];
  deductions: store.DeductionRow[];
  payments: store.PaymentRow[];
  closing: moneyStore.ClosingReasonRow[];
  total: number;
  deducted: number;
  /** Received net of refunds; voided payments count nothing. */
  paid: number;
  /** Owed by the family; below zero, the home owes the family (a deposit not yet used). */
  balance: number;
}

export async function account(db: Knex, caseId: number): Promise<Account> {
  const [lines, deductions, payments, closing, m] = await Promise.all([
    store.lines(db, caseId),
    store.deductions(db, caseId),
    store.payments(db, caseId),
    moneyStore.closingReasons(db, caseId),
    moneyStore.totals(db, caseId),
  ]);
  return { lines, deductions, payments, closing, ...m, balance: m.total - m.deducted - m.paid };
}

/** Cases of a home whose body is still to be picked up by the end of `date` (Asia/Shanghai), overdue ones first. */
export function pickupsDue(db: Knex, facilityId: number, date: string, limit = 50): Promise<store.PickupRow[]> {
  // The next Shanghai midnight; Shanghai keeps UTC+8 all year, and a zone lookup per dashboard view costs more.
  const end = new Date(Date.parse(`${date}T00:00:00.000+08:00`) + 86_400_000).toISOString();
  return store.pickupsDue(db, facilityId, end, limit);
}

/** The home's cases with a balance owed, the largest `limit` of them, with their count and sum. */
export function casesOwing(
  db: Knex,
  facilityId: number,
  limit = 10,
): Promise<{ rows: store.OwingRow[]; count: number; total_fen: number }> {
  return store.casesOwing(db, facilityId, limit);
}

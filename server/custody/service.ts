// Use cases of body custody (遗体监管): fridges and slots, receiving a body, storing and moving it, the fridge
// board, releasing the ashes to the named recipient, and the custody events on the case's timeline.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanRead, assertCanWrite, canWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { normaliseIdNumber, readIdNumber } from '../cases/id-number.js';
import {
  ashesRecipient,
  closingProblems,
  loadCase,
  moveCaseIn,
  type Actor,
  type ClosingReasons,
} from '../cases/service.js';
import { isCustodyStep, type CaseStatus } from '../cases/states.js';
import { isUniqueViolation, nowIso, violatedConstraint } from '../db.js';
import { facilityChoices, findFacility } from '../facilities/service.js';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../http/errors.js';
import { inShanghai, todayInShanghai, zone } from '../time.js';
import { otherPlaces, type PlaceKind } from './kinds.js';
import type { FridgeInput, MoveInput, ReceiveInput, ReleaseInput, SlotServiceInput } from './schemas.js';
import * as store from './store.js';

export type { BoardSlot, CustodyRow, MoveRow, ReleaseRow } from './store.js';

interface Home {
  id: number;
  name: string;
}

/** A funeral home the actor may read; another home's answers as a missing one. */
async function homeOf(db: Knex, actor: Actor, facilityId: number): Promise<Home> {
  const f = await findFacility(db, facilityId);
  if (!f || f.kind !== 'funeral_home') throw new NotFoundError();
  assertCanRead(actor, f.id);
  return { id: f.id, name: f.name };
}

/** The funeral homes the actor may open a fridge board of. */
export async function boardHomes(db: Knex, actor: Actor): Promise<Home[]> {
  const homes = await facilityChoices(db, { kind: 'funeral_home' });
  return homes
    .filter((h) => actor.role === 'admin' || actor.role === 'bureau' || h.id === actor.facility_id)
    .map((h) => ({ id: h.id, name: h.name }));
}

// ## Fridges and slots

/** Calendar days a body has been in storage, counting the day it went in as the first (Asia/Shanghai). */
export function daysInStorage(since: string, today = todayInShanghai()): number {
  const from = inShanghai(since).startOf('day');
  return Math.floor(DateTime.fromISO(today, { zone }).diff(from, 'days').days) + 1;
}

export interface BoardFridge {
  id: number;
  name: string;
  slots: (store.BoardSlot & { state: 'occupied' | 'free' | 'out_of_service'; days: number | null })[];
  occupied: number;
  free: number;
  outOfService: number;
}

/** 冷藏柜一览: each fridge's slots, occupied (with the body and its days in storage), free or out of service. */
export async function fridgeBoard(
  db: Knex,
  actor: Actor,
  facilityId: number,
): Promise<{ facility: Home; fridges: BoardFridge[]; writable: boolean }> {
  const facility = await homeOf(db, actor, facilityId);
  const [fridges, slots] = await Promise.all([store.fridgesOf(db, facility.id), store.boardSlots(db, facility.id)]);
  const occupants = slots.filter((s) => s.case_id !== null).map((s) => Number(s.case_id));
  const first = await store.firstStored(db, occupants);
  const today = todayInShanghai();
  return {
    facility,
    writable: canWrite(actor, facility.id),
    fridges: fridges.map((f) => {
      const mine = slots
        .filter((s) => s.fridge_id === f.id)
        .map((s) => ({
          ...s,
          state:
            s.case_id !== null
              ? ('occupied' as const)
              : s.status === 'out_of_service'
                ? ('out_of_service' as const)
                : ('free' as const),
          days: s.case_id !== null ? daysInStorage(first.get(Number(s.case_id)) ?? s.since!, today) : null,
        }));
      return {
        id: f.id,
        name: f.name,
        slots: mine,
        occupied: mine.filter((s) => s.state === 'occupied').length,
        free: mine.filter((s) => s.state === 'free').length,
        outOfService: mine.filter((s) => s.state === 'out_of_service').length,
      };
    }),
  };
}

export async function createFridge(
  db: Knex,
  actor: Actor,
  facilityId: number,
  input: FridgeInput,
  ip: string | null,
): Promise<number> {
  const facility = await homeOf(db, actor, facilityId);
  assertCanWrite(actor, facility.id);
  try {
    return await db.transaction(async (trx) => {
      const row = { facility_id: facility.id, name: input.name, created_by: actor.id, created_at: nowIso() };
      const id = await store.insertFridge(trx, row, input.slots);
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: 'fridge',
        entityId: id,
        after: { ...row, slots: input.slots },
        ip,
      });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ValidationError({ name: { key: 'errors.fridge_name_taken' } });
    throw err;
  }
}

export async function slotOf(
  db: Knex,
  actor: Actor,
  facilityId: number,
  fridgeId: number,
  slotId: number,
): Promise<{ facility: Home; fridge: store.FridgeRow; slot: store.SlotRow; occupant: store.BoardSlot | undefined }> {
  const facility = await homeOf(db, actor, facilityId);
  const fridge = await store.findFridge(db, fridgeId);
  if (!fridge || fridge.facility_id !== facility.id) throw new NotFoundError();
  const slot = await store.findSlot(db, fridge.id, slotId);
  if (!slot) throw new NotFoundError();
  const occupant = (await store.boardSlots(db, facility.id)).find((s) => s.id === slot.id && s.case_id !== null);
  return { facility, fridge, slot, occupant };
}

/** Puts a slot out of service (with a reason) or back; never while a body is in it. */
export async function setSlotService(
  db: Knex,
  actor: Actor,
  facilityId: number,
  fridgeId: number,
  slotId: number,
  input: SlotServiceInput,
  ip: string | null,
): Promise<void> {
  const { facility, slot } = await slotOf(db, actor, facilityId, fridgeId, slotId);
  assertCanWrite(actor, facility.id);
  await db.transaction(async (trx) => {
    // The slot's row lock first: a body being put in meanwhile is either committed (and seen below) or waits.
    const locked = await store.lockSlot(trx, slot.id);
    if (!locked) throw new NotFoundError();
    if (input.out_of_service && (await store.slotOccupied(trx, slot.id)))
      throw new ConflictError('slot_occupied', { out_of_service: { key: 'errors.slot_occupied' } });
    const status = input.out_of_service ? 'out_of_service' : 'in_service';
    const reason = input.out_of_service ? input.reason! : null;
    await store.setSlotStatus(trx, slot.id, status, reason, nowIso());
    await audit.record(trx, {
      actor,
      action: 'slot_service',
      entity: 'fridge_slot',
      entityId: slot.id,
      before: { status: locked.status, reason: locked.out_of_service_reason },
      after: { status, reason },
      ip,
    });
  });
}

// ## The body of a case

export interface PlaceChoice {
  value: string;
  kind: PlaceKind;
  fridge_name?: string;
  slot_number?: number;
}

export interface CaseCustody {
  custody: store.CustodyRow | undefined;
  current: store.MoveRow | undefined;
  moves: store.MoveRow[];
  release: store.ReleaseRow | undefined;
  canReceive: boolean;
  canMove: boolean;
  canRelease: boolean;
}

const movable: readonly CaseStatus[] = ['body_received', 'stored', 'farewell_done', 'cremated'];

/** What the case page shows of the body: tag, current place, moves, release, and which forms apply now. */
export async function caseCustody(db: Knex, c: { id: number; status: CaseStatus }): Promise<CaseCustody> {
  const [custody, moves, release] = await Promise.all([
    store.custodyOf(db, c.id),
    store.movesOf(db, c.id),
    store.releaseOf(db, c.id),
  ]);
  const inCustody = custody?.status === 'in_custody';
  return {
    custody,
    current: moves.find((m) => m.ended_at === null),
    moves,
    release,
    canReceive: c.status === 'registered' && !custody,
    canMove: inCustody && movable.includes(c.status),
    canRelease: c.status === 'cremated' && !release,
  };
}

/** The case, when the actor may change it; another home's answers 404, a reader 403. */
async function writableCase(db: Knex, actor: Actor, caseId: number) {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  return c;
}

/** The receive form's choices: the home's own staff, and the signed-in user whoever they are (an admin). */
export async function receiveForm(db: Knex, actor: Actor, caseId: number) {
  const c = await writableCase(db, actor, caseId);
  const staff = await store.staffOf(db, c.facility_id);
  if (!staff.some((s) => s.id === actor.id)) {
    const me = await store.findUser(db, actor.id);
    if (me) staff.unshift({ id: me.id, display_name: me.display_name });
  }
  return { c, staff, custody: await caseCustody(db, c) };
}

/** 接收遗体: records who received the body, when and from whom, with its tag; the case moves to body_received. */
export async function receiveBody(
  db: Knex,
  actor: Actor,
  caseId: number,
  input: ReceiveInput,
  ip: string | null,
): Promise<void> {
  const c = await writableCase(db, actor, caseId);
  if (c.status !== 'registered') throw new ConflictError('case_changed');
  const errors: FieldErrors = {};
  const received = DateTime.fromISO(input.received_at);
  // A minute's grace for the clock of the clerk's computer; a time later than that has not happened yet.
  if (received > DateTime.now().plus({ minutes: 1 })) errors.received_at = { key: 'errors.received_in_future' };
  else if (received < DateTime.fromISO(new Date(c.death_at).toISOString()))
    errors.received_at = { key: 'errors.received_before_death' };
  const receiver = await store.findUser(db, input.received_by);
  if (
    !receiver ||
    receiver.disabled === true ||
    receiver.disabled === 1 ||
    (receiver.id !== actor.id && receiver.facility_id !== c.facility_id)
  )
    errors.received_by = { key: 'errors.receiver_not_staff' };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  try {
    await db.transaction(async (trx) => {
      const row = {
        case_id: c.id,
        facility_id: c.facility_id,
        tag_number: input.tag_number,
        received_at: input.received_at,
        received_by: input.received_by,
        handed_over_by: input.handed_over_by,
        condition_note: input.condition_note ?? null,
        recorded_by: actor.id,
        created_at: nowIso(),
      };
      const id = await store.insertCustody(trx, row);
      await moveCaseIn(trx, actor, c.id, 'registered', 'body_received', undefined, ip);
      await audit.record(trx, { actor, action: 'receive', entity: 'body_custody', entityId: id, after: row, ip });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      // The tag of a body still in this home's custody; or the same body received twice at once.
      if (/tag/.test(violatedConstraint(err)))
        throw new ConflictError('tag_in_use', { tag_number: { key: 'errors.tag_in_use' } });
      throw new ConflictError('case_changed');
    }
    throw err;
  }
}

/** The move form's choices: the home's free slots in service, then the other places. */
export async function placeChoices(db: Knex, facilityId: number): Promise<PlaceChoice[]> {
  const slots = await store.boardSlots(db, facilityId);
  return [
    ...slots
      .filter((s) => s.case_id === null && s.status === 'in_service')
      .map((s) => ({
        value: `slot:${s.id}`,
        kind: 'fridge_slot' as const,
        fridge_name: s.fridge_name,
        slot_number: s.number,
      })),
    ...otherPlaces.map((k) => ({ value: k, kind: k })),
  ];
}

export async function moveForm(db: Knex, actor: Actor, caseId: number) {
  const c = await writableCase(db, actor, caseId);
  return { c, custody: await caseCustody(db, c), places: await placeChoices(db, c.facility_id) };
}

/**
 * Puts the body in a slot or sends it to another place; the move is recorded with who and when and becomes its
 * current place. The first slot of a received body moves the case to stored; 火化间 frees the slot it leaves.
 * One body per slot is the database's partial unique index over the open moves: of two bodies sent to one slot at
 * once, one gets it and the other a 409.
 */
export async function moveBody(
  db: Knex,
  actor: Actor,
  caseId: number,
  input: MoveInput,
  ip: string | null,
): Promise<void> {
  const c = await writableCase(db, actor, caseId);
  const here = await caseCustody(db, c);
  if (!here.canMove) throw new ConflictError('not_in_custody');
  let kind: PlaceKind;
  let slotId: number | null = null;
  if (input.place.startsWith('slot:')) {
    const slot = await store.slotOfHome(db, c.facility_id, Number(input.place.slice(5)));
    if (!slot) throw new ValidationError({ place: { key: 'errors.place_required' } });
    kind = 'fridge_slot';
    slotId = slot.id;
  } else kind = input.place as PlaceKind;
  const current = here.current;
  if (current && current.place_kind === kind && current.slot_id === slotId)
    throw new ValidationError({ place: { key: 'errors.same_place' } });
  try {
    await db.transaction(async (trx) => {
      const at = nowIso();
      if (slotId !== null && !(await store.lockSlotInService(trx, slotId, at)))
        throw new ConflictError('slot_out_of_service', { place: { key: 'errors.slot_out_of_service' } });
      // The place the form was drawn from must still be the body's: someone else may have moved it meanwhile.
      const seen = input.current ?? null;
      if (seen !== (current?.id ?? null)) throw new ConflictError('custody_changed');
      if (seen !== null && !(await store.endMove(trx, c.id, seen, at))) throw new ConflictError('custody_changed');
      const row = {
        case_id: c.id,
        facility_id: c.facility_id,
        place_kind: kind,
        slot_id: slotId,
        moved_at: at,
        moved_by: actor.id,
        note: input.note ?? null,
      };
      const id = await store.insertMove(trx, row);
      if (kind === 'fridge_slot' && c.status === 'body_received')
        await moveCaseIn(trx, actor, c.id, 'body_received', 'stored', undefined, ip);
      await audit.record(trx, {
        actor,
        action: 'move',
        entity: 'body_custody',
        entityId: c.id,
        before: current ? { move_id: current.id, place_kind: current.place_kind, slot_id: current.slot_id } : null,
        after: { move_id: id, ...row },
        ip,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      if (/slot/.test(violatedConstraint(err)))
        throw new ConflictError('fridge_slot_taken', { place: { key: 'errors.fridge_slot_taken' } });
      throw new ConflictError('custody_changed');
    }
    throw err;
  }
}

/** Ends the body's current place inside the caller's transaction (the body leaves the home's keeping). */
export async function leavePlaceIn(trx: Knex, caseId: number, at = nowIso()): Promise<void> {
  await store.endMove(trx, caseId, null, at);
}

/**
 * A withdrawn case's body leaves the home (to another home, or buried under local custom): its last place ends and
 * the home's custody with it, inside the withdrawal's transaction; the withdrawal's reason says where it went. Its tag
 * is free again.
 */
export async function endCustodyIn(trx: Knex, caseId: number, at = nowIso()): Promise<void> {
  await store.endMove(trx, caseId, null, at);
  await store.endCustody(trx, caseId, at);
}

/**
 * The release form: the case, its custody, the ashes recipient the family named (the form is filled from that
 * contact) and what stands in the way of closing the case (a balance owed, papers missing), each needing a reason.
 */
export async function releaseForm(db: Knex, actor: Actor, caseId: number) {
  const c = await writableCase(db, actor, caseId);
  const [custody, recipient, closing] = await Promise.all([
    caseCustody(db, c),
    ashesRecipient(db, c.id),
    c.status === 'cremated' ? closingProblems(db, c.id) : [],
  ]);
  return { c, custody, recipient, closing };
}

const idProblemKey = {
  format: 'errors.id_number_format',
  birth_date: 'errors.id_number_birth_date',
  check_digit: 'errors.id_number_check_digit',
} as const;

/**
 * 骨灰领取: the ashes go to the named recipient, whose ID number is checked (format, birth date, check digit) and
 * whose original document the clerk confirms having seen. The case moves cremated → ashes_released through the
 * cases service, in the same transaction; the body's last place, if any, is ended and its tag freed.
 */
export async function releaseAshes(
  db: Knex,
  actor: Actor,
  caseId: number,
  input: ReleaseInput,
  ip: string | null,
  reasons: ClosingReasons = {},
): Promise<void> {
  const c = await writableCase(db, actor, caseId);
  if (c.status !== 'cremated') throw new ConflictError('not_cremated');
  const id = normaliseIdNumber(input.recipient_id_number);
  const facts = readIdNumber(id);
  if ('problem' in facts) throw new ValidationError({ recipient_id_number: { key: idProblemKey[facts.problem] } });
  // The ashes go to the recipient the family named on the case: another person is named there first (audited).
  const named = await ashesRecipient(db, c.id);
  if (named) {
    const errors: FieldErrors = {};
    if (named.name !== input.recipient_name.trim())
      errors.recipient_name = { key: 'errors.not_the_named_recipient', params: { name: named.name } };
    if (named.id_number && named.id_number !== id) errors.recipient_id_number = { key: 'errors.not_the_named_id' };
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }
  try {
    await db.transaction(async (trx) => {
      const at = nowIso();
      await moveCaseIn(trx, actor, c.id, 'cremated', 'ashes_released', input.note, ip, reasons);
      const row = {
        case_id: c.id,
        recipient_name: input.recipient_name,
        recipient_relationship: input.recipient_relationship,
        recipient_id_number: id,
        original_verified: true,
        released_by: actor.id,
        released_at: at,
        note: input.note ?? null,
      };
      await store.insertRelease(trx, row);
      await store.endMove(trx, c.id, null, at);
      await store.endCustody(trx, c.id, at);
      await audit.record(trx, {
        actor,
        action: 'release',
        entity: 'body_custody',
        entityId: c.id,
        after: { ...row, recipient_id_number: '[masked]' },
        ip,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('case_changed');
    throw err;
  }
}

// ## The case's timeline

export interface CustodyEvent {
  at: string;
  custody_kind: 'received' | 'moved' | 'released';
  actor_name: string | null;
  note: string | null;
  place_kind?: PlaceKind;
  fridge_name?: string | null;
  slot_number?: number | null;
  tag_number?: string;
  handed_over_by?: string;
  recipient_name?: string;
  recipient_relationship?: string;
}

/** Every custody event of a case (received, stored and moved, released) with who and when, oldest first. */
export async function custodyTimeline(db: Knex, caseId: number): Promise<CustodyEvent[]> {
  const [custody, moves, release] = await Promise.all([
    store.custodyOf(db, caseId),
    store.movesOf(db, caseId),
    store.releaseOf(db, caseId),
  ]);
  const out: CustodyEvent[] = [];
  if (custody)
    out.push({
      at: custody.received_at,
      custody_kind: 'received',
      actor_name: custody.received_by_name,
      note: custody.condition_note,
      tag_number: custody.tag_number,
      handed_over_by: custody.handed_over_by,
    });
  for (const m of moves)
    out.push({
      at: m.moved_at,
      custody_kind: 'moved',
      actor_name: m.moved_by_name,
      note: m.note,
      place_kind: m.place_kind,
      fridge_name: m.fridge_name,
      slot_number: m.slot_number,
    });
  if (release)
    out.push({
      at: release.released_at,
      custody_kind: 'released',
      actor_name: release.released_by_name,
      note: null,
      recipient_name: release.recipient_name,
      recipient_relationship: release.recipient_relationship,
    });
  return out;
}

/**
 * The case's status events and custody events in one list by time. At the same instant the custody event comes first:
 * it is what moved the case (a body into its first slot, the ashes handed over).
 */
export function mergeTimeline<E extends { at: string }>(events: E[], custody: CustodyEvent[]): (E | CustodyEvent)[] {
  // Custody times are typed to the minute, status changes stamped to the millisecond: the registration counts from
  // the start of its minute, so that a body received in the minute the case was registered comes after it.
  const registration = (e: E) => 'from_status' in e && e.from_status === null;
  const keyed = [
    ...events.map((e, i) => ({
      e,
      t: registration(e) ? Math.floor(Date.parse(e.at) / 60_000) * 60_000 : Date.parse(e.at),
      order: registration(e) ? -1 : 1,
      i,
    })),
    ...custody.map((e, i) => ({ e, t: Date.parse(e.at), order: 0, i })),
  ];
  keyed.sort((a, b) => a.t - b.t || a.order - b.order || a.i - b.i);
  return keyed.map((k) => k.e);
}

/** The generic status form's choices: the custody steps come from the custody forms instead. */
export function genericSteps(next: readonly CaseStatus[]): CaseStatus[] {
  return next.filter((s) => !isCustodyStep(s));
}

// ## The front desk's day

/** Case steps at which the body itself is in the home's keeping (after cremation the home keeps ashes). */
export const bodyStatuses = ['body_received', 'stored', 'farewell_done'] as const satisfies readonly CaseStatus[];

export interface KeptBody extends Omit<store.KeptBodyRow, 'first_stored'> {
  /** Storage counts from the body's first time in a fridge, else from its reception (as on the fridge board). */
  since: string;
  days: number;
}

/** An instant from the database as UTC ISO (SQLite hands back the stored string, PostgreSQL a Date). */
const isoOf = (v: string | Date): string =>
  typeof v === 'string' && !/(Z|[+-]\d\d:?\d\d)$/.test(v) ? new Date(`${v}Z`).toISOString() : new Date(v).toISOString();

/**
 * daysInStorage by plain arithmetic: Shanghai has kept UTC+8 all year since 1991, and a zone lookup per row was most
 * of the dashboard's time (server/staff/service.ts).
 */
function daysSince(since: string, today: string): number {
  const from = new Date(Date.parse(since) + 8 * 3_600_000).toISOString().slice(0, 10);
  return Math.round((Date.parse(today) - Date.parse(from)) / 86_400_000) + 1;
}

/**
 * 在馆遗体: the bodies a home keeps now, longest first, each with its tag, current place and days in storage; one
 * query. The caller has checked that the actor may read the home.
 */
export async function bodiesInStorage(db: Knex, facilityId: number, today = todayInShanghai()): Promise<KeptBody[]> {
  const rows = await store.bodiesKept(db, facilityId, bodyStatuses);
  return rows.map(({ first_stored, ...r }) => {
    const since = isoOf(first_stored ?? r.received_at);
    return {
      ...r,
      received_at: isoOf(r.received_at),
      slot_number: r.slot_number === null ? null : Number(r.slot_number),
      since,
      days: daysSince(since, today),
    };
  });
}

// The claims ledger of fee waivers (惠民殡葬 申领, issue 19 item 4): a funeral home claims back the waiver it fronted,
// the bureau reviews and settles claims in batches per home and month. Rules:
// - A claim is made once the family's bill is settled (nothing owed) or the case is closed, for a case with waivers:
//   one per case (the unique index waiver_claims_one_per_case decides a race).
// - Every move is a conditional UPDATE on the status it expects, with an event row and an audit row in the same
//   transaction; a lost race or a move not allowed from the status found is 409.
// - A bureau reviews the claims of the homes in its region (the home's location, as it pays the home).
// - A bill changed after the claim: lines of a claim not yet approved are copied again; an approved claim gets
//   correction lines (kind 'correction', reason 'bill_changed'); a settled claim refuses the change (409), so neither
//   it nor its batch ever changes.
import type { Knex } from 'knex';
import { canRead, canWrite } from '../accounts/access.js';
import { regionScope, type User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { loadCase } from '../cases/service.js';
import { isFinal, type CaseStatus } from '../cases/states.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../http/errors.js';
import { inShanghai } from '../time.js';
import type { ClaimStatus } from './kinds.js';
import * as store from './claim-store.js';
import * as policyStore from './policy-store.js';

export type ClaimActor = Pick<User, 'id' | 'username' | 'role' | 'facility_id'> & Partial<Pick<User, 'region_code'>>;

/** The moves a claim may make, by action: from which statuses, to which. Anything else is refused. */
export const moves = {
  approve: { from: ['submitted'], to: 'approved' },
  reject: { from: ['submitted', 'evidence_requested'], to: 'rejected' },
  request_evidence: { from: ['submitted'], to: 'evidence_requested' },
  resubmit: { from: ['evidence_requested'], to: 'submitted' },
} as const satisfies Record<string, { from: readonly ClaimStatus[]; to: ClaimStatus }>;
export type ClaimMove = keyof typeof moves;

/** Who reviews: the bureaus and the administrator. The home (front desk) re-submits. */
const REVIEWERS = ['admin', 'bureau', 'county_bureau'];
const reviewerMoves: ClaimMove[] = ['approve', 'reject', 'request_evidence'];

/** Statuses whose lines are still copied from the case when the bill changes. */
const RECOPIED: readonly ClaimStatus[] = ['submitted', 'evidence_requested', 'rejected'];

const facilityRef = (c: { facility_id: number; facility_region_code: string }) => ({
  id: c.facility_id,
  region_code: c.facility_region_code,
});

const monthOf = (iso: string) => inShanghai(iso).toFormat('yyyy-MM');

/** A claim the user may read, else 404 (another home's claim answers as a missing one). */
export async function loadClaim(db: Knex, actor: ClaimActor, id: number): Promise<store.ClaimRow> {
  const c = await store.findClaim(db, id);
  if (!c || !canRead(actor, facilityRef(c))) throw new NotFoundError('waiver_claim_not_found');
  return c;
}

export interface ClaimOfCase {
  claim: store.ClaimRow | undefined;
  /** Whether this user may submit the case's claim now, and if not why (a message key). */
  submittable: boolean;
  blocker: string | null;
}

/** The claim panel of a case page: its claim, or whether one can be made now. */
export async function claimOfCase(
  db: Knex,
  actor: ClaimActor,
  caseId: number,
  waivedFen: number,
): Promise<ClaimOfCase> {
  const claim = await store.claimOfCase(db, caseId);
  if (claim || waivedFen <= 0) return { claim, submittable: false, blocker: null };
  const c = await store.caseForClaim(db, caseId);
  if (!c || !canWrite(actor, c.facility_id)) return { claim, submittable: false, blocker: null };
  const blocker = await claimBlocker(db, c);
  return { claim, submittable: blocker === null, blocker };
}

/** Why a case cannot be claimed yet: its bill still owes money and the case is not closed. */
async function claimBlocker(db: Knex, c: { id: number; status: string }): Promise<string | null> {
  if (isFinal(c.status as CaseStatus)) return null;
  const m = await store.caseBalance(db, c.id);
  return m.balance > 0 ? 'waiver_claim_bill_unsettled' : null;
}

/**
 * Submits the claim of a case (提交申领): its waiver lines copied with the items' names, numbered per home and year,
 * in the Shanghai month of submission. A second submission of the same case is 409 (the unique index decides).
 */
export async function submitClaim(db: Knex, actor: ClaimActor, caseId: number, ip: string | null): Promise<number> {
  const kase = await loadCase(db, actor, caseId);
  if (!canWrite(actor, kase.facility_id)) throw new ForbiddenError();
  try {
    return await db.transaction(async (trx) => {
      // The case's lock: its lines and waiver do not move under the copy.
      await store.lockCase(trx, caseId);
      const c = (await store.caseForClaim(trx, caseId))!;
      if (await store.claimOfCase(trx, caseId)) throw new ConflictError('waiver_claim_exists');
      const lines = await store.caseWaiverLinesNamed(trx, caseId);
      const amount = lines.reduce((s, l) => s + l.amount_fen, 0);
      if (amount <= 0) throw new ConflictError('waiver_claim_no_waiver');
      const blocker = await claimBlocker(trx, c);
      if (blocker) throw new ConflictError(blocker);
      const at = nowIso();
      const month = monthOf(at);
      const year = Number(month.slice(0, 4));
      const n = await store.nextClaimNumber(trx, c.facility_id, year);
      const claimNumber = `${year}-${String(n).padStart(6, '0')}`;
      const id = await store.insertClaim(trx, {
        case_id: caseId,
        facility_id: c.facility_id,
        claim_number: claimNumber,
        status: 'submitted',
        household_region_code: c.household_region_code,
        death_date: inShanghai(c.death_at).toISODate()!,
        month,
        amount_fen: amount,
        submitted_by: actor.id,
        submitted_at: at,
        updated_at: at,
      });
      await store.insertLines(trx, id, lines, actor.id, at);
      await store.insertEvent(trx, {
        claim_id: id,
        from_status: null,
        to_status: 'submitted',
        note: null,
        actor_id: actor.id,
        at,
      });
      await audit.record(trx, {
        actor,
        action: 'waiver_claim_submitted',
        entity: 'waiver_claim',
        entityId: id,
        after: { case_id: caseId, claim_number: claimNumber, amount_fen: amount, month, lines: lines.length },
        ip,
      });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('waiver_claim_exists');
    throw err;
  }
}

/** Refuses a move from the status found: a settled claim never changes; any other is a lost race or a wrong step. */
function refused(status: ClaimStatus | undefined): never {
  if (status === 'settled') throw new ConflictError('waiver_claim_settled');
  throw new ConflictError('waiver_claim_wrong_status');
}

/**
 * Moves a claim (approve, reject with a reason, ask for evidence with a note: the bureau; re-submit with a note: the
 * home). One conditional UPDATE decides between two reviewers: the other is told 409.
 */
export async function moveClaim(
  db: Knex,
  actor: ClaimActor,
  id: number,
  move: ClaimMove,
  note: string | undefined,
  ip: string | null,
): Promise<void> {
  const claim = await loadClaim(db, actor, id);
  const reviewing = reviewerMoves.includes(move);
  if (reviewing ? !REVIEWERS.includes(actor.role) : !canWrite(actor, claim.facility_id)) throw new ForbiddenError();
  const { from, to } = moves[move];
  await db.transaction(async (trx) => {
    const at = nowIso();
    const set = reviewing
      ? { review_note: note ?? null, reviewed_by: actor.id, reviewed_at: at }
      : ({} as Record<string, never>);
    if (!(await store.moveClaim(trx, id, from, to, set, at))) refused((await store.findClaim(trx, id))?.status);
    await store.insertEvent(trx, {
      claim_id: id,
      from_status: claim.status,
      to_status: to,
      note: note ?? null,
      actor_id: actor.id,
      at,
    });
    await audit.record(trx, {
      actor,
      action: `waiver_claim_${move}`,
      entity: 'waiver_claim',
      entityId: id,
      before: { status: claim.status },
      after: { status: to, note: note ?? null },
      ip,
    });
  });
}

export interface ClaimPage {
  claim: store.ClaimRow;
  lines: store.ClaimLineRow[];
  events: store.EventRow[];
  declarations: { group_code: string; certificate_no: string; declared_at: string }[];
  groupNames: Record<string, string>;
  reviewable: boolean;
  resubmittable: boolean;
}

export async function claimPage(db: Knex, actor: ClaimActor, id: number): Promise<ClaimPage> {
  const claim = await loadClaim(db, actor, id);
  return {
    claim,
    lines: await store.lines(db, id),
    events: await store.events(db, id),
    declarations: await store.declarations(db, claim.case_id),
    groupNames: Object.fromEntries((await policyStore.groups(db)).map((g) => [g.code, g.name_zh])),
    reviewable:
      REVIEWERS.includes(actor.role) && (['submitted', 'evidence_requested'] as string[]).includes(claim.status),
    resubmittable: canWrite(actor, claim.facility_id) && claim.status === 'evidence_requested',
  };
}

/** The region whose homes' claims a user reviews (undefined: all); a home's staff see their home's only. */
function scopeOf(actor: ClaimActor): { region?: string; facility_id?: number } {
  if (actor.role === 'front_desk' || actor.role === 'cemetery_staff') return { facility_id: actor.facility_id ?? -1 };
  return { region: regionScope({ role: actor.role, region_code: actor.region_code ?? null }) };
}

export async function listClaims(
  db: Knex,
  actor: ClaimActor,
  f: { status?: ClaimStatus; facility_id?: number; month?: string },
  page: number,
  perPage: number,
) {
  const scope = scopeOf(actor);
  const filter = { ...f, ...scope };
  if (scope.facility_id !== undefined) filter.facility_id = scope.facility_id;
  return store.listClaims(db, filter, page, perPage);
}

export async function homes(db: Knex, actor: ClaimActor) {
  const scope = scopeOf(actor);
  const all = await store.funeralHomes(db, scope.region);
  return scope.facility_id !== undefined ? all.filter((h) => h.id === scope.facility_id) : all;
}

// ## Settlement (结算)

async function settlingHome(db: Knex, actor: ClaimActor, facilityId: number) {
  if (!REVIEWERS.includes(actor.role)) throw new ForbiddenError();
  const f = await store.findFacility(db, facilityId);
  if (!f || f.kind !== 'funeral_home' || !canRead(actor, { id: f.id, region_code: f.region_code }))
    throw new NotFoundError();
  return f as { id: number; name: string; region_code: string };
}

/** The approved claims of a home and month, and their total, as the bureau confirms them. */
export async function settlementPreview(db: Knex, actor: ClaimActor, facilityId: number, month: string) {
  const home = await settlingHome(db, actor, facilityId);
  const claims = await store.approvedClaims(db, facilityId, month);
  return { home, claims, count: claims.length, amount_fen: claims.reduce((s, c) => s + c.amount_fen, 0) };
}

/**
 * Settles a home's approved claims of a month in one batch: they move approved → settled in one conditional UPDATE,
 * and the count and total must equal those the bureau confirmed, or nothing happens (409): a claim approved or
 * corrected meanwhile is never slipped into a batch unseen.
 */
export async function settle(
  db: Knex,
  actor: ClaimActor,
  input: { facility_id: number; month: string; count: number; amount_fen: number; note?: string },
  ip: string | null,
): Promise<number> {
  const home = await settlingHome(db, actor, input.facility_id);
  if (input.count <= 0) throw new ConflictError('waiver_settlement_empty');
  try {
    return await db.transaction(async (trx) => {
      const at = nowIso();
      const n = (await store.batchCountOf(trx, home.id, input.month)) + 1;
      const batchNumber = `JS${input.month.replace('-', '')}-${String(home.id).padStart(3, '0')}-${String(n).padStart(2, '0')}`;
      const batchId = await store.insertBatch(trx, {
        facility_id: home.id,
        month: input.month,
        batch_number: batchNumber,
        region_code: actor.region_code ?? home.region_code.slice(0, 4),
        claims_count: input.count,
        amount_fen: input.amount_fen,
        note: input.note ?? null,
        settled_by: actor.id,
        settled_at: at,
      });
      const done = await store.settleApproved(trx, batchId, home.id, input.month, at);
      if (done.count !== input.count || done.amount_fen !== input.amount_fen)
        throw new ConflictError('waiver_settlement_changed', {}, { count: done.count, amount: done.amount_fen });
      for (const c of await store.claimIdsOfBatch(trx, batchId))
        await store.insertEvent(trx, {
          claim_id: c.id,
          from_status: 'approved',
          to_status: 'settled',
          note: batchNumber,
          actor_id: actor.id,
          at,
        });
      await audit.record(trx, {
        actor,
        action: 'waiver_settled',
        entity: 'waiver_settlement_batch',
        entityId: batchId,
        after: { batch_number: batchNumber, facility_id: home.id, month: input.month, ...done },
        regionCode: home.region_code,
        ip,
      });
      return batchId;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('waiver_settlement_changed', {}, { count: 0, amount: 0 });
    throw err;
  }
}

export async function batchPage(db: Knex, actor: ClaimActor, id: number) {
  const batch = await store.findBatch(db, id);
  if (
    !batch ||
    !REVIEWERS.includes(actor.role) ||
    !canRead(actor, { id: batch.facility_id, region_code: batch.facility_region_code })
  )
    throw new NotFoundError();
  return { batch, claims: await store.claimsOfBatch(db, id) };
}

export async function batches(db: Knex, actor: ClaimActor) {
  return store.listBatches(db, scopeOf(actor).region);
}

// ## A bill changed after the claim (called from recomputeCaseWaivers, in its transaction)

const lineKey = (l: { case_line_id: number | null; policy_version_id: number; group_code: string }) =>
  `${l.case_line_id}:${l.policy_version_id}:${l.group_code}`;

/**
 * Follows the case's new waiver on its claim, if it has one: a claim not yet approved takes the new lines; an
 * approved one gets a correction line per changed waiver (the difference in quantity and fen); a settled one refuses
 * the change, which rolls back the change of the bill.
 */
export async function billChanged(
  trx: Knex,
  actor: ClaimActor | null,
  caseId: number,
  ip: string | null,
): Promise<void> {
  const claim = await store.claimOfCase(trx, caseId);
  if (!claim) return;
  if (claim.status === 'settled') throw new ConflictError('waiver_claim_settled_bill');
  const at = nowIso();
  const fresh = await store.caseWaiverLinesNamed(trx, caseId);
  const before = claim.amount_fen;
  if (RECOPIED.includes(claim.status)) {
    await store.deleteWaiverLines(trx, claim.id);
    await store.insertLines(trx, claim.id, fresh, actor?.id ?? null, at);
    if (!(await store.resum(trx, claim.id, RECOPIED, at))) refused((await store.findClaim(trx, claim.id))?.status);
  } else {
    // Approved: what the claim holds per case line and policy (its lines and earlier corrections) against the new waiver.
    const held = new Map<string, { quantity: number; amount_fen: number; line: store.ClaimLineRow }>();
    for (const l of await store.lines(trx, claim.id)) {
      const k = lineKey(l);
      const h = held.get(k) ?? { quantity: 0, amount_fen: 0, line: l };
      h.quantity += l.quantity;
      h.amount_fen += l.amount_fen;
      held.set(k, h);
    }
    const corrections: store.NewClaimLine[] = [];
    const seen = new Set<string>();
    for (const f of fresh) {
      const k = lineKey(f);
      seen.add(k);
      const h = held.get(k);
      const d = f.amount_fen - (h?.amount_fen ?? 0);
      if (d !== 0)
        corrections.push({
          ...f,
          kind: 'correction',
          quantity: f.quantity - (h?.quantity ?? 0),
          amount_fen: d,
          reason: 'bill_changed',
        });
    }
    for (const [k, h] of held)
      if (!seen.has(k) && h.amount_fen !== 0)
        corrections.push({
          kind: 'correction',
          case_line_id: h.line.case_line_id,
          policy_version_id: h.line.policy_version_id,
          group_code: h.line.group_code,
          basis: h.line.basis,
          item_code: h.line.item_code,
          item_name: h.line.item_name,
          basic_kind: h.line.basic_kind,
          quantity: -h.quantity,
          amount_fen: -h.amount_fen,
          reason: 'bill_changed',
        });
    if (!corrections.length) return;
    await store.insertLines(trx, claim.id, corrections, actor?.id ?? null, at);
    if (!(await store.resum(trx, claim.id, ['approved'], at))) refused((await store.findClaim(trx, claim.id))?.status);
  }
  const after = (await store.findClaim(trx, claim.id))!.amount_fen;
  if (after === before && RECOPIED.includes(claim.status)) return;
  await audit.record(trx, {
    actor,
    action: 'waiver_claim_corrected',
    entity: 'waiver_claim',
    entityId: claim.id,
    before: { amount_fen: before },
    after: { amount_fen: after, status: claim.status },
    ip,
  });
}

// The waiver of one case: recomputed in the transaction of every change of its lines or declarations (the one call
// from server/cases/lines-service.ts), and read for the case page and the statement of charges.
import type { Knex } from 'knex';
import { assertCanWrite, canWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { loadCase, type Actor } from '../cases/service.js';
import { isFinal, type CaseStatus } from '../cases/states.js';
import { nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { inShanghai } from '../time.js';
import { computeWaivers, type EngineLine, type Memberships, type PolicyVerdict } from './engine.js';
import type { Basis, Refusal } from './kinds.js';
import * as caseStore from './case-store.js';
import { billChanged, claimOfCase, type ClaimOfCase } from './claim-service.js';
import type * as listStore from './list-store.js';
import { engineVersions, membershipsOf } from './policy-service.js';
import * as policyStore from './policy-store.js';

/** Lines as the waiver reads them: each charge with its units still standing (its corrections counted). */
export function standingLines(lines: caseStore.LineFacts[]): EngineLine[] {
  const out: EngineLine[] = [];
  for (const l of lines) {
    if (l.kind === 'correction' && l.corrects_line_id !== null) continue;
    const corrected = lines.filter((x) => x.corrects_line_id === l.id).reduce((s, x) => s + x.quantity, 0);
    out.push({
      id: l.id,
      code: l.code,
      basic_kind: l.basic_kind,
      quantity: l.quantity + corrected,
      unit_price_fen: l.unit_price_fen,
    });
  }
  return out;
}

interface Evaluation {
  facts: caseStore.CaseFacts;
  deathDate: string;
  lines: caseStore.LineFacts[];
  verdicts: PolicyVerdict[];
  waived: ReturnType<typeof computeWaivers>['lines'];
  memberships: Memberships;
  listed: listStore.MemberRow[];
  declarations: caseStore.DeclarationRow[];
}

/** The policies that could concern a case: those whose region holds the household or the funeral home. */
async function evaluate(db: Knex, facts: caseStore.CaseFacts): Promise<Evaluation> {
  const deathDate = inShanghai(facts.death_at).toISODate()!;
  const places = [facts.household_region_code, facts.facility_region_code].filter((c): c is string => !!c);
  // One after another: inside a transaction they share one connection.
  const engine = await engineVersions(db, places);
  const lines = await caseStore.lines(db, facts.id);
  const declarations = await caseStore.declarations(db, facts.id);
  const { memberships, listed } = await membershipsOf(db, facts.id_number, deathDate, declarations);
  const { verdicts, lines: waived } = computeWaivers(
    { death_date: deathDate, household_region_code: facts.household_region_code },
    engine,
    standingLines(lines),
    memberships,
  );
  return { facts, deathDate, lines, verdicts, waived, memberships, listed, declarations };
}

const key = (w: {
  case_line_id: number;
  policy_version_id: number;
  group_code: string;
  basis: string;
  quantity: number;
  amount_fen: number;
}) => `${w.case_line_id}:${w.policy_version_id}:${w.group_code}:${w.basis}:${w.quantity}:${w.amount_fen}`;

/**
 * Rewrites the case's waiver from its lines as they now stand: waiver lines per case line and policy version, and one
 * deduction per policy version (what the balance and the indicators count). Takes the case's lock; called inside the
 * transaction that changed the lines, so the bill and its waiver never disagree. A waiver that did not change is left
 * as it is (with its dates).
 */
export async function recomputeCaseWaivers(
  trx: Knex,
  actor: Actor | null,
  caseId: number,
  ip: string | null,
): Promise<void> {
  const facts = await caseStore.lockedCase(trx, caseId);
  if (!facts) throw new NotFoundError('case_not_found');
  const e = await evaluate(trx, facts);
  const before = await caseStore.waiverLines(trx, caseId);
  const after = e.waived.map((w) => ({
    case_line_id: w.line_id,
    policy_version_id: w.version_id,
    group_code: w.group_code,
    basis: w.basis,
    quantity: w.quantity,
    amount_fen: w.amount_fen,
  }));
  // A deleted line takes its waiver line with it (ON DELETE CASCADE): the deductions must still match the lines.
  const sum = (rows: { amount_fen: number }[]) => rows.reduce((s, w) => s + w.amount_fen, 0);
  if (
    before.map(key).join('|') === after.map(key).join('|') &&
    (await caseStore.waiverDeducted(trx, caseId)) === sum(after)
  )
    return;
  await caseStore.clearWaivers(trx, caseId);
  const at = nowIso();
  for (const v of e.verdicts) {
    if (!v.applies || !v.version || v.waived_fen <= 0) continue;
    const deductionId = await caseStore.insertDeduction(trx, {
      case_id: caseId,
      label: v.version.name,
      amount_fen: v.waived_fen,
      created_at: at,
    });
    await caseStore.insertWaiverLines(
      trx,
      after
        .filter((w) => w.policy_version_id === v.version!.id)
        .map((w) => ({ ...w, case_id: caseId, deduction_id: deductionId, created_at: at })),
    );
  }
  await audit.record(trx, {
    actor,
    action: 'waivers_recomputed',
    entity: 'funeral_case',
    entityId: caseId,
    before: { waiver_lines: before },
    after: { waiver_lines: after },
    ip,
  });
  // A claim already made follows the new waiver: copied again, corrected, or (settled) the change is refused.
  await billChanged(trx, actor, caseId, ip);
}

export interface PanelPolicy {
  policy_id: number;
  name: string | null;
  version: number | null;
  applies: boolean;
  refusal?: Refusal;
  group_code?: string;
  basis?: Basis;
  waived_fen: number;
  total_cap_fen: number | null;
  cap_reached: boolean;
}

export interface CaseWaiverPanel {
  death_date: string;
  policies: PanelPolicy[];
  /** Each standing line with what it is charged, waived and left for the family to pay. */
  lines: {
    id: number;
    name_zh: string;
    charged_fen: number;
    waived_fen: number;
    payable_fen: number;
    policy: string | null;
  }[];
  waived_total_fen: number;
  listed: { group_code: string; valid_from: string; valid_to: string | null }[];
  declarations: (caseStore.DeclarationRow & { verified: boolean })[];
  groups: policyStore.GroupRow[];
  groupNames: Record<string, policyStore.GroupRow>;
  writable: boolean;
  /** The case's claim (申领), or whether it can be submitted now. */
  claim: ClaimOfCase;
}

/** What the case page shows: the policies considered and why each applies or not, and the waiver of each line. */
export async function casePanel(db: Knex, actor: Actor, caseId: number): Promise<CaseWaiverPanel> {
  const c = await loadCase(db, actor, caseId);
  const facts = await caseStore.caseFacts(db, c.id);
  if (!facts) throw new NotFoundError('case_not_found');
  const e = await evaluate(db, facts);
  const stored = await caseStore.waiverLines(db, c.id);
  const names = new Map(e.verdicts.filter((v) => v.version).map((v) => [v.version!.id, v.version!.name]));
  const standing = standingLines(e.lines);
  const groups = await policyStore.groups(db);
  return {
    death_date: e.deathDate,
    policies: e.verdicts.map((v) => ({
      policy_id: v.policy_id,
      name: v.version?.name ?? null,
      version: v.version?.version ?? null,
      applies: v.applies,
      refusal: v.refusal,
      group_code: v.group_code,
      basis: v.basis,
      waived_fen: v.waived_fen,
      total_cap_fen: v.version?.total_cap_fen ?? null,
      cap_reached: v.cap_reached,
    })),
    lines: standing.map((l) => {
      const w = stored.find((s) => s.case_line_id === l.id);
      const charged = l.quantity * l.unit_price_fen;
      return {
        id: l.id,
        name_zh: e.lines.find((x) => x.id === l.id)!.name_zh,
        charged_fen: charged,
        waived_fen: w?.amount_fen ?? 0,
        payable_fen: charged - (w?.amount_fen ?? 0),
        policy: w ? (names.get(w.policy_version_id) ?? null) : null,
      };
    }),
    waived_total_fen: stored.reduce((s, w) => s + w.amount_fen, 0),
    listed: e.listed.map((m) => ({ group_code: m.group_code, valid_from: m.valid_from, valid_to: m.valid_to })),
    declarations: e.declarations.map((d) => ({ ...d, verified: e.memberships.get(d.group_code) === 'list' })),
    groups: groups.filter((g) => !g.all_residents),
    groupNames: Object.fromEntries(groups.map((g) => [g.code, g])),
    writable: canWrite(actor, c.facility_id) && !isFinal(c.status),
    claim: await claimOfCase(
      db,
      actor,
      c.id,
      stored.reduce((s, w) => s + w.amount_fen, 0),
    ),
  };
}

/** The waiver of each case line (fen), for the statement of charges. */
export async function waivedByLine(db: Knex, caseId: number): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const w of await caseStore.waiverLines(db, caseId))
    out.set(w.case_line_id, (out.get(w.case_line_id) ?? 0) + w.amount_fen);
  return out;
}

async function changeDeclaration(
  db: Knex,
  actor: Actor,
  caseId: number,
  groupCode: string,
  ip: string | null,
  write: (trx: Knex) => Promise<unknown>,
  action: string,
  after: object,
): Promise<void> {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const group = (await policyStore.groups(db)).find((g) => g.code === groupCode);
  if (!group || group.all_residents) throw new ValidationError({ group_code: { key: 'errors.invalid_choice' } });
  await db.transaction(async (trx) => {
    const facts = await caseStore.lockedCase(trx, caseId);
    if (!facts) throw new NotFoundError('case_not_found');
    // A closed case's bill changes only by a correction; its waiver with it.
    if (isFinal(facts.status as CaseStatus)) throw new ConflictError('waiver_case_closed');
    await write(trx);
    await audit.record(trx, { actor, action, entity: 'funeral_case', entityId: caseId, after, ip });
    await recomputeCaseWaivers(trx, actor, caseId, ip);
  });
}

/**
 * The family declares the deceased was in a group (低保, 特困 …) and gives the certificate number: it counts at once,
 * shown as 待核实 (to verify) until an imported list has the ID number.
 */
export async function declare(
  db: Knex,
  actor: Actor,
  caseId: number,
  input: { group_code: string; certificate_no: string },
  ip: string | null,
): Promise<void> {
  const row = { case_id: caseId, ...input, declared_by: actor.id, declared_at: nowIso() };
  await changeDeclaration(
    db,
    actor,
    caseId,
    input.group_code,
    ip,
    (trx) => caseStore.upsertDeclaration(trx, row),
    'waiver_declared',
    input,
  );
}

export async function withdrawDeclaration(
  db: Knex,
  actor: Actor,
  caseId: number,
  groupCode: string,
  ip: string | null,
): Promise<void> {
  await changeDeclaration(
    db,
    actor,
    caseId,
    groupCode,
    ip,
    async (trx) => {
      if (!(await caseStore.deleteDeclaration(trx, caseId, groupCode))) throw new NotFoundError();
    },
    'waiver_declaration_withdrawn',
    { group_code: groupCode },
  );
}

// Use cases of the memorial pages (网上祭扫): made by the staff for a registered death or claimed by the family with
// the code printed on the statement; kept by a real-name owner through a secret link (or by the staff on the family's
// behalf); tributes held for approval. Every change is one transaction with its audit row.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import * as cases from '../cases/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { maskPhone } from '../http/format.js';
import { inShanghai } from '../time.js';
import { CLAIM_CODE_DAYS, type TributeKind, type TributeStatus } from './kinds.js';
import { useTurn, type MemorialLimits } from './limits.js';
import { reencodePhoto } from './photo.js';
import type { ClaimInput, PageInput, TributeInput } from './schemas.js';
import { hashClaimCode, hashKey, isKey, isSlug, newClaimCode, newKey, newSlug, normaliseClaimCode } from './secrets.js';
import * as store from './store.js';

export type { MemorialRow, TributeRow, ListedMemorial } from './store.js';

/** The date of death as the family reads it: the Shanghai calendar day of the recorded instant. */
const withDeathDate = <T extends { death_at: string }>(row: T): T & { death_date: string } => ({
  ...row,
  death_date: inShanghai(row.death_at).toISODate()!,
});
export type Actor = cases.Actor;

/**
 * Who changes a page: the staff of the case's home (or an admin), signed in; or the owner, holding the key of the
 * link they were given when they claimed it.
 */
export type Editor = { kind: 'staff'; actor: Actor } | { kind: 'owner'; name: string };

/** Why a case can have no page; undefined when it can. */
export type Ineligible = 'memorial_case_withdrawn' | 'memorial_not_deceased' | 'memorial_death_not_registered';

/**
 * Only for a registered death: a case withdrawn (the body taken elsewhere) has none at this home; a death not yet
 * come (a date of death missing or in the future: a living person) has none; and the death must be registered, by the
 * number of its medical certificate (死亡医学证明) on the case or the certificate received in the papers checklist.
 */
export function ineligibility(c: store.CaseFacts, now = new Date()): Ineligible | undefined {
  if (c.status === 'withdrawn') return 'memorial_case_withdrawn';
  if (!c.death_at || Date.parse(c.death_at) > now.getTime()) return 'memorial_not_deceased';
  if (!c.death_certificate_no?.trim() && !c.certificate_received) return 'memorial_death_not_registered';
  return undefined;
}

const auditActor = (e: Editor) => (e.kind === 'staff' ? e.actor : null);
const by = (e: Editor) => (e.kind === 'staff' ? { by: 'staff' } : { by: 'owner', owner_name: e.name });

// ## Staff

export interface StaffView {
  c: Awaited<ReturnType<typeof cases.loadCase>>;
  memorial?: store.MemorialRow;
  problem?: Ineligible;
  pending: store.TributeRow[];
  decided: store.TributeRow[];
}

/** The case's page as its home's staff see it: the page (if any), why none can be made, tributes to decide. */
export async function staffView(db: Knex, actor: Actor, caseId: number): Promise<StaffView> {
  const c = await cases.loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const memorial = await store.findByCase(db, c.id);
  const facts = await store.caseFacts(db, c.id);
  const [pending, decided] = memorial
    ? await Promise.all([
        store.tributes(db, memorial.id, ['pending']),
        store.tributes(db, memorial.id, ['approved', 'rejected'], 50),
      ])
    : [[], []];
  return { c, memorial, problem: memorial ? undefined : ineligibility(facts!), pending, decided };
}

/** The page of a case the staff may change, or 404. */
export async function staffMemorial(db: Knex, actor: Actor, caseId: number): Promise<store.MemorialRow> {
  const c = await cases.loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const m = await store.findByCase(db, c.id);
  if (!m) throw new NotFoundError('memorial_not_found');
  return m;
}

async function assertEligible(trx: Knex, caseId: number): Promise<store.CaseFacts> {
  const facts = await store.caseFacts(trx, caseId);
  if (!facts) throw new NotFoundError('case_not_found');
  const problem = ineligibility(facts);
  if (problem) throw new ConflictError(problem);
  return facts;
}

/** Makes the page of a case (unlisted, open, no owner yet); a second request finds the first's page. */
export async function createPage(
  db: Knex,
  actor: Actor,
  caseId: number,
  ip: string | null,
): Promise<{ memorial: store.MemorialRow; created: boolean }> {
  const c = await cases.loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  let created = false;
  try {
    await db.transaction(async (trx) => {
      if (await store.findByCase(trx, c.id)) return;
      await insertPage(trx, actor, c.id, ip);
      created = true;
    });
  } catch (err) {
    // Two clerks at once: the unique index on case_id let one page through, which both now find.
    if (!isUniqueViolation(err)) throw err;
  }
  return { memorial: (await store.findByCase(db, c.id))!, created };
}

async function insertPage(trx: Knex, actor: Actor, caseId: number, ip: string | null): Promise<number> {
  const facts = await assertEligible(trx, caseId);
  const now = nowIso();
  const row: store.NewMemorial = {
    case_id: caseId,
    facility_id: facts.facility_id,
    slug: newSlug(),
    status: 'open',
    visibility: 'unlisted',
    biography: null,
    created_by: actor.id,
    created_at: now,
    updated_at: now,
  };
  const id = await store.insertMemorial(trx, row);
  await audit.record(trx, {
    actor,
    action: 'create',
    entity: 'memorial',
    entityId: id,
    after: { case_id: caseId, status: row.status, visibility: row.visibility },
    ip,
  });
  return id;
}

/**
 * A new one-time claim code for the case's page (made now if the case has none): shown once and printed on the
 * statement; only its hash is kept. A code given before stops working. On a page already claimed, the next claim
 * hands it to a new owner (a family that lost its link).
 */
export async function issueClaimCode(
  db: Knex,
  actor: Actor,
  caseId: number,
  ip: string | null,
): Promise<{ code: string; expiresAt: string; memorial: store.MemorialRow }> {
  const c = await cases.loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  const code = newClaimCode();
  const at = DateTime.utc();
  const expiresAt = at.plus({ days: CLAIM_CODE_DAYS }).toISO()!;
  await db.transaction(async (trx) => {
    const existing = await store.findByCase(trx, c.id);
    const id = existing ? existing.id : await insertPage(trx, actor, c.id, ip);
    if (existing?.status === 'closed') throw new ConflictError('memorial_closed');
    await store.setClaimCode(trx, id, hashClaimCode(normaliseClaimCode(code)!), expiresAt, at.toISO()!);
    await audit.record(trx, {
      actor,
      action: 'issue_claim_code',
      entity: 'memorial',
      entityId: id,
      after: { case_id: c.id, expires_at: expiresAt },
      ip,
    });
  });
  return { code, expiresAt, memorial: (await store.findByCase(db, c.id))! };
}

/** The code just issued for the case's page, still unused: the statement prints it; any other code is refused. */
export async function assertCurrentClaimCode(
  db: Knex,
  actor: Actor,
  caseId: number,
  raw: string,
): Promise<{ code: string; expiresAt: string }> {
  const m = await staffMemorial(db, actor, caseId);
  const code = normaliseClaimCode(raw);
  const found = code ? await store.findByClaimCode(db, hashClaimCode(code)) : undefined;
  if (!code || !found || found.id !== m.id || found.claim_code_used_at || !found.claim_code_expires_at)
    throw new ConflictError('claim_code_not_current');
  return { code: raw.trim().toUpperCase(), expiresAt: found.claim_code_expires_at };
}

// ## The family

/**
 * The family claims the page with the printed code, naming its real-name owner and mobile: the conditional update
 * decides which of two claims with one code wins; the other gets 409. The owner's key is returned once, never kept.
 */
export async function claim(
  db: Knex,
  limits: MemorialLimits,
  input: ClaimInput,
  ip: string | null,
): Promise<{ slug: string; key: string; memorial: store.MemorialRow }> {
  await useTurn(limits.claims, ip, 'too_many_claims');
  const codeHash = hashClaimCode(input.code);
  const key = newKey();
  const at = nowIso();
  const id = await db.transaction(async (trx) => {
    const won = await store.claim(
      trx,
      codeHash,
      { name: input.owner_name, phone: input.owner_phone, keyHash: hashKey(key) },
      at,
    );
    if (won === undefined) {
      const found = await store.findByClaimCode(trx, codeHash);
      if (!found) throw new ValidationError({ code: { key: 'errors.claim_code_unknown' } }, 'claim_code_unknown');
      if (found.claim_code_used_at)
        throw new ConflictError('claim_code_used', { code: { key: 'errors.claim_code_used' } });
      if (!found.claim_code_expires_at || found.claim_code_expires_at <= at)
        throw new ConflictError('claim_code_expired', { code: { key: 'errors.claim_code_expired' } });
      throw new ConflictError('memorial_closed', { code: { key: 'errors.memorial_closed' } });
    }
    await audit.record(trx, {
      actor: null,
      action: 'claim',
      entity: 'memorial',
      entityId: won,
      after: { owner_name: input.owner_name, owner_phone: maskPhone(input.owner_phone) },
      ip,
    });
    return won;
  });
  const memorial = (await store.findById(db, id))!;
  return { slug: memorial.slug, key, memorial };
}

/** The page whose owner holds this key; a wrong key answers as a missing page. */
export async function ownerPage(db: Knex, slug: string, key: unknown): Promise<store.MemorialRow> {
  if (!isSlug(slug) || !isKey(key)) throw new NotFoundError('memorial_not_found');
  const m = await store.findByOwnerKey(db, slug, hashKey(key));
  if (!m) throw new NotFoundError('memorial_not_found');
  return m;
}

/** Whether an upload's key opens the page (checked before its body is read). */
export async function ownerKeyOpens(db: Knex, slug: string, key: unknown): Promise<boolean> {
  if (!isSlug(slug) || !isKey(key)) return false;
  return !!(await store.findByOwnerKey(db, slug, hashKey(key)));
}

/** The owner's own view: the page and its tributes still to decide and decided. */
export async function ownerView(db: Knex, m: store.MemorialRow) {
  const [pending, decided] = await Promise.all([
    store.tributes(db, m.id, ['pending']),
    store.tributes(db, m.id, ['approved', 'rejected'], 50),
  ]);
  return { memorial: m, pending, decided };
}

// ## Changes by the owner or the staff

function assertOpen(m: store.MemorialRow): void {
  if (m.status !== 'open') throw new ConflictError('memorial_closed');
}

export async function updatePage(
  db: Knex,
  editor: Editor,
  m: store.MemorialRow,
  input: PageInput,
  ip: string | null,
): Promise<void> {
  assertOpen(m);
  const fields = { biography: input.biography ?? null, visibility: input.visibility };
  await db.transaction(async (trx) => {
    await store.updatePage(trx, m.id, fields, nowIso());
    await audit.record(trx, {
      actor: auditActor(editor),
      action: 'update',
      entity: 'memorial',
      entityId: m.id,
      before: { visibility: m.visibility, biography_chars: m.biography?.length ?? 0 },
      after: { visibility: fields.visibility, biography_chars: fields.biography?.length ?? 0, ...by(editor) },
      ip,
    });
  });
}

export async function setPhoto(
  db: Knex,
  editor: Editor,
  m: store.MemorialRow,
  upload: Buffer | undefined,
  ip: string | null,
): Promise<void> {
  assertOpen(m);
  const photo = await reencodePhoto(upload);
  await db.transaction(async (trx) => {
    await store.putPhoto(trx, m.id, photo, nowIso());
    await audit.record(trx, {
      actor: auditActor(editor),
      action: 'photo',
      entity: 'memorial',
      entityId: m.id,
      after: {
        width: photo.width,
        height: photo.height,
        bytes: photo.bytes.length,
        uploaded_bytes: upload!.length,
        ...by(editor),
      },
      ip,
    });
  });
}

/** Closes the page: it stays at its address, says 已关闭, leaves the public list and takes no more tributes. */
export async function closePage(db: Knex, editor: Editor, m: store.MemorialRow, ip: string | null): Promise<void> {
  await db.transaction(async (trx) => {
    if (!(await store.close(trx, m.id, nowIso()))) throw new ConflictError('memorial_closed');
    await audit.record(trx, {
      actor: auditActor(editor),
      action: 'close',
      entity: 'memorial',
      entityId: m.id,
      before: { status: 'open' },
      after: { status: 'closed', ...by(editor) },
      ip,
    });
  });
}

/** Approves or rejects a pending tribute; one already decided is a 409 (two moderators, or a second click). */
export async function decideTribute(
  db: Knex,
  editor: Editor,
  m: store.MemorialRow,
  tributeId: number,
  decision: 'approved' | 'rejected',
  ip: string | null,
): Promise<void> {
  const t = await store.findTribute(db, m.id, tributeId);
  if (!t) throw new NotFoundError();
  await db.transaction(async (trx) => {
    const decidedBy = editor.kind === 'staff' ? editor.actor.id : null;
    if (!(await store.decideTribute(trx, m.id, tributeId, decision, decidedBy, nowIso())))
      throw new ConflictError('tribute_decided');
    await audit.record(trx, {
      actor: auditActor(editor),
      action: decision === 'approved' ? 'approve_tribute' : 'reject_tribute',
      entity: 'memorial',
      entityId: m.id,
      before: { tribute_id: tributeId, status: 'pending' },
      after: { tribute_id: tributeId, status: decision, ...by(editor) },
      ip,
    });
  });
}

// ## Visitors

/** A page by its address, with its approved tributes; an address that names no page is a 404. */
export async function publicPage(db: Knex, slug: string) {
  if (!isSlug(slug)) throw new NotFoundError('memorial_not_found');
  const m = await store.findBySlug(db, slug);
  if (!m) throw new NotFoundError('memorial_not_found');
  const [approved, counts] = await Promise.all([
    store.tributes(db, m.id, ['approved'], 100),
    store.tributeCounts(db, m.id),
  ]);
  return { memorial: withDeathDate(m), tributes: approved, counts };
}

/**
 * A visitor's tribute, held for the owner's or the staff's approval. A closed page takes none (409); each address
 * has TRIBUTES_PER_ADDRESS per window, counted in the database (429); a form sent twice leaves one.
 */
export async function leaveTribute(
  db: Knex,
  limits: MemorialLimits,
  slug: string,
  input: TributeInput,
  ip: string | null,
): Promise<{ status: TributeStatus; kind: TributeKind }> {
  const { memorial: m } = await publicPage(db, slug);
  assertOpen(m);
  await useTurn(limits.tributes, ip, 'too_many_tributes');
  await db.transaction(async (trx) => {
    const id = await store.insertTribute(trx, {
      memorial_id: m.id,
      kind: input.kind,
      message: input.message ?? null,
      writer_name: input.writer_name ?? null,
      status: 'pending',
      created_at: nowIso(),
      request_id: input.request_id,
    });
    if (id === undefined) return; // the same form again
    await audit.record(trx, {
      actor: null,
      action: 'tribute',
      entity: 'memorial',
      entityId: m.id,
      after: { tribute_id: id, kind: input.kind, message_chars: input.message?.length ?? 0 },
      ip,
    });
  });
  return { status: 'pending', kind: input.kind };
}

export async function listPublic(db: Knex, filter: { q?: string; page: number; perPage: number }) {
  const { rows, total } = await store.listPublic(db, filter);
  return { rows: rows.map(withDeathDate), total };
}

/** The page's photo (a JPEG), or 404. */
export async function photo(db: Knex, slug: string): Promise<{ bytes: Buffer; updated_at: string }> {
  if (!isSlug(slug)) throw new NotFoundError();
  const m = await store.findBySlug(db, slug);
  const p = m && (await store.photo(db, m.id));
  if (!p) throw new NotFoundError();
  return p;
}

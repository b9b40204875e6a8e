// Use cases of a case's family part: contacts and the ashes recipient, the contact log, the papers and their
// uploaded files. Each write is one transaction with its audit row.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, NotFoundError, PayloadTooLargeError, ValidationError } from '../http/errors.js';
import { documentStates } from './checklist.js';
import {
  documentKinds,
  MAX_UPLOAD_BYTES,
  requiredDocuments,
  type DocumentKind,
  type DocumentState,
  type FileType,
} from './family-kinds.js';
import type { ContactInput, LogInput } from './family-schemas.js';
import * as store from './family-store.js';
import { loadCase, type Actor } from './service.js';

export type { ContactRow, FileRow, LogRow } from './family-store.js';

export interface Paper {
  kind: DocumentKind;
  required: boolean;
  state: DocumentState;
  files: store.FileRow[];
}

export interface Family {
  contacts: store.ContactRow[];
  log: store.LogRow[];
  papers: Paper[];
  recipient: store.ContactRow | undefined;
  /** Required papers not received: closing the case then needs a reason. */
  missingRequired: DocumentKind[];
}

/** Everything the case page shows of the family; the caller has loaded the case. */
export async function family(db: Knex, caseId: number): Promise<Family> {
  const [contacts, log, states, files] = await Promise.all([
    store.contacts(db, caseId),
    store.log(db, caseId),
    documentStates(db, caseId),
    store.files(db, caseId),
  ]);
  const papers = documentKinds.map((kind) => ({
    kind,
    required: requiredDocuments.includes(kind),
    state: states[kind],
    files: files.filter((f) => f.kind === kind),
  }));
  const missingRequired = papers.filter((p) => p.required && p.state !== 'received').map((p) => p.kind);
  const recipient = contacts.find((k) => k.is_ashes_recipient);
  return { contacts, log, papers, missingRequired, recipient };
}

/** The contact the documents print (the recipient, else the first), as the intake form names its fields. */
export function printedContact(contacts: store.ContactRow[]): { contact_name?: string; contact_relationship?: string } {
  const k = contacts.find((x) => x.is_ashes_recipient) ?? contacts[0];
  return k ? { contact_name: k.name, contact_relationship: k.relationship } : {};
}

async function writableCase(db: Knex, actor: Actor, caseId: number) {
  const c = await loadCase(db, actor, caseId);
  assertCanWrite(actor, c.facility_id);
  return c;
}

const masked = (f: store.ContactFields) => ({
  ...f,
  phone: '[masked]',
  id_number: f.id_number ? '[masked]' : null,
});

const fieldsOf = (input: ContactInput): store.ContactFields => ({
  name: input.name,
  phone: input.phone,
  relationship: input.relationship,
  id_number: input.id_number ?? null,
  note: input.note ?? null,
});

// ## Contacts
export async function findContact(db: Knex, actor: Actor, caseId: number, id: number): Promise<store.ContactRow> {
  await writableCase(db, actor, caseId);
  const k = await store.findContact(db, caseId, id);
  if (!k) throw new NotFoundError();
  return k;
}

export async function addContact(
  db: Knex,
  actor: Actor,
  caseId: number,
  input: ContactInput,
  ip: string | null,
): Promise<number> {
  await writableCase(db, actor, caseId);
  return db.transaction(async (trx) => {
    const now = nowIso();
    const fields = fieldsOf(input);
    const id = await store.insertContact(trx, {
      ...fields,
      case_id: caseId,
      is_ashes_recipient: false,
      created_at: now,
      updated_at: now,
    });
    await audit.record(trx, {
      actor,
      action: 'add_contact',
      entity: 'funeral_case',
      entityId: caseId,
      after: { contact_id: id, ...masked(fields) },
      ip,
    });
    return id;
  });
}

export async function editContact(
  db: Knex,
  actor: Actor,
  caseId: number,
  contactId: number,
  input: ContactInput,
  ip: string | null,
): Promise<void> {
  await writableCase(db, actor, caseId);
  await db.transaction(async (trx) => {
    const before = await store.findContact(trx, caseId, contactId);
    if (!before) throw new NotFoundError();
    const fields = fieldsOf(input);
    if (!(await store.updateContact(trx, caseId, contactId, { ...fields, updated_at: nowIso() })))
      throw new NotFoundError();
    await audit.record(trx, {
      actor,
      action: 'edit_contact',
      entity: 'funeral_case',
      entityId: caseId,
      before: { contact_id: contactId, ...masked(before) },
      after: { contact_id: contactId, ...masked(fields), phone_changed: before.phone !== fields.phone },
      ip,
    });
  });
}

/** Makes the contact the case's ashes recipient (the one before is no longer); at most one, whoever races. */
export async function markRecipient(
  db: Knex,
  actor: Actor,
  caseId: number,
  contactId: number,
  ip: string | null,
): Promise<void> {
  await writableCase(db, actor, caseId);
  try {
    await db.transaction(async (trx) => {
      const k = await store.findContact(trx, caseId, contactId);
      if (!k) throw new NotFoundError();
      const before = await store.recipient(trx, caseId);
      if (before?.id === contactId) return;
      await store.markRecipient(trx, caseId, contactId, nowIso());
      await audit.record(trx, {
        actor,
        action: 'mark_ashes_recipient',
        entity: 'funeral_case',
        entityId: caseId,
        before: { contact_id: before?.id ?? null },
        after: { contact_id: contactId },
        ip,
      });
    });
  } catch (err) {
    // Another clerk marked someone at the same moment: the unique index kept one, this request lost.
    if (isUniqueViolation(err)) throw new ConflictError('recipient_changed');
    throw err;
  }
}

// ## Contact log
/** A little leeway for a clock a minute ahead; anything later is in the future. */
const FUTURE_LEEWAY_MINUTES = 1;

export async function addLogEntry(
  db: Knex,
  actor: Actor,
  caseId: number,
  input: LogInput,
  ip: string | null,
): Promise<void> {
  await writableCase(db, actor, caseId);
  if (DateTime.fromISO(input.at) > DateTime.now().plus({ minutes: FUTURE_LEEWAY_MINUTES }))
    throw new ValidationError({ at: { key: 'errors.contact_in_future' } });
  await db.transaction(async (trx) => {
    if (input.contact_id !== undefined && !(await store.findContact(trx, caseId, input.contact_id)))
      throw new ValidationError({ contact_id: { key: 'errors.contact_unknown' } });
    const row = {
      case_id: caseId,
      contact_id: input.contact_id ?? null,
      kind: input.kind,
      at: input.at,
      note: input.note,
      recorded_by: actor.id,
      created_at: nowIso(),
    };
    const id = await store.insertLog(trx, row);
    await audit.record(trx, {
      actor,
      action: 'contact_log',
      entity: 'funeral_case',
      entityId: caseId,
      after: { log_id: id, ...row },
      ip,
    });
  });
}

// ## Papers
export async function setDocumentState(
  db: Knex,
  actor: Actor,
  caseId: number,
  kind: DocumentKind,
  state: DocumentState,
  ip: string | null,
): Promise<void> {
  await writableCase(db, actor, caseId);
  await db.transaction(async (trx) => {
    const before = (await documentStates(trx, caseId))[kind];
    if (before === state) return;
    await store.setDocumentState(trx, { case_id: caseId, kind, state, updated_by: actor.id, updated_at: nowIso() });
    await audit.record(trx, {
      actor,
      action: 'document_state',
      entity: 'funeral_case',
      entityId: caseId,
      before: { kind, state: before },
      after: { kind, state },
      ip,
    });
  });
}

/** What the bytes are, whatever the name or the browser says: PDF, JPEG or PNG by their signatures. */
export function sniffFileType(bytes: Buffer): FileType | undefined {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  return undefined;
}

export const fileMediaTypes: Record<FileType, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** Where a case's files are kept: under the app's data directory, never under static/. */
export function caseFilesDir(dataDir: string, caseId: number): string {
  return path.join(dataDir, 'case-files', String(caseId));
}

/** A name the browser sent, kept for the download: no path, no control characters, at most 200 characters. */
function cleanName(name: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim();
  return base.slice(-200) || 'file';
}

/**
 * Keeps an uploaded file of a paper: checked by its bytes and size, written under the data directory with a random
 * name, recorded as the paper's current file (the one before is kept, marked replaced) and the paper received.
 */
export async function uploadFile(
  db: Knex,
  actor: Actor,
  caseId: number,
  kind: DocumentKind,
  upload: { buffer: Buffer; originalname: string } | undefined,
  dataDir: string,
  ip: string | null,
): Promise<void> {
  await writableCase(db, actor, caseId);
  if (!upload || upload.buffer.length === 0) throw new ValidationError({ file: { key: 'errors.file_required' } });
  if (upload.buffer.length > MAX_UPLOAD_BYTES) throw new PayloadTooLargeError('file_too_large');
  const fileType = sniffFileType(upload.buffer);
  if (!fileType) throw new ValidationError({ file: { key: 'errors.file_type' } }, 'file_type');
  const dir = caseFilesDir(dataDir, caseId);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const storedName = `${randomBytes(16).toString('hex')}.${fileType}`;
  const file = path.join(dir, storedName);
  await fs.writeFile(file, upload.buffer, { flag: 'wx', mode: 0o600 });
  try {
    await db.transaction(async (trx) => {
      const now = nowIso();
      const replaced = await store.replaceCurrent(trx, caseId, kind);
      const row = {
        case_id: caseId,
        kind,
        file_type: fileType,
        original_name: cleanName(upload.originalname),
        stored_name: storedName,
        size_bytes: upload.buffer.length,
        sha256: createHash('sha256').update(upload.buffer).digest('hex'),
        status: 'current' as const,
        uploaded_by: actor.id,
        uploaded_at: now,
      };
      const id = await store.insertFile(trx, row);
      await store.setDocumentState(trx, {
        case_id: caseId,
        kind,
        state: 'received',
        updated_by: actor.id,
        updated_at: now,
      });
      await audit.record(trx, {
        actor,
        action: 'upload_document',
        entity: 'funeral_case',
        entityId: caseId,
        after: { file_id: id, kind, file_type: fileType, size_bytes: row.size_bytes, sha256: row.sha256, replaced },
        ip,
      });
    });
  } catch (err) {
    // Never recorded, so nobody can miss it: the bytes written a moment ago go again.
    await fs.rm(file, { force: true });
    if (isUniqueViolation(err)) throw new ConflictError('document_changed');
    throw err;
  }
}

/** Withdraws a paper's current file with a reason; the file and its row stay, and the paper is missing again. */
export async function withdrawFile(
  db: Knex,
  actor: Actor,
  caseId: number,
  fileId: number,
  reason: string,
  ip: string | null,
): Promise<void> {
  await writableCase(db, actor, caseId);
  await db.transaction(async (trx) => {
    const f = await store.findFile(trx, caseId, fileId);
    if (!f) throw new NotFoundError();
    const at = nowIso();
    if (!(await store.withdrawFile(trx, caseId, fileId, actor.id, at, reason)))
      throw new ConflictError('document_changed');
    if (!(await store.hasCurrentFile(trx, caseId, f.kind)))
      await store.setDocumentState(trx, {
        case_id: caseId,
        kind: f.kind,
        state: 'missing',
        updated_by: actor.id,
        updated_at: at,
      });
    await audit.record(trx, {
      actor,
      action: 'withdraw_document',
      entity: 'funeral_case',
      entityId: caseId,
      before: { file_id: fileId, kind: f.kind, status: f.status },
      after: { file_id: fileId, status: 'withdrawn', reason },
      ip,
    });
  });
}

/** An uploaded file for the funeral home's own staff (another home's answers 404); every opening is audited. */
export async function openFile(
  db: Knex,
  actor: Actor,
  caseId: number,
  fileId: number,
  dataDir: string,
  ip: string | null,
): Promise<{ file: store.FileRow; bytes: Buffer }> {
  const c = await loadCase(db, actor, caseId);
  if (actor.role !== 'admin' && actor.facility_id !== c.facility_id) throw new NotFoundError();
  const file = await store.findFile(db, caseId, fileId);
  if (!file) throw new NotFoundError();
  const bytes = await fs.readFile(path.join(caseFilesDir(dataDir, caseId), file.stored_name));
  await audit.record(db, {
    actor,
    action: 'open_document',
    entity: 'funeral_case',
    entityId: caseId,
    after: { file_id: fileId, kind: file.kind },
    ip,
  });
  return { file, bytes };
}

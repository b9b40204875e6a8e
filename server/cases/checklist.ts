// The closing check of a case's papers: which required ones are not received. moveCase asks it before a final
// status, next to the other closing checks (server/cases/closing.ts), each answered by a reason of its own.
import type { Knex } from 'knex';
import { documentKinds, requiredDocuments, type DocumentKind, type DocumentState } from './family-kinds.js';
import * as family from './family-store.js';

export interface DocumentsMissing {
  code: 'documents_missing';
  documents: DocumentKind[];
}

/** Each paper's state; a paper nobody has touched yet is missing. */
export async function documentStates(db: Knex, caseId: number): Promise<Record<DocumentKind, DocumentState>> {
  const rows = await family.documents(db, caseId);
  return Object.fromEntries(
    documentKinds.map((k) => [k, rows.find((r) => r.kind === k)?.state ?? 'missing']),
  ) as Record<DocumentKind, DocumentState>;
}

/** The required papers still missing, as one problem, or none. */
export async function documentProblems(trx: Knex, caseId: number): Promise<DocumentsMissing[]> {
  const states = await documentStates(trx, caseId);
  const documents = requiredDocuments.filter((k) => states[k] !== 'received');
  return documents.length ? [{ code: 'documents_missing', documents }] : [];
}

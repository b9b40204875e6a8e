// The closing check of a case's papers: which required ones are not received. moveCase asks it before a final
// status, next to the other closing checks (server/cases/closing.ts), each answered by a reason of its own.
import type { Knex } from 'knex';
import { documentKinds, requiredDocuments, type DocumentKind, type DocumentState } from './family-kinds.js';
import * as family from './family-store.js';
import { openStatuses, type CaseStatus } from './states.js';

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

export interface CasePapersMissing {
  id: number;
  case_number: string;
  deceased_name: string;
  status: CaseStatus;
  created_at: string;
  documents: DocumentKind[];
}

/**
 * 材料未齐: a home's open cases (cremated ones included) with a required paper not received, newest first, the first
 * `limit` of them with which papers each misses, and how many there are in all; one query.
 */
export async function papersMissing(
  db: Knex,
  facilityId: number,
  limit = 20,
): Promise<{ rows: CasePapersMissing[]; count: number }> {
  const { rows, count } = await family.papersMissing(db, facilityId, openStatuses, requiredDocuments, limit);
  return {
    count,
    rows: rows.map(({ received, ...r }) => ({
      ...r,
      status: r.status as CaseStatus,
      documents: requiredDocuments.filter((k) => !received[k]),
    })),
  };
}

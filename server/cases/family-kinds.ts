// The codes of the family part of a case: how the front desk was in touch, which papers a case needs, what became
// of an uploaded file. The migrations' CHECK lists are copies of these (test/db/constraints.test.ts compares them).

/** How a contact with the family happened (联系记录). */
export const contactKinds = ['call', 'visit', 'message'] as const;
export type ContactKind = (typeof contactKinds)[number];

/** The papers of a case (材料清单), in the order the checklist shows them. */
export const documentKinds = ['death_certificate', 'id_copy', 'household_cancellation', 'authorisation'] as const;
export type DocumentKind = (typeof documentKinds)[number];

/** Without these a case does not close unless a reason is recorded. */
export const requiredDocuments: readonly DocumentKind[] = ['death_certificate', 'id_copy', 'authorisation'];

export const documentStates = ['missing', 'received'] as const;
export type DocumentState = (typeof documentStates)[number];

/** What an upload is, read from its bytes. */
export const fileTypes = ['pdf', 'jpeg', 'png'] as const;
export type FileType = (typeof fileTypes)[number];

/** An upload stays on record: the current one, one replaced by a newer upload, or one withdrawn with a reason. */
export const fileStatuses = ['current', 'replaced', 'withdrawn'] as const;
export type FileStatus = (typeof fileStatuses)[number];

export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

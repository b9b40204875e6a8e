// The codes of memorial pages and their tributes, and the limits the pages and the database both hold to.
export const memorialStatuses = ['open', 'closed'] as const;
export type MemorialStatus = (typeof memorialStatuses)[number];

/** Unlisted: reachable by its link only; public: also in the list at /memorials. */
export const memorialVisibilities = ['unlisted', 'public'] as const;
export type MemorialVisibility = (typeof memorialVisibilities)[number];

export const tributeKinds = ['flower', 'candle', 'message'] as const;
export type TributeKind = (typeof tributeKinds)[number];

/** Every tribute waits for the owner or the staff (审核) before anyone else sees it. */
export const tributeStatuses = ['pending', 'approved', 'rejected'] as const;
export type TributeStatus = (typeof tributeStatuses)[number];

export const MAX_BIOGRAPHY = 2000;
export const MAX_MESSAGE = 200;
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** The longest side of a stored photo, in pixels. */
export const PHOTO_SIDE = 1200;
/** A claim code printed on the statement is good for this many days. */
export const CLAIM_CODE_DAYS = 90;

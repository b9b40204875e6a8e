// Code lists of the fee waivers (惠民殡葬); the migration's CHECKs copy them (test/db/constraints.test.ts compares).

/** How a policy names the price items it waives: by basic service kind (every home's item of that kind) or by code. */
export const matchKinds = ['basic_kind', 'code'] as const;
export type MatchKind = (typeof matchKinds)[number];

/** Why a group applies to a case: residence alone (户籍居民), an imported list, or a declaration to verify (待核实). */
export const bases = ['residence', 'list', 'declared'] as const;
export type Basis = (typeof bases)[number];

export const importStatuses = ['running', 'done', 'failed'] as const;
export type ImportStatus = (typeof importStatuses)[number];

/** Why a policy does not apply to a case (shown on the case page). */
export const refusals = ['non_resident', 'no_household', 'outside_validity', 'group_not_matched'] as const;
export type Refusal = (typeof refusals)[number];

// ## Claims and settlement (item 4)

/**
 * A claim's life: the funeral home submits it (提交), the bureau approves it, rejects it with a reason, or asks for
 * evidence (补充材料), after which the home submits it again; approved claims are settled in a batch (结算批次) per
 * home and month. A settled claim and its batch never change.
 */
export const claimStatuses = ['submitted', 'evidence_requested', 'approved', 'rejected', 'settled'] as const;
export type ClaimStatus = (typeof claimStatuses)[number];

/** A claim's lines: the waivers as claimed, and corrections when the bill changed after the claim was made. */
export const claimLineKinds = ['waiver', 'correction'] as const;
export type ClaimLineKind = (typeof claimLineKinds)[number];

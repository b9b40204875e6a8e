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

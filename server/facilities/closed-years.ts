// A registry change that may alter a year the bureau has closed (年度报送). The registry says what a change reaches;
// the coverage side decides (server/coverage/years/guard.ts registers itself here), so that the registry never
// imports coverage. Without a guard registered, changes go through unchecked.
import type { Knex } from 'knex';
import type { Actor } from '../audit/service.js';

export interface ChangeReach {
  /** Region codes the change touches: where the facility stands and what it serves, before and after. */
  codes: string[];
  /** The earliest day (YYYY-MM-DD) whose figures the change may alter. */
  from: string;
  entity: string;
  entityId: string | number | null;
}

/** Runs `apply` inside the transaction and refuses (throws, so it rolls back) when it alters a closed year without a reason. */
export type ClosedYearGuard = <T>(
  trx: Knex,
  actor: Actor,
  reach: ChangeReach,
  reason: string | undefined,
  apply: () => Promise<T>,
) => Promise<T>;

let guard: ClosedYearGuard = (_trx, _actor, _reach, _reason, apply) => apply();

export function setClosedYearGuard(g: ClosedYearGuard): void {
  guard = g;
}

export const guardClosedYears: ClosedYearGuard = (trx, actor, reach, reason, apply) =>
  guard(trx, actor, reach, reason, apply);

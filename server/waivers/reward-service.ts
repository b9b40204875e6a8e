// Green-burial rewards (生态安葬奖补, issue 19 item 1): a policy version may pay a fixed amount per green placement
// (tree, lawn, flower bed, wall, no-mound burial, scattering). When a resting place records a green placement, the
// reward is decided in the same transaction, by the versions valid on the date of death and the same eligibility as
// a waiver (household region, group lists, the case's declarations): the largest one applies, once per placement.
// A reward is decided when the burial is recorded and kept as it was: a later policy edit makes a new version for
// later deaths and never moves it; a later removal (迁出) does not take it back.
import type { Knex } from 'knex';
import * as audit from '../audit/service.js';
import { greenReward } from './engine.js';
import * as caseStore from './case-store.js';
import { engineVersions, membershipsOf } from './policy-service.js';
import * as store from './reward-store.js';

export type { RewardRow } from './reward-store.js';

/** A placement as the reward reads it. */
export interface GreenPlacement {
  id: number;
  facility_id: number;
  case_id: number | null;
  deceased_name: string;
  id_number: string | null;
  death_date: string; // YYYY-MM-DD, Asia/Shanghai
  household_region_code: string | null;
  burial_method: string;
  green: boolean;
}

/**
 * Grants a green placement its reward, if a policy pays one for the deceased; called inside the transaction that
 * writes the placement, so that a placement and its reward are made together or not at all. Returns the reward.
 */
export async function grantGreenReward(
  trx: Knex,
  actor: audit.Actor | null,
  p: GreenPlacement,
  regionCode: string | null,
  ip: string | null,
): Promise<store.RewardRow | null> {
  if (!p.green || !p.household_region_code) return null;
  const engine = await engineVersions(trx, [p.household_region_code]);
  if (!engine.size) return null;
  const declarations = p.case_id ? await caseStore.declarations(trx, p.case_id) : [];
  const { memberships } = await membershipsOf(trx, p.id_number, p.death_date, declarations);
  const reward = greenReward(
    { death_date: p.death_date, household_region_code: p.household_region_code },
    engine,
    memberships,
  );
  if (!reward) return null;
  const row = {
    placement_id: p.id,
    facility_id: p.facility_id,
    policy_version_id: reward.version.id,
    group_code: reward.group_code,
    basis: reward.basis,
    burial_method: p.burial_method,
    deceased_name: p.deceased_name,
    household_region_code: p.household_region_code,
    death_date: p.death_date,
    amount_fen: reward.amount_fen,
    created_by: actor?.id ?? null,
    created_at: new Date().toISOString(),
  };
  const id = await store.insertReward(trx, row);
  await audit.record(trx, {
    actor,
    action: 'green_reward',
    entity: 'resting_placement',
    entityId: p.id,
    after: {
      amount_fen: row.amount_fen,
      policy_version_id: row.policy_version_id,
      policy: reward.version.name,
      group_code: row.group_code,
      basis: row.basis,
    },
    regionCode,
    ip,
  });
  return { ...row, id, policy_name: reward.version.name };
}

/** The rewards of a contract's placements, by placement id. */
export async function rewardsOfPlacements(db: Knex, placementIds: number[]): Promise<Map<number, store.RewardRow>> {
  return new Map((await store.rewardsOfPlacements(db, placementIds)).map((r) => [r.placement_id, r]));
}

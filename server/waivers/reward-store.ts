// Queries of green-burial rewards (生态安葬奖补): one row per rewarded placement, and the rows reports count.
import type { Knex } from 'knex';
import type { Basis } from './kinds.js';
import type { ReportRange } from './report-store.js';

export interface RewardRow {
  id: number;
  placement_id: number;
  facility_id: number;
  policy_version_id: number;
  policy_name: string;
  group_code: string;
  basis: Basis;
  burial_method: string;
  deceased_name: string;
  household_region_code: string | null;
  death_date: string;
  amount_fen: number;
  created_at: string;
}

const dateOf = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

export async function insertReward(
  trx: Knex,
  row: Omit<RewardRow, 'id' | 'policy_name'> & { created_by: number | null },
): Promise<number> {
  const [out] = await trx('waiver_green_rewards').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

function rewards(db: Knex) {
  return db('waiver_green_rewards as g')
    .join('waiver_policy_versions as v', 'v.id', 'g.policy_version_id')
    .select(
      'g.id',
      'g.placement_id',
      'g.facility_id',
      'g.policy_version_id',
      'v.name as policy_name',
      'g.group_code',
      'g.basis',
      'g.burial_method',
      'g.deceased_name',
      'g.household_region_code',
      'g.death_date',
      'g.amount_fen',
      'g.created_at',
    );
}

const normal = (r: RewardRow): RewardRow => ({
  ...r,
  death_date: dateOf(r.death_date),
  amount_fen: Number(r.amount_fen),
});

/** The rewards of some placements (a contract's). */
export async function rewardsOfPlacements(db: Knex, placementIds: number[]): Promise<RewardRow[]> {
  if (!placementIds.length) return [];
  return (await rewards(db).whereIn('g.placement_id', placementIds).orderBy('g.id')).map(normal);
}

/** The rewards of the deceased under a region prefix who died in the range, by date of death. */
export async function rewardsIn(db: Knex, r: ReportRange): Promise<RewardRow[]> {
  const q = rewards(db).where('g.death_date', '>=', r.from).where('g.death_date', '<=', r.to);
  if (r.prefix) q.where('g.household_region_code', 'like', `${r.prefix}%`);
  return (await q.orderBy('g.death_date').orderBy('g.id')).map(normal);
}

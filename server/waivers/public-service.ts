// The public page on the fee waivers (惠民殡葬政策, issue 19 item 6): the policies in force today (Asia/Shanghai),
// each with the version that applies today, for everyone or for one city or county (a city's policy applies in its
// counties; a city shows its counties' own policies too).
import type { Knex } from 'knex';
import { todayInShanghai } from '../time.js';
import * as policyStore from './policy-store.js';
import * as publicStore from './public-store.js';

export interface PublicItem {
  match_by: string;
  match_value: string;
  /** The price item's name when named by code; a basic kind is named by the view. */
  name: string | null;
  cap_fen: number | null;
  quantity_cap: number | null;
}

export interface PublicPolicy {
  id: number;
  name: string;
  region_code: string;
  region_name: string;
  valid_from: string;
  valid_to: string | null;
  groups: { code: string; name_zh: string; name_en: string; all_residents: boolean }[];
  items: PublicItem[];
  total_cap_fen: number | null;
  green_reward_fen: number;
  note: string | null;
}

export interface PublicPage {
  today: string;
  region: string | undefined;
  regions: { code: string; name: string }[];
  policies: PublicPolicy[];
}

/** A policy applies to a chosen region when it covers it (its region is a prefix) or lies in it. */
const applies = (policyRegion: string, chosen: string) =>
  chosen.startsWith(policyRegion) || policyRegion.startsWith(chosen);

export async function publicPolicies(
  db: Knex,
  region: string | undefined,
  today = todayInShanghai(),
): Promise<PublicPage> {
  const [policies, groups] = await Promise.all([policyStore.policies(db), policyStore.groups(db)]);
  const versions = await policyStore.versions(
    db,
    policies.map((p) => p.id),
  );
  const inForce: PublicPolicy[] = [];
  for (const p of policies) {
    // Today's version: the newest in effect by today; the policy is shown while today lies in its validity.
    const v = versions
      .filter((x) => x.policy_id === p.id && x.effective_from <= today)
      .sort((a, b) => b.version - a.version)[0];
    if (!v || v.valid_from > today || (v.valid_to !== null && v.valid_to < today)) continue;
    inForce.push({
      id: p.id,
      name: v.name,
      region_code: p.region_code,
      region_name: p.region_name ?? p.region_code,
      valid_from: v.valid_from,
      valid_to: v.valid_to,
      groups: groups.filter((g) => v.groups.includes(g.code)),
      items: v.items.map((i) => ({ ...i, name: null })),
      total_cap_fen: v.total_cap_fen,
      green_reward_fen: v.green_reward_fen,
      note: v.note,
    });
  }
  const names = await publicStore.itemNames(
    db,
    inForce.flatMap((p) => p.items.filter((i) => i.match_by === 'code').map((i) => i.match_value)),
  );
  for (const p of inForce)
    for (const i of p.items) if (i.match_by === 'code') i.name = names.get(i.match_value) ?? i.match_value;
  const regions = [...new Map(inForce.map((p) => [p.region_code, p.region_name])).entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([code, name]) => ({ code, name }));
  return {
    today,
    region,
    regions,
    policies: region ? inForce.filter((p) => applies(p.region_code, region)) : inForce,
  };
}

// Demo fee waiver policies (惠民殡葬) for the demo city: a Haikou-like policy for every registered resident (basic
// services waived up to ¥1,540 a death, refrigeration up to 3 days) and one for 低保 recipients on top of it.
import type { Knex } from 'knex';
import { nowIso } from '../../server/db.js';

interface DemoPolicy {
  name: string;
  groups: string[];
  total_cap_fen: number | null;
  green_reward_fen: number;
  items: {
    match_by: 'basic_kind' | 'code';
    match_value: string;
    cap_fen: number | null;
    quantity_cap: number | null;
  }[];
}

const FROM = '2026-01-01';

const policies: DemoPolicy[] = [
  {
    name: '户籍居民基本殡葬服务费减免（示例）',
    groups: ['residents'],
    total_cap_fen: 154_000,
    green_reward_fen: 100_000,
    items: [
      { match_by: 'basic_kind', match_value: 'transport', cap_fen: 30_000, quantity_cap: 1 },
      { match_by: 'basic_kind', match_value: 'refrigeration', cap_fen: 30_000, quantity_cap: 3 },
      { match_by: 'basic_kind', match_value: 'cremation', cap_fen: 40_000, quantity_cap: 1 },
      { match_by: 'basic_kind', match_value: 'urn', cap_fen: 15_000, quantity_cap: 1 },
      { match_by: 'basic_kind', match_value: 'ash_storage', cap_fen: 30_000, quantity_cap: 3 },
    ],
  },
  {
    name: '低保对象殡葬救助（示例）',
    groups: ['dibao', 'tekun'],
    total_cap_fen: 178_000,
    green_reward_fen: 0,
    items: [
      { match_by: 'basic_kind', match_value: 'transport', cap_fen: null, quantity_cap: 2 },
      { match_by: 'basic_kind', match_value: 'refrigeration', cap_fen: null, quantity_cap: 7 },
      { match_by: 'basic_kind', match_value: 'cremation', cap_fen: null, quantity_cap: 1 },
      { match_by: 'basic_kind', match_value: 'urn', cap_fen: null, quantity_cap: 1 },
    ],
  },
];

export async function seedDemoWaivers(trx: Knex, cityCode: string, bureauId: number | null): Promise<void> {
  const now = nowIso();
  for (const p of policies) {
    const [row] = await trx('waiver_policies')
      .insert({ region_code: cityCode, created_by: bureauId, created_at: now, updated_at: now })
      .returning('id');
    const policyId = typeof row === 'object' ? row.id : row;
    const [v] = await trx('waiver_policy_versions')
      .insert({
        policy_id: policyId,
        version: 1,
        name: p.name,
        effective_from: FROM,
        valid_from: FROM,
        valid_to: null,
        total_cap_fen: p.total_cap_fen,
        green_reward_fen: p.green_reward_fen,
        note: null,
        created_by: bureauId,
        created_at: now,
      })
      .returning('id');
    const versionId = typeof v === 'object' ? v.id : v;
    await trx('waiver_policy_groups').insert(p.groups.map((group_code) => ({ version_id: versionId, group_code })));
    await trx('waiver_policy_items').insert(p.items.map((i, sort) => ({ ...i, version_id: versionId, sort })));
  }
}

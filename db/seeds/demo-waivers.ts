// Demo fee waiver policies (惠民殡葬) for the demo city: a Haikou-like policy for every registered resident (basic
// services waived up to ¥1,540 a death, refrigeration up to 3 days) and one for 低保 recipients on top of it.
import type { Knex } from 'knex';
import { nowIso } from '../../server/db.js';
import { checkCharacter } from '../../server/cases/id-number.js';
import { recomputeCaseWaivers } from '../../server/waivers/case-service.js';
import * as claims from '../../server/waivers/claim-service.js';

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

/**
 * Demo claims of the demo home (needs the policies above): four closed cases of residents of 钟山区, one declared
 * 低保 with a certificate, made through the services so that lines, waivers and claims agree to the fen: one settled
 * in a batch, one approved, one awaiting review and one awaiting evidence. Claims and the batch fall in this month.
 */
export async function seedDemoWaiverClaims(
  trx: Knex,
  homeId: number,
  clerk: { id: number; username: string },
  bureau: { id: number; username: string },
): Promise<void> {
  const desk = { ...clerk, role: 'front_desk' as const, facility_id: homeId };
  const reviewer = { ...bureau, role: 'bureau' as const, facility_id: null, region_code: null };
  const items = new Map<
    string,
    { id: number; code: string; name_zh: string; category: string; unit: string; price_fen: number }
  >(
    (
      await trx('price_items')
        .where({ facility_id: homeId })
        .whereIn('code', ['BASIC_TRANSPORT', 'BASIC_COLD', 'BASIC_CREMATION', 'BASIC_URN'])
        .orderBy('valid_from')
        .select('id', 'code', 'name_zh', 'category', 'unit', 'price_fen')
    ).map((i) => [i.code, { ...i, price_fen: Number(i.price_fen) }]),
  );
  const people = [
    { name: '赵某某', id: '52020119450102001', days: 3, dibao: false },
    { name: '钱某某', id: '52020119380615002', days: 5, dibao: true },
    { name: '孙某某', id: '52020119501111003', days: 2, dibao: false },
    { name: '周某某', id: '52020119420909004', days: 4, dibao: false },
  ];
  const ids: number[] = [];
  for (const [n, p] of people.entries()) {
    const when = new Date(Date.now() - (10 - n) * 86_400_000).toISOString();
    const [row] = await trx('funeral_cases')
      .insert({
        facility_id: homeId,
        case_number: `HM-${String(n + 1).padStart(4, '0')}`,
        status: 'stored',
        deceased_name: p.name,
        id_number: p.id + checkCharacter(p.id),
        sex: n % 2 ? 'female' : 'male',
        birth_date: `${p.id.slice(6, 10)}-${p.id.slice(10, 12)}-${p.id.slice(12, 14)}`,
        death_at: when,
        household_region_code: '520201',
        created_by: clerk.id,
        created_at: when,
        updated_at: when,
      })
      .returning('id');
    const caseId = typeof row === 'object' ? row.id : row;
    const line = (code: string, quantity: number) => {
      const i = items.get(code)!;
      return {
        case_id: caseId,
        price_item_id: i.id,
        code: i.code,
        name_zh: i.name_zh,
        category: i.category,
        unit: i.unit,
        quantity,
        unit_price_fen: i.price_fen,
        amount_fen: quantity * i.price_fen,
        created_by: clerk.id,
        created_at: when,
      };
    };
    await trx('case_lines').insert(
      [line('BASIC_TRANSPORT', 1), line('BASIC_COLD', p.days), line('BASIC_CREMATION', 1), line('BASIC_URN', 1)].filter(
        (l) => items.has(l.code),
      ),
    );
    if (p.dibao)
      await trx('case_waiver_declarations').insert({
        case_id: caseId,
        group_code: 'dibao',
        certificate_no: '六低保字第2026-0815号',
        declared_by: clerk.id,
        declared_at: when,
      });
    await recomputeCaseWaivers(trx, desk, caseId, null);
    // The ashes collected: a closed case may be claimed whatever its bill.
    await trx('funeral_cases').where({ id: caseId }).update({ status: 'ashes_released' });
    ids.push(await claims.submitClaim(trx, desk, caseId, null));
  }
  await claims.moveClaim(trx, reviewer, ids[0], 'approve', undefined, null);
  const first = await trx('waiver_claims').where({ id: ids[0] }).first('month', 'amount_fen');
  await claims.settle(
    trx,
    reviewer,
    { facility_id: homeId, month: first.month, count: 1, amount_fen: Number(first.amount_fen) },
    null,
  );
  await claims.moveClaim(trx, reviewer, ids[1], 'approve', undefined, null);
  await claims.moveClaim(trx, reviewer, ids[3], 'request_evidence', '请补充户籍证明', null);
}

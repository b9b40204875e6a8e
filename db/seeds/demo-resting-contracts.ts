// Demo contracts of resting places: price items for the sample columbarium and cemetery (codes RP_<TYPE>, see
// server/resting/contract-service.ts), a contract with its fee line and placement for every place demo-resting.ts
// left occupied (some expiring within 90 days, one expired), a double plot with one of its two placements, lawn and
// flower-bed (green) placements, and one ash scattering with no place.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { checkCharacter } from '../../server/cases/id-number.js';
import { nowIso } from '../../server/db.js';
import { greenBurialMethods, type PlaceType } from '../../server/resting/kinds.js';
import { todayInShanghai, zone } from '../../server/time.js';
import { grantGreenReward, type GreenPlacement } from '../../server/waivers/reward-service.js';

const FROM = '2026-01-01';

/** Yuan per year of use; the tiered niche names its tier in brackets (the mapping of contract-service.ts). */
const columbariumPrices = [
  { code: 'RP_NICHE', name_zh: '骨灰格位使用费（普通）', name_en: 'Niche (standard), per year', yuan: 150 },
  { code: 'RP_NICHE_PREMIUM', name_zh: '骨灰格位使用费（优选）', name_en: 'Niche (premium), per year', yuan: 250 },
];
const cemeteryPrices = [
  { code: 'RP_SINGLE', name_zh: '单穴墓位使用费', name_en: 'Single plot, per year', yuan: 300 },
  { code: 'RP_DOUBLE', name_zh: '双穴墓位使用费', name_en: 'Double plot, per year', yuan: 500 },
  { code: 'RP_TREE', name_zh: '树葬使用费', name_en: 'Tree burial, per year', yuan: 50 },
  { code: 'RP_LAWN', name_zh: '草坪葬使用费', name_en: 'Lawn burial, per year', yuan: 60 },
  { code: 'RP_FLOWER_BED', name_zh: '花坛葬使用费', name_en: 'Flower-bed burial, per year', yuan: 50 },
  { code: 'RP_WALL', name_zh: '壁葬使用费', name_en: 'Wall burial, per year', yuan: 80 },
  {
    code: 'RP_DEEP_NO_MOUND',
    name_zh: '深埋（不留坟头）使用费',
    name_en: 'Deep burial without mound, per year',
    yuan: 30,
  },
];

const surnames = ['张', '王', '李', '赵', '刘', '陈', '杨', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭'];

/** A valid demo ID number of the sample county (520201), born on the given day. */
function idNumber(birth: string, seq: number): string {
  const first17 = `520201${birth.replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

const idOf = (row: unknown): number => (typeof row === 'object' ? (row as { id: number }).id : (row as number));

export async function seedDemoRestingContracts(
  trx: Knex,
  ids: { columbarium: number; cemetery: number },
  users: { cemetery: number; admin: number },
): Promise<void> {
  const now = nowIso();
  const today = DateTime.fromISO(todayInShanghai(), { zone });
  const prices = new Map<string, { id: number; code: string; name_zh: string; price_fen: number }>();
  for (const [facility, items] of [
    [ids.columbarium, columbariumPrices],
    [ids.cemetery, cemeteryPrices],
  ] as const) {
    const rows = (await trx('price_items')
      .insert(
        items.map((i) => ({
          facility_id: facility,
          code: i.code,
          name_zh: i.name_zh,
          name_en: i.name_en,
          category: 'optional',
          basic_kind: null,
          unit: 'year',
          price_fen: i.yuan * 100,
          valid_from: FROM,
          valid_to: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning(['id', 'code', 'name_zh', 'price_fen'])) as {
      id: number;
      code: string;
      name_zh: string;
      price_fen: number;
    }[];
    for (const r of rows) prices.set(`${facility}:${r.code}`, r);
  }

  // [facility, code, years from now to the term's end (negative: ended), deceased slot count, user]
  const plan: { facility: number; code: string; endDays?: number; by: number; tier?: boolean }[] = [
    ...['A-01-01-01', 'A-01-01-02', 'A-01-01-03', 'A-01-01-04', 'A-01-02-05', 'A-01-02-06'].map((code) => ({
      facility: ids.columbarium,
      code,
      by: users.admin,
    })),
    ...['D1-01-01', 'D1-01-02', 'D1-01-03', 'D1-01-04', 'D1-02-05', 'D1-02-06'].map((code) => ({
      facility: ids.cemetery,
      code,
      by: users.cemetery,
    })),
    // Newly occupied: a double plot with one placement, lawn and flower-bed burials (节地生态安葬).
    { facility: ids.cemetery, code: 'D2-01-01', endDays: 365 * 20 - 30, by: users.cemetery },
    { facility: ids.cemetery, code: 'C1-01-01', endDays: 365 * 20 - 60, by: users.cemetery },
    { facility: ids.cemetery, code: 'C1-01-02', endDays: 365 * 20 - 10, by: users.cemetery },
    { facility: ids.cemetery, code: 'H1-01-01', endDays: 365 * 20 - 90, by: users.cemetery },
  ];
  const counters = new Map<string, number>();
  const green: GreenPlacement[] = [];
  let n = 0;
  for (const p of plan) {
    n += 1;
    const place = await trx('resting_places')
      .where({ facility_id: p.facility, code: p.code })
      .first('id', 'place_type', 'tier', 'term_ends_on', 'term_years');
    const end =
      p.endDays !== undefined ? today.plus({ days: p.endDays }).toISODate()! : String(place.term_ends_on).slice(0, 10);
    const start = DateTime.fromISO(end, { zone }).plus({ days: 1 }).minus({ years: place.term_years }).toISODate()!;
    if (p.endDays !== undefined)
      await trx('resting_places')
        .where({ id: place.id })
        .update({ status: 'occupied', term_ends_on: end, updated_at: now });
    const year = Number(start.slice(0, 4));
    const key = `${p.facility}:${year}`;
    const number = (counters.get(key) ?? 0) + 1;
    counters.set(key, number);
    const type = place.place_type as PlaceType;
    const code = `RP_${type.toUpperCase()}${place.tier === '优选' ? '_PREMIUM' : ''}`;
    const item = prices.get(`${p.facility}:${code}`)!;
    const surname = surnames[n % surnames.length];
    const [contract] = await trx('resting_contracts')
      .insert({
        facility_id: p.facility,
        place_id: place.id,
        contract_number: `${year}-${String(number).padStart(6, '0')}`,
        status: 'active',
        holder_name: `${surname}某某`,
        holder_phone: `1398580${String(1000 + n).slice(-4)}`,
        holder_id_number: null,
        holder_relationship: n % 2 ? '子女' : '配偶',
        holder_address: '贵州省六盘水市钟山区（示例）',
        term_starts_on: start,
        term_ends_on: end,
        request_id: null,
        created_by: p.by,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const contractId = typeof contract === 'object' ? contract.id : contract;
    await trx('resting_fee_lines').insert({
      contract_id: contractId,
      kind: 'initial',
      price_item_id: item.id,
      code: item.code,
      name_zh: item.name_zh,
      unit: 'year',
      quantity: place.term_years,
      unit_price_fen: item.price_fen,
      amount_fen: place.term_years * item.price_fen,
      term_from: start,
      term_to: end,
      created_by: p.by,
      created_at: now,
    });
    const died = DateTime.fromISO(start, { zone }).minus({ days: 5 });
    const birth = died.minus({ years: 70 + (n % 15), days: n * 11 }).toISODate()!;
    const placement = {
      facility_id: p.facility,
      contract_id: contractId,
      place_id: place.id,
      slot: 1,
      deceased_name: `${surname}某`,
      id_number: idNumber(birth, 100 + n * 2 + 1),
      sex: 'male',
      birth_date: birth,
      death_date: died.toISODate()!,
      household_region_code: '520201101',
      burial_method: type,
      green: (greenBurialMethods as readonly string[]).includes(type),
      placed_on: start,
      created_by: p.by,
      created_at: now,
    };
    const [pid] = await trx('resting_placements').insert(placement).returning('id');
    if (placement.green) green.push({ ...placement, case_id: null, id: idOf(pid) });
  }
  for (const [key, last] of counters) {
    const [facility, year] = key.split(':').map(Number);
    await trx('resting_contract_counters').insert({ facility_id: facility, year, last });
  }
  // 撒散: ashes scattered at the cemetery, a green placement with no place and no contract.
  const scatteredOn = today.minus({ days: 20 }).toISODate()!;
  const scattered = {
    facility_id: ids.cemetery,
    contract_id: null,
    place_id: null,
    slot: 1,
    deceased_name: '周某',
    id_number: null,
    sex: 'female',
    birth_date: null,
    death_date: today.minus({ days: 40 }).toISODate()!,
    household_region_code: '520201101',
    burial_method: 'scattering',
    green: true,
    placed_on: scatteredOn,
    created_by: users.cemetery,
    created_at: now,
  };
  const [sid] = await trx('resting_placements').insert(scattered).returning('id');
  green.push({ ...scattered, case_id: null, id: idOf(sid) });
  // Their green-burial rewards (生态安葬奖补), where the demo policies pay one (seeded only with them).
  for (const g of green) await grantGreenReward(trx, { id: users.cemetery, username: 'cemetery' }, g, null, null);
}

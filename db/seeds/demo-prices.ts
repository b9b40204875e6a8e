// Demo price lists for the sample funeral homes: Guizhou-style basic services at government prices, optional
// services the homes set themselves, in force from 2026-01-01 until further notice.
import type { Knex } from 'knex';
import { nowIso } from '../../server/db.js';
import type { BasicKind, PriceUnit } from '../../server/prices/schemas.js';

interface DemoItem {
  code: string;
  name_zh: string;
  name_en: string;
  basic_kind?: BasicKind;
  unit: PriceUnit;
  yuan: number;
  from?: string;
  to?: string;
}

const FROM = '2026-01-01';

// Basic services are priced by the city (政府定价), so every home charges the same.
const basic: DemoItem[] = [
  {
    code: 'BASIC_TRANSPORT',
    name_zh: '遗体接运（市区内）',
    name_en: 'Body transport (within the city)',
    basic_kind: 'transport',
    unit: 'time',
    yuan: 300,
  },
  {
    code: 'BASIC_COLD',
    name_zh: '遗体冷藏',
    name_en: 'Body refrigeration',
    basic_kind: 'refrigeration',
    unit: 'day',
    yuan: 100,
  },
  {
    code: 'BASIC_CREMATION',
    name_zh: '遗体火化（平板炉）',
    name_en: 'Cremation (flat-bed cremator)',
    basic_kind: 'cremation',
    unit: 'time',
    yuan: 400,
  },
  {
    code: 'BASIC_ASH_STORAGE',
    name_zh: '骨灰寄存',
    name_en: 'Ash storage',
    basic_kind: 'ash_storage',
    unit: 'year',
    yuan: 100,
  },
  { code: 'BASIC_URN', name_zh: '基本骨灰盒', name_en: 'Basic urn', basic_kind: 'urn', unit: 'piece', yuan: 150 },
];

// Optional services and their prices differ from home to home; the first home also shows a price change.
const optional: DemoItem[][] = [
  [
    { code: 'OPT_DRESSING', name_zh: '遗体洗身穿衣', name_en: 'Washing and dressing', unit: 'time', yuan: 200 },
    { code: 'OPT_RESTORATION', name_zh: '遗体整容', name_en: 'Body restoration', unit: 'time', yuan: 300 },
    { code: 'OPT_VIGIL_ROOM', name_zh: '守灵间', name_en: 'Vigil room', unit: 'day', yuan: 380 },
    { code: 'OPT_HALL_SMALL', name_zh: '告别厅（小厅）', name_en: 'Farewell hall (small)', unit: 'time', yuan: 300 },
    {
      code: 'OPT_HALL_LARGE',
      name_zh: '告别厅（大厅）',
      name_en: 'Farewell hall (large)',
      unit: 'time',
      yuan: 600,
      to: '2026-06-30',
    },
    {
      code: 'OPT_HALL_LARGE',
      name_zh: '告别厅（大厅）',
      name_en: 'Farewell hall (large)',
      unit: 'time',
      yuan: 800,
      from: '2026-07-01',
    },
    { code: 'OPT_FLOWERS', name_zh: '鲜花布置', name_en: 'Flower arrangement', unit: 'time', yuan: 680 },
    { code: 'OPT_WREATH', name_zh: '花圈', name_en: 'Wreath', unit: 'piece', yuan: 80 },
    { code: 'OPT_URN_PREMIUM', name_zh: '骨灰盒（高档）', name_en: 'Urn (premium)', unit: 'piece', yuan: 1280 },
    {
      code: 'OPT_CREMATOR_PREMIUM',
      name_zh: '高档火化炉（拣灰炉）',
      name_en: 'Premium cremator (ash-collecting)',
      unit: 'time',
      yuan: 1200,
    },
  ],
  [
    { code: 'OPT_DRESSING', name_zh: '遗体洗身穿衣', name_en: 'Washing and dressing', unit: 'time', yuan: 180 },
    { code: 'OPT_RESTORATION', name_zh: '遗体整容', name_en: 'Body restoration', unit: 'time', yuan: 260 },
    { code: 'OPT_HALL', name_zh: '告别厅', name_en: 'Farewell hall', unit: 'time', yuan: 500 },
    { code: 'OPT_FLOWERS', name_zh: '鲜花布置', name_en: 'Flower arrangement', unit: 'time', yuan: 580 },
    { code: 'OPT_URN_PREMIUM', name_zh: '骨灰盒（高档）', name_en: 'Urn (premium)', unit: 'piece', yuan: 980 },
    {
      code: 'OPT_CREMATOR_PREMIUM',
      name_zh: '高档火化炉（拣灰炉）',
      name_en: 'Premium cremator (ash-collecting)',
      unit: 'time',
      yuan: 1000,
    },
  ],
];

/** Gives each funeral home (in the order given) a price list; homes beyond the samples get the first list. */
export async function seedDemoPrices(trx: Knex, facilityIds: number[]): Promise<void> {
  const now = nowIso();
  for (const [n, facilityId] of facilityIds.entries()) {
    const items = [
      ...basic.map((i) => ({ ...i, category: 'basic' })),
      ...(optional[n] ?? optional[0]).map((i) => ({ ...i, category: 'optional' })),
    ];
    await trx('price_items').insert(
      items.map((i) => ({
        facility_id: facilityId,
        code: i.code,
        name_zh: i.name_zh,
        name_en: i.name_en,
        category: i.category,
        basic_kind: i.basic_kind ?? null,
        unit: i.unit,
        price_fen: i.yuan * 100,
        valid_from: i.from ?? FROM,
        valid_to: i.to ?? null,
        created_at: now,
        updated_at: now,
      })),
    );
  }
}

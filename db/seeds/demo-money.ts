// Demo money of a case (issue 15): one case of the first funeral home closed last year with a balance left owing
// (挂账), its payments with receipt numbers, one voided, one refund, and a correction of a line after closing. Dated
// last year so that this year's case and receipt numbers still start at 1.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { checkCharacter } from '../../server/cases/id-number.js';

const ZONE = 'Asia/Shanghai';

export async function seedDemoMoney(trx: Knex, homeId: number, clerkId: number): Promise<void> {
  const year = DateTime.now().setZone(ZONE).year - 1;
  const at = (month: number, day: number, hh: number, mm = 0) =>
    DateTime.fromObject({ year, month, day, hour: hh, minute: mm }, { zone: ZONE }).toUTC().toISO()!;
  const items = new Map<
    string,
    { id: number; code: string; name_zh: string; category: string; unit: string; price_fen: number }
  >(
    (
      await trx('price_items')
        .where({ facility_id: homeId })
        .whereIn('code', ['BASIC_TRANSPORT', 'BASIC_COLD', 'BASIC_CREMATION', 'OPT_FLOWERS'])
        .select('id', 'code', 'name_zh', 'category', 'unit', 'price_fen')
    ).map((i) => [i.code, { ...i, price_fen: Number(i.price_fen) }]),
  );
  // Numbers from the home's counters of that year, as the services take them, so other demo cases keep theirs.
  const next = async (table: 'case_counters' | 'receipt_counters', by: number) => {
    const [c] = await trx(table)
      .insert({ facility_id: homeId, year, last: by })
      .onConflict(['facility_id', 'year'])
      .merge({ last: trx.raw('?? + ?', [`${table}.last`, by]) })
      .returning('last');
    return Number(typeof c === 'object' ? c.last : c);
  };
  const caseSeq = await next('case_counters', 1);
  const firstReceipt = (await next('receipt_counters', 4)) - 3;
  const first17 = '52020119400315002';
  const [row] = await trx('funeral_cases')
    .insert({
      facility_id: homeId,
      case_number: `${year}-${String(caseSeq).padStart(6, '0')}`,
      status: 'ashes_released',
      deceased_name: '王淑芬（示例）',
      id_number: first17 + checkCharacter(first17),
      sex: 'female',
      birth_date: '1940-03-15',
      death_at: at(12, 1, 6, 30),
      created_by: clerkId,
      created_at: at(12, 1, 8),
      updated_at: at(12, 5, 16),
    })
    .returning('id');
  const caseId: number = typeof row === 'object' ? row.id : row;
  // Its family contact, the ashes recipient (case_contacts, db/migrations/202612041300).
  await trx('case_contacts').insert({
    case_id: caseId,
    name: '李建国',
    phone: '13908580000',
    relationship: '儿子',
    is_ashes_recipient: true,
    created_at: at(12, 1, 8),
    updated_at: at(12, 1, 8),
  });
  const line = (code: string, quantity: number, when: string, extra: object = {}) => {
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
      created_by: clerkId,
      created_at: when,
      ...extra,
    };
  };
  await trx('case_lines').insert([
    line('BASIC_TRANSPORT', 1, at(12, 1, 8, 10)),
    line('BASIC_COLD', 4, at(12, 1, 8, 11)),
    line('BASIC_CREMATION', 1, at(12, 1, 8, 12)),
    line('OPT_FLOWERS', 1, at(12, 1, 8, 13)),
  ]);
  const cold = await trx('case_lines').where({ case_id: caseId, code: 'BASIC_COLD' }).first('id');
  await trx('case_lines').insert(
    line('BASIC_COLD', -1, at(12, 6, 9), {
      kind: 'correction',
      corrects_line_id: cold.id,
      reason: '冷藏实际 3 天，多记 1 天',
    }),
  );
  const pay = (n: number, kind: string, method: string, yuan: number, when: string, extra: object = {}) => ({
    case_id: caseId,
    facility_id: homeId,
    kind,
    receipt_number: `${year}-${String(firstReceipt + n - 1).padStart(6, '0')}`,
    method,
    amount_fen: yuan * 100,
    payer: '李建国',
    paid_at: when,
    received_by: clerkId,
    ...extra,
  });
  await trx('case_payments').insert([
    pay(1, 'payment', 'wechat', 1000, at(12, 1, 9)),
    pay(2, 'payment', 'cash', 200, at(12, 3, 10), {
      voided_at: at(12, 3, 10, 5),
      voided_by: clerkId,
      void_reason: '重复收款，已当面退回',
    }),
    pay(3, 'payment', 'cash', 500, at(12, 3, 10, 10)),
    pay(4, 'refund', 'cash', 80, at(12, 5, 15), { reason: '告别仪式从简，退还部分鲜花布置费' }),
  ]);
  const steps: [string | null, string, string][] = [
    [null, 'registered', at(12, 1, 8)],
    ['registered', 'body_received', at(12, 1, 10)],
    ['body_received', 'stored', at(12, 1, 10, 30)],
    ['stored', 'farewell_done', at(12, 4, 9)],
    ['farewell_done', 'cremated', at(12, 4, 11)],
    ['cremated', 'ashes_released', at(12, 5, 16)],
  ];
  let last = 0;
  for (const [from, to, when] of steps) {
    const [e] = await trx('case_events')
      .insert({ case_id: caseId, from_status: from, to_status: to, at: when, actor_id: clerkId })
      .returning('id');
    last = typeof e === 'object' ? e.id : e;
  }
  // Charged 300 + 3×100 + 400 + 680 = 1,680 yuan; paid 1,000 + 500 − 80 = 1,420: 260 left owing at closing.
  const charged = [...items.values()].reduce((s, i) => s + i.price_fen * (i.code === 'BASIC_COLD' ? 3 : 1), 0);
  await trx('case_closing_reasons').insert({
    case_id: caseId,
    event_id: last,
    problem: 'balance_owed',
    amount_fen: charged - 142000,
    reason: '家属申请惠民殡葬减免，待民政局审核后结清',
    actor_id: clerkId,
    at: at(12, 5, 16),
  });
}

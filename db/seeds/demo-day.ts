// Demo funeral cases of the first sample funeral home, so that the front desk's dashboard opens on a day with
// work in it: pickups due (one overdue), farewells and cremations today and this week, balances owed. Dates are
// relative to the first start (Asia/Shanghai). Only `npm start` seeds them: the test suites count cases themselves.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { checkCharacter } from '../../server/cases/id-number.js';
import { nowIso } from '../../server/db.js';
import { zone } from '../../server/time.js';

interface DemoCase {
  name: string;
  sex: 'male' | 'female';
  birth: string; // YYYYMMDD
  status: string;
  /** Pickup at this many days from today, at this Shanghai time. */
  pickup?: { day: number; at: string; address: string };
  hall?: { day: number; at: string; hall: number };
  cremation?: { day: number; at: string; cremator: number };
  lines: [code: string, quantity: number][];
  paid_yuan: number;
}

const cases: DemoCase[] = [
  {
    name: '王秀英',
    sex: 'female',
    birth: '19380412',
    status: 'registered',
    pickup: { day: -1, at: '16:30', address: '钟山区人民医院太平间' },
    lines: [],
    paid_yuan: 0,
  },
  {
    name: '李建国',
    sex: 'male',
    birth: '19451103',
    status: 'registered',
    pickup: { day: 0, at: '10:00', address: '钟山区荷泉街道凤凰社区 12 栋 3 单元' },
    lines: [['BASIC_TRANSPORT', 1]],
    paid_yuan: 0,
  },
  {
    name: '张桂兰',
    sex: 'female',
    birth: '19420220',
    status: 'registered',
    pickup: { day: 0, at: '15:00', address: '六盘水市人民医院' },
    lines: [],
    paid_yuan: 0,
  },
  {
    name: '刘德华',
    sex: 'male',
    birth: '19400715',
    status: 'stored',
    hall: { day: 0, at: '09:00', hall: 0 },
    cremation: { day: 0, at: '11:00', cremator: 0 },
    lines: [
      ['BASIC_TRANSPORT', 1],
      ['BASIC_COLD', 2],
      ['BASIC_CREMATION', 1],
      ['OPT_HALL_SMALL', 1],
      ['OPT_FLOWERS', 1],
    ],
    paid_yuan: 500,
  },
  {
    name: '陈玉珍',
    sex: 'female',
    birth: '19361009',
    status: 'farewell_done',
    hall: { day: 0, at: '08:00', hall: 1 },
    cremation: { day: 0, at: '10:00', cremator: 1 },
    lines: [
      ['BASIC_TRANSPORT', 1],
      ['BASIC_COLD', 3],
      ['BASIC_CREMATION', 1],
      ['OPT_URN_PREMIUM', 1],
    ],
    paid_yuan: 1000,
  },
  {
    name: '赵明',
    sex: 'male',
    birth: '19500101',
    status: 'stored',
    cremation: { day: 0, at: '14:00', cremator: 0 },
    lines: [
      ['BASIC_TRANSPORT', 1],
      ['BASIC_COLD', 1],
      ['BASIC_CREMATION', 1],
    ],
    paid_yuan: 0,
  },
  {
    name: '孙丽华',
    sex: 'female',
    birth: '19470918',
    status: 'stored',
    hall: { day: 1, at: '09:00', hall: 0 },
    cremation: { day: 1, at: '10:00', cremator: 0 },
    lines: [
      ['BASIC_TRANSPORT', 1],
      ['BASIC_COLD', 2],
    ],
    paid_yuan: 0,
  },
  {
    name: '周志强',
    sex: 'male',
    birth: '19521230',
    status: 'stored',
    hall: { day: 3, at: '10:00', hall: 1 },
    cremation: { day: 3, at: '11:30', cremator: 2 },
    lines: [['BASIC_TRANSPORT', 1]],
    paid_yuan: 100,
  },
  {
    name: '吴淑芬',
    sex: 'female',
    birth: '19391125',
    status: 'cremated',
    lines: [
      ['BASIC_TRANSPORT', 1],
      ['BASIC_CREMATION', 1],
    ],
    paid_yuan: 0,
  },
];

/** Runs inside the demo seed's transaction, after the facility's resources and price list exist. */
export async function seedDemoDay(trx: Knex, facilityId: number, userId: number): Promise<void> {
  const now = nowIso();
  const today = DateTime.now().setZone(zone).startOf('day');
  const at = (day: number, hhmm: string) =>
    DateTime.fromISO(`${today.plus({ days: day }).toISODate()}T${hhmm}`, { zone })
      .toUTC()
      .toISO()!;
  const cremators: { id: number; slot_minutes: number }[] = await trx('cremators')
    .where({ facility_id: facilityId })
    .orderBy('id')
    .select('id', 'slot_minutes');
  const halls: { id: number; slot_minutes: number }[] = await trx('farewell_halls')
    .where({ facility_id: facilityId })
    .orderBy('id')
    .select('id', 'slot_minutes');
  const prices: { id: number; code: string; name_zh: string; category: string; unit: string; price_fen: number }[] =
    await trx('price_items')
      .where({ facility_id: facilityId })
      .whereNull('valid_to')
      .select('id', 'code', 'name_zh', 'category', 'unit', 'price_fen');
  const year = today.year;
  // The home's counter of the year moves past these cases, after any the other demo seeds opened this year.
  const [counter] = await trx('case_counters')
    .insert({ facility_id: facilityId, year, last: cases.length })
    .onConflict(['facility_id', 'year'])
    .merge({ last: trx.raw('?? + ?', ['case_counters.last', cases.length]) })
    .returning('last');
  const first = Number(typeof counter === 'object' ? counter.last : counter) - cases.length + 1;
  for (const [i, c] of cases.entries()) {
    const first17 = `520201${c.birth}${String(101 + i * 2 + (c.sex === 'female' ? 1 : 0)).padStart(3, '0')}`;
    const [row] = await trx('funeral_cases')
      .insert({
        facility_id: facilityId,
        case_number: `${year}-${String(first + i).padStart(6, '0')}`,
        status: c.status,
        deceased_name: c.name,
        id_number: first17 + checkCharacter(first17),
        sex: c.sex,
        birth_date: `${c.birth.slice(0, 4)}-${c.birth.slice(4, 6)}-${c.birth.slice(6)}`,
        death_at: at(c.pickup?.day ?? -2, '06:00'),
        pickup_address: c.pickup?.address ?? null,
        pickup_at: c.pickup ? at(c.pickup.day, c.pickup.at) : null,
        created_by: userId,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const caseId: number = typeof row === 'object' ? row.id : row;
    // Its family contact, the ashes recipient (case_contacts, db/migrations/202612041300).
    await trx('case_contacts').insert({
      case_id: caseId,
      name: `${c.name.slice(0, 1)}先生`,
      phone: `1390858${String(1000 + i).padStart(4, '0')}`,
      relationship: '子女',
      is_ashes_recipient: true,
      created_at: now,
      updated_at: now,
    });
    await trx('case_events').insert({
      case_id: caseId,
      from_status: null,
      to_status: c.status,
      at: now,
      actor_id: userId,
      note: null,
    });
    for (const [code, quantity] of c.lines) {
      const p = prices.find((x) => x.code === code);
      if (!p) continue;
      await trx('case_lines').insert({
        case_id: caseId,
        price_item_id: p.id,
        code: p.code,
        name_zh: p.name_zh,
        category: p.category,
        unit: p.unit,
        quantity,
        unit_price_fen: p.price_fen,
        amount_fen: p.price_fen * quantity,
        created_at: now,
      });
    }
    if (c.paid_yuan > 0)
      await trx('case_payments').insert({
        case_id: caseId,
        method: 'wechat',
        amount_fen: c.paid_yuan * 100,
        paid_at: now,
        received_by: userId,
      });
    const book = async (
      table: string,
      column: string,
      r: { id: number; slot_minutes: number },
      day: number,
      hhmm: string,
    ) => {
      const starts = at(day, hhmm);
      await trx(table).insert({
        case_id: caseId,
        [column]: r.id,
        starts_at: starts,
        ends_at: DateTime.fromISO(starts).plus({ minutes: r.slot_minutes }).toUTC().toISO()!,
        status: 'booked',
        created_by: userId,
        created_at: now,
        updated_at: now,
      });
    };
    if (c.hall) await book('hall_bookings', 'hall_id', halls[c.hall.hall], c.hall.day, c.hall.at);
    if (c.cremation)
      await book('cremation_bookings', 'cremator_id', cremators[c.cremation.cremator], c.cremation.day, c.cremation.at);
  }
}

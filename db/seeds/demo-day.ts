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
  /**
   * The body received this many days from today at this Shanghai time and put into a fridge slot 20 minutes later
   * (body_custody, custody_moves), as the custody forms record it; a cremated body left its place at cremation.
   */
  custody?: { day: number; at: string; tag: string; fridge: string; slot: number };
  /** Papers received (case_documents); the others are missing, as on the dashboard's 材料未齐. */
  papers?: string[];
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
    name: '刘德顺',
    sex: 'male',
    birth: '19400715',
    status: 'stored',
    hall: { day: 0, at: '09:00', hall: 0 },
    cremation: { day: 0, at: '11:00', cremator: 0 },
    custody: { day: -2, at: '07:40', tag: 'LPS-0201', fridge: 'A柜', slot: 3 },
    papers: ['death_certificate', 'id_copy', 'authorisation', 'household_cancellation'],
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
    custody: { day: -2, at: '05:15', tag: 'LPS-0202', fridge: 'A柜', slot: 4 },
    papers: ['death_certificate', 'id_copy'],
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
    custody: { day: -1, at: '21:30', tag: 'LPS-0203', fridge: 'A柜', slot: 5 },
    papers: ['death_certificate'],
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
    custody: { day: -2, at: '11:05', tag: 'LPS-0204', fridge: 'B柜', slot: 2 },
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
    custody: { day: -1, at: '09:20', tag: 'LPS-0205', fridge: 'B柜', slot: 3 },
    lines: [['BASIC_TRANSPORT', 1]],
    paid_yuan: 100,
  },
  {
    name: '吴淑芬',
    sex: 'female',
    birth: '19391125',
    status: 'cremated',
    custody: { day: -2, at: '10:00', tag: 'LPS-0206', fridge: 'A柜', slot: 6 },
    papers: ['death_certificate', 'id_copy', 'authorisation'],
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
  const slots: { id: number; fridge: string; number: number }[] = await trx('fridge_slots as s')
    .join('fridges as f', 'f.id', 's.fridge_id')
    .where('f.facility_id', facilityId)
    .select('s.id', 'f.name as fridge', 's.number');
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
        death_at: c.custody
          ? DateTime.fromISO(at(c.custody.day, c.custody.at)).minus({ hours: 3 }).toUTC().toISO()!
          : at(c.pickup?.day ?? -2, '06:00'),
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
    for (const kind of c.papers ?? [])
      await trx('case_documents').insert({
        case_id: caseId,
        kind,
        state: 'received',
        updated_by: userId,
        updated_at: now,
      });
    if (c.custody) {
      const received = at(c.custody.day, c.custody.at);
      const stored = DateTime.fromISO(received).plus({ minutes: 20 }).toUTC().toISO()!;
      await trx('body_custody').insert({
        case_id: caseId,
        facility_id: facilityId,
        status: 'in_custody', // until the ashes are released
        tag_number: c.custody.tag,
        received_at: received,
        received_by: userId,
        handed_over_by: '接运司机 张师傅',
        condition_note: null,
        recorded_by: userId,
        created_at: received,
        updated_at: received,
      });
      const slot = slots.find((x) => x.fridge === c.custody!.fridge && x.number === c.custody!.slot);
      if (!slot) throw new Error(`demo-day: no slot ${c.custody.fridge} ${c.custody.slot}`);
      // A cremated body went from its slot to the cremation room yesterday morning and left it when cremated.
      const cremated = c.status === 'cremated';
      const out = at(-1, '09:30');
      const moves = [
        { place_kind: 'fridge_slot', slot_id: slot.id, moved_at: stored, ended_at: cremated ? out : null },
        ...(cremated
          ? [{ place_kind: 'cremation_room', slot_id: null, moved_at: out, ended_at: at(-1, '11:00') }]
          : []),
      ];
      for (const m of moves)
        await trx('custody_moves').insert({
          ...m,
          case_id: caseId,
          facility_id: facilityId,
          moved_by: userId,
          note: null,
        });
    }
    if (c.hall) await book('hall_bookings', 'hall_id', halls[c.hall.hall], c.hall.day, c.hall.at);
    if (c.cremation)
      await book('cremation_bookings', 'cremator_id', cremators[c.cremation.cremator], c.cremation.day, c.cremation.at);
  }
}

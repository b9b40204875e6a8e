// A demo funeral case at the first sample funeral home with its family: two contacts (the daughter is the ashes
// recipient), a few contact log entries and the papers checklist half done, so that the case page, the search by
// a relative's phone and the closing gate have something to show on a first start.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { zone } from '../../server/time.js';

/** Runs inside the demo seed's transaction, after the facilities and users exist. */
export async function seedDemoFamily(trx: Knex, facilityId: number, clerkId: number): Promise<void> {
  const now = DateTime.now().setZone(zone);
  const iso = (d: DateTime) => d.toUTC().toISO()!;
  const year = now.year;
  // The home's first case number of the year, taken through its counter as an intake takes it.
  const [counter] = await trx('case_counters')
    .insert({ facility_id: facilityId, year, last: 1 })
    .onConflict(['facility_id', 'year'])
    .merge({ last: trx.raw('?? + 1', ['case_counters.last']) })
    .returning('last');
  const seq = Number(typeof counter === 'object' ? counter.last : counter);
  const [row] = await trx('funeral_cases')
    .insert({
      facility_id: facilityId,
      case_number: `${year}-${String(seq).padStart(6, '0')}`,
      status: 'stored',
      deceased_name: '陈秀兰（示例）',
      id_number: '520201194205120020',
      sex: 'female',
      birth_date: '1942-05-12',
      death_at: iso(now.minus({ days: 2 }).set({ hour: 5, minute: 40 })),
      death_place: '六盘水市人民医院',
      created_by: clerkId,
      created_at: iso(now.minus({ days: 2 }).set({ hour: 7, minute: 10 })),
      updated_at: iso(now.minus({ days: 1 })),
    })
    .returning('id');
  const caseId = typeof row === 'object' ? row.id : row;
  const at = iso(now.minus({ days: 2 }).set({ hour: 7, minute: 10 }));
  for (const [status, from, hours] of [
    ['registered', null, 0],
    ['body_received', 'registered', 2],
    ['stored', 'body_received', 3],
  ] as const)
    await trx('case_events').insert({
      case_id: caseId,
      from_status: from,
      to_status: status,
      at: iso(DateTime.fromISO(at).plus({ hours })),
      actor_id: clerkId,
    });
  const contact = async (c: Record<string, unknown>) => {
    const [k] = await trx('case_contacts')
      .insert({ case_id: caseId, created_at: at, updated_at: at, is_ashes_recipient: false, ...c })
      .returning('id');
    return typeof k === 'object' ? k.id : k;
  };
  const daughter = await contact({
    name: '李梅',
    phone: '13985816688',
    relationship: '女儿',
    id_number: '520201196803150042',
    is_ashes_recipient: true,
  });
  const son = await contact({
    name: '李建华',
    phone: '0858-8221234',
    relationship: '儿子',
    note: '白天在单位，请打座机',
  });
  const twoDaysAgo = now.minus({ days: 2 }).startOf('day');
  const log: [number, string, DateTime, string][] = [
    [daughter, 'call', twoDaysAgo.set({ hour: 6, minute: 30 }), '家属来电报丧，约定上门接运时间。'],
    [son, 'visit', twoDaysAgo.plus({ days: 1 }).set({ hour: 10 }), '家属来馆，商量告别仪式，选择福寿厅。'],
    [daughter, 'message', now.minus({ hours: 1 }), '已发短信告知委托书需本人签字后带来。'],
  ];
  for (const [contactId, kind, when, note] of log)
    await trx('case_contact_log').insert({
      case_id: caseId,
      contact_id: contactId,
      kind,
      at: iso(when),
      note,
      recorded_by: clerkId,
      created_at: iso(when),
    });
  for (const kind of ['death_certificate', 'id_copy'])
    await trx('case_documents').insert({
      case_id: caseId,
      kind,
      state: 'received',
      updated_by: clerkId,
      updated_at: iso(twoDaysAgo.plus({ days: 1 }).set({ hour: 10 })),
    });
}

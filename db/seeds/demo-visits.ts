// Demo visit windows: the next 14 days at the sample cemetery and columbarium (four windows a day), the coming
// Qingming period at peak capacity (the columbarium opens 75 % of its site, as Beijing did in 2020), and a few
// reservations on today's and tomorrow's windows, one of them already checked in and one booked by staff (代约).
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { nowIso } from '../../server/db.js';
import { openedCapacity, qingmingDay, windowInstants } from '../../server/visits/service.js';
import { todayInShanghai, zone } from '../../server/time.js';

const TIMES = [
  ['08:00', '10:00'],
  ['10:00', '12:00'],
  ['13:00', '15:00'],
  ['15:00', '17:00'],
] as const;

export async function seedDemoVisits(
  trx: Knex,
  sites: { cemetery: number; columbarium: number },
  staffId: number | undefined,
): Promise<void> {
  const now = nowIso();
  const today = DateTime.fromISO(todayInShanghai(), { zone });
  // Qingming of the coming spring: three days before to three after, at peak capacity.
  let year = today.year;
  if (today.toISODate()! > qingmingDay(year)) year += 1;
  const qingming = DateTime.fromISO(qingmingDay(year), { zone });
  const plans = [
    { facility: sites.cemetery, percent: 100, ordinary: 60, peak: 300, parking: false },
    { facility: sites.columbarium, percent: 75, ordinary: 80, peak: 600, parking: true },
  ];
  for (const p of plans) {
    await trx('visit_settings').insert({
      facility_id: p.facility,
      open_percent: p.percent,
      book_ahead_days: 7,
      max_per_phone_day: 2,
      id_required: false,
      max_per_id_day: 1,
      max_party_size: 5,
      has_parking: p.parking,
      updated_at: now,
    });
    const days = [
      ...Array.from({ length: 14 }, (_, i) => ({ date: today.plus({ days: i }), peak: false })),
      ...Array.from({ length: 7 }, (_, i) => ({ date: qingming.plus({ days: i - 3 }), peak: true })),
    ];
    const rows = days.flatMap(({ date, peak }) =>
      TIMES.map(([start, end]) => ({
        facility_id: p.facility,
        visit_date: date.toISODate()!,
        ...windowInstants(date.toISODate()!, start, end),
        capacity: openedCapacity(peak ? p.peak : p.ordinary, p.percent),
        booked: 0,
        status: 'open',
        is_peak: peak,
        created_at: now,
        updated_at: now,
      })),
    );
    await trx('visit_windows').insert(rows).onConflict(['facility_id', 'starts_at']).ignore();
  }
  // A few bookings at the cemetery: today's first and third windows, tomorrow's second.
  const samples = [
    { day: 0, slot: 0, name: '示例家属甲', phone: '13900000001', party: 3, arrived: true, staff: false },
    { day: 0, slot: 2, name: '示例家属乙', phone: '13900000002', party: 2, arrived: false, staff: true },
    { day: 1, slot: 1, name: '示例家属丙', phone: '13900000003', party: 4, arrived: false, staff: false },
  ];
  for (const [i, s] of samples.entries()) {
    const date = today.plus({ days: s.day }).toISODate()!;
    const { starts_at } = windowInstants(date, TIMES[s.slot][0], TIMES[s.slot][1]);
    const w = await trx('visit_windows').where({ facility_id: sites.cemetery, starts_at }).first('id');
    if (!w) continue;
    await trx('visit_windows')
      .where({ id: w.id })
      .update({ booked: trx.raw('booked + ?', [s.party]) });
    await trx('visit_reservations').insert({
      code: `DEMQ${'ABC'[i]}${i + 2}X${i + 7}`,
      window_id: w.id,
      facility_id: sites.cemetery,
      visit_date: date,
      name: s.name,
      phone: s.phone,
      party_size: s.party,
      visiting: '示例逝者',
      status: 'booked',
      channel: s.staff && staffId ? 'staff' : 'public',
      booked_by: s.staff && staffId ? staffId : null,
      created_at: now,
      arrived_at: s.arrived && staffId ? now : null,
      checked_in_by: s.arrived && staffId ? staffId : null,
    });
    await trx('visit_day_counts').insert({
      facility_id: sites.cemetery,
      visit_date: date,
      kind: 'phone',
      subject: s.phone,
      count: 1,
    });
  }
}

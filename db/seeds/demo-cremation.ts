// Demo cremators, farewell halls and one planned maintenance day for the sample funeral homes, so that the
// availability grid and the day board have something to show on a first start. The halls and the ash-collecting
// cremator name the demo price items they charge (issue 15 item 3); the flat-bed cremators charge nothing extra
// (basic cremation is added by the front desk as a basic service).
import type { Knex } from 'knex';
import { nowIso } from '../../server/db.js';
import { addDays, dayBounds } from '../../server/cremation/slots.js';
import { todayInShanghai } from '../../server/time.js';

// `charges`: the price item codes, first found in the home's list wins (the sample homes' lists differ).
const cremators = [
  { name: '1号炉（平板炉）', slot_minutes: 60, day_start: '07:00', day_end: '17:00', charges: [] },
  { name: '2号炉（平板炉）', slot_minutes: 60, day_start: '07:00', day_end: '17:00', charges: [] },
  {
    name: '3号炉（拣灰炉）',
    slot_minutes: 90,
    day_start: '07:00',
    day_end: '17:00',
    charges: ['OPT_CREMATOR_PREMIUM'],
  },
];

const halls = [
  {
    name: '福寿厅',
    capacity: 80,
    slot_minutes: 60,
    day_start: '07:00',
    day_end: '16:00',
    charges: ['OPT_HALL_LARGE', 'OPT_HALL'],
  },
  {
    name: '思源厅',
    capacity: 30,
    slot_minutes: 60,
    day_start: '07:00',
    day_end: '16:00',
    charges: ['OPT_HALL_SMALL', 'OPT_HALL'],
  },
];

/** The home's current item of the first of these codes that it lists; null when none. */
async function priceItemOf(trx: Knex, facilityId: number, codes: string[]): Promise<number | null> {
  for (const code of codes) {
    const row = await trx('price_items')
      .where({ facility_id: facilityId, code })
      .orderBy('valid_from', 'desc')
      .first('id');
    if (row) return row.id;
  }
  return null;
}

/** Runs inside the demo seed's transaction, after the facilities exist. */
export async function seedDemoCremation(trx: Knex, funeralHomeIds: number[]): Promise<void> {
  const now = nowIso();
  // A week ahead, the second cremator is down for a whole day: the grid shows what a closure looks like.
  const maintenance = dayBounds(addDays(todayInShanghai(), 7));
  for (const facilityId of funeralHomeIds) {
    const crematorIds: number[] = [];
    for (const { charges, ...c } of cremators) {
      const [row] = await trx('cremators')
        .insert({
          facility_id: facilityId,
          ...c,
          price_item_id: await priceItemOf(trx, facilityId, charges),
          active: true,
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      crematorIds.push(typeof row === 'object' ? row.id : row);
    }
    for (const { charges, ...h } of halls) {
      await trx('farewell_halls').insert({
        facility_id: facilityId,
        ...h,
        price_item_id: await priceItemOf(trx, facilityId, charges),
        active: true,
        created_at: now,
        updated_at: now,
      });
    }
    await trx('resource_closures').insert({
      resource_type: 'cremator',
      resource_id: crematorIds[1],
      cremator_id: crematorIds[1],
      starts_at: maintenance.start,
      ends_at: maintenance.end,
      reason: '年度检修',
      created_by: null,
      created_at: now,
    });
  }
}

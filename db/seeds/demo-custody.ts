// Demo fridges (A柜 12 格, B柜 8 格, one slot out of service) at the first sample funeral home and, on a real first
// start, a few demo bodies received and stored, so the fridge board and a case's custody section show something.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { checkCharacter } from '../../server/cases/id-number.js';
import { nowIso } from '../../server/db.js';
import { zone } from '../../server/time.js';

const fridges = [
  { name: 'A柜', slots: 12 },
  { name: 'B柜', slots: 8 },
];

const bodies = [
  { name: '王建国', id17: '52020119380512003', sex: 'male', daysAgo: 3, fridge: 'A柜', slot: 1, tag: 'LPS-0101' },
  { name: '刘桂芳', id17: '52020119450203002', sex: 'female', daysAgo: 1, fridge: 'A柜', slot: 2, tag: 'LPS-0102' },
  { name: '陈志强', id17: '52020319520918001', sex: 'male', daysAgo: 0, fridge: 'B柜', slot: 1, tag: 'LPS-0103' },
] as const;

const idOf = (row: unknown): number =>
  typeof row === 'object' && row !== null ? (row as { id: number }).id : Number(row);

/** Runs inside the demo seed's transaction, after the facilities and users exist. */
export async function seedDemoCustody(
  trx: Knex,
  facilityId: number,
  opts: { bodies: boolean; clerkId: number | undefined },
): Promise<void> {
  const now = nowIso();
  const slotIds = new Map<string, number>();
  for (const f of fridges) {
    const [row] = await trx('fridges')
      .insert({ facility_id: facilityId, name: f.name, created_at: now, updated_at: now })
      .returning('id');
    const fridgeId = idOf(row);
    for (let n = 1; n <= f.slots; n += 1) {
      const out = f.name === 'A柜' && n === f.slots;
      const [slot] = await trx('fridge_slots')
        .insert({
          fridge_id: fridgeId,
          number: n,
          status: out ? 'out_of_service' : 'in_service',
          out_of_service_reason: out ? '压缩机检修' : null,
          updated_at: now,
        })
        .returning('id');
      slotIds.set(`${f.name}-${n}`, idOf(slot));
    }
  }
  if (!opts.bodies || opts.clerkId === undefined) return;
  const year = DateTime.now().setZone(zone).year;
  for (const [i, b] of bodies.entries()) {
    const received = DateTime.now()
      .setZone(zone)
      .minus({ days: b.daysAgo })
      .set({ hour: 8, minute: 30 + i });
    const at = (d: DateTime) => (d > DateTime.now() ? DateTime.now() : d).toUTC().toISO()!;
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
        deceased_name: b.name,
        id_number: b.id17 + checkCharacter(b.id17),
        sex: b.sex,
        birth_date: `${b.id17.slice(6, 10)}-${b.id17.slice(10, 12)}-${b.id17.slice(12, 14)}`,
        death_at: at(received.minus({ hours: 3 })),
        created_by: opts.clerkId,
        created_at: at(received.minus({ hours: 2 })),
        updated_at: at(received.plus({ minutes: 20 })),
      })
      .returning('id');
    const caseId = idOf(row);
    // Its family contact, the ashes recipient (case_contacts, db/migrations/202612041300).
    await trx('case_contacts').insert({
      case_id: caseId,
      name: '家属（示例）',
      phone: '13800000000',
      relationship: '子女',
      is_ashes_recipient: true,
      created_at: at(received.minus({ hours: 2 })),
      updated_at: at(received.minus({ hours: 2 })),
    });
    const steps: [string | null, string, DateTime][] = [
      [null, 'registered', received.minus({ hours: 2 })],
      ['registered', 'body_received', received],
      ['body_received', 'stored', received.plus({ minutes: 20 })],
    ];
    for (const [from, to, when] of steps)
      await trx('case_events').insert({
        case_id: caseId,
        from_status: from,
        to_status: to,
        at: at(when),
        actor_id: opts.clerkId,
        note: null,
      });
    await trx('body_custody').insert({
      case_id: caseId,
      facility_id: facilityId,
      status: 'in_custody',
      tag_number: b.tag,
      received_at: at(received),
      received_by: opts.clerkId,
      handed_over_by: '接运司机 张师傅',
      condition_note: null,
      recorded_by: opts.clerkId,
      created_at: at(received),
      updated_at: at(received),
    });
    await trx('custody_moves').insert({
      case_id: caseId,
      facility_id: facilityId,
      place_kind: 'fridge_slot',
      slot_id: slotIds.get(`${b.fridge}-${b.slot}`),
      moved_at: at(received.plus({ minutes: 20 })),
      moved_by: opts.clerkId,
      note: null,
    });
  }
}

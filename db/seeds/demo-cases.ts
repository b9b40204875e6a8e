// Demo cases for a first start, so that intake's check of a person's other cases shows something: a case closed
// last year at the first funeral home (registering that ID number again asks to confirm, with a link to it) and a
// case under way at the second (registering it at the first is refused, naming the second home).
import type { Knex } from 'knex';
import { checkCharacter } from '../../server/cases/id-number.js';
import type { CaseStatus } from '../../server/cases/states.js';
import { nowIso } from '../../server/db.js';
import { todayInShanghai } from '../../server/time.js';

const withCheck = (first17: string) => first17 + checkCharacter(first17);
/** Listed in docs/ARCHITECTURE.md for trying intake: closed case at 六盘水, open case at 盘州. */
export const DEMO_CLOSED_ID_NUMBER = withCheck('52020119360812005');
export const DEMO_OPEN_ID_NUMBER = withCheck('52028119420305011');

const closedPath: CaseStatus[] = ['registered', 'body_received', 'stored', 'cremated', 'ashes_placed'];

/** Runs inside the demo seed's transaction, after the facilities exist: [first home, second home]. */
export async function seedDemoCases(trx: Knex, [first, second]: number[]): Promise<void> {
  const year = Number(todayInShanghai().slice(0, 4));
  const now = nowIso();
  const demo = [
    {
      facility_id: first,
      year: year - 1,
      deceased_name: '王德华',
      id_number: DEMO_CLOSED_ID_NUMBER,
      sex: 'male',
      birth_date: '1936-08-12',
      // Mid-November last year, in Shanghai (08:00 +08:00); each step a day after the one before.
      at: `${year - 1}-11-15T00:00:00.000Z`,
      path: closedPath,
    },
    {
      facility_id: second,
      year,
      deceased_name: '赵秀英',
      id_number: DEMO_OPEN_ID_NUMBER,
      sex: 'female',
      birth_date: '1942-03-05',
      at: now,
      path: ['registered'] as CaseStatus[],
    },
  ];
  for (const d of demo) {
    // The home's counter of that year moves with the case, so that the next intake gets the next number.
    const [counter] = await trx('case_counters')
      .insert({ facility_id: d.facility_id, year: d.year, last: 1 })
      .onConflict(['facility_id', 'year'])
      .merge({ last: trx.raw('?? + 1', ['case_counters.last']) })
      .returning('last');
    const seq = Number(typeof counter === 'object' ? counter.last : counter);
    const [row] = await trx('funeral_cases')
      .insert({
        facility_id: d.facility_id,
        case_number: `${d.year}-${String(seq).padStart(6, '0')}`,
        status: d.path[d.path.length - 1],
        deceased_name: d.deceased_name,
        id_number: d.id_number,
        sex: d.sex,
        birth_date: d.birth_date,
        death_at: d.at,
        contact_name: '家属（示例）',
        contact_phone: '13800000000',
        contact_relationship: '子女',
        created_at: d.at,
        updated_at: d.at,
      })
      .returning('id');
    const caseId = typeof row === 'object' ? row.id : row;
    let from: CaseStatus | null = null;
    for (const [i, to] of d.path.entries()) {
      const at = new Date(Date.parse(d.at) + i * 86_400_000).toISOString();
      await trx('case_events').insert({
        case_id: caseId,
        from_status: from,
        to_status: to,
        at,
        actor_id: null,
        note: null,
      });
      from = to;
    }
  }
}

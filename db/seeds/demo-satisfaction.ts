// Demo data of the satisfaction survey (满意度测评): a survey code for each closed demo case (as closing makes one),
// one of them rated; on a real first start (`day`), a few more closed sample cases rated over the last months, so
// the staff page /staff/satisfaction has figures per home and month. The codes left unrated can be tried on /rate.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { checkCharacter } from '../../server/cases/id-number.js';
import { completingStatuses } from '../../server/cases/states.js';
import { issueSurveyIn } from '../../server/satisfaction/service.js';
import { zone } from '../../server/time.js';

/** [home index, months ago, score, comment]: sample ratings of a real first start. */
const extra: [number, number, number, string | null][] = [
  [0, 2, 5, '工作人员耐心细致，流程讲解清楚。'],
  [0, 2, 4, null],
  [0, 1, 3, '等候告别厅的时间有些长。'],
  [0, 1, 5, null],
  [1, 2, 4, '收费公示清楚，没有额外收费。'],
  [1, 1, 2, '停车位太少，希望改进。'],
];

const names = [
  '陈玉兰（示例）',
  '周明德（示例）',
  '吴桂芝（示例）',
  '郑国强（示例）',
  '冯淑珍（示例）',
  '褚建华（示例）',
];

async function rate(trx: Knex, caseId: number, at: DateTime, rating: number, comment: string | null) {
  await trx('satisfaction_surveys')
    .where({ case_id: caseId })
    .update({ rating, comment, rated_at: at.toUTC().toISO(), rated_month: at.setZone(zone).toFormat('yyyy-MM') });
}

/** Runs inside the demo seed's transaction, after the demo cases: the funeral homes, first one first. */
export async function seedDemoSatisfaction(trx: Knex, homes: number[], opts: { extra: boolean }): Promise<void> {
  const closed = await trx('funeral_cases')
    .whereIn('facility_id', homes)
    .whereIn('status', completingStatuses)
    .orderBy('id')
    .select('id', 'updated_at');
  for (const c of closed) await issueSurveyIn(trx, c.id);
  if (closed[0]) {
    const at = DateTime.fromISO(new Date(closed[0].updated_at).toISOString()).plus({ days: 3 });
    await rate(trx, closed[0].id, at, 5, '感谢殡仪馆工作人员的帮助。');
  }
  if (!opts.extra) return;
  const now = DateTime.now().setZone(zone);
  for (const [i, [home, monthsAgo, rating, comment]] of extra.entries()) {
    const closedAt = now.minus({ months: monthsAgo }).set({ day: 5 + 3 * i, hour: 10 });
    const year = closedAt.year;
    const [counter] = await trx('case_counters')
      .insert({ facility_id: homes[home], year, last: 1 })
      .onConflict(['facility_id', 'year'])
      .merge({ last: trx.raw('?? + 1', ['case_counters.last']) })
      .returning('last');
    const seq = Number(typeof counter === 'object' ? counter.last : counter);
    const first17 = `5202011948010${String(200 + i).padStart(4, '0')}`;
    const iso = closedAt.toUTC().toISO()!;
    const [row] = await trx('funeral_cases')
      .insert({
        facility_id: homes[home],
        case_number: `${year}-${String(seq).padStart(6, '0')}`,
        status: 'ashes_placed',
        deceased_name: names[i],
        id_number: first17 + checkCharacter(first17),
        sex: i % 2 ? 'male' : 'female',
        birth_date: '1948-01-01',
        death_at: closedAt.minus({ days: 4 }).toUTC().toISO(),
        created_at: closedAt.minus({ days: 4 }).toUTC().toISO(),
        updated_at: iso,
      })
      .returning('id');
    const caseId: number = typeof row === 'object' ? row.id : row;
    await issueSurveyIn(trx, caseId);
    await rate(trx, caseId, closedAt.plus({ days: 2 }), rating, comment);
  }
}

// Demo memorial page: the closed demo case at the first funeral home (王德华, ashes placed last year) has a public
// page with a sample biography, two approved tributes and one waiting for approval. No owner: the front desk keeps it
// and can issue a claim code from the case page. Its address is random, like every page's.
import type { Knex } from 'knex';
import { newSlug } from '../../server/memorials/secrets.js';
import { DEMO_CLOSED_ID_NUMBER } from './demo-cases.js';

/** Runs inside the demo seed's transaction, after the demo cases exist. */
export async function seedDemoMemorials(trx: Knex, clerkId: number | undefined): Promise<void> {
  const c = await trx('funeral_cases')
    .where({ id_number: DEMO_CLOSED_ID_NUMBER })
    .first('id', 'facility_id', 'death_at');
  if (!c) return;
  await trx('funeral_cases').where({ id: c.id }).update({ death_certificate_no: 'SL-示例-0001' });
  const at = (days: number) => new Date(Date.parse(c.death_at) + days * 86_400_000).toISOString();
  const [row] = await trx('memorials')
    .insert({
      case_id: c.id,
      facility_id: c.facility_id,
      slug: newSlug(),
      status: 'open',
      visibility: 'public',
      biography:
        '（示例）一生务农，勤劳朴实，乐于助人。晚年喜爱种花，常把自家的月季分给邻里。\n子孙满堂，家人永远怀念。',
      created_by: clerkId ?? null,
      created_at: at(5),
      updated_at: at(5),
    })
    .returning('id');
  const memorialId = typeof row === 'object' ? row.id : row;
  const tributes = [
    { kind: 'flower', message: null, writer_name: '邻居（示例）', status: 'approved', day: 6 },
    {
      kind: 'message',
      message: '（示例）爷爷，我们都很想您。',
      writer_name: '孙女（示例）',
      status: 'approved',
      day: 7,
    },
    { kind: 'candle', message: null, writer_name: null, status: 'pending', day: 8 },
  ];
  for (const [i, t] of tributes.entries())
    await trx('memorial_tributes').insert({
      memorial_id: memorialId,
      kind: t.kind,
      message: t.message,
      writer_name: t.writer_name,
      status: t.status,
      request_id: `demo-${i}`,
      created_at: at(t.day),
      decided_at: t.status === 'pending' ? null : at(t.day + 1),
      decided_by: t.status === 'pending' ? null : (clerkId ?? null),
    });
}

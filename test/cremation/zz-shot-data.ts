import { createDb } from '../../server/db.js';
import * as cremation from '../../server/cremation/service.js';
import { at, dayAhead } from './fixtures.js';
const db = createDb({ sqliteFile: '/tmp/crem-shot/shian.sqlite' });
const admin = { id: 1, username: 'admin', role: 'admin' as const, facility_id: null };
const names = ['张桂兰', '李建国', '王秀英', '刘德明', '陈淑芬', '杨志强', '赵玉珍', '黄国华', '周丽娟'];
const ids: number[] = [];
for (const [i, name] of names.entries()) {
  const now = new Date().toISOString();
  const [row] = await db('funeral_cases').insert({ facility_id: 1, case_number: `2026-0001${20 + i}`, status: i === 8 ? 'registered' : 'stored', deceased_name: name,
    id_number: '520201195001011234', sex: 'male', birth_date: '1950-01-01', death_at: now, contact_name: '家属', contact_phone: '13800000000', contact_relationship: '子女', created_at: now, updated_at: now }).returning('id');
  ids.push(typeof row === 'object' ? row.id : row);
}
const d = dayAhead(1);
const c = await db('cremators').where({ facility_id: 1 }).orderBy('id').pluck('id');
const h = await db('farewell_halls').where({ facility_id: 1 }).orderBy('id').pluck('id');
const plan: [string, number, number, string][] = [
  ['hall', h[0], 0, '07:00'], ['cremator', c[0], 0, '08:00'],
  ['hall', h[0], 1, '08:00'], ['cremator', c[0], 1, '09:00'],
  ['hall', h[1], 2, '09:00'], ['cremator', c[2], 2, '10:00'],
  ['cremator', c[1], 3, '08:00'], ['cremator', c[2], 4, '07:00'], ['cremator', c[0], 5, '13:00'],
  ['hall', h[1], 6, '14:00'],
];
for (const [kind, rid, i, hm] of plan) await cremation.book(db, admin, { kind: kind as 'hall' | 'cremator', case_id: ids[i], resource_id: rid, starts_at: at(d, hm) }, null);
await cremation.addClosure(db, admin, 1, { target: { kind: 'hall', id: h[1] }, starts_at: at(d, '11:00'), ends_at: at(d, '13:00'), reason: '布展' }, null);
console.log('ok', d);
await db.destroy();

// Fixtures for the family tests: a case opened through the intake form, a front desk of the other funeral home.
import { hashPassword } from '../../server/accounts/password.js';
import { nowIso } from '../../server/db.js';
import type { TestApp } from '../helpers/app.js';
import { Client } from '../helpers/client.js';
import { nextIdNumber } from '../helpers/id-numbers.js';

export const WANG_ID = '520201197001010018'; // a relative's ID number, valid (check digit 8)

let serial = 0;

export async function homes(app: TestApp): Promise<[number, number]> {
  const rows = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').select('id');
  return [rows[0].id, rows[1].id];
}

/** Opens a case through the intake form, of a person of their own (one open case per person); its contact is the one given. */
export async function openCase(
  app: TestApp,
  desk: Client,
  home: number,
  over: Record<string, string> = {},
): Promise<number> {
  serial += 1;
  const res = await desk.post(
    '/staff/cases',
    {
      facility_id: String(home),
      deceased_name: `家属测试${serial}`,
      id_number: nextIdNumber(),
      sex: '',
      birth_date: '',
      death_at: '2026-11-20T06:30',
      household_region__county: '',
      contact_name: '王丽',
      contact_phone: '13908581234',
      contact_relationship: '女儿',
      pickup_address: '',
      pickup_at: '',
      ...over,
    },
    { from: '/staff/cases/new' },
  );
  if (res.status !== 302) throw new Error(`intake answered ${res.status}`);
  return Number(res.location!.split('/').pop());
}

/** A front desk of the other funeral home, signed in. */
export async function otherDesk(app: TestApp, home: number, username: string): Promise<Client> {
  const now = nowIso();
  await app.db('users').insert({
    username,
    display_name: '盘州前台',
    role: 'front_desk',
    facility_id: home,
    password_hash: await hashPassword('Panzhou-2026'),
    created_at: now,
    updated_at: now,
  });
  const c = new Client(app.url);
  await c.login(username, 'Panzhou-2026');
  return c;
}

// Fixtures for the cremation tests: funeral cases inserted directly (the case service is another domain's), dates
// ahead of today in Shanghai, slot instants, users and tokens of other funeral homes.
import { DateTime } from 'luxon';
import { hashPassword } from '../../server/accounts/password.js';
import { createToken } from '../../server/accounts/tokens.js';
import { ZONE } from '../../server/cremation/slots.js';
import type { Db } from '../../server/db.js';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { nextIdNumber } from '../helpers/id-numbers.js';

export const HOME = '六盘水市殡仪馆（示例）';
export const OTHER_HOME = '盘州市殡仪馆（示例）';

let serial = 0;

export async function facilityId(db: Db, name = HOME): Promise<number> {
  return (await db('facilities').where({ name }).first('id')).id;
}

/** An open case of a funeral home; each call gets its own case number. */
export async function insertCase(
  db: Db,
  facility: number,
  over: Partial<{ status: string; deceased_name: string }> = {},
): Promise<number> {
  serial += 1;
  const now = new Date().toISOString();
  const [row] = await db('funeral_cases')
    .insert({
      facility_id: facility,
      case_number: `T-${process.pid}-${serial}`,
      status: over.status ?? 'stored',
      deceased_name: over.deceased_name ?? `测试${serial}`,
      id_number: nextIdNumber(),
      sex: 'male',
      birth_date: '1950-01-01',
      death_at: now,
      contact_name: '家属',
      contact_phone: '13800000000',
      contact_relationship: '子女',
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  return typeof row === 'object' ? row.id : row;
}

export async function insertCases(db: Db, facility: number, n: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i += 1) ids.push(await insertCase(db, facility));
  return ids;
}

/** A Shanghai calendar date some days from today. */
export function dayAhead(days: number): string {
  return DateTime.now().setZone(ZONE).plus({ days }).toISODate()!;
}

/** The UTC instant of a Shanghai wall-clock time on a date: at('2026-12-01', '08:00') → '2026-12-01T00:00:00.000Z'. */
export function at(date: string, hhmm: string): string {
  return DateTime.fromISO(`${date}T${hhmm}`, { zone: ZONE }).toUTC().toISO()!;
}

export async function resourceId(
  db: Db,
  table: 'cremators' | 'farewell_halls',
  facility: number,
  namePrefix: string,
): Promise<number> {
  return (await db(table).where({ facility_id: facility }).where('name', 'like', `${namePrefix}%`).first('id')).id;
}

/** A user (with the demo password) and an API token for them. */
export async function userWithToken(
  db: Db,
  username: string,
  role: string,
  facility: number | null,
): Promise<{ id: number; token: string }> {
  let user = await db('users').where({ username }).first('id');
  if (!user) {
    const now = new Date().toISOString();
    const [row] = await db('users')
      .insert({
        username,
        display_name: username,
        role,
        facility_id: facility,
        password_hash: await hashPassword(DEMO_PASSWORD),
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    user = { id: typeof row === 'object' ? row.id : row };
  }
  const { token } = await createToken(db, null, user.id, `test ${username}`, null);
  return { id: user.id, token };
}

export function api(base: string, token: string) {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    get: (path: string) => fetch(base + path, { headers }),
    post: (path: string, body: unknown) => fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body) }),
  };
}

/** The error a promise is refused with; fails the test when it is not refused. */
export async function refusal(
  promise: Promise<unknown>,
): Promise<{ code: string; status: number; params: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { code: string; status: number; params: Record<string, unknown> };
  }
  throw new Error('expected a refusal, but it was accepted');
}

export async function activeBookings(
  db: Db,
  table: 'cremation_bookings' | 'hall_bookings',
  where: Record<string, unknown>,
): Promise<{ id: number; case_id: number; starts_at: string; status: string }[]> {
  return db(table).where(where).where('status', 'booked').select('id', 'case_id', 'starts_at', 'status');
}

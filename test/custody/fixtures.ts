// Fixtures for the custody tests: cases of a funeral home inserted directly at a given status, times in Shanghai.
import { DateTime } from 'luxon';
import type { Db } from '../../server/db.js';
import { zone } from '../../server/time.js';
import { nextIdNumber } from '../helpers/id-numbers.js';

export const HOME = '六盘水市殡仪馆（示例）';
export const OTHER_HOME = '盘州市殡仪馆（示例）';
/** Valid ID numbers (GB 11643 check digit right), and one with its check digit wrong. */
export const RECIPIENT_ID = '11010519491231002X';
export const BAD_CHECK_ID = '110105194912310021';

let serial = 0;

export async function facilityId(db: Db, name = HOME): Promise<number> {
  return (await db('facilities').where({ name }).first('id')).id;
}

export async function userId(db: Db, username: string): Promise<number> {
  return (await db('users').where({ username }).first('id')).id;
}

/** A case (a person of their own) that died two days ago, at a status (registered by default); each call gets its own number. */
export async function insertCase(db: Db, facility: number, status = 'registered'): Promise<number> {
  serial += 1;
  const idNumber = nextIdNumber(); // one person, one open case
  const now = new Date().toISOString();
  const [row] = await db('funeral_cases')
    .insert({
      facility_id: facility,
      case_number: `C-${process.pid}-${serial}`,
      status,
      deceased_name: `监管${serial}`,
      id_number: idNumber,
      sex: Number(idNumber[16]) % 2 ? 'male' : 'female',
      birth_date: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
      death_at: DateTime.now().minus({ days: 2 }).toUTC().toISO(),
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  const id: number = typeof row === 'object' ? row.id : row;
  await db('case_contacts').insert({
    case_id: id,
    name: '家属',
    phone: '13800000000',
    relationship: '子女',
    is_ashes_recipient: true,
    created_at: now,
    updated_at: now,
  });
  return id;
}

/** A wall-clock time in Shanghai some minutes from now, as a datetime-local field sends it. */
export function localIn(minutes: number): string {
  return DateTime.now().setZone(zone).plus({ minutes }).toFormat("yyyy-MM-dd'T'HH:mm");
}

let tags = 0;
export const freshTag = () => `T-${process.pid}-${(tags += 1)}`;

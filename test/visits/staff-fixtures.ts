// Windows for the staff's tests that the hour of the run cannot turn into past ones.
import type { Knex } from 'knex';
import { nowIso } from '../../server/db.js';
import { windowInstants } from '../../server/visits/service.js';
import { dayFromToday } from './fixtures.js';

let allDaySecond = 0;
/**
 * A window of Shanghai's today open until 23:59:59, whatever the hour of the run (a window of 23:00–23:01 would be
 * over for a run at 23:30); each starts a second later than the last, never with the demo's windows.
 */
export async function allDayWindow(db: Knex, facilityId: number, capacity = 50): Promise<number> {
  const date = dayFromToday(0);
  const second = String(++allDaySecond).padStart(2, '0');
  const start = windowInstants(date, `00:00:${second}`, '23:59:59');
  const [row] = await db('visit_windows')
    .insert({
      facility_id: facilityId,
      visit_date: date,
      ...start,
      capacity,
      booked: 0,
      status: 'open',
      is_peak: false,
      created_at: nowIso(),
      updated_at: nowIso(),
    })
    .returning('id');
  return typeof row === 'object' ? row.id : row;
}

// Fixtures of the resting-place tests: the demo columbarium and cemetery, and a place by its code.
import type { Db } from '../../server/db.js';

export const COLUMBARIUM = '钟山区公益性骨灰堂（示例）';
export const CEMETERY = '大河镇农村公益性公墓（示例）';

export async function facilityNamed(db: Db, name: string): Promise<number> {
  return (await db('facilities').where({ name }).first('id')).id;
}

export async function placeCoded(db: Db, facility: number, code: string): Promise<{ id: number; status: string }> {
  return db('resting_places').where({ facility_id: facility, code }).first('id', 'status', 'hold_expires_at');
}

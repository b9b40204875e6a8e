// Demo resting places: the sample columbarium's halls A and B (6,000 niches, rows 4–7 优选) and the sample rural
// cemetery's sections of each plot type, with a few places held, occupied (some expiring or expired) and blocked.
// A handful of statements in all, so that a first start stays quick.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { nowIso } from '../../server/db.js';
import type { PlaceType } from '../../server/resting/kinds.js';
import { nicheCode, plotCode } from '../../server/resting/layout-service.js';
import { insertGroups, insertPlaces, type NewGroup, type NewPlace } from '../../server/resting/store.js';
import { todayInShanghai, zone } from '../../server/time.js';

const halls = [
  { hall: 'A', walls: 12 },
  { hall: 'B', walls: 18 },
];
const ROWS = 10;
const COLUMNS = 20;
const sections: { code: string; name: string; type: PlaceType; area: number; rows: number; columns: number }[] = [
  { code: 'D1', name: '单穴区', type: 'single', area: 0.8, rows: 10, columns: 20 },
  { code: 'D2', name: '双穴区', type: 'double', area: 1, rows: 6, columns: 15 },
  { code: 'S1', name: '树葬园', type: 'tree', area: 0.5, rows: 5, columns: 20 },
  { code: 'C1', name: '草坪葬区', type: 'lawn', area: 0.6, rows: 4, columns: 15 },
  { code: 'H1', name: '花坛葬区', type: 'flower_bed', area: 0.5, rows: 3, columns: 10 },
  { code: 'B1', name: '壁葬墙', type: 'wall', area: 0.3, rows: 4, columns: 20 },
  { code: 'M1', name: '深埋区', type: 'deep_no_mound', area: 0.5, rows: 3, columns: 10 },
];

export async function seedDemoResting(
  trx: Knex,
  ids: { columbarium: number; cemetery: number },
  users: { admin: number; cemetery: number },
): Promise<void> {
  const now = nowIso();
  const today = DateTime.fromISO(todayInShanghai(), { zone });
  const day = (d: number) => today.plus({ days: d }).toISODate()!;
  const until = new Date(Date.now() + 48 * 3_600_000).toISOString();
  const pad = (n: number) => String(n).padStart(2, '0');

  const walls: NewGroup[] = halls.flatMap(({ hall, walls: n }) =>
    Array.from({ length: n }, (_, i) => ({
      facility_id: ids.columbarium,
      kind: 'wall' as const,
      hall,
      code: `${hall}-${pad(i + 1)}`,
      name: null,
      row_count: ROWS,
      column_count: COLUMNS,
      created_by: users.admin,
      created_at: now,
    })),
  );
  const sectionRows: NewGroup[] = sections.map((s) => ({
    facility_id: ids.cemetery,
    kind: 'section' as const,
    hall: null,
    code: s.code,
    name: s.name,
    row_count: s.rows,
    column_count: s.columns,
    created_by: users.cemetery,
    created_at: now,
  }));
  const wallIds = await insertGroups(trx, walls);
  const sectionIds = await insertGroups(trx, sectionRows);

  // A few of each state on the first wall and the first section, so that the grids and the inventory show them.
  const states: Record<string, Partial<NewPlace>> = {
    '01-01': { status: 'occupied', term_ends_on: day(365 * 15) },
    '01-02': { status: 'occupied', term_ends_on: day(365 * 8) },
    '01-03': { status: 'occupied', term_ends_on: day(40) },
    '01-04': { status: 'occupied', term_ends_on: day(-12) },
    '02-05': { status: 'occupied', term_ends_on: day(365 * 19) },
    '02-06': { status: 'occupied', term_ends_on: day(80) },
    '03-01': { status: 'held', hold_expires_at: until },
    '03-02': { status: 'blocked', blocked_reason: '石材破损，待修' },
  };
  const place = (
    facility: number,
    groupId: number,
    first: boolean,
    by: number,
    row: number,
    column: number,
    rest: Pick<NewPlace, 'kind' | 'code' | 'place_type' | 'tier' | 'area_m2'>,
  ): NewPlace => {
    const state = first ? states[`${pad(row)}-${pad(column)}`] : undefined;
    return {
      facility_id: facility,
      group_id: groupId,
      row_no: row,
      column_no: column,
      term_years: 20,
      term_ends_on: null,
      status: 'free',
      hold_expires_at: null,
      held_by: null,
      blocked_reason: null,
      updated_at: now,
      ...rest,
      ...state,
      ...(state?.status === 'held' ? { held_by: by } : {}),
    };
  };

  const places: NewPlace[] = [];
  for (const w of walls)
    for (let row = 1; row <= ROWS; row += 1)
      for (let column = 1; column <= COLUMNS; column += 1)
        places.push(
          place(ids.columbarium, wallIds.get(w.code)!, w.code === 'A-01', users.admin, row, column, {
            kind: 'niche',
            code: nicheCode(w.hall!, Number(w.code.slice(-2)), row, column),
            place_type: 'niche',
            tier: row >= 4 && row <= 7 ? '优选' : '普通',
            area_m2: null,
          }),
        );
  for (const s of sections)
    for (let row = 1; row <= s.rows; row += 1)
      for (let column = 1; column <= s.columns; column += 1)
        places.push(
          place(ids.cemetery, sectionIds.get(s.code)!, s.code === 'D1', users.cemetery, row, column, {
            kind: 'plot',
            code: plotCode(s.code, row, column),
            place_type: s.type,
            tier: null,
            area_m2: s.area,
          }),
        );
  await insertPlaces(trx, places);
}

// Laying out a columbarium's walls and a cemetery's sections: the niches or plots of a range, made free in one
// transaction with its audit row, after a confirm step that counts them.
import type { Knex } from 'knex';
import { assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import type { SectionInput, WallRangeInput } from './schemas.js';
import type { PlaceKind } from './kinds.js';
import { restingFacility, type Actor, type RestingFacility } from './service.js';
import * as store from './store.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** A niche's code: hall-wall-row-column, zero-padded (A-03-07-12). */
export const nicheCode = (hall: string, wall: number, row: number, column: number) =>
  `${hall}-${pad(wall)}-${pad(row)}-${pad(column)}`;
export const plotCode = (section: string, row: number, column: number) => `${section}-${pad(row)}-${pad(column)}`;

/** How many niches a range makes. */
export const wallRangeCount = (r: Pick<WallRangeInput, 'wall_from' | 'wall_to' | 'rows' | 'columns'>) =>
  (r.wall_to - r.wall_from + 1) * r.rows * r.columns;

/** At most this many places in one range: a large columbarium is laid out hall by hall. */
export const MAX_RANGE = 20_000;

async function writableLayout(db: Knex, actor: Actor, id: number, want: PlaceKind): Promise<RestingFacility> {
  const facility = await restingFacility(db, actor, id);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  if (facility.placeKind !== want) throw new NotFoundError();
  return facility;
}

export async function wallForm(db: Knex, actor: Actor, id: number) {
  return { facility: await writableLayout(db, actor, id, 'niche') };
}

export async function sectionForm(db: Knex, actor: Actor, id: number) {
  return { facility: await writableLayout(db, actor, id, 'plot') };
}

/** The confirm step: a range naming a wall that exists already is refused before it is shown. */
export async function checkWallRange(db: Knex, actor: Actor, id: number, input: WallRangeInput): Promise<void> {
  const facility = await writableLayout(db, actor, id, 'niche');
  const n = wallRangeCount(input);
  if (n > MAX_RANGE)
    throw new ValidationError({ wall_to: { key: 'errors.range_too_large', params: { max: MAX_RANGE } } });
  const codes = new Set((await store.groupsOf(db, facility.id)).map((g) => g.code));
  for (let wall = input.wall_from; wall <= input.wall_to; wall += 1)
    if (codes.has(`${input.hall}-${pad(wall)}`))
      throw new ConflictError('wall_exists', {
        wall_from: { key: 'errors.wall_exists', params: { hall: input.hall } },
      });
}

/**
 * 生成格位: every wall of the range with its rows × columns of niches, in one transaction; a wall that exists
 * already refuses the whole range (named).
 */
export async function createWalls(
  db: Knex,
  actor: Actor,
  id: number,
  input: WallRangeInput,
  ip: string | null,
): Promise<{ walls: number; niches: number }> {
  const facility = await writableLayout(db, actor, id, 'niche');
  const n = wallRangeCount(input);
  if (n > MAX_RANGE)
    throw new ValidationError({ wall_to: { key: 'errors.range_too_large', params: { max: MAX_RANGE } } });
  const now = nowIso();
  const tierOf = (row: number) =>
    input.special_tier && row >= input.special_from! && row <= input.special_to! ? input.special_tier : input.tier;
  try {
    await db.transaction(async (trx) => {
      for (let wall = input.wall_from; wall <= input.wall_to; wall += 1) {
        const code = `${input.hall}-${pad(wall)}`;
        const groupId = await store.insertGroup(trx, {
          facility_id: facility.id,
          kind: 'wall',
          hall: input.hall,
          code,
          name: null,
          row_count: input.rows,
          column_count: input.columns,
          created_by: actor.id,
          created_at: now,
        });
        await layPlaces(trx, groupId, facility.id, input.rows, input.columns, now, (row, column) => ({
          kind: 'niche',
          code: nicheCode(input.hall, wall, row, column),
          place_type: 'niche',
          tier: tierOf(row),
          area_m2: null,
          term_years: input.term_years,
        }));
      }
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: 'resting_walls',
        entityId: facility.id,
        after: { ...input, confirm: undefined, niches: n },
        regionCode: facility.region_code,
        ip,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('wall_exists', {
        wall_from: { key: 'errors.wall_exists', params: { hall: input.hall } },
      });
    throw err;
  }
  return { walls: input.wall_to - input.wall_from + 1, niches: n };
}

type PlaceFields = Pick<store.NewPlace, 'kind' | 'code' | 'place_type' | 'tier' | 'area_m2' | 'term_years'>;

/** Inserts a wall's or section's rows × columns of places, all free: no term, hold or block yet. */
async function layPlaces(
  trx: Knex,
  groupId: number,
  facilityId: number,
  rows: number,
  columns: number,
  now: string,
  place: (row: number, column: number) => PlaceFields,
): Promise<void> {
  const out: store.NewPlace[] = [];
  for (let row = 1; row <= rows; row += 1)
    for (let column = 1; column <= columns; column += 1)
      out.push({
        ...place(row, column),
        facility_id: facilityId,
        group_id: groupId,
        row_no: row,
        column_no: column,
        term_ends_on: null,
        status: 'free',
        hold_expires_at: null,
        held_by: null,
        blocked_reason: null,
        updated_at: now,
      });
  await store.insertPlaces(trx, out);
}

/** 生成墓位: a section's rows × plots of one type, area and term, in one transaction. */
export async function createSection(
  db: Knex,
  actor: Actor,
  id: number,
  input: SectionInput,
  ip: string | null,
): Promise<{ plots: number }> {
  const facility = await writableLayout(db, actor, id, 'plot');
  const now = nowIso();
  const n = input.rows * input.columns;
  try {
    await db.transaction(async (trx) => {
      const groupId = await store.insertGroup(trx, {
        facility_id: facility.id,
        kind: 'section',
        hall: null,
        code: input.code,
        name: input.name ?? null,
        row_count: input.rows,
        column_count: input.columns,
        created_by: actor.id,
        created_at: now,
      });
      await layPlaces(trx, groupId, facility.id, input.rows, input.columns, now, (row, column) => ({
        kind: 'plot',
        code: plotCode(input.code, row, column),
        place_type: input.place_type,
        tier: input.tier ?? null,
        area_m2: input.area_m2,
        term_years: input.term_years,
      }));
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: 'resting_section',
        entityId: groupId,
        after: { ...input, confirm: undefined, plots: n },
        regionCode: facility.region_code,
        ip,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ConflictError('section_exists', {
        code: { key: 'errors.section_exists', params: { code: input.code } },
      });
    throw err;
  }
  return { plots: n };
}

// Keeping coverage targets: add, edit and delete, one transaction and one audit row each. A region has one target
// per indicator and year; the unique index (region_code, indicator, year) decides, and a clash names the existing one.
import type { Knex } from 'knex';
import * as audit from '../../audit/service.js';
import { isUniqueViolation, nowIso } from '../../db.js';
import { AppError, NotFoundError, ValidationError } from '../../http/errors.js';
import { levels, type Level } from '../../regions/levels.js';
import * as regions from '../../regions/store.js';
import type { TargetIndicator } from '../indicators/kinds.js';
import { deleteTarget, type Target } from './store.js';
import { fractionToPercent, type TargetInput } from '../figures/schemas.js';

/**
 * The lowest level a target for the indicator makes sense at: county coverage is a city's aim, township coverage a
 * county's, village coverage and graves a township's; cremation and green-burial figures are kept per county.
 */
export const deepestLevel: Record<TargetIndicator, Level> = {
  counties: 'city', cremation_counties: 'city', townships: 'county', villages: 'township', central_villages: 'township',
  grave_remediation: 'township', cremation_rate: 'county', green_burial_rate: 'county',
};

export async function findTarget(db: Knex, id: number): Promise<Target | undefined> {
  const row = await db('coverage_targets as t').join('regions as r', 'r.code', 't.region_code').where('t.id', id)
    .first('t.id', 't.region_code', 'r.name as region_name', 't.indicator', 't.year', 't.rate', 't.source');
  return row ? { ...row, rate: Number(row.rate), year: Number(row.year) } : undefined;
}

/** The rules a target must meet beyond its fields: a real region at a level the indicator is measured below. */
async function assertTarget(db: Knex, input: TargetInput): Promise<void> {
  const region = await regions.find(db, input.region);
  if (!region) throw new ValidationError({ region: { key: 'errors.region_not_found' } });
  const deepest = deepestLevel[input.indicator];
  if (levels.indexOf(region.level) > levels.indexOf(deepest)) {
    throw new ValidationError({ region: { key: `errors.target_level_${deepest}` } });
  }
}

const fieldsOf = (t: TargetInput | Target) => ({ region_code: 'region' in t ? t.region : t.region_code, indicator: t.indicator, year: t.year, rate: t.rate, source: t.source });

/** A target for the same region, indicator and year exists: the message names it and the page links to it. */
async function clash(db: Knex, input: TargetInput): Promise<AppError> {
  const other = await db('coverage_targets').where({ region_code: input.region, indicator: input.indicator, year: input.year }).first('id', 'rate');
  if (!other) return new AppError(409, 'conflict');
  const region = await regions.find(db, input.region);
  return new AppError(409, 'target_exists', {}, { id: other.id, region: region?.name ?? input.region, year: input.year, rate: fractionToPercent(Number(other.rate)) });
}

export async function createTarget(db: Knex, actor: audit.Actor, input: TargetInput, ip: string | null): Promise<number> {
  await assertTarget(db, input);
  try {
    return await db.transaction(async (trx) => {
      const row = { ...fieldsOf(input), updated_at: nowIso() };
      const [ins] = await trx('coverage_targets').insert(row).returning('id');
      const id = Number(typeof ins === 'object' ? ins.id : ins);
      await audit.record(trx, { actor, action: 'create', entity: 'coverage_target', entityId: id, after: fieldsOf(input), ip });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw await clash(db, input);
    throw err;
  }
}

export async function updateTarget(db: Knex, actor: audit.Actor, id: number, input: TargetInput, ip: string | null): Promise<void> {
  await assertTarget(db, input);
  try {
    await db.transaction(async (trx) => {
      const before = await findTarget(trx, id);
      if (!before) throw new NotFoundError();
      const [a, b] = [fieldsOf(before), fieldsOf(input)];
      if (JSON.stringify(a) === JSON.stringify(b)) return;
      await trx('coverage_targets').where({ id }).update({ ...b, updated_at: nowIso() });
      await audit.record(trx, { actor, action: 'update', entity: 'coverage_target', entityId: id, before: a, after: b, ip });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw await clash(db, input);
    throw err;
  }
}

/** Deletes a target; one deleted meanwhile (a second click) is a 404. */
export async function removeTarget(db: Knex, actor: audit.Actor, id: number, ip: string | null): Promise<Target> {
  return db.transaction(async (trx) => {
    const before = await findTarget(trx, id);
    if (!before || (await deleteTarget(trx, id)) === 0) throw new NotFoundError();
    await audit.record(trx, { actor, action: 'delete', entity: 'coverage_target', entityId: id, before: fieldsOf(before), ip });
    return before;
  });
}


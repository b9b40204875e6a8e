// Coverage targets: which target is in force for a region, indicator and year (the one rule the dashboard, the other
// indicators, the proposal and the report share), and keeping them: add, edit and delete, one transaction and one
// audit row each. A region has one target per indicator and year; the unique index (region_code, indicator, year)
// decides, and a clash names the existing one.
import type { Knex } from 'knex';
import * as audit from '../../audit/service.js';
import { isUniqueViolation } from '../../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../../http/errors.js';
import { levels, type Level } from '../../regions/levels.js';
import * as regions from '../../regions/service.js';
import type { TargetIndicator } from '../indicators/kinds.js';
import * as store from './store.js';
import type { Target } from './store.js';
import { type TargetInput } from './schemas.js';
import { formatRate } from '../../http/format.js';

/**
 * The lowest level a target for the indicator makes sense at: county coverage is a city's aim, township coverage a
 * county's, village coverage and graves a township's; cremation and green-burial figures are kept per county.
 */
export const deepestLevel: Record<TargetIndicator, Level> = {
  counties: 'city',
  cremation_counties: 'city',
  townships: 'county',
  villages: 'township',
  central_villages: 'township',
  grave_remediation: 'township',
  cremation_rate: 'county',
  green_burial_rate: 'county',
};

export type { Target } from './store.js';

// ## The target in force

/**
 * The target set for a region, indicator and year: the region's own for that year, else the nearest ancestor's (a
 * city's target applies to its counties unless a county has its own).
 */
export function targetFor(
  targets: Target[],
  regionCode: string,
  indicator: TargetIndicator,
  year: number,
): Target | undefined {
  let best: Target | undefined;
  for (const t of targets) {
    if (t.indicator !== indicator || t.year !== year || !regionCode.startsWith(t.region_code)) continue;
    if (!best || t.region_code.length > best.region_code.length) best = t;
  }
  return best;
}

export interface TargetInForce {
  year: number;
  /** A fraction 0–1. */
  rate: number;
  /** The region whose target it is (the region itself, or an ancestor whose target applies below it). */
  regionCode: string;
  own: boolean;
  /** Set for an earlier year: the deadline has passed and the rate is still expected. */
  carried: boolean;
  source: string | null;
}

/**
 * The target in force for a region, indicator and year: that year's (targetFor), else the latest earlier year's —
 * a rate to reach "by the end of 2024" is still the rate in 2025.
 */
export function targetInForce(
  targets: Target[],
  code: string,
  indicator: TargetIndicator,
  year: number,
): TargetInForce | undefined {
  const years = [
    ...new Set(targets.filter((t) => t.indicator === indicator && t.year <= year).map((t) => t.year)),
  ].sort((a, b) => b - a);
  for (const y of years) {
    const t = targetFor(targets, code, indicator, y);
    if (t)
      return {
        year: t.year,
        rate: t.rate,
        regionCode: t.region_code,
        own: t.region_code === code,
        carried: t.year < year,
        source: t.source,
      };
  }
  return undefined;
}

/** met when the actual rate reaches the target; gap is target − actual (positive when behind). */
export function compare(actual: number | null, target: number): { met: boolean; gap: number } {
  const a = actual ?? 0;
  return { met: a + 1e-9 >= target, gap: Math.max(0, target - a) };
}

/** Targets of the region and its ancestors (all the ones that may apply to it or its children). */
export function targetsAbove(db: Knex, regionCode: string): Promise<Target[]> {
  return store.targetsAbove(db, regionCode);
}

/** `region`: that region's own targets; `under`: the targets of a region and every region below it. */
export function listTargets(db: Knex, f: Parameters<typeof store.listTargets>[1] = {}): Promise<Target[]> {
  return store.listTargets(db, f);
}

// ## Keeping targets

export function findTarget(db: Knex, id: number): Promise<Target | undefined> {
  return store.findTarget(db, id);
}

/** The rules a target must meet beyond its fields: a real region at a level the indicator is measured below. */
async function assertTarget(db: Knex, input: TargetInput): Promise<void> {
  const region = await regions.findRegion(db, input.region);
  if (!region) throw new ValidationError({ region: { key: 'errors.region_not_found' } });
  const deepest = deepestLevel[input.indicator];
  if (levels.indexOf(region.level) > levels.indexOf(deepest)) {
    throw new ValidationError({ region: { key: `errors.target_level_${deepest}` } });
  }
}

const fieldsOf = (t: TargetInput | Target) => ({
  region_code: 'region' in t ? t.region : t.region_code,
  indicator: t.indicator,
  year: t.year,
  rate: t.rate,
  source: t.source,
});

/** A target for the same region, indicator and year exists: the message names it and the page links to it. */
async function clash(db: Knex, input: TargetInput): Promise<ConflictError> {
  const other = await store.targetAt(db, { region_code: input.region, indicator: input.indicator, year: input.year });
  if (!other) return new ConflictError('conflict');
  const region = await regions.findRegion(db, input.region);
  return new ConflictError(
    'target_exists',
    {},
    { id: other.id, region: region?.name ?? input.region, year: input.year, rate: formatRate(other.rate) },
  );
}

export async function createTarget(
  db: Knex,
  actor: audit.Actor,
  input: TargetInput,
  ip: string | null,
): Promise<number> {
  await assertTarget(db, input);
  try {
    return await db.transaction(async (trx) => {
      const id = await store.insertTarget(trx, fieldsOf(input));
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: 'coverage_target',
        entityId: id,
        after: fieldsOf(input),
        ip,
      });
      return id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw await clash(db, input);
    throw err;
  }
}

export async function updateTarget(
  db: Knex,
  actor: audit.Actor,
  id: number,
  input: TargetInput,
  ip: string | null,
): Promise<void> {
  await assertTarget(db, input);
  try {
    await db.transaction(async (trx) => {
      const before = await store.findTarget(trx, id);
      if (!before) throw new NotFoundError();
      const [a, b] = [fieldsOf(before), fieldsOf(input)];
      if (JSON.stringify(a) === JSON.stringify(b)) return;
      await store.updateTarget(trx, id, b);
      await audit.record(trx, {
        actor,
        action: 'update',
        entity: 'coverage_target',
        entityId: id,
        before: a,
        after: b,
        ip,
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw await clash(db, input);
    throw err;
  }
}

/** Deletes a target; one deleted meanwhile (a second click) is a 404. */
export async function removeTarget(db: Knex, actor: audit.Actor, id: number, ip: string | null): Promise<Target> {
  return db.transaction(async (trx) => {
    const before = await store.findTarget(trx, id);
    if (!before || (await store.deleteTarget(trx, id)) === 0) throw new NotFoundError();
    await audit.record(trx, {
      actor,
      action: 'delete',
      entity: 'coverage_target',
      entityId: id,
      before: fieldsOf(before),
      ip,
    });
    return before;
  });
}

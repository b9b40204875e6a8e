// Yearly figures the bureau keeps by hand: deaths, cremations and burials per county (region_year_stats),
// scattered graves per township (grave_remediation), funeral zones, and central villages (中心村). Each save is one
// transaction with an audit row per region changed; a grid row changed by someone else since it was read is a 409.
import type { Knex } from 'knex';
import * as audit from '../../audit/service.js';
import { isUniqueViolation } from '../../db.js';
import { ConflictError, ValidationError, type FieldErrors } from '../../http/errors.js';
import type { Level } from '../../regions/levels.js';
import type { FuneralZone } from '../indicators/kinds.js';
import { forgetDivisionTotals } from '../engine/service.js';
import { guardChange, guardYearFigures } from '../years/guard.js';
import * as store from './store.js';
import type { NamedRegion, VillageChoice, YearTotals, ZoneRow } from './store.js';
import {
  cellName,
  countyMeasures,
  countyRowProblems,
  graveRowProblems,
  type CountyRowInput,
  type GraveRowInput,
} from './schemas.js';

export type { NamedRegion, VillageChoice, YearTotals, ZoneRow } from './store.js';

/** The regions of one level at or below a prefix, in code order. */
export function regionsAt(db: Knex, level: Level, prefix: string): Promise<NamedRegion[]> {
  return store.regionsAt(db, level, prefix);
}

// ## Deaths, cremations and burials per county and year

export interface CountyFigures {
  region_code: string;
  deaths: number | null;
  cremations: number | null;
  burials: number | null;
  green_burials: number | null;
}
export interface CountyRow extends CountyFigures {
  name: string;
  updated_at: string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const figuresOf = (r: Record<string, unknown>): CountyFigures => ({
  region_code: String(r.region_code),
  deaths: num(r.deaths),
  cremations: num(r.cremations),
  burials: num(r.burials),
  green_burials: num(r.green_burials),
});

/** The counties below a prefix with what was entered for the year (nulls where nothing was). */
export async function countyFigures(db: Knex, prefix: string, year: number): Promise<CountyRow[]> {
  const counties = await store.regionsAt(db, 'county', prefix);
  const rows = await store.countyStats(db, prefix, year);
  const byCode = new Map(rows.map((r) => [r.region_code, r]));
  return counties.map((c) => {
    const r = byCode.get(c.code);
    return {
      ...(r
        ? figuresOf(r)
        : { region_code: c.code, deaths: null, cremations: null, burials: null, green_burials: null }),
      name: c.name,
      updated_at: r ? String(r.updated_at) : null,
    };
  });
}

/** Entered figures summed per year over the counties below a prefix (only counties that entered something). */
export function yearTotals(db: Knex, prefix: string): Promise<YearTotals[]> {
  return store.yearTotals(db, prefix);
}

const changed = (a: object, b: object) => JSON.stringify(a) !== JSON.stringify(b);

/**
 * Refuses (ValidationError) rows whose region is not of `level` (the message on its first cell, `cell`) and rows
 * whose figures break their own rules (`problems`), all at once.
 */
async function assertRows<R extends { region_code: string }>(
  db: Knex,
  rows: R[],
  rule: { level: string; cell: string; key: string },
  problems: (r: R) => FieldErrors,
): Promise<void> {
  const errors: FieldErrors = {};
  const levels = await store.levelsOf(
    db,
    rows.map((r) => r.region_code),
  );
  for (const r of rows) {
    if (levels.get(r.region_code) !== rule.level)
      errors[cellName(rule.cell, r.region_code)] = { key: rule.key, params: { code: r.region_code } };
    else Object.assign(errors, problems(r));
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

/**
 * Saves one year's grid. A row left blank that had figures is deleted. `version` is the updated_at the page was
 * read at: a row that someone else changed (or added, or deleted) since is not overwritten.
 */
export async function saveCountyFigures(
  db: Knex,
  actor: audit.Actor,
  year: number,
  rows: CountyRowInput[],
  ip: string | null,
  closedYearReason?: string,
): Promise<number> {
  await assertRows(db, rows, { level: 'county', cell: 'deaths', key: 'errors.figures_county_only' }, countyRowProblems);
  return saveRows(
    db,
    actor,
    {
      table: 'region_year_stats',
      entity: 'region_year_stats',
      year,
      rows,
      values: (r) => ({
        deaths: r.deaths,
        cremations: r.cremations,
        burials: r.burials,
        green_burials: r.green_burials,
      }),
      blank: (r) => countyMeasures.every((m) => r[m] === null),
    },
    ip,
    closedYearReason,
  );
}

interface SaveSpec<R extends { region_code: string; version: string | null }> {
  table: store.GridTable;
  entity: string;
  year: number;
  rows: R[];
  values: (r: R) => Record<string, number | null>;
  blank: (r: R) => boolean;
}

/** Insert, update or delete each changed row of a grid, guarded by the version it was read at; returns the count changed. */
async function saveRows<R extends { region_code: string; version: string | null }>(
  db: Knex,
  actor: audit.Actor,
  s: SaveSpec<R>,
  ip: string | null,
  closedYearReason?: string,
): Promise<number> {
  try {
    return await db.transaction(async (trx) => {
      const existing = await store.gridRows(
        trx,
        s.table,
        s.year,
        s.rows.map((r) => r.region_code),
      );
      let n = 0;
      const changes: { region_code: string; before: unknown; after: unknown }[] = [];
      for (const r of s.rows) {
        const e = existing.get(r.region_code);
        const after = s.values(r);
        const before = e ? Object.fromEntries(Object.keys(after).map((k) => [k, num(e[k])])) : null;
        const key = { region_code: r.region_code, year: s.year };
        const entityId = `${r.region_code}/${s.year}`;
        const where = { actor, entity: s.entity, entityId, regionCode: r.region_code, ip };
        if (!e && s.blank(r)) {
          if (r.version) throw new ConflictError('figures_changed');
          continue;
        }
        if (e && !changed(before!, after)) continue;
        if (e && String(e.updated_at) !== r.version) throw new ConflictError('figures_changed');
        if (!e && r.version) throw new ConflictError('figures_changed');
        if (e && s.blank(r)) {
          if ((await store.deleteGridRow(trx, s.table, key, e.updated_at as string)) === 0)
            throw new ConflictError('figures_changed');
          await audit.record(trx, { ...where, action: 'delete', before });
        } else if (e) {
          if ((await store.updateGridRow(trx, s.table, key, e.updated_at as string, after)) === 0)
            throw new ConflictError('figures_changed');
          await audit.record(trx, { ...where, action: 'update', before, after });
        } else {
          await store.insertGridRow(trx, s.table, key, after);
          await audit.record(trx, { ...where, action: 'create', after });
        }
        changes.push({ region_code: r.region_code, before, after: s.blank(r) ? null : after });
        n++;
      }
      if (n > 0)
        await guardYearFigures(
          trx,
          actor,
          { codes: changes.map((c) => c.region_code), year: s.year, entity: s.entity, rows: changes },
          closedYearReason,
        );
      return n;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('figures_changed');
    throw err;
  }
}

// ## Scattered graves per township and year (散坟整治)

export interface GraveRow {
  region_code: string;
  name: string;
  found: number | null;
  remediated: number | null;
  updated_at: string | null;
  /** The township's latest report before the year: it counts for the year until one is entered. */
  previous: { year: number; found: number; remediated: number } | null;
}

export async function townshipGraves(db: Knex, county: string, year: number): Promise<GraveRow[]> {
  const townships = await store.regionsAt(db, 'township', county);
  const rows = await store.graveRows(db, county, year);
  const current = new Map<string, Record<string, unknown>>();
  const previous = new Map<string, GraveRow['previous']>();
  for (const r of rows) {
    if (Number(r.year) === year) current.set(r.region_code, r);
    else
      previous.set(r.region_code, { year: Number(r.year), found: Number(r.found), remediated: Number(r.remediated) });
  }
  return townships.map((t) => {
    const r = current.get(t.code);
    return {
      region_code: t.code,
      name: t.name,
      found: num(r?.found),
      remediated: num(r?.remediated),
      updated_at: r ? String(r.updated_at) : null,
      previous: previous.get(t.code) ?? null,
    };
  });
}

export async function saveGraves(
  db: Knex,
  actor: audit.Actor,
  year: number,
  rows: GraveRowInput[],
  ip: string | null,
  closedYearReason?: string,
): Promise<number> {
  await assertRows(
    db,
    rows,
    { level: 'township', cell: 'found', key: 'errors.graves_township_only' },
    graveRowProblems,
  );
  return saveRows(
    db,
    actor,
    {
      table: 'grave_remediation',
      entity: 'grave_remediation',
      year,
      rows,
      values: (r) => ({ found: r.found, remediated: r.remediated }),
      blank: (r) => r.found === null && r.remediated === null,
    },
    ip,
    closedYearReason,
  );
}

// ## Funeral zones (火葬区 / 土葬改革区)

export function zoneRows(db: Knex, codes: string[]): Promise<ZoneRow[]> {
  return store.zoneRows(db, codes);
}

/** Sets the zone of each listed county or township ('' clears it); returns the count changed. */
export async function saveZones(
  db: Knex,
  actor: audit.Actor,
  rows: { region_code: string; zone: FuneralZone | null }[],
  ip: string | null,
): Promise<number> {
  const kinds = await store.levelsOf(
    db,
    rows.map((r) => r.region_code),
  );
  const errors: FieldErrors = {};
  for (const r of rows) {
    const level = kinds.get(r.region_code);
    if (level !== 'county' && level !== 'township')
      errors[cellName('zone', r.region_code)] = { key: 'errors.zone_level', params: { code: r.region_code } };
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return db.transaction(async (trx) => {
    const current = new Map(
      (
        await store.zoneRows(
          trx,
          rows.map((r) => r.region_code),
        )
      ).map((z) => [z.code, z.funeral_zone]),
    );
    let n = 0;
    for (const r of rows) {
      const before = current.get(r.region_code) ?? null;
      if (before === r.zone) continue;
      await store.setZone(trx, r.region_code, r.zone);
      await audit.record(trx, {
        actor,
        action: 'update',
        entity: 'region',
        entityId: r.region_code,
        before: { funeral_zone: before },
        after: { funeral_zone: r.zone },
        regionCode: r.region_code,
        ip,
      });
      n++;
    }
    return n;
  });
}

// ## Central villages (中心村) of a township

/** The administrative villages of a township (communities are never central villages). */
export function adminVillages(db: Knex, township: string): Promise<VillageChoice[]> {
  return store.adminVillages(db, township);
}

/** Central-village counts per township below a prefix: [admin villages, central villages]. */
export function centralCounts(db: Knex, prefix: string): Promise<Map<string, { villages: number; central: number }>> {
  return store.centralCounts(db, prefix);
}

/** Townships below a prefix that reported scattered graves for the year. */
export function gravesReported(db: Knex, prefix: string, year: number): Promise<string[]> {
  return store.gravesReported(db, prefix, year);
}

/**
 * Marks exactly the given administrative villages of the township as central villages. The coverage totals of
 * this process are dropped at once so the dashboard shows the new central-village rate.
 */
export async function saveCentralVillages(
  db: Knex,
  actor: audit.Actor,
  township: string,
  codes: string[],
  ip: string | null,
  closedYearReason?: string,
): Promise<number> {
  const wanted = new Set(codes);
  const changes = await db.transaction(async (trx) => {
    const villages = await store.adminVillages(trx, township);
    const known = new Set(villages.map((v) => v.code));
    const stray = [...wanted].find((c) => !known.has(c));
    if (stray)
      throw new ValidationError({ central: { key: 'errors.central_not_admin_village', params: { code: stray } } });
    const on = villages.filter((v) => wanted.has(v.code) && !v.central).map((v) => v.code);
    const off = villages.filter((v) => !wanted.has(v.code) && v.central).map((v) => v.code);
    if (on.length === 0 && off.length === 0) return 0;
    // Marks have no date: they count on every day, so every closed year of the county and city is checked.
    const reach = { codes: [township], from: '2000-01-01', entity: 'central_villages', entityId: township };
    await guardChange(trx, actor, reach, closedYearReason, async () => {
      await store.setCentral(trx, on, off);
    });
    await audit.record(trx, {
      actor,
      action: 'update',
      entity: 'central_villages',
      entityId: township,
      before: { central: villages.filter((v) => v.central).map((v) => v.code) },
      after: {
        central: villages.filter((v) => wanted.has(v.code)).map((v) => v.code),
        added: on,
        removed: off,
        ...(closedYearReason ? { closed_year_reason: closedYearReason } : {}),
      },
      regionCode: township,
      ip,
    });
    return on.length + off.length;
  });
  if (changes > 0) forgetDivisionTotals(db);
  return changes;
}

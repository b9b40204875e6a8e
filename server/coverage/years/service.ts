// 年度报送: a county bureau submits its county's year, the city bureau (or the administrator) returns it with a reason
// or accepts it; the city closes its own year once every county's is accepted (the administrator reviews that).
// Each submission snapshots the figures as of 12-31, stored as rows; reviews are conditional updates, so of two
// reviewers at once one wins and the other gets 409.
import type { Knex } from 'knex';
import { inRegionScope, type User } from '../../accounts/roles.js';
import * as audit from '../../audit/service.js';
import { isUniqueViolation, nowIso } from '../../db.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../http/errors.js';
import * as regions from '../../regions/service.js';
import type { Region } from '../../regions/levels.js';
import { figuresOn, type FigureRow } from './figures.js';
import { yearEnd } from './kinds.js';
import * as store from './store.js';
import './guard.js';

export type { Submission, SnapshotRow } from './store.js';
export type { FigureRow } from './figures.js';

type Who = Pick<User, 'id' | 'username' | 'role' | 'region_code'>;

/** A year may be closed once it is over in Asia/Shanghai: a past year, never the current one before 12-31 has passed. */
export const yearIsOver = (year: number, today: string): boolean => yearEnd(year) < today;

/** Who submits a region's year: a county's own bureau; a city's bureau (its city, or one tied to none); the administrator. */
export function maySubmit(user: Who, region: Pick<Region, 'code' | 'level'>): boolean {
  if (user.role === 'admin') return true;
  if (region.level === 'county') return user.role === 'county_bureau' && user.region_code === region.code;
  if (region.level === 'city') return user.role === 'bureau' && inRegionScope(user, region.code);
  return false;
}

/** Who reviews it: a county's year the city bureau over it (or the administrator); a city's year the administrator. */
export function mayReview(user: Who, region: Pick<Region, 'code' | 'level'>): boolean {
  if (user.role === 'admin') return true;
  return region.level === 'county' && user.role === 'bureau' && inRegionScope(user, region.code);
}

/** Who reads it: anyone who may submit or review it, and the bureaus whose region holds it. */
export function mayRead(user: Who, region: Pick<Region, 'code' | 'level'>): boolean {
  if (maySubmit(user, region) || mayReview(user, region)) return true;
  return (user.role === 'bureau' || user.role === 'county_bureau') && inRegionScope(user, region.code);
}

async function submittable(db: Knex, code: string): Promise<Region> {
  const region = await regions.findRegion(db, code);
  if (!region) throw new NotFoundError('region_not_found');
  if (region.level !== 'county' && region.level !== 'city') throw new ValidationError({}, 'year_region_level');
  return region;
}

/** The counties of a city whose year is not accepted yet (a city closes its year after all of them). */
export async function pendingCounties(db: Knex, city: string, year: number): Promise<Region[]> {
  const counties = await regions.childRegions(db, city);
  const subs = new Map(
    (
      await store.listFor(
        db,
        counties.map((c) => c.code),
        [year],
      )
    ).map((s) => [s.region_code, s]),
  );
  return counties.filter((c) => subs.get(c.code)?.status !== 'accepted');
}

/** What a submission would keep now: the figures as of 12-31 of the year (the confirmation page shows them). */
export async function preview(
  db: Knex,
  user: Who,
  code: string,
  year: number,
  today: string,
): Promise<{
  region: Region;
  figures: FigureRow[];
  existing?: store.Submission;
  pending: Region[];
  over: boolean;
  allowed: boolean;
}> {
  const region = await submittable(db, code);
  // Out of the user's region it answers like a missing one; inside, those who may not submit see the figures only.
  if (!mayRead(user, region)) throw new NotFoundError('region_not_found');
  const [figures, existing, pending] = await Promise.all([
    figuresOn(db, region.code, yearEnd(year)),
    store.findByRegionYear(db, region.code, year),
    region.level === 'city' ? pendingCounties(db, region.code, year) : Promise.resolve([]),
  ]);
  return { region, figures, existing, pending, over: yearIsOver(year, today), allowed: maySubmit(user, region) };
}

/** Submits (or, after a return, submits again) a region's year with a new snapshot. Answers the submission's id. */
export async function submitYear(
  db: Knex,
  user: Who,
  code: string,
  year: number,
  today: string,
  ip: string | null,
): Promise<number> {
  const region = await submittable(db, code);
  if (!mayRead(user, region)) throw new NotFoundError('region_not_found');
  if (!maySubmit(user, region)) throw new ForbiddenError();
  if (!yearIsOver(year, today)) throw new ConflictError('year_not_over', {}, { year });
  try {
    return await db.transaction(async (trx) => {
      if (region.level === 'city') {
        const pending = await pendingCounties(trx, region.code, year);
        if (pending.length)
          throw new ConflictError('year_counties_pending', {}, { names: pending.map((c) => c.name).join('、') });
      }
      const at = nowIso();
      const existing = await store.findByRegionYear(trx, region.code, year);
      let id: number, round: number;
      if (!existing) {
        round = 1;
        id = await store.insert(trx, {
          region_code: region.code,
          year,
          status: 'submitted',
          round,
          submitted_by: user.id,
          submitted_at: at,
          reviewed_by: null,
          reviewed_at: null,
          return_reason: null,
          updated_at: at,
        });
      } else {
        if (existing.status !== 'returned') throw new ConflictError('year_already_submitted');
        if ((await store.resubmit(trx, existing.id, existing.round, user.id, at)) === 0)
          throw new ConflictError('year_already_submitted');
        id = existing.id;
        round = existing.round + 1;
      }
      const figures = await figuresOn(trx, region.code, yearEnd(year));
      await store.insertSnapshot(
        trx,
        figures.map((f) => ({
          submission_id: id,
          round,
          region_code: f.region_code,
          region_name: f.region_name,
          indicator: f.indicator,
          total: f.total,
          covered: f.covered,
        })),
      );
      const own = Object.fromEntries(figures.filter((f) => f.own).map((f) => [f.indicator, [f.covered, f.total]]));
      await audit.record(trx, {
        actor: user,
        action: 'submit',
        entity: 'year_submission',
        entityId: id,
        after: { region_code: region.code, year, round, figures: own },
        regionCode: region.code,
        ip,
      });
      return id;
    });
  } catch (err) {
    // Two first submissions at once: the unique index on (region, year) lets one in.
    if (isUniqueViolation(err)) throw new ConflictError('year_already_submitted');
    throw err;
  }
}

/** Accepts the round the reviewer saw, or returns it with a reason; a lost race (or a stale page) is 409. */
export async function reviewYear(
  db: Knex,
  user: Who,
  id: number,
  decision: { action: 'accept' | 'return'; round: number; reason?: string },
  ip: string | null,
): Promise<store.Submission> {
  const s = await store.findById(db, id);
  if (!s) throw new NotFoundError();
  const region = await submittable(db, s.region_code);
  if (!mayReview(user, region)) throw new ForbiddenError();
  if (decision.action === 'return' && !decision.reason)
    throw new ValidationError({ reason: { key: 'errors.year_return_reason_required' } });
  await db.transaction(async (trx) => {
    const status = decision.action === 'accept' ? 'accepted' : 'returned';
    const n = await store.review(trx, id, decision.round, {
      status,
      by: user.id,
      at: nowIso(),
      reason: decision.action === 'return' ? decision.reason! : null,
    });
    if (n === 0) throw new ConflictError('year_review_conflict');
    await audit.record(trx, {
      actor: user,
      action: decision.action,
      entity: 'year_submission',
      entityId: id,
      before: { status: 'submitted', round: decision.round },
      after: { status, region_code: s.region_code, year: s.year, reason: decision.reason ?? null },
      regionCode: s.region_code,
      ip,
    });
  });
  return s;
}

// ## Reading

export async function findSubmission(db: Knex, user: Who, id: number) {
  const s = await store.findById(db, id);
  if (!s) throw new NotFoundError();
  const region = (await regions.findRegion(db, s.region_code))!;
  // Out of the user's region, a submission answers like a missing one.
  if (!mayRead(user, region)) throw new NotFoundError();
  const [snapshot, changes] = await Promise.all([
    store.snapshotRows(db, s.id, s.round),
    store.closedYearChanges(db, s.id),
  ]);
  return {
    submission: s,
    region,
    snapshot,
    changes,
    canReview: s.status === 'submitted' && mayReview(user, region),
    canResubmit: s.status === 'returned' && maySubmit(user, region),
  };
}

export function submissionsFor(db: Knex, codes: string[], years: number[]): Promise<store.Submission[]> {
  return store.listFor(db, codes, years);
}

/** The closed snapshot of a region's year, or undefined when it has none standing (none, or returned). */
export async function closedSnapshot(db: Knex, code: string, year: number): Promise<store.SnapshotRow[] | undefined> {
  const s = await store.findByRegionYear(db, code, year);
  if (!s || s.status === 'returned') return undefined;
  return store.snapshotRows(db, s.id, s.round);
}

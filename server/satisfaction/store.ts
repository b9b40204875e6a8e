// Queries of the satisfaction survey: the code made when a case closes, the one rating it takes, and the figures
// per facility and month for the staff page.
import type { Knex } from 'knex';

export interface SurveyRow {
  id: number;
  case_id: number;
  facility_id: number;
  facility_name: string;
  code: string;
  rating: number | null;
  rated_at: string | null;
}

/** Who sees which ratings: one facility (its front desk), the facilities located under a region code, or all. */
export interface Scope {
  facilityId?: number;
  regionPrefix?: string;
}

/**
 * The case's survey with this code, unless the case has one already (a case closes once; the code may also be
 * taken, one chance in a trillion, and the caller tries another). The case's home is read in the same statement.
 */
export async function insertSurvey(trx: Knex, caseId: number, code: string, at: string): Promise<void> {
  await trx.raw(
    `INSERT INTO satisfaction_surveys (case_id, facility_id, code, issued_at)
     SELECT id, facility_id, ?, ? FROM funeral_cases WHERE id = ?
     ON CONFLICT DO NOTHING`,
    [code, at, caseId],
  );
}

const surveys = (db: Knex) =>
  db('satisfaction_surveys as s')
    .join('facilities as f', 'f.id', 's.facility_id')
    .select('s.id', 's.case_id', 's.facility_id', 'f.name as facility_name', 's.code', 's.rating', 's.rated_at');

export async function findByCase(db: Knex, caseId: number): Promise<SurveyRow | undefined> {
  return surveys(db).where('s.case_id', caseId).first();
}

export async function findByCode(db: Knex, code: string): Promise<SurveyRow | undefined> {
  return surveys(db).where('s.code', code).first();
}

/** The one rating a code takes: of two at once, the one whose update finds the survey unrated wins. */
export async function rate(
  trx: Knex,
  code: string,
  r: { rating: number; comment: string | null; rated_at: string; rated_month: string },
): Promise<boolean> {
  const n = await trx('satisfaction_surveys').where({ code }).whereNull('rated_at').update(r);
  return n === 1;
}

function scoped(q: Knex.QueryBuilder, scope: Scope): Knex.QueryBuilder {
  if (scope.facilityId !== undefined) q.where('f.id', scope.facilityId);
  if (scope.regionPrefix !== undefined) q.where('f.region_code', 'like', `${scope.regionPrefix}%`);
  return q;
}

export interface MonthRow {
  facility_id: number;
  facility_name: string;
  month: string;
  count: number;
  sum: number;
  /** How many ratings gave 1, 2, 3, 4 and 5. */
  r1: number;
  r2: number;
  r3: number;
  r4: number;
  r5: number;
}

/** Ratings per facility and month (Asia/Shanghai) in [from, to], months as 'YYYY-MM'; newest month first. */
export async function perMonth(db: Knex, scope: Scope, from: string, to: string): Promise<MonthRow[]> {
  const q = db('satisfaction_surveys as s')
    .join('facilities as f', 'f.id', 's.facility_id')
    .whereNotNull('s.rated_at')
    .whereBetween('s.rated_month', [from, to])
    .groupBy('s.facility_id', 'f.name', 's.rated_month')
    // By id within a month, not by name: the databases sort Chinese names by different collations.
    .orderBy([
      { column: 's.rated_month', order: 'desc' },
      { column: 's.facility_id', order: 'asc' },
    ])
    .select(
      's.facility_id',
      'f.name as facility_name',
      's.rated_month as month',
      db.raw('count(*) as count'),
      db.raw('sum(s.rating) as sum'),
      ...[1, 2, 3, 4, 5].map((n) => db.raw(`sum(case when s.rating = ${n} then 1 else 0 end) as r${n}`)),
    );
  const rows = await scoped(q, scope);
  // PostgreSQL answers count and sum as strings (bigint).
  return rows.map((r: Record<string, unknown>) => ({
    facility_id: Number(r.facility_id),
    facility_name: String(r.facility_name),
    month: String(r.month),
    count: Number(r.count),
    sum: Number(r.sum),
    r1: Number(r.r1),
    r2: Number(r.r2),
    r3: Number(r.r3),
    r4: Number(r.r4),
    r5: Number(r.r5),
  }));
}

export interface CommentRow {
  facility_name: string;
  rating: number;
  comment: string;
  rated_at: string;
}

/** The latest comments in [from, to], newest first, a page at a time, with how many there are. */
export async function comments(
  db: Knex,
  scope: Scope,
  from: string,
  to: string,
  limit: number,
  offset: number,
): Promise<{ rows: CommentRow[]; total: number }> {
  const base = () =>
    scoped(
      db('satisfaction_surveys as s')
        .join('facilities as f', 'f.id', 's.facility_id')
        .whereNotNull('s.comment')
        .whereBetween('s.rated_month', [from, to]),
      scope,
    );
  const [rows, [{ n }]] = await Promise.all([
    base()
      .orderBy([
        { column: 's.rated_at', order: 'desc' },
        { column: 's.id', order: 'desc' },
      ])
      .limit(limit)
      .offset(offset)
      .select('f.name as facility_name', 's.rating', 's.comment', 's.rated_at'),
    base().count({ n: '*' }),
  ]);
  return { rows: rows as CommentRow[], total: Number(n) };
}

/** The facilities in scope that may have ratings (funeral homes), for the filter. */
export async function homesInScope(db: Knex, scope: Scope): Promise<{ id: number; name: string }[]> {
  return scoped(
    db('facilities as f').where('f.kind', 'funeral_home').orderBy('f.name').select('f.id', 'f.name'),
    scope,
  );
}

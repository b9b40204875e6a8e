// Use cases of the satisfaction survey (满意度测评): a code made when a case closes, the family's one rating by that
// code on a public page, and the ratings per facility and month for the bureau and the homes.
import { randomInt } from 'node:crypto';
import type { Knex } from 'knex';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { DateTime } from 'luxon';
import { regionScope, type User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { nowIso } from '../db.js';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors.js';
import { todayInShanghai, zone } from '../time.js';
import { assertMayTry, countFailure } from './limits.js';
import { CODE_ALPHABET, CODE_LENGTH, type RatingInput, type ReportQuery } from './schemas.js';
import * as store from './store.js';

export type { SurveyRow, MonthRow, CommentRow } from './store.js';

export function newCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * Makes the case's survey code inside the transaction that closes it (cases/service.ts moveCaseIn): a case that
 * never closes has none, and one that closes has exactly one (the unique case_id).
 */
export async function issueSurveyIn(trx: Knex, caseId: number): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    await store.insertSurvey(trx, caseId, newCode(), nowIso());
    if (await store.findByCase(trx, caseId)) return;
  }
  throw new Error(`no free survey code for case ${caseId}`);
}

/** The case's survey, for its printed statement; none before the case closes. */
export function surveyOfCase(db: Knex, caseId: number): Promise<store.SurveyRow | undefined> {
  return store.findByCase(db, caseId);
}

const unknownCode = () => new ValidationError({ code: { key: 'errors.survey_code_unknown' } }, 'survey_code_unknown');

/** The survey a family opens by its code: unknown and used codes count against the address (limits.ts). */
export async function openSurvey(
  db: Knex,
  limiter: RateLimiterAbstract,
  code: string,
  ip: string | null,
): Promise<store.SurveyRow> {
  await assertMayTry(limiter, ip);
  const s = await store.findByCode(db, code);
  if (!s || s.rated_at) await countFailure(limiter, ip);
  if (!s) throw unknownCode();
  if (s.rated_at) throw new ConflictError('survey_already_rated');
  return s;
}

/** The family's one rating: of two sent at once with the same code, the database lets exactly one through. */
export async function rate(
  db: Knex,
  limiter: RateLimiterAbstract,
  input: RatingInput,
  ip: string | null,
): Promise<void> {
  await assertMayTry(limiter, ip);
  const at = nowIso();
  const rated = await db.transaction(async (trx) => {
    const ok = await store.rate(trx, input.code, {
      rating: input.rating,
      comment: input.comment ?? null,
      rated_at: at,
      rated_month: todayInShanghai(new Date(at)).slice(0, 7),
    });
    if (!ok) return undefined;
    const s = (await store.findByCode(trx, input.code))!;
    // The comment stays out of the log: a family may write names or numbers in it.
    await audit.record(trx, {
      actor: null,
      action: 'rate',
      entity: 'satisfaction_survey',
      entityId: s.id,
      after: { rating: input.rating, facility_id: s.facility_id },
      ip,
    });
    return s;
  });
  if (rated) return;
  // Outside the transaction: on SQLite the counter's write would wait for it.
  await countFailure(limiter, ip);
  if (await store.findByCode(db, input.code)) throw new ConflictError('survey_already_rated');
  throw unknownCode();
}

// ## The staff page: ratings per facility and month

type Reader = Pick<User, 'role' | 'facility_id' | 'region_code'>;

/** A funeral home's front desk reads its own home; a bureau its region (a county bureau its county); admin all. */
export function scopeOf(user: Reader): store.Scope {
  if (user.role === 'front_desk') return { facilityId: user.facility_id ?? -1 };
  if (user.role === 'admin') return {};
  const prefix = regionScope({ role: user.role, region_code: user.region_code ?? null });
  return prefix === undefined ? {} : { regionPrefix: prefix };
}

export const COMMENTS_PER_PAGE = 20;
/** The months a page opens on: this one and the five before it. */
const DEFAULT_MONTHS = 6;

export interface Report {
  from: string;
  to: string;
  homes: { id: number; name: string }[];
  facility?: { id: number; name: string };
  rows: store.MonthRow[];
  /** All rows together: the same counts over the whole period. */
  total: Omit<store.MonthRow, 'facility_id' | 'facility_name' | 'month'>;
  comments: store.CommentRow[];
  commentTotal: number;
  page: number;
}

export async function report(db: Knex, user: Reader, q: ReportQuery): Promise<Report> {
  const thisMonth = todayInShanghai().slice(0, 7);
  const to = q.to ?? (q.from && q.from > thisMonth ? q.from : thisMonth);
  const from =
    q.from ??
    DateTime.fromISO(`${to}-01`, { zone })
      .minus({ months: DEFAULT_MONTHS - 1 })
      .toFormat('yyyy-MM');
  const scope = scopeOf(user);
  const homes = await store.homesInScope(db, scope);
  let facility: Report['facility'];
  if (q.facility !== undefined) {
    facility = homes.find((h) => h.id === q.facility);
    // Another region's home answers as a missing one.
    if (!facility) throw new NotFoundError();
  }
  const narrowed: store.Scope = facility ? { ...scope, facilityId: facility.id } : scope;
  const offset = (q.page - 1) * COMMENTS_PER_PAGE;
  const [rows, c] = await Promise.all([
    store.perMonth(db, narrowed, from, to),
    store.comments(db, narrowed, from, to, COMMENTS_PER_PAGE, offset),
  ]);
  const total = { count: 0, sum: 0, r1: 0, r2: 0, r3: 0, r4: 0, r5: 0 };
  for (const r of rows) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += r[k];
  return { from, to, homes, facility, rows, total, comments: c.rows, commentTotal: c.total, page: q.page };
}

/** A survey by its code, for showing the form again; it counts nothing against the address. */
export function surveyByCode(db: Knex, code: string): Promise<store.SurveyRow | undefined> {
  return store.findByCode(db, code);
}

// The audit log as people read it (/staff/audit): who changed which facility, target or figure, old → new in words,
// filtered by entity, record, user and dates, a page at a time, and as CSV and XLSX. The administrator reads every
// row; the bureaus the rows of their own region (a county bureau its county's, an unscoped city bureau every row that
// names a region).
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { regionScope, type Role, type User } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { ValidationError } from '../http/errors.js';
import { isoDate } from '../http/fields.js';
import { pagination } from '../http/pagination.js';
import type { RouteDef } from '../http/routes.js';
import { optionalText, pageParam, parse } from '../http/validate.js';
import { translator, type Lang } from '../i18n/index.js';
import { zone } from '../time.js';
import { toCsv, toXlsx } from './export.js';
import { describe, wanted, type ReadableEntry } from './labels.js';
import * as audit from './service.js';

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const Query = z.object({
  page: pageParam,
  entity: optionalText(40),
  entity_id: optionalText(40),
  actor: optionalText(40),
  from: z.preprocess(blank, isoDate().optional()),
  to: z.preprocess(blank, isoDate().optional()),
});
type Query = z.infer<typeof Query>;

const PER_PAGE = 50;
/** Rows an export writes at most (newest first); narrow the dates for more. */
export const EXPORT_MAX = 20_000;
const READERS: readonly Role[] = ['admin', 'bureau', 'county_bureau'];

/** The rows a user reads: every row (admin), else those naming a region in the user's ('' for every region). */
const regionOf = (user: User): string | undefined => (user.role === 'admin' ? undefined : (regionScope(user) ?? ''));

/** A Shanghai calendar day's start as a UTC instant. */
const dayStart = (d: string, plus = 0) => DateTime.fromISO(d, { zone }).plus({ days: plus }).toUTC().toISO()!;

function filterOf(user: User, q: Query): audit.AuditFilter {
  if (q.from && q.to && q.to < q.from)
    throw new ValidationError({ to: { key: 'errors.audit_to_before_from' } }, 'audit_to_before_from');
  return {
    entity: q.entity,
    entityId: q.entity_id,
    actor: q.actor,
    from: q.from ? dayStart(q.from) : undefined,
    to: q.to ? dayStart(q.to, 1) : undefined,
    region: regionOf(user),
  };
}

export function auditRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  async function readable(rows: audit.AuditRow[], lang: Lang): Promise<ReadableEntry[]> {
    const names = await audit.names(db, wanted(rows));
    const t = translator(lang);
    return rows.map((r) => describe(r, t, names));
  }

  /** The user's region in words, for the page's lead and the exports' header. */
  async function scopeName(user: User): Promise<string | undefined> {
    const scope = regionOf(user);
    if (!scope) return undefined;
    return (
      (await audit.names(db, { facilityIds: [], regionCodes: [scope], usernames: [] })).regions.get(scope) ?? scope
    );
  }

  async function listAudit(req: Request, res: Response) {
    const q = parse(Query, req.query);
    const user = req.user!;
    const filter = filterOf(user, q);
    const [{ rows, total }, choices, scope] = await Promise.all([
      audit.list(db, { ...filter, page: q.page, perPage: PER_PAGE }),
      audit.choices(db, filter.region),
      scopeName(user),
    ]);
    const t = translator(req.lang);
    const exportQuery = new URLSearchParams(
      Object.entries({ entity: q.entity, entity_id: q.entity_id, actor: q.actor, from: q.from, to: q.to }).filter(
        (e): e is [string, string] => typeof e[1] === 'string',
      ),
    ).toString();
    const suffix = exportQuery ? `?${exportQuery}` : '';
    res.render('audit/list', {
      title: t('audit.title'),
      rows: await readable(rows, req.lang),
      query: q,
      total,
      scope,
      admin: user.role === 'admin',
      entities: choices.entities.map((e) => ({ value: e, selected: e === q.entity })),
      actors: choices.actors.map((a) => ({ value: a, selected: a === q.actor })),
      csvHref: `/staff/audit.csv${suffix}`,
      xlsxHref: `/staff/audit.xlsx${suffix}`,
      pager: pagination(req, q.page, PER_PAGE, total),
    });
  }

  async function exportData(req: Request) {
    const q = parse(Query, req.query);
    const rows = await audit.listAll(db, filterOf(req.user!, q), EXPORT_MAX);
    return { entries: await readable(rows, req.lang), scope: await scopeName(req.user!), generated: new Date() };
  }

  const fileName = (ext: string) => `audit-${DateTime.now().setZone(zone).toFormat('yyyyLLdd-HHmm')}.${ext}`;

  async function csv(req: Request, res: Response) {
    const data = await exportData(req);
    res.attachment(fileName('csv'));
    res.type('text/csv; charset=utf-8').set('Cache-Control', 'no-store').send(toCsv(data, req.lang));
  }

  async function xlsx(req: Request, res: Response) {
    const data = await exportData(req);
    res.attachment(fileName('xlsx'));
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .set('Cache-Control', 'no-store')
      .send(await toXlsx(data, req.lang));
  }

  return [
    { method: 'get', path: '/staff/audit', roles: READERS, handler: listAudit },
    { method: 'get', path: '/staff/audit.csv', roles: READERS, handler: csv },
    { method: 'get', path: '/staff/audit.xlsx', roles: READERS, handler: xlsx },
  ];
}

// The satisfaction survey: the family's public pages (code → 1–5 and a comment → thanks), and the staff page of
// ratings per facility and month with its CSV.
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { formatAverage, formatDateTime } from '../http/format.js';
import { withForm } from '../http/forms.js';
import { pagination } from '../http/pagination.js';
import { perAddress } from '../http/rate-limit.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator, type Lang } from '../i18n/index.js';
import { nowIso } from '../db.js';
import { regionNames } from '../regions/service.js';
import { surveyLimiter } from './limits.js';
import { normaliseCode, printedCode, ratings, RatingInput, ReportQuery, SurveyCode, COMMENT_MAX } from './schemas.js';
import * as satisfaction from './service.js';

const READERS = ['admin', 'bureau', 'county_bureau', 'front_desk'] as const;
const CodeQuery = z.object({ code: SurveyCode });

export function satisfactionRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const limiter = surveyLimiter(ctx);
  // The platform's allowance per address and minute (SHIAN_PUBLIC_RATE_LIMIT), shared by the survey's two routes.
  const publicLimit = perAddress(ctx, 'survey');
  const ip = (req: Request) => req.ip ?? null;

  /** The page's fixed parts: the five choices, 非常不满意 … 非常满意, and the comment's limit. */
  const form = (values: Record<string, unknown>, survey?: satisfaction.SurveyRow) => ({
    title: undefined as string | undefined,
    values,
    survey,
    ratings,
    commentMax: COMMENT_MAX,
  });

  /** A code still open for rating, read without counting a failure: the form shown again after an error. */
  async function stillOpen(code: unknown): Promise<satisfaction.SurveyRow | undefined> {
    const c = typeof code === 'string' ? normaliseCode(code) : '';
    const s = c ? await satisfaction.surveyByCode(db, c) : undefined;
    return s && !s.rated_at ? s : undefined;
  }

  // ## Public: the family's survey
  async function ratePage(req: Request, res: Response) {
    res.set('Cache-Control', 'no-store');
    if (req.query.code === undefined) return res.render('satisfaction/rate', form({}));
    const typed = typeof req.query.code === 'string' ? req.query.code : '';
    await withForm(
      res,
      'satisfaction/rate',
      () => form({ code: typed }),
      async () => {
        const { code } = parse(CodeQuery, req.query);
        const survey = await satisfaction.openSurvey(db, limiter, code, ip(req));
        res.render('satisfaction/rate', form({ code: printedCode(code) }, survey));
      },
    );
  }

  async function rate(req: Request, res: Response) {
    res.set('Cache-Control', 'no-store');
    const body = req.body as Record<string, unknown>;
    await withForm(
      res,
      'satisfaction/rate',
      async () => form(body, await stillOpen(body.code)),
      async () => {
        const input = parse(RatingInput, body);
        await satisfaction.rate(db, limiter, input, ip(req));
        res.redirect(303, '/rate/thanks');
      },
    );
  }

  function thanks(_req: Request, res: Response) {
    res.render('satisfaction/thanks');
  }

  // ## Staff: ratings per facility and month
  const rowView = (r: Omit<satisfaction.MonthRow, 'facility_id' | 'facility_name' | 'month'>) => ({
    ...r,
    average: formatAverage(r.sum, r.count, '—'),
    stars: [r.r1, r.r2, r.r3, r.r4, r.r5],
  });

  async function scopeName(req: Request, lang: Lang): Promise<string> {
    const scope = satisfaction.scopeOf(req.user!);
    if (scope.regionPrefix) return (await regionNames(db, [scope.regionPrefix])).get(scope.regionPrefix) ?? '';
    if (scope.facilityId !== undefined) return req.user!.facility_name ?? '';
    return translator(lang)('satisfaction.scope_all');
  }

  async function reportPage(req: Request, res: Response) {
    const values = req.query as Record<string, unknown>;
    await withForm(
      res,
      'satisfaction/report',
      () => ({ values, ratings }),
      async () => {
        const q = parse(ReportQuery, req.query);
        const r = await satisfaction.report(db, req.user!, q);
        const scope = satisfaction.scopeOf(req.user!);
        const query = new URLSearchParams({ from: r.from, to: r.to });
        if (r.facility) query.set('facility', String(r.facility.id));
        res.render('satisfaction/report', {
          title: translator(req.lang)('satisfaction.staff_title'),
          values: { from: r.from, to: r.to, facility: r.facility?.id },
          r,
          rows: r.rows.map((row) => ({ ...row, ...rowView(row) })),
          total: rowView(r.total),
          region: scope.regionPrefix ? await scopeName(req, req.lang) : undefined,
          pickHome: scope.facilityId === undefined,
          ratings,
          pager: pagination(req, r.page, satisfaction.COMMENTS_PER_PAGE, r.commentTotal),
          csvQuery: query.toString(),
        });
      },
    );
  }

  async function csv(req: Request, res: Response) {
    const q = parse(ReportQuery, req.query);
    const r = await satisfaction.report(db, req.user!, { ...q, page: 1 });
    const t = translator(req.lang);
    const header = t('satisfaction.csv_header', {
      from: r.from,
      to: r.to,
      scope: r.facility?.name ?? (await scopeName(req, req.lang)),
      at: formatDateTime(nowIso(), req.lang),
    });
    const stars = ratings.map((n) => t('satisfaction.star_n', { n }));
    const records: (string | number)[][] = [
      [header],
      [],
      [t('satisfaction.home'), t('satisfaction.month'), t('satisfaction.count'), t('satisfaction.average'), ...stars],
      ...r.rows.map((x) => [x.facility_name, x.month, x.count, formatAverage(x.sum, x.count), ...rowView(x).stars]),
      [
        t('satisfaction.total'),
        '',
        r.total.count,
        formatAverage(r.total.sum, r.total.count),
        ...rowView(r.total).stars,
      ],
    ];
    res
      .type('text/csv; charset=utf-8')
      .attachment(`satisfaction-${r.from}-${r.to}.csv`)
      .send(Buffer.from(stringify(records, { bom: true, record_delimiter: 'windows' }), 'utf8'));
  }

  return [
    { method: 'get', path: '/rate', roles: 'public', handler: ratePage, before: [publicLimit] },
    { method: 'post', path: '/rate', roles: 'public', handler: rate, before: [publicLimit] },
    { method: 'get', path: '/rate/thanks', roles: 'public', handler: thanks },
    { method: 'get', path: '/staff/satisfaction', roles: READERS, handler: reportPage, before: [noStore] },
    { method: 'get', path: '/staff/satisfaction.csv', roles: READERS, handler: csv, before: [noStore] },
  ];
}

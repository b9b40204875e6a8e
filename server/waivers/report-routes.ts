// The waiver reports (惠民殡葬减免统计): the page, its tables as CSV and XLSX and the one-page PDF summary for the
// bureaus and the administrator, each scoped to the user's region; and GET /api/v1/waivers/summary (docs/API.md).
import type { Request, Response } from 'express';
import { scopedRegion } from '../accounts/access.js';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { loadFonts } from '../documents/fonts.js';
import { AppError } from '../http/errors.js';
import { formatMoney } from '../http/format.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator, type Lang } from '../i18n/index.js';
import { reportRenders } from '../reports/document.js';
import { toCsv, toXlsx } from '../reports/export.js';
import type { TableMeta } from '../reports/formal.js';
import { disposition } from '../reports/routes.js';
import { reportDefaultRegion } from '../reports/service.js';
import { reportBlock } from '../reports/settings-service.js';
import { todayInShanghai } from '../time.js';
import { greenText, headline, renderSummary, titleOf, waiverTable, waiverTables } from './report-document.js';
import { WaiverReportQuery, WaiverSummaryQuery } from './report-schemas.js';
import { COUNTED, PENDING, waiverSummary, type WaiverSummary } from './report-service.js';

/** Waiver totals are the bureau's management data, as coverage figures are. */
const READERS: readonly Role[] = ['admin', 'bureau', 'county_bureau'];

/** The period by default: 1 January of this year (Asia/Shanghai) to today. */
const defaultPeriod = () => {
  const today = todayInShanghai();
  return { from: `${today.slice(0, 4)}-01-01`, to: today };
};

export function waiverReportRoutes(ctx: AppContext): RouteDef[] {
  const { db, config } = ctx;

  /** The summary the user asked for, in the user's region (another is 403); an unscoped user's default, the demo city. */
  async function summaryFor(req: Request, q: { region?: string; from?: string; to?: string }): Promise<WaiverSummary> {
    const region = scopedRegion(req.user!, q.region) ?? (await reportDefaultRegion(db));
    const d = defaultPeriod();
    const from = q.from ?? (q.to && q.to < d.from ? `${q.to.slice(0, 4)}-01-01` : d.from);
    const to = q.to ?? (q.from && q.from > d.to ? q.from : d.to);
    return waiverSummary(db, { region, from, to, lang: req.lang });
  }

  const fileName = (s: WaiverSummary, lang: Lang, key: 'file_csv' | 'file_xlsx' | 'file_pdf', table = '') => {
    const t = translator(lang);
    const name = t(`waiver_reports.${key}`, {
      region: s.region.fullName,
      from: s.from,
      to: s.to,
      table: table ? t(`waiver_reports.tables.${table}`) : '',
    });
    const ascii = translator('en')(`waiver_reports.${key}`, {
      region: s.region.code || 'all',
      from: s.from,
      to: s.to,
      table,
    });
    return { name, ascii };
  };

  function send(
    res: Response,
    body: Buffer,
    type: string,
    kind: 'inline' | 'attachment',
    f: { name: string; ascii: string },
  ) {
    res.set({
      'Content-Type': type,
      'Content-Disposition': disposition(kind, f.name, f.ascii),
      'Cache-Control': 'private, no-store',
    });
    res.end(body);
  }

  const tableMeta = async (req: Request, s: WaiverSummary): Promise<TableMeta> => ({
    title: titleOf(s, req.lang),
    region: { fullName: s.region.fullName, code: s.region.code },
    date: s.to,
    generatedAt: new Date().toISOString(),
    block: await reportBlock(db, s.region.code, req.user!),
  });

  async function page(req: Request, res: Response) {
    const t = translator(req.lang);
    const values = {
      region: typeof req.query.region === 'string' ? req.query.region : '',
      from: typeof req.query.from === 'string' ? req.query.from : '',
      to: typeof req.query.to === 'string' ? req.query.to : '',
    };
    let s: WaiverSummary;
    try {
      s = await summaryFor(req, parse(WaiverReportQuery, req.query));
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 400) throw err;
      res.status(400).render('waivers/report', {
        title: t('waiver_reports.title'),
        values,
        errors: err.fields,
        formError: err.code,
      });
      return;
    }
    const qs = new URLSearchParams({ region: s.region.code, from: s.from, to: s.to }).toString();
    res.set('Cache-Control', 'private, no-store');
    res.render('waivers/report', {
      title: titleOf(s, req.lang),
      s,
      values: { region: s.region.code, from: s.from, to: s.to },
      headline: headline(s, req.lang),
      greenText: greenText(s, req.lang),
      pendingText: t('waiver_reports.pending_text', {
        people: s.pending.people,
        amount: formatMoney(s.pending.amount_fen),
      }),
      tables: waiverTables.map((key) => ({ key, table: waiverTable(s, req.lang, key) })),
      qs,
    });
  }

  async function csv(req: Request, res: Response) {
    const q = parse(WaiverReportQuery, req.query);
    const s = await summaryFor(req, q);
    const key = q.table ?? 'counties';
    send(
      res,
      toCsv(waiverTable(s, req.lang, key), req.lang, await tableMeta(req, s)),
      'text/csv; charset=utf-8',
      'attachment',
      fileName(s, req.lang, 'file_csv', key),
    );
  }

  async function xlsx(req: Request, res: Response) {
    const s = await summaryFor(req, parse(WaiverReportQuery, req.query));
    const book = await toXlsx(
      waiverTables.map((key) => waiverTable(s, req.lang, key)),
      req.lang,
      { ...(await tableMeta(req, s)), creator: translator(req.lang)('app.full_name') },
    );
    send(
      res,
      book,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'attachment',
      fileName(s, req.lang, 'file_xlsx'),
    );
  }

  async function pdf(req: Request, res: Response) {
    const s = await summaryFor(req, parse(WaiverReportQuery, req.query));
    const block = await reportBlock(db, s.region.code, req.user!);
    const fonts = loadFonts(config.fallbackFonts);
    // Drawn once per process for the same figures, block and language, with the coverage report's limit.
    const body = await reportRenders.print({ waivers: s, lang: req.lang, fonts: fonts.key, block }, () =>
      renderSummary(s, req.lang, fonts, block),
    );
    send(res, body, 'application/pdf', 'inline', fileName(s, req.lang, 'file_pdf'));
  }

  async function api(req: Request, res: Response) {
    const q = parse(WaiverSummaryQuery, req.query);
    // A region-scoped token answers for its region and below (another is 403); by default its own, or everywhere.
    const region = scopedRegion(req.user!, q.region) ?? '';
    const s = await waiverSummary(db, { region, from: q.from, to: q.to, lang: req.lang });
    const rows = (rs: typeof s.by_group, name: 'group' | 'item' | 'county' | 'month') =>
      rs.map((r) => ({
        [name]: r.key,
        name: r.name,
        people: r.people,
        amount_fen: r.amount_fen,
        ...(r.quantity !== undefined ? { quantity: r.quantity } : {}),
      }));
    res.set('Cache-Control', 'private, no-store');
    res.json({
      region: s.region.code === '' ? null : s.region.code,
      region_name: s.region.fullName,
      from: s.from,
      to: s.to,
      statuses: COUNTED,
      people: s.people,
      amount_fen: s.amount_fen,
      pending: { statuses: PENDING, ...s.pending },
      by_group: rows(s.by_group, 'group'),
      by_item: rows(s.by_item, 'item'),
      by_county: rows(s.by_county, 'county'),
      by_month: rows(s.by_month, 'month'),
      green_rewards: {
        people: s.green.people,
        amount_fen: s.green.amount_fen,
        by_county: rows(s.green.by_county, 'county'),
      },
    });
  }

  return [
    { method: 'get', path: '/staff/waiver-reports', roles: READERS, handler: page },
    { method: 'get', path: '/staff/waiver-reports.csv', roles: READERS, handler: csv },
    { method: 'get', path: '/staff/waiver-reports.xlsx', roles: READERS, handler: xlsx },
    { method: 'get', path: '/staff/waiver-reports.pdf', roles: READERS, handler: pdf },
    { method: 'get', path: '/api/v1/waivers/summary', roles: READERS, handler: api },
  ];
}

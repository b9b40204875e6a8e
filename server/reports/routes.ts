// The coverage progress report for a region and date: the printed PDF, and its tables as CSV and XLSX, for the
// bureau; the same PDF under the JSON API (a bearer token, or the session of an officer signed in in the browser).
import type { Request, RequestHandler, Response } from 'express';
import { scopedRegion } from '../accounts/access.js';
import type { Role, User } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { loadFonts } from '../documents/fonts.js';
import { todayInShanghai } from '../time.js';
import { userOfSession } from '../http/auth.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator, type Lang } from '../i18n/index.js';
import { reportRenders } from './document.js';
import { toCsv, toXlsx } from './export.js';
import { renderReport } from './report.js';
import type { TableMeta } from './formal.js';
import { ApiReportQuery, CsvQuery, ReportQuery, type TableKey } from './schemas.js';
import { reportDefaultRegion, loadReport, type ReportData } from './service.js';
import { reportBlock, type ReportBlock } from './settings-service.js';
import { allTables, tableOf } from './tables.js';
import { regionParam } from '../coverage/query.js';

/** Coverage figures are the bureau's management data. */
const READERS: readonly Role[] = ['admin', 'bureau', 'county_bureau'];

/**
 * RFC 5987 (RFC 6266): the Chinese name for clients that read filename*, an ASCII one for those that do not.
 * PDFs open in the browser's viewer; tables are saved.
 */
export function disposition(kind: 'inline' | 'attachment', name: string, ascii: string): string {
  const safe = ascii.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${safe}"; filename*=UTF-8''${encoded}`;
}

function fileName(
  d: ReportData,
  lang: Lang,
  key: 'file_pdf' | 'file_xlsx' | 'file_csv',
  table?: TableKey,
): { name: string; ascii: string } {
  const t = translator(lang);
  const en = translator('en');
  const code = regionParam(d.region.code);
  const name = t(`coverage_report.${key}`, {
    region: lang === 'en' ? code : d.region.fullName,
    date: d.date,
    table: table ? (lang === 'en' ? table : t(`coverage_report.tables.${table}`)) : '',
  });
  return { name, ascii: en(`coverage_report.${key}`, { region: code, date: d.date, table: table ?? '' }) };
}

function send(
  res: Response,
  body: Buffer,
  type: string,
  kind: 'inline' | 'attachment',
  file: { name: string; ascii: string },
  started: number,
): void {
  res.set({
    'Content-Type': type,
    'Content-Disposition': disposition(kind, file.name, file.ascii),
    'Cache-Control': 'private, no-store',
    // How long the report took to gather and draw, for whoever watches the response times.
    'Server-Timing': `report;dur=${Math.round(performance.now() - started)}`,
  });
  res.end(body);
}

export function reportRoutes(ctx: AppContext): RouteDef[] {
  const { db, config } = ctx;

  /**
   * The PDF, drawn once for the same report: the key is everything the drawing reads except the time it was made,
   * so a report kept from earlier says when it was first drawn from these very figures. The sign-off block is part
   * of the key: another preparer, another day or changed settings draw it anew.
   */
  function printed(d: ReportData, lang: Lang, block: ReportBlock): Promise<Buffer> {
    const fonts = loadFonts(config.fallbackFonts);
    return reportRenders.print({ d: { ...d, generatedAt: undefined }, lang, fonts: fonts.key, block }, () =>
      renderReport(d, lang, fonts, block),
    );
  }

  /** The sign-off block for whoever asks (a session's officer or a token's user), from the region's settings. */
  const blockFor = (req: Request, d: ReportData) => reportBlock(db, d.region.code, req.user!);

  /** What the header rows and the sign-off rows of a table file say. */
  const tableMeta = async (req: Request, d: ReportData): Promise<TableMeta> => ({
    title: translator(req.lang)('coverage_report.title', { region: d.region.fullName }),
    region: { fullName: d.region.fullName, code: d.region.code },
    date: d.date,
    generatedAt: d.generatedAt,
    block: await blockFor(req, d),
  });

  /** Staff pages: the region defaults to the demo city (or the first city), the date to today. */
  async function staffReport(user: User, q: ReportQuery): Promise<ReportData> {
    // A county bureau reports on its county (another region is 403), by default.
    const region = scopedRegion(user, q.region) ?? (await reportDefaultRegion(db));
    return loadReport(db, { region, date: q.date ?? todayInShanghai() });
  }

  async function pdf(req: Request, res: Response) {
    const started = performance.now();
    const d = await staffReport(req.user!, parse(ReportQuery, req.query));
    const pdfBody = await printed(d, req.lang, await blockFor(req, d));
    send(res, pdfBody, 'application/pdf', 'inline', fileName(d, req.lang, 'file_pdf'), started);
  }

  async function csv(req: Request, res: Response) {
    const started = performance.now();
    const q = parse(CsvQuery, req.query);
    const d = await staffReport(req.user!, q);
    const key: TableKey = q.table ?? (d.areas ? 'areas' : d.region.level === 'city' ? 'counties' : 'townships');
    send(
      res,
      toCsv(tableOf(d, req.lang, key), req.lang, await tableMeta(req, d)),
      'text/csv; charset=utf-8',
      'attachment',
      fileName(d, req.lang, 'file_csv', key),
      started,
    );
  }

  async function xlsx(req: Request, res: Response) {
    const started = performance.now();
    const d = await staffReport(req.user!, parse(ReportQuery, req.query));
    const t = translator(req.lang);
    const book = await toXlsx(allTables(d, req.lang), req.lang, {
      ...(await tableMeta(req, d)),
      creator: t('app.full_name'),
    });
    send(
      res,
      book,
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'attachment',
      fileName(d, req.lang, 'file_xlsx'),
      started,
    );
  }

  async function apiPdf(req: Request, res: Response) {
    const started = performance.now();
    const q = parse(ApiReportQuery, req.query);
    const d = await loadReport(db, { region: scopedRegion(req.user!, q.region)!, date: q.date ?? todayInShanghai() });
    const pdfBody = await printed(d, req.lang, await blockFor(req, d));
    send(res, pdfBody, 'application/pdf', 'inline', fileName(d, req.lang, 'file_pdf'), started);
  }

  /**
   * The API takes bearer tokens; this one download also takes the session of a signed-in officer, so that a link
   * to it works in the browser. Only when no token is given: a wrong token stays a 401.
   */
  const sessionUser: RequestHandler = async (req, _res, next) => {
    if (!req.user && !req.headers.authorization) {
      const user = await userOfSession(ctx, req);
      if (user) req.user = user;
    }
    next();
  };

  return [
    { method: 'get', path: '/staff/coverage/report.pdf', roles: READERS, handler: pdf },
    { method: 'get', path: '/staff/coverage/report.csv', roles: READERS, handler: csv },
    { method: 'get', path: '/staff/coverage/report.xlsx', roles: READERS, handler: xlsx },
    { method: 'get', path: '/api/v1/coverage/report.pdf', roles: READERS, handler: apiPdf, auth: [sessionUser] },
  ];
}

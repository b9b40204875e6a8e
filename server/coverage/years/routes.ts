// 年度报送 pages: the years of a city and its counties with their state, the confirmation before submitting, a
// submission with its snapshot and the review; and the year-on-year page with its CSV and XLSX.
import type { Request, Response } from 'express';
import { bureauRoles, type Role, type User } from '../../accounts/roles.js';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../http/errors.js';
import { flash, idParam, withForm } from '../../http/forms.js';
import type { RouteDef } from '../../http/routes.js';
import { parse } from '../../http/validate.js';
import { translator } from '../../i18n/index.js';
import { buildPicker, pickedCode } from '../../regions/picker.js';
import * as regions from '../../regions/service.js';
import { todayInShanghai } from '../../time.js';
import { formatRate } from '../../http/format.js';
import { defaultRegion } from '../engine/service.js';
import { qs, tabsRegion } from '../query.js';
import { yearOnYear, type YearOnYear } from './compare.js';
import { compareTable, compareView } from './compare-view.js';
import { toCsv, toXlsx } from '../../reports/export.js';
import type { TableMeta } from '../../reports/formal.js';
import { reportBlock } from '../../reports/settings-service.js';
import { snapshotIndicators, yearEnd } from './kinds.js';
import { AcceptInput, CompareQuery, ReturnInput, SubmitInput, SubmitQuery } from './schemas.js';
import * as years from './service.js';

const READERS: readonly Role[] = ['admin', ...bureauRoles];
const REVIEWERS: readonly Role[] = ['admin', 'bureau'];
const BASE = '/staff/coverage/years';
const SHOWN_YEARS = 5;

interface Figure {
  region_code: string;
  region_name: string;
  indicator: string;
  covered: number;
  total: number;
}

/** Figures as rows per region (the region first), a cell per indicator: 12 / 19 and the rate as the dashboard writes it. */
export function figureTable(figures: Figure[], own: string) {
  const byRegion = new Map<string, { code: string; name: string; own: boolean; cells: Record<string, unknown> }>();
  for (const f of figures) {
    let r = byRegion.get(f.region_code);
    if (!r)
      byRegion.set(
        f.region_code,
        (r = { code: f.region_code, name: f.region_name, own: f.region_code === own, cells: {} }),
      );
    r.cells[f.indicator] = {
      covered: f.covered,
      total: f.total,
      rate: f.total === 0 || f.indicator === 'communities' ? null : formatRate(f.covered / f.total),
    };
  }
  const rows = [...byRegion.values()].sort((a, b) => Number(b.own) - Number(a.own) || a.code.localeCompare(b.code));
  return rows.map((r) => ({
    ...r,
    cells: snapshotIndicators.map((i) => ({ indicator: i, ...(r.cells[i] as object) })),
  }));
}

/** The city a user's year list opens on: a bureau's own region, else the one asked for, else the demo city. */
async function cityOf(ctx: AppContext, user: User, asked: string): Promise<string> {
  if (user.region_code) return user.region_code.slice(0, 4);
  if (/^\d{4}$/.test(asked)) return asked;
  return (await defaultRegion(ctx.db)).slice(0, 4);
}

export function yearRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const t = (req: Request) => translator(req.lang);

  async function listPage(req: Request, res: Response) {
    const user = req.user!;
    const today = todayInShanghai();
    const city = await cityOf(ctx, user, pickedCode(req.query as Record<string, unknown>, 'region'));
    const cityRegion = await regions.findRegion(db, city);
    if (!cityRegion) throw new NotFoundError('region_not_found');
    const counties = await regions.childRegions(db, city);
    const shownCounties =
      user.role === 'county_bureau' ? counties.filter((c) => c.code === user.region_code) : counties;
    const current = Number(today.slice(0, 4));
    const yearList = Array.from({ length: SHOWN_YEARS }, (_, i) => current - i);
    const all = [cityRegion, ...shownCounties];
    const subs = await years.submissionsFor(
      db,
      all.map((r) => r.code),
      yearList,
    );
    const found = new Map(subs.map((s) => [`${s.region_code}|${s.year}`, s]));
    const rows = all.map((r) => ({
      code: r.code,
      name: r.name,
      city: r.level === 'city',
      cells: yearList.map((y) => {
        const s = found.get(`${r.code}|${y}`);
        const over = years.yearIsOver(y, today);
        return {
          year: y,
          status: s?.status ?? 'none',
          href: s ? `${BASE}/${s.id}` : undefined,
          over,
          submitHref:
            over && years.maySubmit(user, r) && (!s || s.status === 'returned')
              ? `${BASE}/submit${qs({ region: r.code, year: y })}`
              : undefined,
        };
      }),
    }));
    res.render('coverage/years', {
      title: t(req)('years.title'),
      styles: ['/static/css/coverage-figures.css', '/static/css/coverage-years.css'],
      picker: user.region_code ? undefined : await buildPicker(db, 'region', city, 'city'),
      city: cityRegion,
      years: yearList,
      rows,
      tabsQuery: qs({ region: tabsRegion(user, city) }).slice(1),
    });
  }

  async function submitData(req: Request, q: { region: string; year: number }) {
    const p = await years.preview(db, req.user!, q.region, q.year, todayInShanghai());
    return {
      title: t(req)('years.submit_title', { region: p.region.name, year: q.year }),
      styles: ['/static/css/coverage-figures.css', '/static/css/coverage-years.css'],
      region: p.region,
      year: q.year,
      asOf: yearEnd(q.year),
      over: p.over,
      allowed: p.allowed,
      pending: p.pending.map((c) => c.name).join('、'),
      existing: p.existing,
      closed: p.existing && p.existing.status !== 'returned',
      indicators: snapshotIndicators,
      table: figureTable(p.figures, p.region.code),
      tabsQuery: qs({ region: tabsRegion(req.user!, p.region.code.slice(0, 4)) }).slice(1),
    };
  }

  async function submitPage(req: Request, res: Response) {
    const q = parse(SubmitQuery, req.query);
    res.render('coverage/year-submit', await submitData(req, q));
  }

  async function submit(req: Request, res: Response) {
    const q = parse(SubmitQuery, { region: req.body.region, year: req.body.year });
    await withForm(
      res,
      'coverage/year-submit',
      () => submitData(req, q),
      async () => {
        parse(SubmitInput, req.body);
        const id = await years.submitYear(db, req.user!, q.region, q.year, todayInShanghai(), ip(req));
        const region = await regions.findRegion(db, q.region);
        flash(req, 'flash.year_submitted', { region: region?.name ?? q.region, year: q.year });
        res.redirect(`${BASE}/${id}`);
      },
    );
  }

  async function showData(req: Request) {
    const d = await years.findSubmission(db, req.user!, idParam(req));
    const s = d.submission;
    return {
      title: t(req)('years.submission_title', { region: d.region.name, year: s.year }),
      styles: ['/static/css/coverage-figures.css', '/static/css/coverage-years.css'],
      s,
      region: d.region,
      asOf: yearEnd(s.year),
      indicators: snapshotIndicators,
      table: figureTable(d.snapshot, d.region.code),
      canReview: d.canReview,
      canResubmit: d.canResubmit,
      resubmitHref: `${BASE}/submit${qs({ region: s.region_code, year: s.year })}`,
      changes: d.changes.map((c) => ({ ...c, rows: JSON.parse(c.differences) as unknown[] })),
      values: req.method === 'POST' ? req.body : {},
      tabsQuery: qs({ region: tabsRegion(req.user!, s.region_code.slice(0, 4)) }).slice(1),
    };
  }

  async function showPage(req: Request, res: Response) {
    res.render('coverage/year-show', await showData(req));
  }

  async function review(req: Request, res: Response, action: 'accept' | 'return') {
    const data = await showData(req);
    await withForm(
      res,
      'coverage/year-show',
      () => data,
      async () => {
        const input =
          action === 'accept' ? { ...parse(AcceptInput, req.body), reason: undefined } : parse(ReturnInput, req.body);
        const s = await years.reviewYear(db, req.user!, data.s.id, { action, ...input }, ip(req));
        flash(req, action === 'accept' ? 'flash.year_accepted' : 'flash.year_returned', {
          region: data.region.name,
          year: s.year,
        });
        res.redirect(`${BASE}/${s.id}`);
      },
    );
  }

  // ## Year on year

  async function compareInput(req: Request) {
    const user = req.user!;
    const q = parse(CompareQuery, req.query);
    const asked = pickedCode(req.query as Record<string, unknown>, 'region') || q.region || '';
    // A county bureau sees its county; a bureau tied to a city sees that city or one of its counties.
    let region = asked || user.region_code || (await defaultRegion(db));
    if (user.region_code && !region.startsWith(user.region_code)) region = user.region_code;
    if (region.length > 6) region = region.slice(0, 6);
    return { q, region, date: q.date ?? todayInShanghai() };
  }

  async function comparePage(req: Request, res: Response) {
    const { q, region, date } = await compareInput(req);
    const y = await yearOnYear(db, region, date);
    const fixed = req.user!.role === 'county_bureau';
    res.render('coverage/year-compare', {
      title: t(req)('years.compare.title'),
      styles: ['/static/css/coverage-figures.css', '/static/css/coverage-years.css'],
      picker: fixed ? undefined : await buildPicker(db, 'region', region, 'county'),
      query: q,
      asOfDate: date,
      indicators: snapshotIndicators,
      ...compareView(y, q.indicator),
      exportQuery: qs({ region, date }),
      tabsQuery: qs({ region, date }).slice(1),
    });
  }

  /** The header rows and sign-off block of the exported tables, as the coverage report's. */
  async function compareMeta(req: Request, y: YearOnYear): Promise<TableMeta> {
    const trail = await regions.regionTrail(db, y.region.code);
    return {
      title: t(req)('years.compare.title'),
      region: { fullName: trail.map((r) => r.name).join(''), code: y.region.code },
      date: y.date,
      generatedAt: new Date().toISOString(),
      block: await reportBlock(db, y.region.code, req.user!),
    };
  }

  async function compareCsv(req: Request, res: Response) {
    const { region, date } = await compareInput(req);
    const y = await yearOnYear(db, region, date);
    res.attachment(`year-on-year-${y.region.code}-${date}.csv`);
    res
      .type('text/csv; charset=utf-8')
      .set('Cache-Control', 'no-store')
      .send(toCsv(compareTable(y, req.lang), req.lang, await compareMeta(req, y)));
  }

  async function compareXlsx(req: Request, res: Response) {
    const { region, date } = await compareInput(req);
    const y = await yearOnYear(db, region, date);
    const book = await toXlsx([compareTable(y, req.lang)], req.lang, {
      ...(await compareMeta(req, y)),
      creator: t(req)('app.full_name'),
    });
    res.attachment(`year-on-year-${y.region.code}-${date}.xlsx`);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .set('Cache-Control', 'no-store')
      .send(book);
  }

  // Fixed paths before /:id.
  return [
    { method: 'get', path: BASE, roles: READERS, handler: listPage },
    { method: 'get', path: `${BASE}/submit`, roles: READERS, handler: submitPage },
    { method: 'post', path: `${BASE}/submit`, roles: READERS, handler: submit },
    { method: 'get', path: '/staff/coverage/compare', roles: READERS, handler: comparePage },
    { method: 'get', path: '/staff/coverage/compare.csv', roles: READERS, handler: compareCsv },
    { method: 'get', path: '/staff/coverage/compare.xlsx', roles: READERS, handler: compareXlsx },
    { method: 'get', path: `${BASE}/:id`, roles: READERS, handler: showPage },
    { method: 'post', path: `${BASE}/:id/accept`, roles: REVIEWERS, handler: (req, res) => review(req, res, 'accept') },
    { method: 'post', path: `${BASE}/:id/return`, roles: REVIEWERS, handler: (req, res) => review(req, res, 'return') },
  ];
}

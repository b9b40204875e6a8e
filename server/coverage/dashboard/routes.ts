// The bureau's coverage dashboard (/staff/coverage) and the lists behind its numbers: villages, townships, counties
// and the facilities that count, for a region and date taken from the query string (region=CODE&date=YYYY-MM-DD).
import { COUNTRY, defaultRegion } from '../engine/service.js';
import { COUNTRY_PARAM, regionParam } from '../query.js';
import type { Request, Response } from 'express';
import { mayOpenRegion, scopedRegion } from '../../accounts/access.js';
import { regionScope, type Role } from '../../accounts/roles.js';
import type { AppContext } from '../../context.js';
import { NotFoundError, ValidationError } from '../../http/errors.js';
import { formatDate, formatRate, formatRatio, gapTenths, rateTenths, tenthsText } from '../../http/format.js';
import { todayInShanghai } from '../../time.js';
import { pagination } from '../../http/pagination.js';
import type { RouteDef } from '../../http/routes.js';
import { fieldErrors } from '../../http/validate.js';
import { translator, type Lang } from '../../i18n/index.js';
import { buildPicker, pickedCode } from '../../regions/picker.js';
import * as regions from '../../regions/service.js';
import { kindOverrides } from '../../regions/kind-service.js';
import { kindHref } from '../../regions/kind-routes.js';
import { kindEditors, type Region } from '../../regions/levels.js';
import { renderChart } from './chart.js';
import { DashboardQuery, ListQuery, Where } from './schemas.js';
import { dashboard, dashboardHref, listHref, type ChildRow, type Dashboard, type UncoveredArea } from './service.js';
import type { RegionRef } from '../indicators/kinds.js';
import * as lists from './lists.js';
import { remainingCapacity } from '../../resting/list-service.js';
import { otherIndicators, type OtherIndicators } from '../indicators/service.js';
import { compare } from '../targets/service.js';

const ROLES: Role[] = ['admin', 'bureau', 'county_bureau'];
const PER_PAGE = 50;

const toRef = (r: Region | RegionRef): RegionRef => ({ code: r.code, name: r.name, level: r.level });

export function coverageRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  /**
   * Region and date from the query. A submitted picker (region__county=…) is turned into the plain region=CODE
   * address by a redirect, so that every page's address can be copied and shared. Answers undefined after redirecting.
   */
  async function where(
    req: Request,
    res: Response,
  ): Promise<{ region: RegionRef; trail: RegionRef[]; date: string } | undefined> {
    if (Object.keys(req.query).some((k) => k.startsWith('region__') || k === '_refresh')) {
      const params = new URLSearchParams();
      const code = pickedCode(req.query, 'region');
      for (const [k, v] of Object.entries(req.query)) {
        if (
          typeof v === 'string' &&
          v !== '' &&
          !k.startsWith('region__') &&
          k !== '_refresh' &&
          k !== 'region' &&
          k !== 'page'
        )
          params.set(k, v);
      }
      // "全部" at the top level is the whole country; at a lower level, the region above it (the picker's fields
      // carry the fixed levels, so "全部" under a single province is that province).
      params.set('region', regionParam(code));
      res.redirect(302, `${req.path}?${params.toString()}`);
      return undefined;
    }
    const parsed = Where.safeParse(req.query);
    if (!parsed.success) {
      const fields = fieldErrors(parsed.error);
      throw new ValidationError(fields, fields.date ? 'coverage_date' : 'coverage_region');
    }
    const date = parsed.data.date ?? todayInShanghai();
    // A county bureau opens its county and below (another region, the country included, is 403); by default its own.
    const asked = scopedRegion(req.user!, parsed.data.region);
    if (asked === COUNTRY_PARAM) return { region: COUNTRY, trail: [COUNTRY], date };
    const code = asked ?? (await defaultRegion(db));
    if (!code) throw new NotFoundError('coverage_no_regions');
    const trail = await regions.regionTrail(db, code);
    const region = trail[trail.length - 1];
    if (!region || region.code !== code || region.level === 'village') throw new NotFoundError('region_not_found');
    return { region: toRef(region), trail: [COUNTRY, ...trail.map(toRef)], date };
  }

  /** The breadcrumb: regions above the user's own are named, not linked (it cannot open them). */
  const crumbs = (req: Request, trail: RegionRef[], date: string) =>
    trail.map((r, i) => ({
      name: r.name,
      href: mayOpenRegion(req.user!, r.code) ? dashboardHref(r.code, date) : undefined,
      current: i === trail.length - 1,
    }));

  // ## The dashboard

  async function dashboardPage(req: Request, res: Response) {
    const w = await where(req, res);
    if (!w) return;
    const q = DashboardQuery.parse(req.query);
    const lang: Lang = req.lang ?? 'zh-CN';
    const t = translator(lang);
    const region = toRef(w.region);
    const [d, picker, other] = await Promise.all([
      dashboard(db, region, { date: w.date, sort: q.sort, chart: q.chart }),
      buildPicker(db, 'region', region.code, 'township', regionScope(req.user!)),
      otherIndicators(db, { region: region.code, date: w.date }),
    ]);
    const query = new URLSearchParams({ region: regionParam(region.code), date: w.date }).toString();
    res.render('coverage/dashboard', {
      title: `${region.name} · ${t('coverage.title')}`,
      styles: ['/static/css/coverage.css'],
      d,
      picker,
      query,
      day: w.date,
      dateLabel: formatDate(w.date, lang),
      isToday: w.date === todayInShanghai(),
      trail: crumbs(req, w.trail, w.date),
      zone: other.zone,
      other: otherCards(other, query),
      names: Object.fromEntries(w.trail.map((r) => [r.code, r.name])),
      links: {
        map: `/staff/coverage/map?${query}`,
        // The proposal measures one province at most: the whole country has no page of its own there.
        proposal: region.level === 'country' ? undefined : `/staff/coverage/proposal?${query}`,
        pdf: `/staff/coverage/report.pdf?${query}`,
        csv: `/staff/coverage/report.csv?${query}`,
        xlsx: `/staff/coverage/report.xlsx?${query}`,
        today: dashboardHref(region.code, todayInShanghai()),
      },
      sortLinks: Object.fromEntries(
        ['code', ...d.columns].map((k) => [
          k,
          dashboardHref(region.code, w.date, {
            ...(k === 'code' ? {} : { sort: k }),
            ...(q.chart ? { chart: q.chart } : {}),
          }) + '#children',
        ]),
      ),
      chartLinks: d.chart.choices.map((i) => ({
        indicator: i,
        current: i === d.chart.indicator,
        href:
          dashboardHref(region.code, w.date, { ...(d.sort === 'code' ? {} : { sort: d.sort }), chart: i }) + '#chart',
      })),
      chartSvg: chartSvg(d, lang),
      chartRows: d.series.map((p) => ({
        year: p.year,
        date: p.date,
        partial: p.partial,
        actual: p.actual,
        rateText: p.actual?.rate == null ? null : formatRatio(p.actual.covered, p.actual.total),
        targetText: p.target ? formatRate(p.target.rate) : null,
        met: p.target && p.actual && p.actual.rate !== null ? compare(p.actual.rate, p.target.rate).met : undefined,
        href: p.date ? listHref(d.chart.indicator, region.code, p.date, 'covered') : undefined,
      })),
      uncoveredGroups: groupByCounty(d),
      uncoveredAreas: d.uncoveredAreas && uncoveredAreaGroups(d.uncoveredAreas, w.date),
      uncoveredCount: d.uncovered.reduce((n, g) => n + g.villages.length, 0),
      villageRows:
        region.level === 'township'
          ? await villageRows(d, req.user!.role, dashboardHref(region.code, w.date))
          : undefined,
      printedAt: new Date().toISOString(),
    });
  }

  function chartSvg(d: Dashboard, lang: Lang): string {
    const t = translator(lang);
    const name = t(`coverage.ind_short.${d.chart.indicator}`);
    if (d.series.length === 0) return '';
    const years = d.series.map((p) => p.year);
    const words = d.series.map((p) => {
      const actual = p.actual?.rate == null ? t('coverage.not_yet') : formatRatio(p.actual.covered, p.actual.total);
      const target = p.target ? `，${t('coverage.chart_desc_target', { rate: formatRate(p.target.rate) })}` : '';
      return t('coverage.chart_desc_year', { year: p.year, actual }) + target;
    });
    return renderChart(
      d.series.map((p) => ({
        year: p.year,
        actual: p.actual?.rate ?? null,
        target: p.target?.rate ?? null,
        partial: p.partial,
      })),
      {
        title: t('coverage.chart_svg_title', { region: d.region.name, indicator: name }),
        desc: `${t('coverage.chart_desc', { region: d.region.name, indicator: name, from: years[0], to: years[years.length - 1] })} ${words.join(lang === 'zh-CN' ? '；' : '; ')}`,
        actual: t('coverage.legend_actual'),
        partial: t('coverage.legend_partial', {
          date: lang === 'zh-CN' ? `${Number(d.date.slice(5, 7))}月${Number(d.date.slice(8, 10))}日` : d.date.slice(5),
        }),
        target: t('coverage.legend_target'),
        year: (y) => t('coverage.year_label', { year: y }),
      },
      { id: 'coverage-chart' },
    );
  }

  /**
   * Cards for the indicators beyond coverage that have data (item 8 of the plan's list): the date's year, or the
   * latest year before it with data, since yearly figures are usually entered after the year ends.
   */
  function otherCards(o: OtherIndicators, query: string) {
    const region = new URLSearchParams(query).get('region')!;
    const figures = (year: number, graves = false) =>
      `/staff/coverage/figures${graves ? '/graves' : ''}?${new URLSearchParams({ region, year: String(year) })}`;
    type Check = OtherIndicators['cremation_rate']['target'];
    const check = (c: Check, actual: number | null) =>
      c && {
        rateText: formatRate(c.rate),
        year: c.year,
        carried: c.carried,
        met: c.met,
        gapText: tenthsText(gapTenths(actual === null ? 0 : rateTenths(actual), c.rate, c.met)),
        regionCode: c.regionCode,
      };
    const latest = <K extends 'cremation_rate' | 'green_burial_rate' | 'waivers' | 'grave_remediation'>(key: K) =>
      [...o.series].reverse().find((y) => y[key].available);
    const cards = [];
    const c = latest('cremation_rate');
    if (c)
      cards.push({
        key: 'cremation_rate',
        year: c.year,
        rateText: formatRate(c.cremation_rate.rate!),
        a: c.cremation_rate.numerator,
        b: c.cremation_rate.denominator,
        sourceKey: c.cremation_rate.source && `coverage.cremation_source.${c.cremation_rate.source}`,
        target: check(c.cremation_rate.target, c.cremation_rate.rate),
        href: figures(c.year),
      });
    const g = latest('green_burial_rate');
    if (g)
      cards.push({
        key: 'green_burial_rate',
        year: g.year,
        rateText: formatRate(g.green_burial_rate.rate!),
        a: g.green_burial_rate.numerator,
        b: g.green_burial_rate.denominator,
        sourceKey: g.green_burial_rate.source && `coverage.green_source.${g.green_burial_rate.source}`,
        target: check(g.green_burial_rate.target, g.green_burial_rate.rate),
        href: figures(g.year),
      });
    const w = latest('waivers');
    if (w) cards.push({ key: 'waivers', year: w.year, fen: w.waivers.numerator, b: w.waivers.denominator });
    const r = latest('grave_remediation');
    if (r)
      cards.push({
        key: 'grave_remediation',
        year: r.year,
        rateText: formatRate(r.grave_remediation.rate!),
        a: r.grave_remediation.numerator,
        b: r.grave_remediation.denominator,
        townships: r.grave_remediation.townships,
        target: check(r.grave_remediation.target, r.grave_remediation.rate),
        href: figures(r.year, true),
      });
    return { year: o.year, cards };
  }

  /** Uncovered townships under their county, for a city's dashboard. */
  function groupByCounty(d: Dashboard) {
    const out: {
      code: string;
      name: string;
      villages: number;
      townships: (Dashboard['uncovered'][number] & { central: number; href: string })[];
    }[] = [];
    for (const t of d.uncovered) {
      let g = out[out.length - 1];
      if (!g || g.code !== t.county.code)
        out.push((g = { code: t.county.code, name: t.county.name, villages: 0, townships: [] }));
      g.villages += t.villages.length;
      g.townships.push({
        ...t,
        central: t.villages.filter((v) => v.central).length,
        href: listHref('villages', t.code, d.date, 'uncovered'),
      });
    }
    return out;
  }

  /** Uncovered villages counted per county under its city (a province), or per city under its province (the country). */
  function uncoveredAreaGroups(areas: UncoveredArea[], date: string) {
    const groups: { code: string; name: string; villages: number; areas: object[] }[] = [];
    let villages = 0,
      townships = 0;
    for (const a of areas) {
      let g = groups[groups.length - 1];
      if (!g || g.code !== a.parent.code)
        groups.push((g = { code: a.parent.code, name: a.parent.name, villages: 0, areas: [] }));
      g.villages += a.villages;
      villages += a.villages;
      townships += a.townships;
      g.areas.push({
        ...a,
        dashboard: dashboardHref(a.code, date),
        list: listHref('villages', a.code, date, 'uncovered'),
      });
    }
    return { groups, villages, townships, count: areas.length };
  }

  /** A township's dashboard lists its villages one by one, with the facilities covering each. */
  /** A township's units, with the bureau's kind corrections marked and, for those who may, a link to correct one. */
  async function villageRows(d: Dashboard, role: Role, back: string) {
    const corrected = await kindOverrides(
      db,
      d.rows.map((r) => r.code),
    );
    const mayCorrect = kindEditors.includes(role);
    return d.rows.map((r: ChildRow) => {
      const v = r.cells.find((c) => c.indicator === 'villages')!;
      const central = r.cells.find((c) => c.indicator === 'central_villages')!;
      return {
        code: r.code,
        name: r.name,
        community: v.total === 0,
        central: central.total > 0,
        covered: v.total ? v.covered > 0 : undefined,
        facilities: d.villageFacilities.get(r.code) ?? [],
        override: corrected.get(r.code),
        kindHref: mayCorrect ? kindHref(r.code, `${back}#children`) : undefined,
      };
    });
  }

  // ## The lists behind the numbers

  async function listPage(req: Request, res: Response, kind: 'villages' | 'townships' | 'counties' | 'facilities') {
    const w = await where(req, res);
    if (!w) return;
    const q = ListQuery.parse(req.query);
    const region = toRef(w.region);
    const lang: Lang = req.lang ?? 'zh-CN';
    const t = translator(lang);
    const opts = { date: w.date, status: q.status, q: q.q, page: q.page, perPage: PER_PAGE };
    let which: string = kind;
    let page: lists.Page<unknown> | { rows: unknown[]; total: number };
    if (kind === 'villages') {
      page = await lists.villages(db, region, { ...opts, central: q.central === '1', kind: q.kind });
      which = q.kind === 'community' ? 'communities' : q.central === '1' ? 'central_villages' : 'villages';
    } else if (kind === 'townships') {
      page = await lists.townships(db, region, opts);
    } else if (kind === 'counties') {
      page = await lists.counties(db, region, { ...opts, indicator: q.indicator ?? 'counties' });
      which = q.indicator ?? 'counties';
    } else {
      // Columbaria and cemeteries laid out in Shi'an show their free places and when they are full.
      const counting = await lists.countingList(db, region, opts);
      const remaining = await remainingCapacity(
        db,
        counting.rows.map((r) => r.id),
      );
      page = { ...counting, rows: counting.rows.map((r) => ({ ...r, remaining: remaining.get(r.id) })) };
    }
    // Links keep every filter but the one they change.
    const keep = (over: Record<string, string | undefined>, code = region.code) => {
      const p = new URLSearchParams({ region: regionParam(code), date: w.date });
      const base: Record<string, string | undefined> = {
        central: q.central,
        kind: q.kind,
        indicator: q.indicator,
        q: q.q,
        status: q.status,
        ...over,
      };
      for (const [k, v] of Object.entries(base)) if (v) p.set(k, v);
      return `${req.path}?${p.toString()}`;
    };
    const counts = 'counts' in page ? page.counts : undefined;
    res.render('coverage/list', {
      kind,
      title: `${t(`coverage.list.${which}`)} · ${region.name}`,
      styles: ['/static/css/coverage.css'],
      which,
      region,
      day: w.date,
      dateLabel: formatDate(w.date, lang),
      query: new URLSearchParams({ region: regionParam(region.code), date: w.date }).toString(),
      trail: w.trail.map((r, i) => ({
        name: r.name,
        href: mayOpenRegion(req.user!, r.code) ? keep({}, r.code) : undefined,
        current: i === w.trail.length - 1,
      })),
      back: dashboardHref(region.code, w.date),
      filter: q,
      rows: page.rows,
      total: page.total,
      counts,
      tabs: counts
        ? (['all', 'covered', 'uncovered'] as const).map((s) => ({
            status: s,
            n: counts[s],
            href: keep({ status: s === 'all' ? undefined : s }),
            current: (q.status ?? 'all') === s,
          }))
        : undefined,
      hidden: Object.entries({
        region: regionParam(region.code),
        date: w.date,
        central: q.central,
        kind: q.kind,
        indicator: q.indicator,
        status: q.status,
      })
        .filter(([, v]) => v)
        .map(([name, value]) => ({ name, value })),
      clear: keep({ q: undefined }),
      pager: pagination(req, q.page, PER_PAGE, page.total),
    });
  }

  return [
    { method: 'get', path: '/staff/coverage', roles: ROLES, handler: dashboardPage },
    {
      method: 'get',
      path: '/staff/coverage/villages',
      roles: ROLES,
      handler: (req, res) => listPage(req, res, 'villages'),
    },
    {
      method: 'get',
      path: '/staff/coverage/townships',
      roles: ROLES,
      handler: (req, res) => listPage(req, res, 'townships'),
    },
    {
      method: 'get',
      path: '/staff/coverage/counties',
      roles: ROLES,
      handler: (req, res) => listPage(req, res, 'counties'),
    },
    {
      method: 'get',
      path: '/staff/coverage/facilities',
      roles: ROLES,
      handler: (req, res) => listPage(req, res, 'facilities'),
    },
  ];
}

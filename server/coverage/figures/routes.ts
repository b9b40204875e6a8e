// The bureau's yearly figures: deaths and burials per county, scattered graves per township, funeral zones,
// central villages. Grids save whole, with a message per failed cell.
import type { Request, Response } from 'express';
import { assertRegionsInScope, mayOpenRegion, scopedRegion } from '../../accounts/access.js';
import { regionScope } from '../../accounts/roles.js';
import type { AppContext } from '../../context.js';
import { AppError, ValidationError, type FieldErrors } from '../../http/errors.js';
import { formatRatio } from '../../http/format.js';
import { todayInShanghai } from '../../time.js';
import { flash, withForm } from '../../http/forms.js';
import type { RouteDef } from '../../http/routes.js';
import { parse } from '../../http/validate.js';
import { translator, type Lang } from '../../i18n/index.js';
import { buildPicker, pickedCode } from '../../regions/picker.js';
import type { Level } from '../../regions/levels.js';
import * as regions from '../../regions/service.js';
import { qs, tabsQuery } from '../query.js';
import { optionalText } from '../../http/fields.js';
import { z } from 'zod';
import { defaultRegion } from '../engine/service.js';
import * as figures from './service.js';
import { funeralZones } from '../indicators/kinds.js';
import { zonesUnder } from '../indicators/service.js';
import {
  CentralInput,
  cellName,
  countyGridSchema,
  countyMeasures,
  countyRowProblems,
  FiguresQuery,
  graveGridSchema,
  graveRowProblems,
  MAX_YEAR,
  MIN_YEAR,
  parseCount,
  parseGrid,
  postedCodes,
  zonesSchema,
} from './schemas.js';

/** A county bureau keeps its county's figures (another region is 403). */
const BUREAU = ['admin', 'bureau', 'county_bureau'] as const;
const BASE = '/staff/coverage';

/** A rate shown beside a row; nothing when a part is missing or the part exceeds the whole (an error says why). */
const rateText = (num: number | null, den: number | null): string =>
  num === null || den === null || num > den ? '' : formatRatio(num, den);

/** withForm for the grids: the page is built knowing which cells failed, so each row can say what is wrong with it. */
async function withGrid(
  res: Response,
  view: string,
  data: (errors: FieldErrors) => Promise<object>,
  fn: () => Promise<void>,
): Promise<void> {
  let failed: FieldErrors = {};
  await withForm(
    res,
    view,
    () => data(failed),
    async () => {
      try {
        await fn();
      } catch (err) {
        if (err instanceof AppError) failed = err.fields;
        throw err;
      }
    },
  );
}

interface Problem {
  field: string;
  label: string;
  key: string;
  params?: Record<string, unknown>;
}

/** The failed cells of one row, labelled with the row and column for the summary at the top. */
function rowProblems(
  errors: FieldErrors,
  name: string,
  cells: { measure: string; name: string }[],
  label: (m: string) => string,
): Problem[] {
  return cells
    .filter((c) => errors[c.name])
    .map((c) => ({ field: c.name, label: `${name} · ${label(c.measure)}`, ...errors[c.name] }));
}

/** Failed fields that belong to no row shown (a region posted that is not on the page). */
function strayProblems(errors: FieldErrors, shown: Set<string>): Problem[] {
  return Object.entries(errors)
    .filter(([f]) => !shown.has(f))
    .map(([field, e]) => ({ field, label: '', ...e }));
}

/** What a cell shows: the number as stored, or what was typed when the form comes back with errors. */
const cellValue = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/**
 * One row of a figures grid (a county's year, a township's graves): its cells with what they show, their errors and
 * labels, and `count(m)`, a cell read as a number (null when empty or unreadable) for the rates beside them. Every
 * cell's name is added to `shown`, so that errors of rows not on the page can be listed apart.
 */
function gridRow<M extends string>(
  r: { region_code: string; name: string; updated_at?: string | null },
  measures: readonly M[],
  stored: (m: M) => number | null | undefined,
  form: { posted?: Record<string, unknown>; errors: FieldErrors; shown: Set<string>; t: (key: string) => string },
) {
  const { posted, errors, shown, t } = form;
  const value = (m: M) => (posted ? String(posted[cellName(m, r.region_code)] ?? '') : cellValue(stored(m)));
  const count = (m: M) => {
    const p = parseCount(value(m));
    return 'value' in p ? p.value : null;
  };
  const cells = measures.map((m) => ({
    measure: m,
    name: cellName(m, r.region_code),
    value: value(m),
    error: Boolean(errors[cellName(m, r.region_code)]),
    label: `${r.name} ${t(`coverage_figures.m.${m}`)}`,
  }));
  cells.forEach((c) => shown.add(c.name));
  return {
    row: {
      code: r.region_code,
      name: r.name,
      version: posted ? String(posted[cellName('v', r.region_code)] ?? '') : (r.updated_at ?? ''),
      cells,
      problems: rowProblems(errors, r.name, cells, (m) => t(`coverage_figures.m.${m}`)),
    },
    count,
  };
}

/** Why a change that alters a closed year's submitted figures is made anyway (asked for only then). */
const ClosedYearReason = z.object({ closed_year_reason: optionalText(500) });
const reasonIn = (body: Record<string, unknown>) =>
  typeof body.closed_year_reason === 'string' ? body.closed_year_reason : undefined;

export function figureRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const lang = (res: Response) => (res.locals.lang as Lang) ?? 'zh-CN';

  /** A link up to a region the user may not open (a county bureau's city) goes to the user's own region instead. */
  const up = (req: Request, code: string): string =>
    mayOpenRegion(req.user!, code) ? code : (regionScope(req.user!) ?? code);

  async function scope(req: Request, input: Record<string, unknown>, maxLevel: Level) {
    const within = regionScope(req.user!);
    let code = scopedRegion(req.user!, pickedCode(input, 'region') || undefined) ?? '';
    if (!code || !(await regions.findRegion(db, code))) code = within ?? (await defaultRegion(db));
    const picker = await buildPicker(db, 'region', code, maxLevel, within);
    const q = FiguresQuery.parse(input);
    const date =
      typeof input.date === 'string' && /^\d{4}-/.test(input.date) ? Number(input.date.slice(0, 4)) : undefined;
    const year =
      q.year ?? (date && date >= MIN_YEAR && date <= MAX_YEAR ? date : Number(todayInShanghai().slice(0, 4)));
    return { picker, region: picker.value || code, year };
  }

  const yearNav = (path: string, region: string, year: number) => ({
    prev: year > MIN_YEAR ? { year: year - 1, href: `${path}${qs({ region, year: year - 1 })}` } : undefined,
    next: year < MAX_YEAR ? { year: year + 1, href: `${path}${qs({ region, year: year + 1 })}` } : undefined,
  });

  /** The main figures page: one year's grid of counties, the yearly totals, and the township pages per county. */
  async function figuresData(
    req: Request,
    res: Response,
    input: Record<string, unknown>,
    posted?: Record<string, unknown>,
    errors: FieldErrors = {},
  ) {
    const t = translator(lang(res));
    const { picker, region, year } = await scope(req, input, 'county');
    const prefix = region.length > 6 ? region.slice(0, 6) : region;
    const wide = prefix.length < 4; // a whole province or country: choose a city first
    const stored = wide ? [] : await figures.countyFigures(db, prefix, year);
    const shown = new Set<string>();
    const rows = stored.map((r) => {
      const { row, count } = gridRow(r, countyMeasures, (m) => r[m as keyof typeof r] as number | null, {
        posted,
        errors,
        shown,
        t,
      });
      return {
        ...row,
        cremationRate: rateText(count('cremations'), count('deaths')),
        greenRate: rateText(count('green_burials'), count('burials')),
      };
    });
    const sum = (m: keyof figures.CountyFigures) => {
      const v = stored.map((r) => r[m] as number | null).filter((x): x is number => x !== null);
      return v.length ? v.reduce((a, b) => a + b, 0) : null;
    };
    const totals = {
      deaths: sum('deaths'),
      cremations: sum('cremations'),
      burials: sum('burials'),
      green_burials: sum('green_burials'),
    };
    const history = wide
      ? []
      : (await figures.yearTotals(db, prefix)).map((h) => ({
          ...h,
          cremationRate: rateText(h.cremations, h.deaths),
          greenRate: rateText(h.green_burials, h.burials),
          href: `${BASE}/figures${qs({ region, year: h.year })}`,
          current: h.year === year,
        }));
    const zones = wide ? [] : (await zonesUnder(db, prefix)).filter((z) => z.level === 'county');
    const central = wide
      ? new Map<string, { villages: number; central: number }>()
      : await figures.centralCounts(db, prefix);
    const reported = wide ? [] : await figures.gravesReported(db, prefix, year);
    const townships = wide ? [] : await figures.regionsAt(db, 'township', prefix);
    const perCounty = stored.map((c) => {
      let villages = 0,
        centralN = 0;
      for (const [tw, v] of central)
        if (tw.startsWith(c.region_code)) {
          villages += v.villages;
          centralN += v.central;
        }
      return {
        code: c.region_code,
        name: c.name,
        zone: zones.find((z) => z.code === c.region_code)?.zone ?? null,
        townships: townships.filter((tw) => tw.code.startsWith(c.region_code)).length,
        gravesReported: reported.filter((g) => g.startsWith(c.region_code)).length,
        villages,
        central: centralN,
        gravesHref: `${BASE}/figures/graves${qs({ region: c.region_code, year })}`,
        zonesHref: `${BASE}/figures/zones${qs({ region: c.region_code })}`,
        centralHref: `${BASE}/figures/central-villages${qs({ region: c.region_code })}`,
      };
    });
    return {
      title: t('coverage_figures.title'),
      styles: ['/static/css/coverage-figures.css'],
      picker,
      region,
      year,
      wide,
      rows,
      measures: countyMeasures,
      totals,
      problems: [...rows.flatMap((r) => r.problems), ...strayProblems(errors, shown)],
      totalRates: {
        cremation: rateText(totals.cremations, totals.deaths),
        green: rateText(totals.green_burials, totals.burials),
      },
      history,
      perCounty,
      years_nav: yearNav(`${BASE}/figures`, region, year),
      years: yearOptions(year),
      tabsQuery: tabsQuery(req, region),
    };
  }

  async function figuresPage(req: Request, res: Response) {
    res.render('coverage/figures', await figuresData(req, res, req.query as Record<string, unknown>));
  }

  async function saveFigures(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    await withGrid(
      res,
      'coverage/figures',
      async (errors) => ({ ...(await figuresData(req, res, body, body, errors)), closedYearReason: reasonIn(body) }),
      async () => {
        const codes = postedCodes(body, countyMeasures);
        assertRegionsInScope(req.user!, codes);
        const input = parseGrid(countyGridSchema(codes), body, codes, countyMeasures, countyRowProblems);
        const reason = parse(ClosedYearReason, body).closed_year_reason;
        const n = await figures.saveCountyFigures(db, req.user!, input.year, input.rows, ip(req), reason);
        flash(req, n ? 'flash.figures_saved' : 'flash.figures_unchanged', { year: input.year, n });
        res.redirect(`${BASE}/figures${qs({ region: String(body.region ?? ''), year: input.year })}`);
      },
    );
  }

  // ## Scattered graves per township

  async function gravesData(
    req: Request,
    res: Response,
    input: Record<string, unknown>,
    posted?: Record<string, unknown>,
    errors: FieldErrors = {},
  ) {
    const t = translator(lang(res));
    const { picker, region, year } = await scope(req, input, 'county');
    const county = region.length >= 6 ? region.slice(0, 6) : null;
    const countyName = county ? ((await regions.findRegion(db, county))?.name ?? county) : null;
    const counties = county
      ? []
      : (await figures.regionsAt(db, 'county', region)).map((c) => ({
          ...c,
          href: `${BASE}/figures/graves${qs({ region: c.code, year })}`,
        }));
    const shown = new Set<string>();
    const rows = county
      ? (await figures.townshipGraves(db, county, year)).map((r) => {
          const { row, count } = gridRow(r, ['found', 'remediated'] as const, (m) => r[m], {
            posted,
            errors,
            shown,
            t,
          });
          return {
            ...row,
            rate: rateText(count('remediated'), count('found')),
            previous: r.previous ? { ...r.previous, rate: rateText(r.previous.remediated, r.previous.found) } : null,
          };
        })
      : [];
    return {
      title: t('coverage_figures.graves'),
      styles: ['/static/css/coverage-figures.css'],
      picker,
      region,
      county,
      countyName,
      counties,
      year,
      rows,
      measures: ['found', 'remediated'],
      problems: [...rows.flatMap((r) => r.problems), ...strayProblems(errors, shown)],
      years_nav: yearNav(`${BASE}/figures/graves`, region, year),
      years: yearOptions(year),
      tabsQuery: tabsQuery(req, region),
      backHref: `${BASE}/figures${qs({ region: up(req, county ? county.slice(0, 4) : region), year })}`,
    };
  }

  async function gravesPage(req: Request, res: Response) {
    res.render('coverage/figures-graves', await gravesData(req, res, req.query as Record<string, unknown>));
  }

  async function saveGravesHandler(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    await withGrid(
      res,
      'coverage/figures-graves',
      async (errors) => ({ ...(await gravesData(req, res, body, body, errors)), closedYearReason: reasonIn(body) }),
      async () => {
        const codes = postedCodes(body, ['found', 'remediated']);
        assertRegionsInScope(req.user!, codes);
        const input = parseGrid(graveGridSchema(codes), body, codes, ['found', 'remediated'], graveRowProblems);
        const reason = parse(ClosedYearReason, body).closed_year_reason;
        const n = await figures.saveGraves(db, req.user!, input.year, input.rows, ip(req), reason);
        flash(req, n ? 'flash.figures_saved' : 'flash.figures_unchanged', { year: input.year, n });
        res.redirect(`${BASE}/figures/graves${qs({ region: String(body.region ?? ''), year: input.year })}`);
      },
    );
  }

  // ## Funeral zones

  /** A city lists its counties; a county (or a township of it) lists the county and its townships. */
  async function zonesData(
    req: Request,
    res: Response,
    input: Record<string, unknown>,
    posted?: Record<string, unknown>,
    errors: FieldErrors = {},
  ) {
    const { picker, region } = await scope(req, input, 'county');
    const prefix = region.length > 6 ? region.slice(0, 6) : region;
    const wide = prefix.length < 4;
    const all = wide ? [] : await zonesUnder(db, prefix);
    const shown = prefix.length === 4 ? all.filter((z) => z.level === 'county') : all;
    const t = translator(lang(res));
    const rows = shown.map((z) => {
      const own = z.inherited ? '' : (z.zone ?? '');
      return {
        code: z.code,
        name: z.name,
        level: z.level,
        name_field: cellName('zone', z.code),
        error: errors[cellName('zone', z.code)],
        value: posted ? String(posted[cellName('zone', z.code)] ?? '') : own,
        unsetLabel:
          z.inherited && z.zone
            ? t('coverage_figures.zone_inherit', { zone: t(`coverage_figures.zone_names.${z.zone}`) })
            : t('coverage_figures.zone_unset'),
        townshipsHref:
          z.level === 'county' && prefix.length === 4 ? `${BASE}/figures/zones${qs({ region: z.code })}` : undefined,
      };
    });
    const name = (await regions.findRegion(db, prefix))?.name ?? prefix;
    return {
      title: t('coverage_figures.zones'),
      styles: ['/static/css/coverage-figures.css'],
      picker,
      region,
      wide,
      regionName: name,
      rows,
      zones: funeralZones,
      tabsQuery: tabsQuery(req, region),
      problems: [
        ...rows.flatMap((r) =>
          rowProblems(errors, r.name, [{ measure: 'zone', name: r.name_field }], () => t('coverage_figures.zone')),
        ),
        ...strayProblems(errors, new Set(rows.map((r) => r.name_field))),
      ],
      backHref: `${BASE}/figures${qs({ region: up(req, prefix.slice(0, 4) || region) })}`,
    };
  }

  async function zonesPage(req: Request, res: Response) {
    res.render('coverage/figures-zones', await zonesData(req, res, req.query as Record<string, unknown>));
  }

  async function saveZonesHandler(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    await withGrid(
      res,
      'coverage/figures-zones',
      (errors) => zonesData(req, res, body, body, errors),
      async () => {
        const codes = postedCodes(body, ['zone']);
        assertRegionsInScope(req.user!, codes);
        const rows = parse(zonesSchema(codes), body);
        const n = await figures.saveZones(db, req.user!, rows, ip(req));
        flash(req, 'flash.zones_saved', { n });
        res.redirect(`${BASE}/figures/zones${qs({ region: String(body.region ?? '') })}`);
      },
    );
  }

  // ## Central villages

  async function centralData(req: Request, res: Response, input: Record<string, unknown>, posted?: string[]) {
    const { picker, region } = await scope(req, input, 'township');
    const t = translator(lang(res));
    const township = region.length === 9 ? await regions.findRegion(db, region) : undefined;
    const villages = township ? await figures.adminVillages(db, township.code) : [];
    const counts = township
      ? new Map()
      : await figures.centralCounts(db, region.length > 9 ? region.slice(0, 9) : region);
    const townships =
      township || region.length < 6
        ? []
        : (await figures.regionsAt(db, 'township', region)).map((tw) => ({
            ...tw,
            villages: counts.get(tw.code)?.villages ?? 0,
            central: counts.get(tw.code)?.central ?? 0,
            href: `${BASE}/figures/central-villages${qs({ region: tw.code })}`,
          }));
    const counties =
      township || region.length >= 6
        ? []
        : (await figures.regionsAt(db, 'county', region)).map((c) => ({
            ...c,
            href: `${BASE}/figures/central-villages${qs({ region: c.code })}`,
          }));
    const chosen = posted ? new Set(posted) : null;
    return {
      title: t('coverage_figures.central'),
      styles: ['/static/css/coverage-figures.css'],
      picker,
      region,
      township,
      townships,
      counties,
      tabsQuery: tabsQuery(req, region),
      villages: villages.map((v) => ({ ...v, checked: chosen ? chosen.has(v.code) : v.central })),
      picked: villages.filter((v) => (chosen ? chosen.has(v.code) : v.central)).length,
      backHref: `${BASE}/figures${qs({ region: up(req, region.slice(0, 4)) })}`,
      closedYearReason: typeof input.closed_year_reason === 'string' ? input.closed_year_reason : undefined,
    };
  }

  async function centralPage(req: Request, res: Response) {
    res.render('coverage/figures-central', await centralData(req, res, req.query as Record<string, unknown>));
  }

  async function saveCentralHandler(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    const township = String(body.region ?? '');
    const tw = /^\d{9}$/.test(township) ? await regions.findRegion(db, township) : undefined;
    if (!tw || tw.level !== 'township') throw new ValidationError({ region: { key: 'errors.target_region_required' } });
    assertRegionsInScope(req.user!, [tw.code]);
    const raw =
      body.central === undefined ? [] : Array.isArray(body.central) ? body.central.map(String) : [String(body.central)];
    await withForm(
      res,
      'coverage/figures-central',
      () => centralData(req, res, body, raw),
      async () => {
        const input = parse(CentralInput, body);
        const reason = parse(ClosedYearReason, body).closed_year_reason;
        const n = await figures.saveCentralVillages(db, req.user!, tw.code, input.central, ip(req), reason);
        flash(req, 'flash.central_saved', { township: tw.name, n });
        res.redirect(`${BASE}/figures/central-villages${qs({ region: tw.code })}`);
      },
    );
  }

  return [
    { method: 'get', path: `${BASE}/figures`, roles: BUREAU, handler: figuresPage },
    { method: 'post', path: `${BASE}/figures`, roles: BUREAU, handler: saveFigures },
    { method: 'get', path: `${BASE}/figures/graves`, roles: BUREAU, handler: gravesPage },
    { method: 'post', path: `${BASE}/figures/graves`, roles: BUREAU, handler: saveGravesHandler },
    { method: 'get', path: `${BASE}/figures/zones`, roles: BUREAU, handler: zonesPage },
    { method: 'post', path: `${BASE}/figures/zones`, roles: BUREAU, handler: saveZonesHandler },
    { method: 'get', path: `${BASE}/figures/central-villages`, roles: BUREAU, handler: centralPage },
    { method: 'post', path: `${BASE}/figures/central-villages`, roles: BUREAU, handler: saveCentralHandler },
  ];
}

/** The years a figures page offers: the plans' span, and the year shown if outside it. */
function yearOptions(year: number): number[] {
  const now = Number(todayInShanghai().slice(0, 4));
  const set = new Set<number>([year]);
  for (let y = 2015; y <= now + 1; y++) set.add(y);
  return [...set].sort((a, b) => b - a);
}

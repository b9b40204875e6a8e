// The bureau's coverage targets: list, add, edit, delete (figures/ keeps the yearly figures).
import type { Request, Response } from 'express';
import type { AppContext } from '../../context.js';
import { NotFoundError } from '../../http/errors.js';
import { formatRate, percentInput } from '../../http/format.js';
import { todayInShanghai } from '../../time.js';
import { flash, idParam, withForm } from '../../http/forms.js';
import { pagination } from '../../http/pagination.js';
import type { RouteDef } from '../../http/routes.js';
import { pageParam, parse } from '../../http/validate.js';
import { translator, type Lang } from '../../i18n/index.js';
import { buildPicker, pickedCode } from '../../regions/picker.js';
import * as regions from '../../regions/service.js';
import { qs, tabsQuery } from '../query.js';
import { defaultRegion } from '../engine/service.js';
import { targetIndicators } from '../indicators/kinds.js';
import { TargetInput, TargetQuery } from './schemas.js';
import { createTarget, findTarget, listTargets, removeTarget, updateTarget, type Target } from './service.js';

const BUREAU = ['admin', 'bureau'] as const;
const PER_PAGE = 50;
const BASE = '/staff/coverage';

export function targetRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const lang = (res: Response) => (res.locals.lang as Lang) ?? 'zh-CN';

  /** Names of the region and its ancestors below the province, for a list row: 钟山区 › 荷城街道. */
  async function regionPaths(codes: string[]): Promise<Map<string, string>> {
    const all = [
      ...new Set(
        codes.flatMap((c) =>
          [4, 6, 9]
            .filter((n) => n <= c.length)
            .map((n) => c.slice(0, n))
            .concat(c),
        ),
      ),
    ];
    const names = await regions.regionNames(db, all);
    return new Map(
      codes.map((c) => {
        const parts = [6, 9]
          .filter((n) => n < c.length)
          .map((n) => names.get(c.slice(0, n)))
          .filter(Boolean);
        return [c, [...parts, names.get(c) ?? c].join(' › ')];
      }),
    );
  }

  // ## Targets

  async function targetsPage(req: Request, res: Response) {
    const picker = await buildPicker(
      db,
      'region',
      pickedCode(req.query as Record<string, unknown>, 'region'),
      'township',
    );
    const q = TargetQuery.parse(req.query);
    const page = pageParam.parse(req.query.page);
    // Region by region (codes in order), each region's indicators in the order the dashboard shows them, then by year.
    const order = (i: string) => targetIndicators.indexOf(i as (typeof targetIndicators)[number]);
    const all = (await listTargets(db, { under: picker.value || undefined, indicator: q.indicator })).sort(
      (a, b) =>
        a.region_code.localeCompare(b.region_code) || order(a.indicator) - order(b.indicator) || a.year - b.year,
    );
    const shown = all.slice((page - 1) * PER_PAGE, page * PER_PAGE);
    const paths = await regionPaths(shown.map((t) => t.region_code));
    res.render('coverage/targets', {
      title: translator(lang(res))('coverage_targets.title'),
      styles: ['/static/css/coverage-figures.css'],
      picker,
      query: q,
      indicators: targetIndicators,
      total: all.length,
      filtered: Boolean(q.indicator) || picker.levels.some((l) => l.options.some((o) => o.selected)),
      rows: shown.map((t) => ({ ...t, path: paths.get(t.region_code), percent: formatRate(t.rate) })),
      pager: pagination(req, page, PER_PAGE, all.length),
      tabsQuery: tabsQuery(req, picker.value),
      newHref: `${BASE}/targets/new${qs({ region: picker.value, indicator: q.indicator })}`,
    });
  }

  async function targetForm(res: Response, values: Record<string, unknown>, target?: Target) {
    return {
      title: translator(lang(res))(target ? 'coverage_targets.edit' : 'coverage_targets.new'),
      styles: ['/static/css/coverage-figures.css'],
      values,
      target,
      indicators: targetIndicators,
      picker: await buildPicker(db, 'region', typeof values.region === 'string' ? values.region : '', 'township'),
      action: target ? `${BASE}/targets/${target.id}` : `${BASE}/targets`,
    };
  }

  /** The picker's deepest choice; nothing chosen below the fixed levels (the demo's province and city) is the city. */
  async function postedRegion(body: Record<string, unknown>): Promise<string> {
    return pickedCode(body, 'region') || (await buildPicker(db, 'region', '', 'township')).value;
  }

  async function newTargetPage(req: Request, res: Response) {
    const indicator = TargetQuery.parse(req.query).indicator ?? 'villages';
    const region = pickedCode(req.query as Record<string, unknown>, 'region') || (await defaultRegion(db));
    res.render(
      'coverage/target-form',
      await targetForm(res, { region, indicator, year: todayInShanghai().slice(0, 4), rate: '', source: '' }),
    );
  }

  const flashParams = async (res: Response, t: { region: string; indicator: string; year: number; rate?: number }) => ({
    region: (await regions.findRegion(db, t.region))?.name ?? t.region,
    year: t.year,
    indicator: translator(lang(res))(`coverage_targets.indicators.${t.indicator}`),
    rate: t.rate === undefined ? '' : formatRate(t.rate),
  });

  async function createTargetHandler(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    const values = { ...body, region: await postedRegion(body) };
    if (body._refresh) return res.render('coverage/target-form', await targetForm(res, values));
    await withForm(
      res,
      'coverage/target-form',
      () => targetForm(res, values),
      async () => {
        const input = parse(TargetInput, values);
        await createTarget(db, req.user!, input, ip(req));
        flash(req, 'flash.target_created', await flashParams(res, input));
        res.redirect(`${BASE}/targets`);
      },
    );
  }

  async function loadTarget(req: Request): Promise<Target> {
    const t = await findTarget(db, idParam(req));
    if (!t) throw new NotFoundError();
    return t;
  }

  async function editTargetPage(req: Request, res: Response) {
    const t = await loadTarget(req);
    res.render(
      'coverage/target-form',
      await targetForm(
        res,
        {
          region: t.region_code,
          indicator: t.indicator,
          year: String(t.year),
          rate: percentInput(t.rate),
          source: t.source ?? '',
        },
        t,
      ),
    );
  }

  async function updateTargetHandler(req: Request, res: Response) {
    const t = await loadTarget(req);
    const body = req.body as Record<string, unknown>;
    const values = { ...body, region: await postedRegion(body) };
    if (body._refresh) return res.render('coverage/target-form', await targetForm(res, values, t));
    await withForm(
      res,
      'coverage/target-form',
      () => targetForm(res, values, t),
      async () => {
        const input = parse(TargetInput, values);
        await updateTarget(db, req.user!, t.id, input, ip(req));
        flash(req, 'flash.target_updated', await flashParams(res, input));
        res.redirect(`${BASE}/targets`);
      },
    );
  }

  async function deleteTargetPage(req: Request, res: Response) {
    const t = await loadTarget(req);
    const paths = await regionPaths([t.region_code]);
    res.render('coverage/target-delete', {
      target: { ...t, path: paths.get(t.region_code), percent: formatRate(t.rate) },
      styles: ['/static/css/coverage-figures.css'],
    });
  }

  async function deleteTargetHandler(req: Request, res: Response) {
    const t = await removeTarget(db, req.user!, idParam(req), ip(req));
    flash(
      req,
      'flash.target_deleted',
      await flashParams(res, { region: t.region_code, indicator: t.indicator, year: t.year }),
    );
    res.redirect(`${BASE}/targets`);
  }

  // ## Yearly figures

  /** The region of a figures page (the picker, else a plain region=, else the demo city) and the year. */
  return [
    { method: 'get', path: `${BASE}/targets`, roles: BUREAU, handler: targetsPage },
    { method: 'get', path: `${BASE}/targets/new`, roles: BUREAU, handler: newTargetPage },
    { method: 'post', path: `${BASE}/targets`, roles: BUREAU, handler: createTargetHandler },
    { method: 'get', path: `${BASE}/targets/:id`, roles: BUREAU, handler: editTargetPage },
    { method: 'post', path: `${BASE}/targets/:id`, roles: BUREAU, handler: updateTargetHandler },
    { method: 'get', path: `${BASE}/targets/:id/delete`, roles: BUREAU, handler: deleteTargetPage },
    { method: 'post', path: `${BASE}/targets/:id/delete`, roles: BUREAU, handler: deleteTargetHandler },
  ];
}

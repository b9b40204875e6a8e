// The report settings page of the bureau: per region (a city, a county, a province), the issuing office, head, reviewer
// and phone its reports and tables carry; a region without its own uses its nearest ancestor's.
import { assertRegionsInScope, scopedRegion } from '../accounts/access.js';
import type { User } from '../accounts/roles.js';
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { NotFoundError } from '../http/errors.js';
import { formatDateTime } from '../http/format.js';
import { flash, withForm } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator, type Lang } from '../i18n/index.js';
import { buildPicker, pickedCode } from '../regions/picker.js';
import * as regions from '../regions/service.js';
import { reportDefaultRegion } from './service.js';
import { ClearInput, SettingsInput } from './settings-schemas.js';
import {
  clearSettings,
  effectiveSettings,
  ownSettings,
  saveSettings,
  type SettingsFields,
} from './settings-service.js';

const BUREAU = ['admin', 'bureau', 'county_bureau'] as const;
const PATH = '/staff/coverage/report-settings';
const FIELDS = ['issuer', 'head', 'reviewer', 'phone'] as const;

const qs = (code: string) => `?region=${encodeURIComponent(code)}`;

export function reportSettingsRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const lang = (res: Response) => (res.locals.lang as Lang) ?? 'zh-CN';

  /** The region asked for (the picker, or a plain region=CODE), else the demo city; unknown is a 404. */
  async function regionOf(user: User, input: Record<string, unknown>) {
    const code = scopedRegion(user, pickedCode(input, 'region') || undefined) ?? (await reportDefaultRegion(db));
    const region = await regions.findRegion(db, code);
    if (!region) throw new NotFoundError('region_not_found');
    return region;
  }

  /** 六盘水市钟山区 for a county: its city's name and its own, as the reports write them (unless it starts with it). */
  async function fullName(code: string): Promise<string> {
    const trail = await regions.regionTrail(db, code);
    const r = trail[trail.length - 1];
    if (!r) return code;
    const city = trail.find((a) => a.level === 'city');
    return r.level === 'county' && city && !r.name.startsWith(city.name) ? `${city.name}${r.name}` : r.name;
  }

  async function pageData(res: Response, code: string, values?: Record<string, unknown>) {
    const t = translator(lang(res));
    const region = await regions.findRegion(db, code);
    const [own, effective, picker] = await Promise.all([
      ownSettings(db, code),
      effectiveSettings(db, code),
      buildPicker(db, 'region', code, 'county'),
    ]);
    const inheritedFrom = !own && effective.from ? await fullName(effective.from) : undefined;
    const label = (f: keyof SettingsFields) => t(`report_settings.${f}`);
    const filled = FIELDS.filter((f) => effective[f]);
    const summary = filled.length
      ? filled
          .map((f) => t('report_settings.summary_item', { label: label(f), value: effective[f] }))
          .join(t('coverage_report.list_sep'))
      : t('report_settings.summary_none');
    return {
      title: t('report_settings.title'),
      styles: ['/static/css/coverage-figures.css'],
      picker,
      region: { code, name: region ? await fullName(code) : code, level: region?.level },
      own: Boolean(own),
      updatedAt: own ? formatDateTime(own.updatedAt, lang(res)) : undefined,
      inheritedFrom,
      summary,
      values: values ?? {
        region: code,
        issuer: own?.issuer ?? '',
        head: own?.head ?? '',
        reviewer: own?.reviewer ?? '',
        phone: own?.phone ?? '',
      },
      preview: FIELDS.map((f) => ({ label: label(f), value: effective[f] })),
      reportHref:
        region && (region.level === 'city' || region.level === 'county')
          ? `/staff/coverage/report.pdf${qs(code)}`
          : undefined,
    };
  }

  async function settingsPage(req: Request, res: Response) {
    const region = await regionOf(req.user!, req.query as Record<string, unknown>);
    res.render('reports/settings', await pageData(res, region.code));
  }

  async function saveHandler(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    const code = typeof body.region === 'string' ? body.region : '';
    // A bureau tied to its region keeps that region's settings only; no region at all is the form's field error.
    if (code) assertRegionsInScope(req.user!, [code]);
    await withForm(
      res,
      'reports/settings',
      async () =>
        pageData(
          res,
          (await regions.findRegion(db, code))
            ? code
            : (scopedRegion(req.user!, undefined) ?? (await reportDefaultRegion(db))),
          body,
        ),
      async () => {
        const input = parse(SettingsInput, body);
        const outcome = await saveSettings(db, req.user!, input, ip(req));
        flash(req, `flash.report_settings_${outcome}`, { region: await fullName(input.region) });
        res.redirect(`${PATH}${qs(input.region)}`);
      },
    );
  }

  async function clearHandler(req: Request, res: Response) {
    const { region } = parse(ClearInput, req.body);
    assertRegionsInScope(req.user!, [region]);
    const cleared = await clearSettings(db, req.user!, region, ip(req));
    flash(req, cleared ? 'flash.report_settings_cleared' : 'flash.report_settings_nothing', {
      region: await fullName(region),
    });
    res.redirect(`${PATH}${qs(region)}`);
  }

  return [
    { method: 'get', path: PATH, roles: BUREAU, handler: settingsPage },
    { method: 'post', path: PATH, roles: BUREAU, handler: saveHandler },
    { method: 'post', path: `${PATH}/clear`, roles: BUREAU, handler: clearHandler },
  ];
}

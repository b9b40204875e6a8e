// The public home page for families, language choice and the health check.
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { dialectOf, ping } from '../db.js';
import { facilityChoices } from '../facilities/service.js';
import { regionNames } from '../regions/service.js';
import type { Facility } from '../facilities/kinds.js';
import { NotFoundError } from '../http/errors.js';
import { isLang } from '../i18n/index.js';
import { DISPLAY_COOKIE, DISPLAY_COOKIE_MS, isDisplayMode } from '../http/display.js';
import { safeNext } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';

// Kinds a family looks for, in the order they are shown.
const publicKinds = [
  'funeral_home',
  'columbarium',
  'urban_public_cemetery',
  'rural_public_cemetery',
  'funeral_service_point',
] as const;

/** Kinds with more facilities than this show one folded line per county. */
const FOLD_AFTER = 8;

export function homeRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  // Read on every render: for anonymous visitors the public page cache (1 s) stands in front of it.
  async function directory() {
    const open = await facilityChoices(db, { status: 'operating' });
    const countyNames = await regionNames(db, [...new Set(open.map((f) => f.region_code.slice(0, 6)))]);
    return publicKinds
      .map((kind) => {
        const rows = open.filter((f: Facility) => f.kind === kind);
        // Rows are in region-code order: group them by county so a long kind folds into one line per county.
        const counties: { code: string; name: string; rows: Facility[] }[] = [];
        for (const f of rows) {
          const code = f.region_code.slice(0, 6);
          let c = counties.at(-1);
          if (!c || c.code !== code) counties.push((c = { code, name: countyNames.get(code) ?? code, rows: [] }));
          c.rows.push(f);
        }
        return { kind, total: rows.length, open: rows.length <= FOLD_AFTER, counties };
      })
      .filter((g) => g.total > 0);
  }

  async function home(_req: Request, res: Response) {
    res.render('home/index', { groups: await directory() });
  }

  function setLang(req: Request, res: Response) {
    const lang = req.params.lang;
    if (isLang(lang)) res.cookie('lang', lang, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: true });
    res.redirect(safeNext(req.query.back === undefined ? '/' : req.query.back));
  }

  /** 大字模式 / 标准字号: a link, so it works without JavaScript; back to the page it was chosen on. */
  function setDisplay(req: Request, res: Response) {
    const mode = req.params.mode;
    if (!isDisplayMode(mode)) {
      throw new NotFoundError();
    }
    if (mode === 'large')
      res.cookie(DISPLAY_COOKIE, mode, { maxAge: DISPLAY_COOKIE_MS, sameSite: 'lax', httpOnly: true });
    else res.clearCookie(DISPLAY_COOKIE, { sameSite: 'lax', httpOnly: true });
    const back = typeof req.query.back === 'string' ? req.query.back : '/';
    res.set('Cache-Control', 'no-store').redirect(safeNext(back) === back ? back : '/');
  }

  async function healthz(_req: Request, res: Response) {
    await ping(db);
    res.set('Cache-Control', 'no-store').json({ status: 'ok', database: dialectOf(db) });
  }

  return [
    { method: 'get', path: '/', roles: 'public', handler: home, before: [ctx.pageCache.fill('/', 1_000)] },
    { method: 'get', path: '/lang/:lang', roles: 'public', handler: setLang },
    { method: 'get', path: '/display/:mode', roles: 'public', handler: setDisplay },
    { method: 'get', path: '/healthz', roles: 'public', handler: healthz },
  ];
}

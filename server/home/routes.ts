// The public home page for families, language choice and the health check.
import type { Request, Response } from 'express';
import { memo } from '../cache.js';
import type { AppContext } from '../context.js';
import { dialectOf } from '../db.js';
import * as facilities from '../facilities/store.js';
import type { Facility } from '../facilities/kinds.js';
import { isLang } from '../i18n/index.js';
import { safeNext } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';

// Kinds a family looks for, in the order they are shown.
const publicKinds = ['funeral_home', 'columbarium', 'urban_public_cemetery', 'rural_public_cemetery', 'funeral_service_point'] as const;

export function homeRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  // The directory changes a few times a year; families may see a change up to a minute late.
  const directory = memo(60_000, async () => {
    const open = await facilities.listAll(db, { status: 'operating' });
    return publicKinds
      .map((kind) => ({ kind, rows: open.filter((f: Facility) => f.kind === kind) }))
      .filter((g) => g.rows.length > 0);
  });

  async function home(_req: Request, res: Response) {
    res.render('home/index', { groups: await directory() });
  }

  function setLang(req: Request, res: Response) {
    const lang = req.params.lang;
    if (isLang(lang)) res.cookie('lang', lang, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: true });
    res.redirect(safeNext(req.query.back === undefined ? '/' : req.query.back));
  }

  async function healthz(_req: Request, res: Response) {
    await db.raw('select 1');
    res.set('Cache-Control', 'no-store').json({ status: 'ok', database: dialectOf(db) });
  }

  return [
    { method: 'get', path: '/', roles: 'public', handler: home, before: [ctx.pageCache.fill('/', 1_000)] },
    { method: 'get', path: '/lang/:lang', roles: 'public', handler: setLang },
    { method: 'get', path: '/healthz', roles: 'public', handler: healthz },
  ];
}

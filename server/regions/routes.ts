// Regions: the public JSON lookup used by the picker, and the staff browser.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { everyone, inRegionScope } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import type { RouteDef } from '../http/routes.js';
import { NotFoundError } from '../http/errors.js';
import { kindOverrides } from './kind-service.js';
import { kindHref, kindRoutes } from './kind-routes.js';
import { kindEditors, type Region } from './levels.js';
import { pickerFromQuery } from './picker.js';
import * as service from './service.js';

const Code = z.string().regex(/^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/);

const childJson = (r: Region) => ({
  code: r.code,
  name: r.name,
  level: r.level,
  ...(r.level === 'village'
    ? { kind: r.is_admin_village ? 'village' : 'community', is_central_village: r.is_central_village }
    : {}),
});

export function regionRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  async function apiRegion(req: Request, res: Response) {
    const code = Code.safeParse(req.params.code);
    if (!code.success) throw new NotFoundError('region_not_found');
    const { region, children } = await service.regionWithChildren(db, code.data);
    res.set('Cache-Control', 'public, max-age=300');
    res.json({
      ...childJson(region),
      parent_code: region.parent_code,
      population: region.population,
      lng: region.lng,
      lat: region.lat,
      children: children.map(childJson),
    });
  }

  async function browse(req: Request, res: Response) {
    const picker = await pickerFromQuery(db, req.query, 'code', 'township');
    const code = picker.value;
    const { region, children, summaries, trail, totals } = await service.regionOverview(db, code);
    // A township's units: the bureau's corrections are marked, and those who may correct a kind get a link.
    const villages = region?.level === 'township';
    const corrected = villages
      ? await kindOverrides(
          db,
          children.map((c) => c.code),
        )
      : new Map();
    const mayCorrect = villages && kindEditors.includes(req.user!.role) && inRegionScope(req.user!, region!.code);
    const rows = children.map((c) => ({
      ...c,
      ...(summaries.get(c.code) ?? {}),
      override: corrected.get(c.code),
      kindHref: mayCorrect ? kindHref(c.code, `/staff/regions?code=${region!.code}`) : undefined,
    }));
    res.render('regions/browse', { picker, region, rows, trail, totals });
  }

  return [
    { method: 'get', path: '/api/v1/regions/:code', roles: 'public', handler: apiRegion },
    {
      method: 'get',
      path: '/staff/regions',
      roles: everyone,
      handler: browse,
    },
    ...kindRoutes(ctx),
  ];
}

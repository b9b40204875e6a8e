// Facility registry: staff list and the public JSON listing.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { facilityScope } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { pagination } from '../http/pagination.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { pickerFromQuery } from '../regions/picker.js';
import { facilityKinds, facilityStatuses } from './kinds.js';
import * as store from './store.js';

const ApiQuery = z.object({
  kind: z.enum(facilityKinds).optional(),
  region: z.string().regex(/^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/, { error: 'errors.region_code_format' }).optional(),
  status: z.enum(facilityStatuses).optional(),
});

const PageQuery = z.object({
  kind: z.enum(facilityKinds).optional().catch(undefined),
  status: z.enum(facilityStatuses).optional().catch(undefined),
  q: z.string().trim().max(50).optional().catch(undefined),
  page: z.coerce.number().int().min(1).catch(1).default(1),
});

const PER_PAGE = 30;

export function facilityRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  async function apiList(req: Request, res: Response) {
    const q = parse(ApiQuery, req.query);
    const rows = await store.listAll(db, q);
    res.json(rows.map((f) => ({ id: f.id, name: f.name, kind: f.kind, status: f.status, region_code: f.region_code })));
  }

  async function listPage(req: Request, res: Response) {
    const q = parse(PageQuery, req.query);
    const picker = await pickerFromQuery(db, req.query, 'region', 'township');
    // Front desk and cemetery staff work for one facility and see only it.
    const id = facilityScope(req.user!);
    const { rows, total } = await store.list(db, { ...q, id, region: picker.value || undefined, q: q.q || undefined, perPage: PER_PAGE });
    res.render('facilities/list', { rows, query: q, picker, scoped: id !== undefined, kinds: facilityKinds, statuses: facilityStatuses, pager: pagination(req, q.page, PER_PAGE, total) });
  }

  return [
    { method: 'get', path: '/api/v1/facilities', roles: 'public', handler: apiList },
    { method: 'get', path: '/staff/facilities', roles: ['admin', 'bureau', 'front_desk', 'cemetery_staff'], handler: listPage },
  ];
}

// Admin view of the audit log.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import type { RouteDef } from '../http/routes.js';
import { pageParam, optionalText, parse } from '../http/validate.js';
import { pagination } from '../http/pagination.js';
import * as audit from './service.js';

const Query = z.object({ page: pageParam, entity: optionalText(40), actor: optionalText(40) });
const PER_PAGE = 50;

export function auditRoutes(ctx: AppContext): RouteDef[] {
  async function listAudit(req: Request, res: Response) {
    const q = parse(Query, req.query);
    const { rows, total } = await audit.list(ctx.db, { ...q, perPage: PER_PAGE });
    res.render('audit/list', { rows, query: q, pager: pagination(req, q.page, PER_PAGE, total) });
  }
  return [{ method: 'get', path: '/staff/audit', roles: ['admin'], handler: listAudit }];
}

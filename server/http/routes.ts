// Route tables: each domain lists its routes with the roles allowed; mount() adds the checks and
// records every route, so the permission test can fail when a route has no entry in its table.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { Role } from '../accounts/roles.js';
import { ForbiddenError, UnauthorizedError } from './errors.js';

export type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

export interface RouteDef {
  method: 'get' | 'post';
  path: string;
  /** 'public' needs no login; otherwise the roles allowed. */
  roles: 'public' | readonly Role[];
  handler: Handler;
  /** Extra middleware before the handler (rate limits). */
  before?: RequestHandler[];
  /** Middleware before the role check that may find the user another way (a session on an /api/ download). */
  auth?: RequestHandler[];
}

/** In any case: /API/v1/… must never be taken for a page, where a session cookie counts and CSRF is checked. */
export function isApi(req: Request): boolean {
  return req.path.slice(0, 5).toLowerCase() === '/api/';
}

/** For answers that show personal data: neither the browser nor a proxy keeps a copy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

function requireRoles(allowed: readonly Role[]): RequestHandler {
  return (req, res, next) => {
    if (!req.user) {
      if (isApi(req)) return next(new UnauthorizedError());
      return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    if (!allowed.includes(req.user.role)) return next(new ForbiddenError());
    if (!isApi(req)) res.locals.layout = 'staff';
    next();
  };
}

/** What runs for a route, in order: its own auth, the role check unless public, its `before`, the handler. */
export function chainOf(def: RouteDef): RequestHandler[] {
  const chain: RequestHandler[] = [...(def.auth ?? [])];
  if (def.roles !== 'public') chain.push(requireRoles(def.roles));
  chain.push(...(def.before ?? []));
  chain.push(def.handler as RequestHandler);
  return chain;
}

export function mount(router: Router, defs: RouteDef[], registry: RouteDef[]): void {
  for (const def of defs) {
    router[def.method](def.path, ...chainOf(def));
    registry.push(def);
  }
}

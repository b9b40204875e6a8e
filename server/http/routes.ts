// Route tables: each domain lists its routes with the roles allowed; mount() adds the checks and
// records every route, so the permission test can fail when a route has no entry in its table.
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { match } from 'path-to-regexp';
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

type Matcher = { matches: (path: string) => boolean; roles: RouteDef['roles'] };
/** Each app's GET routes, compiled once: a page's links are checked against them on every render. */
const compiledPages = new WeakMap<readonly RouteDef[], Matcher[]>();

/**
 * Whether a user of `role` may open `href` (a path of this app, its query ignored): the roles of the first GET route
 * it matches, in the order mount() recorded them, as Express would pick it. Pages draw a link to another domain's page
 * only when the reader may follow it, rather than a link that answers 403. The user's facility or region scope is
 * not looked at here: a page shows only what is in that scope already.
 */
export function mayOpen(registry: readonly RouteDef[], role: Role, href: string): boolean {
  let pages = compiledPages.get(registry);
  if (!pages) {
    pages = registry
      .filter((d) => d.method === 'get')
      .map((d) => {
        const m = match(d.path, { decode: false });
        return { matches: (p: string) => m(p) !== false, roles: d.roles };
      });
    compiledPages.set(registry, pages);
  }
  const path = href.split(/[?#]/, 1)[0];
  const route = pages.find((r) => r.matches(path));
  return route !== undefined && (route.roles === 'public' || route.roles.includes(role));
}

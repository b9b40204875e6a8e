// An early way for anonymous calls of a public JSON API (the visit reservations on Qingming morning): mounted right
// after helmet and the request log, it takes a request under one of its paths that carries neither a cookie nor an
// Authorization header straight to the API's routes, past static files, the page cache, sessions, cookie parsing,
// the user's lookup, page locals and CSRF, none of which such a request uses: the API takes no session or cookie
// (auth.ts reads only a bearer token under /api/, session.ts makes no session for it, csrf skips /api/), and without
// a cookie its language is the default. Any other request goes on the normal way, where the same routes are mounted.
// docs/ARCHITECTURE.md, "A request"; docs/BENCHMARKS.md, "the Qingming burst".
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { defaultLang } from '../i18n/index.js';
import { chainOf, type RouteDef } from './routes.js';

/** Whether `path` is `prefix` itself or below it (`/api/v1/visit-windows`, `/api/v1/visit-windows/3/…`). */
function under(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/');
}

/** A path parameter taken here: one that percent-decoding leaves as it is, so Express would hand over the same text. */
const PLAIN_PARAM = /^[A-Za-z0-9_-]+$/;

interface EarlyRoute {
  method: 'GET' | 'POST';
  /** The path's segments: text to equal, or a parameter's name after ':'. */
  segments: string[];
  chain: RequestHandler[];
}

/** The request's route among `routes` and its parameters, when its path is of the plain form matched here. */
function find(routes: EarlyRoute[], method: string, path: string) {
  const parts = path.split('/');
  for (const r of routes) {
    if (r.method !== method || r.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let i = 0;
    for (; i < parts.length; i++) {
      const seg = r.segments[i];
      if (seg[0] === ':') {
        if (!PLAIN_PARAM.test(parts[i])) break;
        params[seg.slice(1)] = parts[i];
      } else if (seg !== parts[i]) break;
    }
    if (i === parts.length) return { route: r, params };
  }
  return undefined;
}

/** Runs a route's middleware in order as Express does, a rejected promise going to the error handler. */
function run(chain: RequestHandler[], req: Request, res: Response, done: NextFunction): void {
  let i = 0;
  const next = (err?: unknown): void => {
    if (err) return done(err);
    if (i === chain.length) return done();
    const out: unknown = chain[i++](req, res, next);
    if (out instanceof Promise) out.then(undefined, (e: unknown) => done(e ?? new Error('Rejected promise')));
  };
  next();
}

/**
 * Sends anonymous requests under `prefixes` through `parsers` (the app's own body parsers) to their public route of
 * `defs`, run as mount() runs it; what the plain matching here does not take (HEAD, a trailing slash, an encoded
 * parameter, no such route) to `router`, where `defs` are mounted; the rest to the next middleware.
 */
export function earlyApi(opts: {
  prefixes: readonly string[];
  parsers: readonly RequestHandler[];
  defs: readonly RouteDef[];
  router: RequestHandler;
}): RequestHandler {
  const { prefixes, parsers, router } = opts;
  const routes: EarlyRoute[] = opts.defs
    .filter((d) => d.roles === 'public' && prefixes.some((p) => under(d.path, p)))
    .map((d) => ({
      method: d.method === 'get' ? ('GET' as const) : ('POST' as const),
      segments: d.path.split('/'),
      chain: chainOf(d),
    }));
  return (req, res, next) => {
    if (req.headers.cookie !== undefined || req.headers.authorization !== undefined) return next();
    const path = req.path;
    if (!prefixes.some((p) => under(path, p))) return next();
    req.lang = defaultLang;
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) return next(err);
      if (i < parsers.length) return void parsers[i++](req, res, step);
      const found = find(routes, req.method, path);
      if (!found) return void router(req, res, next);
      req.params = found.params;
      run(found.route.chain, req, res, next);
    };
    step();
  };
}

// An early way for anonymous calls of a public JSON API (the visit reservations on Qingming morning): mounted right
// after helmet and the request log, it takes a request under one of its paths that carries neither a cookie nor an
// Authorization header straight to the API's router, past static files, the page cache, sessions, cookie parsing,
// the user's lookup, page locals and CSRF, none of which such a request uses: the API takes no session or cookie
// (auth.ts reads only a bearer token under /api/, session.ts makes no session for it, csrf skips /api/), and without
// a cookie its language is the default. Any other request, and one the router does not answer, goes on the normal
// way (its body, already read, is not read again). docs/ARCHITECTURE.md, "A request".
import type { RequestHandler } from 'express';
import { defaultLang } from '../i18n/index.js';

/** Whether `path` is `prefix` itself or below it (`/api/v1/visit-windows`, `/api/v1/visit-windows/3/…`). */
function under(path: string, prefix: string): boolean {
  return path.startsWith(prefix) && (path.length === prefix.length || path[prefix.length] === '/');
}

/**
 * Sends anonymous requests under `prefixes` through `parsers` (the app's own body parsers, in the app's order) to
 * `router`; the rest, and what the router leaves unanswered, to the next middleware.
 */
export function earlyApi(prefixes: readonly string[], parsers: readonly RequestHandler[], router: RequestHandler) {
  const handler: RequestHandler = (req, res, next) => {
    if (req.headers.cookie !== undefined || req.headers.authorization !== undefined) return next();
    const path = req.path;
    if (!prefixes.some((p) => under(path, p))) return next();
    req.lang = defaultLang;
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) return next(err);
      if (i < parsers.length) return void parsers[i++](req, res, step);
      router(req, res, next);
    };
    step();
  };
  return handler;
}

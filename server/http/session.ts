// Sessions in the database (any process serves any request) and double-submit CSRF tokens.
import type { RequestHandler } from 'express';
import session from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { doubleCsrf } from 'csrf-csrf';
import type { AppContext } from '../context.js';
import { isApi } from './routes.js';

export const SESSION_COOKIE = 'shian.sid';
export const CSRF_COOKIE = 'shian.csrf';
export const CSRF_FIELD = '_csrf';

export function sessionMiddleware(ctx: AppContext): RequestHandler {
  const store = new ConnectSessionKnexStore({
    knex: ctx.db,
    tableName: 'sessions',
    createTable: false,
    cleanupInterval: ctx.config.testing ? 0 : 15 * 60_000,
    onDbCleanupError: (err) => ctx.log.warn({ err }, 'session cleanup failed'),
  });
  return session({
    name: SESSION_COOKIE,
    secret: ctx.secret,
    store,
    resave: false,
    saveUninitialized: false, // families on public pages get no session row
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: ctx.config.cookieSecure, maxAge: 8 * 3600_000 },
  });
}

export function csrf(ctx: AppContext) {
  return doubleCsrf({
    getSecret: () => ctx.secret,
    // Signed-in requests bind the token to the session; anonymous forms (login, public bookings) to the cookie alone.
    getSessionIdentifier: (req) => (req.session?.userId ? req.sessionID : 'anonymous'),
    cookieName: CSRF_COOKIE,
    cookieOptions: { sameSite: 'strict', secure: ctx.config.cookieSecure, httpOnly: true, path: '/' },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?.[CSRF_FIELD] ?? req.headers['x-csrf-token'],
    // The JSON API is authenticated by bearer tokens only, never by cookies, so it needs no CSRF token.
    skipCsrfProtection: (req) => isApi(req),
    errorConfig: { statusCode: 403, message: 'csrf_invalid', code: 'csrf_invalid' },
  });
}

// Sessions in the database (any process serves any request) and double-submit CSRF tokens.
import type { RequestHandler } from 'express';
import session, { type SessionData } from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { doubleCsrf } from 'csrf-csrf';
import type { AppContext } from '../context.js';
import { isApi } from './routes.js';

export const SESSION_COOKIE = 'shian.sid';
export const CSRF_COOKIE = 'shian.csrf';
export const CSRF_FIELD = '_csrf';

/** How often a signed-in user's session expiry is pushed forward in the database (at most). */
const TOUCH_EVERY_MS = 5 * 60_000;

/**
 * express-session touches the store on every request; on SQLite with synchronous=FULL that is an fsync each time.
 * An eight-hour session loses nothing if its expiry moves forward at most every five minutes. A failed touch is
 * logged, not left as an unhandled rejection.
 */
class SessionStore extends ConnectSessionKnexStore {
  private touched = new Map<string, number>();
  onTouchError: (err: unknown) => void = () => {};

  override async touch(sid: string, session: SessionData, callback?: () => void): Promise<void> {
    const now = Date.now();
    if (now - (this.touched.get(sid) ?? 0) < TOUCH_EVERY_MS) return callback?.();
    if (this.touched.size > 50_000) this.touched.clear();
    this.touched.set(sid, now);
    try {
      await super.touch(sid, session);
    } catch (err) {
      this.onTouchError(err);
    }
    callback?.();
  }

  override async destroy(sid: string, callback?: (err?: unknown) => void): Promise<number> {
    this.touched.delete(sid);
    return super.destroy(sid, callback);
  }
}

export function sessionMiddleware(ctx: AppContext): RequestHandler {
  const store = new SessionStore({
    knex: ctx.db,
    tableName: 'sessions',
    createTable: false,
    cleanupInterval: ctx.config.testing ? 0 : 15 * 60_000,
    onDbCleanupError: (err) => ctx.log.warn({ err }, 'session cleanup failed'),
  });
  store.onTouchError = (err) => ctx.log.warn({ err }, 'session touch failed');
  const withSession = session({
    name: SESSION_COOKIE,
    secret: ctx.secret,
    store,
    resave: false,
    saveUninitialized: false, // families on public pages get no session row
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: ctx.config.cookieSecure, maxAge: 8 * 3600_000 },
  });
  // A visitor without a session cookie who only reads (families on public pages) needs no session at all.
  return (req, res, next) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && !req.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return next();
    withSession(req, res, next);
  };
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

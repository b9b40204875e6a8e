// Sessions (express-session over connect-session-knex: rows in the database, so any process serves any request) and
// double-submit CSRF tokens (csrf-csrf). The cookie keeps its name and express-session's signed format.
// See docs/ARCHITECTURE.md, "Signed-in requests".
import type { Request, RequestHandler } from 'express';
import session, { type Session, type SessionData } from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { doubleCsrf } from 'csrf-csrf';
import type { AppContext } from '../context.js';
import { CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE } from './cookies.js';
import { isApi } from './routes.js';

export { CSRF_COOKIE, CSRF_FIELD, SESSION_COOKIE };

/** How far behind its due value a session's expiry may be before a request writes it (at most one write per this). */
export const TOUCH_SLACK_MS = 5 * 60_000;

/** The expiry a session's row had when this request read it: a symbol, so never part of the session's saved data. */
const STORED_EXPIRY = Symbol('storedExpiry');
type WithStoredExpiry = { [STORED_EXPIRY]?: number };

/**
 * connect-session-knex's store, touching less: express-session touches a session on every request that does not
 * change it, which would be a write (an fsync on SQLite) per page; here the expiry is written only when it is more
 * than TOUCH_SLACK_MS behind, so an eight-hour idle limit moves in five-minute steps. The read that finds the
 * session also returns its row's expiry, so a request whose expiry is not behind sends no UPDATE at all (one that
 * would have changed no row: an expiry only ever moves later).
 */
export class SessionStore extends ConnectSessionKnexStore {
  override async get(sid: string, callback: (err: unknown, session?: SessionData | null) => void) {
    try {
      await this.ready;
      const { knex, tableName } = this.options;
      // connect-session-knex's own condition: the row has not expired yet.
      const live =
        knex.client.dialect === 'sqlite3'
          ? 'datetime(?) <= datetime(expired)'
          : 'CAST(? as timestamp with time zone) <= expired';
      const row = (await knex(tableName)
        .where({ sid })
        .andWhereRaw(live, [new Date().toISOString()])
        .first('sess', 'expired')) as { sess: string | SessionData; expired: string | Date } | undefined;
      let session: (SessionData & WithStoredExpiry) | null = null;
      if (row) {
        session = (typeof row.sess === 'string' ? JSON.parse(row.sess) : row.sess) as SessionData & WithStoredExpiry;
        session[STORED_EXPIRY] = new Date(row.expired).getTime();
      }
      callback(null, session);
      return session;
    } catch (err) {
      callback(err);
      throw err;
    }
  }

  /** express-session's session object, carrying the row's expiry over from what get() read. */
  override createSession(req: Request, sess: SessionData): Session & SessionData {
    const stored = (sess as WithStoredExpiry)[STORED_EXPIRY];
    const session = super.createSession(req, sess);
    if (stored !== undefined) (session as WithStoredExpiry)[STORED_EXPIRY] = stored;
    return session;
  }

  override async touch(sid: string, sess: SessionData, callback?: (err?: unknown) => void): Promise<void> {
    try {
      const expires = sess.cookie?.expires;
      if (expires) {
        const { knex, tableName } = this.options;
        const behind = new Date(expires).getTime() - TOUCH_SLACK_MS;
        const stored = (sess as WithStoredExpiry)[STORED_EXPIRY];
        if (stored === undefined || stored < behind) {
          await knex(tableName)
            .where({ sid })
            .where('expired', '<', new Date(behind).toISOString())
            .update({ expired: new Date(expires).toISOString() });
        }
      }
      callback?.();
    } catch (err) {
      callback?.(err);
    }
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
  const withSession = session({
    name: SESSION_COOKIE,
    secret: ctx.secret,
    store,
    resave: false,
    saveUninitialized: false,
    // The browser's cookie follows the idle limit too; its signature is one HMAC per response.
    rolling: true,
    // Behind a TLS proxy the secure cookie is sent when the proxy says the request came over https.
    proxy: ctx.config.cookieSecure ? true : undefined,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: ctx.config.cookieSecure,
      path: '/',
      maxAge: ctx.config.session.idleMs,
    },
  });
  // A visitor without a session cookie who only reads (families on public pages) needs no session at all, nor does
  // any caller of the JSON API without one (bearer tokens, public bookings): no session id is made or signed for them.
  return (req, res, next) => {
    if (
      (req.method === 'GET' || req.method === 'HEAD' || isApi(req)) &&
      !req.headers.cookie?.includes(`${SESSION_COOKIE}=`)
    )
      return next();
    withSession(req, res, next);
  };
}

/** A new session id for this request's session, its data emptied (login, a password change: no session fixation). */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}

export function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(err) : resolve())));
}

export function csrf(ctx: AppContext): { doubleCsrfProtection: RequestHandler } {
  const cookieOptions = { sameSite: 'strict', secure: ctx.config.cookieSecure, httpOnly: true, path: '/' } as const;
  // Signed-in requests bind the token to the session; anonymous forms (login, public bookings) to the cookie alone.
  const identifier = (req: Request) => (req.session?.userId ? req.sessionID : 'anonymous');
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => ctx.secret,
    getSessionIdentifier: identifier,
    cookieName: CSRF_COOKIE,
    cookieOptions,
    getCsrfTokenFromRequest: (req) =>
      (req.body as Record<string, string> | undefined)?.[CSRF_FIELD] ?? req.headers['x-csrf-token'],
    // The JSON API is authenticated by bearer tokens only, never by cookies, so it needs no CSRF token.
    skipCsrfProtection: (req) => isApi(req),
    errorConfig: { statusCode: 403, message: 'csrf_invalid', code: 'csrf_invalid' },
  });
  // A page gets one token however many forms it has, and the cookie is sent only when the token changes (csrf-csrf
  // would set it again at every call).
  const noCookie = {
    cookie() {
      return this;
    },
  } as unknown as Parameters<typeof generateCsrfToken>[1];
  return {
    doubleCsrfProtection: (req, res, next) =>
      doubleCsrfProtection(req, res, (err?: unknown) => {
        if (err) return next(err);
        let token: string | undefined;
        req.csrfToken = () => {
          if (token !== undefined) return token;
          const cookie = req.cookies?.[CSRF_COOKIE] as string | undefined;
          token = generateCsrfToken(req, noCookie); // the cookie's token when it is valid for this session, else a new one
          if (token !== cookie) res.cookie(CSRF_COOKIE, token, cookieOptions);
          return token;
        };
        next();
      }),
  };
}

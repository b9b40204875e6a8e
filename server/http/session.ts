// Sessions in the database (any process serves any request) and double-submit CSRF tokens.
//
// The session layer is this file's own, on the `sessions` table that connect-session-knex keeps (rows, expiry,
// cleanup) and with express-session's cookie format (`s:` + id + '.' + HMAC-SHA256, so sessions survive an
// upgrade). It exists because every signed-in page paid for express-session's per-request work: an HMAC to check
// the cookie and another to sign it again, two SHA-1 hashes of the session, a store read, wrappers around
// writeHead and end. Here a request reads its session from a short per-process cache, checks a cookie's signature
// once per process, and writes only when something changed (or, every five minutes, to push the expiry forward).
// See docs/ARCHITECTURE.md, "Signed-in requests".
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Session as ExpressSession, SessionData } from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { doubleCsrf } from 'csrf-csrf';
import type { AppContext } from '../context.js';
import { isApi } from './routes.js';

export const SESSION_COOKIE = 'shian.sid';
export const CSRF_COOKIE = 'shian.csrf';
export const CSRF_FIELD = '_csrf';
/** Changes whenever a response changes its session: see `sessionMiddleware`. */
export const VERSION_COOKIE = 'shian.sv';

/** A session ends eight hours after its last use. */
const SESSION_MS = 8 * 3600_000;
/** How often a signed-in user's session expiry is pushed forward in the database (at most). */
const TOUCH_EVERY_MS = 5 * 60_000;

/**
 * How long a process answers a session from memory instead of reading its row. A session changed or destroyed in
 * this process is updated here at once, and so is one changed by another process for the same browser (the version
 * cookie); a copy of the cookie in another browser sees a logout made elsewhere within this time.
 */
export const SESSION_CACHE_MS = 3_000;

/** What the row holds besides `cookie` (kept there for the expiry computed by connect-session-knex). */
type Data = Partial<SessionData>;

/**
 * The session rows, through connect-session-knex (its upserts, expiry condition and cleanup), with a short
 * per-process cache in front of reads and a throttle on expiry updates: on SQLite with synchronous=FULL every
 * write is an fsync, and an eight-hour session loses nothing if its expiry moves at most every five minutes.
 */
export class SessionStore extends ConnectSessionKnexStore {
  private touched = new Map<string, number>();
  private cache = new Map<string, { at: number; json: string }>();
  /** Bumped by every write, so that a read which began before a write never caches what it read. */
  private generation = 0;

  /** The session's data from this process's cache when read or written less than SESSION_CACHE_MS ago. */
  cached(sid: string, now = Date.now()): Data | undefined {
    const hit = this.cache.get(sid);
    if (hit && now - hit.at < SESSION_CACHE_MS) return JSON.parse(hit.json) as Data; // a copy: the caller changes it
    if (hit) this.cache.delete(sid);
    return undefined;
  }

  /** The session's data, or null when there is no live row. */
  async read(sid: string): Promise<Data | null> {
    const now = Date.now();
    const hit = this.cached(sid, now);
    if (hit) return hit;
    const generation = this.generation;
    const row = await super.get(sid, () => {});
    if (!row) return null;
    const { cookie: _cookie, ...data } = row as SessionData;
    if (generation === this.generation) this.remember(sid, JSON.stringify(data), now);
    return data;
  }

  async write(sid: string, data: Data, secure: boolean): Promise<void> {
    this.forget(sid);
    const now = Date.now();
    const cookie = { originalMaxAge: SESSION_MS, maxAge: SESSION_MS, expires: new Date(now + SESSION_MS), httpOnly: true, path: '/', sameSite: 'lax', secure };
    await super.set(sid, { ...data, cookie } as unknown as SessionData);
    this.forget(sid); // a read that overlapped the write may have kept the old row
    this.touched.set(sid, now);
    this.remember(sid, JSON.stringify(data), now);
  }

  /** Whether the session's expiry is due to be pushed forward (at most every TOUCH_EVERY_MS). */
  touchDue(sid: string, now = Date.now()): boolean {
    return now - (this.touched.get(sid) ?? 0) >= TOUCH_EVERY_MS;
  }

  async extend(sid: string): Promise<void> {
    const now = Date.now();
    if (this.touched.size > 50_000) this.touched.clear();
    this.touched.set(sid, now);
    await super.touch(sid, { cookie: { expires: new Date(now + SESSION_MS) } } as unknown as SessionData);
  }

  async remove(sid: string): Promise<void> {
    this.touched.delete(sid);
    this.forget(sid);
    await super.destroy(sid);
    this.forget(sid); // a read that began before the row went must not put it back
  }

  /** Drops a session from this process's cache: the next read goes to the database. */
  forget(sid: string): void {
    this.generation += 1;
    this.cache.delete(sid);
  }

  private remember(sid: string, json: string, at: number): void {
    if (this.cache.size >= 10_000) {
      for (const [k, e] of this.cache) if (at - e.at >= SESSION_CACHE_MS) this.cache.delete(k);
      if (this.cache.size >= 10_000) this.cache.clear();
    }
    this.cache.set(sid, { at, json });
  }
}

/** The session control a request's `req.session` delegates to; a symbol, so that it is never saved with the data. */
const CONTROL = Symbol('session control');

interface Control {
  regenerate(session: Session, done: (err?: unknown) => void): void;
  destroy(session: Session, done: (err?: unknown) => void): void;
  save(session: Session, done: (err?: unknown) => void): void;
}

/** `req.session`: the data as own properties, and the three operations the app uses. */
class Session {
  declare [CONTROL]: Control;
  constructor(control: Control, data: Data) {
    Object.defineProperty(this, CONTROL, { value: control });
    Object.assign(this, data);
  }
  /** A new session id and empty data; the old row is deleted (login: no session fixation). */
  regenerate(done: (err?: unknown) => void): this { this[CONTROL].regenerate(this, done); return this; }
  /** Deletes the row; `req.session` is gone for the rest of the request and the cookie is cleared. */
  destroy(done: (err?: unknown) => void): this { this[CONTROL].destroy(this, done); return this; }
  save(done: (err?: unknown) => void = () => {}): this { this[CONTROL].save(this, done); return this; }
}

/** `s:` + id + '.' + base64 HMAC-SHA256 without padding: express-session's (cookie-signature's) format. */
function signed(sid: string, secret: string): string {
  return `s:${sid}.${createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
}

function cookieIn(header: string, name: string): string | undefined {
  let at = header.indexOf(`${name}=`);
  while (at > 0 && header[at - 1] !== ' ' && header[at - 1] !== ';') at = header.indexOf(`${name}=`, at + 1);
  if (at < 0) return undefined;
  const end = header.indexOf(';', at);
  return header.slice(at + name.length + 1, end < 0 ? undefined : end).trim();
}

const newSid = () => randomBytes(24).toString('base64url');

export function sessionMiddleware(ctx: AppContext): RequestHandler {
  const secure = ctx.config.cookieSecure;
  const store = new SessionStore({
    knex: ctx.db,
    tableName: 'sessions',
    createTable: false,
    cleanupInterval: ctx.config.testing ? 0 : 15 * 60_000,
    onDbCleanupError: (err) => ctx.log.warn({ err }, 'session cleanup failed'),
  });
  const sidCookie = { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: SESSION_MS } as const;
  const versionCookie = { httpOnly: true, sameSite: 'lax', secure, path: '/' } as const;

  // A cookie's signature is checked once per process: the answer for a given value never changes.
  const verified = new Map<string, string>();
  function sidOf(raw: string): string | undefined {
    const known = verified.get(raw);
    if (known !== undefined) return known;
    let value: string;
    try { value = decodeURIComponent(raw); } catch { return undefined; }
    if (!value.startsWith('s:')) return undefined;
    const sid = value.slice(2, value.lastIndexOf('.'));
    const expected = Buffer.from(signed(sid, ctx.secret));
    const got = Buffer.from(value);
    if (sid.length === 0 || got.length !== expected.length || !timingSafeEqual(got, expected)) return undefined;
    if (verified.size >= 50_000) verified.clear();
    verified.set(raw, sid);
    return sid;
  }

  // sid → the version cookie this process last saw or sent with it. Same-browser changes made by another process
  // show at once: a response that changes its session sets a new version, and a request whose version is not the
  // one this process last saw reads the session again instead of taking it from the cache.
  const versions = new Map<string, string>();
  let counter = 0;
  const nextVersion = () => `${Date.now().toString(36)}.${(counter = (counter + 1) % 1e9).toString(36)}`;

  const fingerprint = (sid: string, session: Session | undefined) => (session ? `${sid}\n${JSON.stringify(session)}` : '');
  const logFailure = (what: string) => (err: unknown) => ctx.log.error({ err }, `session ${what} failed`);

  /** Gives the request its session: `data` read for the cookie's `sid`, or null for a new one. */
  function begin(req: Request, res: Response, cookieSid: string | undefined, data: Data | null): void {
    let sid = cookieSid;
    // The browser holds this session's cookie (a new or regenerated one gets it with the response).
    let known = data !== null;
    if (!known) sid = newSid();
    let destroyed = false;
    /** The session as it was before its first change in this request; undefined while it is unchanged. */
    let before: string | undefined;
    let hooked = false;
    const live = () => req.session as unknown as Session | undefined;

    // Most requests only read their session: they get no hook at all. The first change (an assignment or delete
    // on req.session, regenerate, destroy) notes the session as it was and hooks the end of the response, and so
    // does an expiry that is due to be pushed forward. Values are assigned, not changed inside (flash() replaces
    // the message): a change inside a nested object would go unnoticed.
    const changing = () => {
      if (before === undefined) before = fingerprint(sid!, live());
      hookEnd();
    };
    const watch = (session: Session) => new Proxy(session, {
      set(target, key, value, receiver) { changing(); return Reflect.set(target, key, value, receiver); },
      deleteProperty(target, key) { changing(); return Reflect.deleteProperty(target, key); },
      defineProperty(target, key, descriptor) { changing(); return Reflect.defineProperty(target, key, descriptor); },
    });
    const control: Control = {
      regenerate(_session, done) {
        changing();
        (known ? store.remove(sid!) : Promise.resolve()).then(() => {
          sid = newSid();
          known = false;
          attach(new Session(control, {}));
          done();
        }, done);
      },
      destroy(_session, done) {
        changing();
        store.remove(sid!).then(() => {
          destroyed = true;
          req.session = undefined as unknown as Request['session'];
          done();
        }, done);
      },
      save(session, done) {
        store.write(sid!, { ...session } as Data, secure).then(() => { known = true; done(); }, done);
      },
    };
    const attach = (session: Session) => {
      req.session = watch(session) as unknown as ExpressSession & Data;
      req.sessionID = sid!;
    };
    attach(new Session(control, data ?? {}));

    // At the end of the response, before anything is written: the cookies go out with the headers, and the row is
    // written before the response ends, so that the next request (a redirect after a form) finds it. A response
    // that has already sent its headers (a streamed file) can still save its session, but sets no cookie.
    function hookEnd() {
      if (hooked) return;
      hooked = true;
      const end = res.end;
      res.end = function (this: Response, ...args: unknown[]) {
        res.end = end;
        const finish = () => (end as (...a: unknown[]) => Response).apply(this, args);
        const session = live();
        const changed = before !== undefined && fingerprint(sid!, session) !== before;
        // Written when changed, if the browser has the session or it now holds something (saveUninitialized: false).
        const save = !!session && changed && (known || Object.keys(session).length > 0);
        const extend = !!session && known && !changed && store.touchDue(sid!);
        if (!this.headersSent) {
          if (destroyed && !session) {
            this.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
          } else if (save || extend) {
            // A new session, a changed one, or a pushed expiry: the browser's cookie lasts as long as the row.
            this.cookie(SESSION_COOKIE, signed(sid!, ctx.secret), sidCookie);
          }
          if (changed) {
            const version = nextVersion();
            this.cookie(VERSION_COOKIE, version, versionCookie);
            if (session) versions.set(sid!, version);
          }
        }
        if (save) {
          store.write(sid!, { ...session } as Data, secure).then(finish, (err: unknown) => { logFailure('save')(err); finish(); });
          return this;
        }
        if (extend) store.extend(sid!).catch(logFailure('touch'));
        return finish();
      } as Response['end'];
    }
    if (known && store.touchDue(sid!)) hookEnd();
  }

  return (req, res, next) => {
    const header = req.headers.cookie;
    const raw = header ? cookieIn(header, SESSION_COOKIE) : undefined;
    // A visitor without a session cookie who only reads (families on public pages) needs no session at all.
    if (!raw && (req.method === 'GET' || req.method === 'HEAD')) return next();
    const sid = raw ? sidOf(raw) : undefined;
    if (sid === undefined) {
      begin(req, res, undefined, null);
      return next();
    }
    const version = cookieIn(header!, VERSION_COOKIE) ?? '';
    if (versions.get(sid) !== version) {
      store.forget(sid);
      if (versions.size >= 50_000) versions.clear();
      versions.set(sid, version);
    }
    const cached = store.cached(sid);
    if (cached) {
      begin(req, res, sid, cached);
      return next();
    }
    store.read(sid).then((data) => { begin(req, res, sid, data); next(); }, next);
  };
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
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?.[CSRF_FIELD] ?? req.headers['x-csrf-token'],
    // The JSON API is authenticated by bearer tokens only, never by cookies, so it needs no CSRF token.
    skipCsrfProtection: (req) => isApi(req),
    errorConfig: { statusCode: 403, message: 'csrf_invalid', code: 'csrf_invalid' },
  });
  // csrf-csrf checks every POST against the cookie and its HMAC; that stays as it is. For pages, its token function
  // sets the cookie again each time it is called, even when the request carries a valid one. Here a page gets one
  // token however many forms it has; the cookie is sent only when it changes; and a cookie found valid for a
  // session is remembered (the HMAC of a given token and session never changes), so pages skip the HMAC.
  const noCookie = { cookie() { return this; } } as unknown as Parameters<typeof generateCsrfToken>[1];
  const validFor = new Map<string, string>(); // cookie token → the session identifier it was found valid for
  return {
    doubleCsrfProtection: (req, res, next) => doubleCsrfProtection(req, res, (err?: unknown) => {
      if (err) return next(err);
      let token: string | undefined;
      req.csrfToken = () => {
        if (token !== undefined) return token;
        const cookie = req.cookies?.[CSRF_COOKIE] as string | undefined;
        const who = identifier(req);
        if (cookie && validFor.get(cookie) === who) return (token = cookie);
        token = generateCsrfToken(req, noCookie); // the cookie's token when it is valid, else a new one
        if (token !== cookie) res.cookie(CSRF_COOKIE, token, cookieOptions);
        else {
          if (validFor.size >= 50_000) validFor.clear();
          validFor.set(cookie, who);
        }
        return token;
      };
      next();
    }),
  };
}

// Who is asking: a session cookie on pages, a bearer token on /api/.
import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import type { User } from '../accounts/roles.js';
import * as accounts from '../accounts/store.js';
import { userForToken } from '../accounts/tokens.js';
import { UnauthorizedError } from './errors.js';
import { isApi } from './routes.js';

/**
 * How long a process keeps a signed-in user in memory instead of reading the row on every page. A user changed in
 * this process (disabled, new role, new password) is dropped at once; a change made by another process is seen
 * here within this time. See docs/ARCHITECTURE.md, "Signed-in requests".
 */
export const USER_CACHE_MS = 3_000;

/** Users by id for USER_CACHE_MS, per app instance (one per process). */
export class UserCache {
  private users = new Map<number, { at: number; user: User | undefined }>();
  /** Bumped by every change, so that a read which overlapped a change is not kept. */
  private generation = 0;
  readonly stop: () => void;

  constructor(private load: (id: number) => Promise<User | undefined>, private ttlMs = USER_CACHE_MS) {
    this.stop = accounts.onUserChanged((id) => this.forget(id));
  }

  /** The user from memory when read less than the cache time ago: `{ user }` (undefined for no such user), else undefined. */
  cached(id: number, now = Date.now()): { user: User | undefined } | undefined {
    const hit = this.users.get(id);
    return hit && now - hit.at < this.ttlMs ? { user: hit.user && { ...hit.user } } : undefined;
  }

  async get(id: number): Promise<User | undefined> {
    const now = Date.now();
    const hit = this.cached(id, now);
    if (hit) return hit.user;
    const generation = this.generation;
    const user = await this.load(id);
    if (generation === this.generation) {
      if (this.users.size >= 10_000) this.users.clear();
      this.users.set(id, { at: now, user });
    }
    return user && { ...user };
  }

  forget(id: number): void {
    this.generation += 1;
    this.users.delete(id);
  }
}

export function loadUser(ctx: AppContext): RequestHandler {
  const users = new UserCache((id) => accounts.findUser(ctx.db, id));
  const bearer = async (req: Request, header: string) => {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const user = m ? await userForToken(ctx.db, m[1]) : undefined;
    if (!user) throw new UnauthorizedError('token_invalid');
    req.user = user;
  };
  const signIn = (req: Request, user: User | undefined) => {
    if (user && !user.disabled) req.user = user;
    else delete req.session.userId;
  };
  // Not async: a signed-in page whose user is in memory goes on without waiting a turn.
  return (req, _res, next) => {
    if (isApi(req)) {
      const header = req.headers.authorization;
      if (!header) return next();
      bearer(req, header).then(() => next(), next);
      return;
    }
    const id = req.session?.userId;
    if (!id) return next();
    const hit = users.cached(id);
    if (hit) {
      signIn(req, hit.user);
      return next();
    }
    users.get(id).then((user) => { signIn(req, user); next(); }, next);
  };
}

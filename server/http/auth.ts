// Who is asking: a session cookie on pages, a bearer token on /api/.
import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import * as accounts from '../accounts/service.js';
import { userForToken } from '../accounts/tokens.js';
import { UnauthorizedError } from './errors.js';
import { isApi } from './routes.js';
import { regenerateSession } from './session.js';

/**
 * The session's user, read on every request (no per-process copy, so a change made by any process counts at once);
 * a session that has ended (accounts.sessionUser) is replaced by an empty one.
 */
export async function userOfSession(ctx: AppContext, req: Request) {
  if (!req.session?.userId) return undefined;
  const user = await accounts.sessionUser(ctx.db, req.session, ctx.clock.now(), ctx.config.session.maxMs);
  if (!user) await regenerateSession(req);
  return user;
}

export function loadUser(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    if (isApi(req)) {
      const header = req.headers.authorization;
      if (!header) return next();
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const user = m ? await userForToken(ctx.db, m[1]) : undefined;
      if (!user) throw new UnauthorizedError('token_invalid');
      req.user = user;
      return next();
    }
    const user = await userOfSession(ctx, req);
    if (user) req.user = user;
    next();
  };
}

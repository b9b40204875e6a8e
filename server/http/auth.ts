// Who is asking: a session cookie on pages, a bearer token on /api/.
import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import * as accounts from '../accounts/store.js';
import { userForToken } from '../accounts/tokens.js';
import { UnauthorizedError } from './errors.js';
import { isApi } from './routes.js';

export function loadUser(ctx: AppContext): RequestHandler {
  return async (req, _res, next) => {
    if (isApi(req)) {
      const header = req.headers.authorization;
      if (header) {
        const m = /^Bearer\s+(\S+)$/i.exec(header);
        const user = m ? await userForToken(ctx.db, m[1]) : undefined;
        if (!user) return next(new UnauthorizedError('token_invalid'));
        req.user = user;
      }
      return next();
    }
    const id = req.session?.userId;
    if (id) {
      const user = await accounts.findUser(ctx.db, id);
      if (user && !user.disabled) req.user = user;
      else delete req.session.userId;
    }
    next();
  };
}

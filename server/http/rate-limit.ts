// Per-address limits on public endpoints that write or look up by a secret (bookings, cancels, look-ups by code
// and phone, tributes, ratings). Counted by rate-limiter-flexible in the rate_limits table, so every app process
// sees the same counts; a request over the limit is answered 429 with Retry-After (HTML pages show the message).
import type { RequestHandler } from 'express';
import {
  RateLimiterPostgres,
  RateLimiterRes,
  RateLimiterSQLite,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { AppContext } from '../context.js';
import { dialectOf } from '../db.js';
import { TooManyRequestsError } from './errors.js';

/** A limiter of `points` requests per `durationS` seconds for one address, under its own key prefix. */
export function addressLimiter(ctx: AppContext, prefix: string, points: number, durationS = 60): RateLimiterAbstract {
  const opts = {
    storeClient: ctx.db,
    storeType: 'knex',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: prefix,
    points,
    duration: durationS,
    clearExpiredByTimeout: false,
  };
  return dialectOf(ctx.db) === 'postgres' ? new RateLimiterPostgres(opts) : new RateLimiterSQLite(opts);
}

/**
 * Middleware counting each request against its address (req.ip, which honours SHIAN_TRUST_PROXY); over the limit
 * it answers 429 `too_many_requests`. `prefix` names the counter: endpoints sharing one share the allowance.
 */
export function perAddress(ctx: AppContext, prefix: string, points = ctx.config.publicRatePerMinute): RequestHandler {
  const limiter = addressLimiter(ctx, prefix, points, 60);
  return (req, _res, next) => {
    limiter.consume(req.ip ?? 'unknown').then(
      () => next(),
      (err: unknown) => {
        if (err instanceof RateLimiterRes)
          return next(new TooManyRequestsError('too_many_requests', err.msBeforeNext / 1000));
        next(err);
      },
    );
  };
}

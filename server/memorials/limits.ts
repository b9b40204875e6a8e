// Counters of the public memorial forms, in the database (rate_limits) so that they hold across processes:
// tributes per address (a flood of messages waits for the family to read), claim attempts per address (guessing).
import {
  RateLimiterPostgres,
  RateLimiterRes,
  RateLimiterSQLite,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { dialectOf, type Db } from '../db.js';
import { TooManyRequestsError } from '../http/errors.js';

export const TRIBUTES_PER_ADDRESS = 5;
export const TRIBUTE_WINDOW_S = 10 * 60;
export const CLAIMS_PER_ADDRESS = 10;
export const CLAIM_WINDOW_S = 60 * 60;

export interface MemorialLimits {
  tributes: RateLimiterAbstract;
  claims: RateLimiterAbstract;
}

export function memorialLimits(db: Db): MemorialLimits {
  const make = (keyPrefix: string, points: number, duration: number) => {
    const opts = {
      storeClient: db,
      storeType: 'knex',
      tableName: 'rate_limits',
      tableCreated: true,
      keyPrefix,
      points,
      duration,
      clearExpiredByTimeout: false, // the login limiter (accounts/login-limits.ts) sweeps the shared table
    };
    return dialectOf(db) === 'postgres' ? new RateLimiterPostgres(opts) : new RateLimiterSQLite(opts);
  };
  return {
    tributes: make('memorial-tribute', TRIBUTES_PER_ADDRESS, TRIBUTE_WINDOW_S),
    claims: make('memorial-claim', CLAIMS_PER_ADDRESS, CLAIM_WINDOW_S),
  };
}

/** Uses one of the address's turns; 429 with `code` once they are spent. */
export async function useTurn(limiter: RateLimiterAbstract, ip: string | null, code: string): Promise<void> {
  try {
    await limiter.consume(ip ?? '?');
  } catch (rej) {
    if (rej instanceof RateLimiterRes) throw new TooManyRequestsError(code, rej.msBeforeNext / 1000);
    throw rej;
  }
}

// Counters of the public memorial forms, in the database (rate_limits) so that they hold across processes:
// tributes per address (a flood of messages waits for the family to read), claim attempts per address (guessing).
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppContext } from '../context.js';
import { TooManyRequestsError } from '../http/errors.js';
import { addressLimiter } from '../http/rate-limit.js';

export const TRIBUTES_PER_ADDRESS = 5;
export const TRIBUTE_WINDOW_S = 10 * 60;
export const CLAIMS_PER_ADDRESS = 10;
export const CLAIM_WINDOW_S = 60 * 60;

export interface MemorialLimits {
  tributes: RateLimiterAbstract;
  claims: RateLimiterAbstract;
}

export function memorialLimits(ctx: AppContext): MemorialLimits {
  return {
    tributes: addressLimiter(ctx, 'memorial-tribute', TRIBUTES_PER_ADDRESS, TRIBUTE_WINDOW_S),
    claims: addressLimiter(ctx, 'memorial-claim', CLAIMS_PER_ADDRESS, CLAIM_WINDOW_S),
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

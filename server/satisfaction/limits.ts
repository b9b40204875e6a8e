// How many wrong survey codes an address may try: the counter lives in rate_limits (rate-limiter-flexible), so
// every process counts the same. Only failures count (a code unknown or already used), so a family that types its
// code, corrects a comment and sends the form is never stopped, while a guesser is after a few tries.
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AppContext } from '../context.js';
import { TooManyRequestsError } from '../http/errors.js';
import { addressLimiter } from '../http/rate-limit.js';

export const CODE_FAILURES = 20;
const WINDOW_S = 3600;
export const FAILURE_PREFIX = 'survey-code';

/** Wrong codes per address and hour (the platform's per-minute allowance on /rate comes on top: routes.ts). */
export const surveyLimiter = (ctx: AppContext): RateLimiterAbstract =>
  addressLimiter(ctx, FAILURE_PREFIX, CODE_FAILURES, WINDOW_S);

const keyOf = (ip: string | null) => ip ?? '?';

/** 429 when the address has used its failures for the hour. */
export async function assertMayTry(limiter: RateLimiterAbstract, ip: string | null): Promise<void> {
  const res = await limiter.get(keyOf(ip));
  if (res && res.consumedPoints >= CODE_FAILURES && res.msBeforeNext > 0)
    throw new TooManyRequestsError('survey_too_many_attempts', res.msBeforeNext / 1000);
}

/** Counts a wrong code against the address. */
export async function countFailure(limiter: RateLimiterAbstract, ip: string | null): Promise<void> {
  try {
    await limiter.consume(keyOf(ip));
  } catch (rej) {
    if (!(rej instanceof RateLimiterRes)) throw rej;
  }
}

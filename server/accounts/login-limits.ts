// The login counters, in the database (rate_limits) so that every process sees the same ones:
// - per address: attempts of any kind per 15 minutes (429);
// - per (account name, address): maxFailures failures lock that pair for lockMinutes (423), so that nobody can lock
//   an account for its owner from somewhere else;
// - per account name across addresses: after NAME_FAILURES failures in an hour, each attempt at the name waits a
//   delay that doubles from 1 s to 60 s (429), which slows a guesser spread over many addresses.
// Names are counted whether or not an account has them, so the answers never tell which names exist.
import { RateLimiterPostgres, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config.js';
import { dialectOf, type Db } from '../db.js';

export const NAME_FAILURES = 10;
const NAME_WINDOW_S = 3600;
const MAX_DELAY_S = 60;

export const PAIR_PREFIX = 'login-pair';
export const NAME_PREFIX = 'login-name';
export const WAIT_PREFIX = 'login-wait';

export interface LoginLimits {
  maxFailures: number;
  lockMinutes: number;
  perAddress: RateLimiterAbstract;
  perPair: RateLimiterAbstract;
  perName: RateLimiterAbstract;
  nameWait: RateLimiterAbstract;
}

/** The delay (s) before the next attempt at a name that has failed `failures` times in the hour. */
export function nameDelaySeconds(failures: number): number {
  return failures < NAME_FAILURES ? 0 : Math.min(MAX_DELAY_S, 2 ** (failures - NAME_FAILURES));
}

/** How a name is counted: as typed, without case or surrounding space, so that "Admin " counts as "admin". */
export const nameKey = (username: string) => username.trim().toLowerCase();
export const pairKey = (username: string, ip: string | null) => `${nameKey(username)}|${ip ?? '?'}`;

export function loginLimits(db: Db, config: Config): LoginLimits {
  const make = (keyPrefix: string, points: number, duration: number) => {
    const opts = {
      storeClient: db,
      storeType: 'knex',
      tableName: 'rate_limits',
      tableCreated: true,
      keyPrefix,
      points,
      duration,
      clearExpiredByTimeout: !config.testing && keyPrefix === 'rl',
    };
    return dialectOf(db) === 'postgres' ? new RateLimiterPostgres(opts) : new RateLimiterSQLite(opts);
  };
  const { maxFailures, lockMinutes, ipLimitPer15Min } = config.login;
  return {
    maxFailures,
    lockMinutes,
    perAddress: make('rl', ipLimitPer15Min, 15 * 60),
    perPair: make(PAIR_PREFIX, maxFailures, lockMinutes * 60),
    perName: make(NAME_PREFIX, 1_000_000, NAME_WINDOW_S),
    nameWait: make(WAIT_PREFIX, 1, MAX_DELAY_S),
  };
}

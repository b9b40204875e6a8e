// What every route module is built with: the database, configuration, logger and login limiter.
import type { Logger } from 'pino';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from './config.js';
import type { Db } from './db.js';
import type { PageCache } from './http/page-cache.js';

export interface AppContext {
  db: Db;
  config: Config;
  log: Logger;
  /** Signs session and CSRF cookies; stored in the database so all processes share it. */
  secret: string;
  loginLimiter: RateLimiterAbstract;
  /** Rendered public pages for anonymous visitors, per process. */
  pageCache: PageCache;
}

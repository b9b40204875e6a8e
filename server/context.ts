// What every route module is built with: the database, configuration, logger, login counters, clock and caches.
import type { Logger } from 'pino';
import type { LoginLimits } from './accounts/login-limits.js';
import type { Clock } from './cache.js';
import type { Config } from './config.js';
import type { Db } from './db.js';
import type { PageCache } from './http/page-cache.js';

export interface AppContext {
  db: Db;
  config: Config;
  log: Logger;
  /** Signs session and CSRF cookies; stored in the database so all processes share it. */
  secret: string;
  /** The login counters (per address, per account name and address, per name), in the database. */
  loginLimits: LoginLimits;
  /** Wall-clock milliseconds (sessions' absolute lifetime, the caches' ages); tests pass one they can move. */
  clock: Clock;
  /** Rendered public pages for anonymous visitors, per process. */
  pageCache: PageCache;
}

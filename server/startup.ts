// Everything a process needs before it serves: migrations, the shared secret, the login counters, the fallback fonts found.
import { pino, type Logger } from 'pino';
import { migrateLatest } from '../db/migrate.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { loginLimits } from './accounts/login-limits.js';
import { systemClock, type Clock } from './cache.js';
import { onChange } from './changes.js';
import type { Db } from './db.js';
import { fallbackFiles } from './documents/fonts.js';
import { cookieSecret } from './settings/service.js';
import { PageCache } from './http/page-cache.js';

export function createLogger(config: Config): Logger {
  return pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
  });
}

export async function prepare(
  db: Db,
  config: Config,
  log: Logger = createLogger(config),
  clock: Clock = systemClock,
): Promise<AppContext> {
  const applied = await migrateLatest(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const secret = await cookieSecret(db);
  const fallbacks = fallbackFiles(config.fallbackFonts);
  if (fallbacks.length) log.info({ fonts: fallbacks }, 'fallback fonts for rare characters');
  else
    log.warn(
      'no fallback font: characters beyond Noto Sans Hans (such as 𠮷, 𪚥) print as boxes; see SHIAN_FALLBACK_FONTS',
    );
  const pageCache = new PageCache(clock);
  // The public pages show facilities and prices: a change committed through their services drops them at once.
  onChange(db, () => pageCache.clear());
  return { db, config, log, secret, clock, loginLimits: loginLimits(db, config), pageCache };
}

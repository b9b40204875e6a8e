// Starts Shi'an: configuration, database, migrations, demo data on first start, then listen.
import { seedDemo } from '../db/seeds/demo.js';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { dbFromConfig, dialectOf, optimizePlanner } from './db.js';
import { createLogger, prepare } from './startup.js';
import { forgetOldKeys } from './visits/service.js';

const config = loadConfig();
const log = createLogger(config);
const db = dbFromConfig(config);
const ctx = await prepare(db, config, log);

if (config.demoData) {
  const seeded = await seedDemo(db, {
    password: config.demoPassword,
    onProgress: (m) => log.info(m),
    bodies: true,
    day: true,
  });
  if (seeded.created) {
    const shown = seeded.password === config.demoPassword ? '(SHIAN_DEMO_PASSWORD)' : seeded.password;
    // Printed once, on the first start only: nothing else records a generated password.
    process.stdout.write(`\n演示账户 demo accounts: ${seeded.usernames.join(', ')}\n密码 password: ${shown}\n\n`);
  }
}

// After the migrations and any demo data: the planner's counts of what the database holds now.
await optimizePlanner(db, { atStart: true }).catch((err: unknown) => log.warn({ err }, 'planner statistics failed'));

const server = buildApp(ctx).listen(config.port, config.host, () => {
  log.info({ port: config.port, database: dialectOf(db) }, `逝安 Shi'an listening on http://localhost:${config.port}`);
});

// Every hour: idempotency keys older than a day (long enough for any client to retry) are dropped, and SQLite's
// planner counts again the tables that grew or shrank a lot.
const housekeeping = setInterval(() => {
  void forgetOldKeys(db).catch((err: unknown) => log.warn({ err }, 'idempotency keys cleanup failed'));
  void optimizePlanner(db).catch((err: unknown) => log.warn({ err }, 'planner statistics failed'));
}, 3_600_000);
housekeeping.unref();

process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));

function shutdown(signal: string) {
  log.info({ signal }, 'shutting down');
  server.close(() => void db.destroy().then(() => process.exit(0)));
  setTimeout(() => process.exit(1), 10_000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

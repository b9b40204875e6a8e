// Child process for test/db/startup.test.ts: does what server/main.ts does before listening, prints the outcome.
import { pino } from 'pino';
import { seedDemo } from '../../db/seeds/demo.js';
import { createDb } from '../../server/db.js';
import { prepare } from '../../server/startup.js';
import { testConfig, DEMO_PASSWORD } from './app.js';

const db = createDb({
  databaseUrl: process.env.FIRST_START_URL || undefined,
  searchPath: process.env.FIRST_START_SCHEMA || undefined,
  sqliteFile: process.env.FIRST_START_FILE || undefined,
});
try {
  const ctx = await prepare(db, testConfig(), pino({ level: 'silent' }));
  const seeded = await seedDemo(db, { password: DEMO_PASSWORD });
  process.stdout.write(JSON.stringify({ secret: ctx.secret, created: seeded.created }));
} finally {
  await db.destroy();
}

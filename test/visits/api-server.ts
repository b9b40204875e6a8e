// Child process for test/visits/api-concurrency.test.ts: a second app process on the same PostgreSQL schema (already
// migrated and seeded by the first), listening on an ephemeral port; prints its URL, serves until killed.
import { pino } from 'pino';
import { buildApp } from '../../server/app.js';
import { createDb } from '../../server/db.js';
import { prepare } from '../../server/startup.js';
import { testConfig } from '../helpers/app.js';

const db = createDb({
  databaseUrl: process.env.API_SERVER_URL,
  searchPath: process.env.API_SERVER_SCHEMA,
  poolMax: 20,
});
const ctx = await prepare(db, testConfig(), pino({ level: 'silent' }));
const server = buildApp(ctx).listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void db.destroy().then(() => process.exit(0)));
});

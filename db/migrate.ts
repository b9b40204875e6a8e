// Runs the append-only migrations in db/migrations, under tsx (.ts) or compiled (.js) alike.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

interface Migration {
  name: string;
  file: string;
}

// Names are stored without extension so a database migrated under tsx stays current when run compiled.
const source: Knex.MigrationSource<Migration> = {
  async getMigrations() {
    return fs
      .readdirSync(dir)
      .filter((f) => /^\d{12}_[a-z0-9_]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => ({ name: f.replace(/\.(ts|js)$/, ''), file: path.join(dir, f) }));
  },
  getMigrationName: (m) => m.name,
  getMigration: async (m) => import(pathToFileURL(m.file).href) as Promise<Knex.Migration>,
};

async function latest(db: Knex): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource: source });
  return applied as string[];
}

/** How long a SQLite process waits for another one's migrations before giving up. */
const CONTENDED_WAIT_MS = 120_000;

// Any number that is ours alone: the advisory lock that serialises migrations across processes.
const MIGRATION_LOCK = 5_202_001;

/**
 * Knex adds the row of its lock table by reading the table and inserting when it is empty, outside any transaction: two
 * processes starting together on a new SQLite file may both insert. Its lock then takes "the row whose is_locked is 0"
 * and wants exactly one changed, so with two rows every later migration is refused as "already locked", for good. No
 * process can hold that lock while there are two rows, so dropping all but the first is safe.
 */
async function oneLockRow(db: Knex): Promise<void> {
  await db.raw('DELETE FROM knex_migrations_lock WHERE "index" <> (SELECT MIN("index") FROM knex_migrations_lock)');
}

/**
 * Applies pending migrations. Several processes may start at once on a new database, and knex creates its own
 * bookkeeping tables without a lock: on PostgreSQL an advisory lock serialises them; SQLite, where a second
 * process is rare, retries while the other process finishes.
 */
export async function migrateLatest(db: Knex): Promise<string[]> {
  if (db.client.config.client === 'pg') {
    return db.transaction(async (lock) => {
      await lock.raw('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
      return latest(db);
    });
  }
  // SQLite's foreign keys are off while migrating (its one pooled connection is the migrations'): a migration that
  // builds a table again (db/sqlite-rebuild.ts) must drop it, which with them on would delete the rows referring to it,
  // and the pragma cannot change inside knex's transaction. After a migration, every key is checked before the app
  // starts.
  await db.raw('PRAGMA foreign_keys = OFF');
  // The other process may take a while: a first start runs every migration, and on a new checkout tsx compiles each.
  const giveUpAt = Date.now() + CONTENDED_WAIT_MS;
  try {
    for (;;) {
      try {
        const applied = await latest(db);
        const broken = applied.length
          ? ((await db.raw('PRAGMA foreign_key_check')) as { table: string; parent: string }[])
          : [];
        if (broken.length)
          throw new Error(
            `after migrating, ${broken.length} row(s) break a foreign key, first ${broken[0].table} → ${broken[0].parent}`,
          );
        return applied;
      } catch (err) {
        const contended = err instanceof Error && /already exists|already locked|SQLITE_BUSY/i.test(err.message);
        if (!contended || Date.now() >= giveUpAt) throw err;
        // A busy database here is the other process at work: the next attempt sees to it.
        if (/already locked/i.test((err as Error).message)) await oneLockRow(db).catch(() => undefined);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await db.raw('PRAGMA foreign_keys = ON');
  }
}

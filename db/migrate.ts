// Runs the append-only migrations in db/migrations, under tsx (.ts) or compiled (.js) alike.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

interface Migration { name: string; file: string }

// Names are stored without extension so a database migrated under tsx stays current when run compiled.
const source: Knex.MigrationSource<Migration> = {
  async getMigrations() {
    return fs.readdirSync(dir)
      .filter((f) => /^\d{12}_[a-z0-9_]+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => ({ name: f.replace(/\.(ts|js)$/, ''), file: path.join(dir, f) }));
  },
  getMigrationName: (m) => m.name,
  getMigration: async (m) => import(pathToFileURL(m.file).href) as Promise<Knex.Migration>,
};

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = await db.migrate.latest({ migrationSource: source });
  return applied as string[];
}

// Installation-wide settings kept in the database, so every app process reads the same values.
import type { Knex } from 'knex';

/** Returns the stored value, creating it with make() on first use; safe when several processes start at once. */
export async function getOrCreate(db: Knex, key: string, make: () => string): Promise<string> {
  await db('settings').insert({ key, value: make() }).onConflict('key').ignore();
  const row = await db('settings').where({ key }).first('value');
  return row.value as string;
}

// What the public page on the waiver policies reads besides the policies: the names of items named by code.
import type { Knex } from 'knex';

/** A name for each price item code (the newest item of that code at any home). */
export async function itemNames(db: Knex, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await db('price_items').whereIn('code', codes).orderBy('valid_from').select('code', 'name');
  return new Map(rows.map((r) => [r.code as string, r.name as string]));
}

// On PostgreSQL, overlapping periods are refused by exclusion constraints as well as by the application's locks:
// two booked periods of one cremator or hall, two price periods of one code at one funeral home. SQLite has no
// such constraint; there the locks and checks of the services (which every write goes through) decide.
import type { Knex } from 'knex';

// Any number that is ours alone: serialises CREATE EXTENSION, which races when several schemas migrate at once.
const EXTENSION_LOCK = 5_202_002;

/** The schema holding btree_gist (created in public when missing), whose operator classes the constraints name. */
async function btreeGist(knex: Knex): Promise<string> {
  await knex.raw('SELECT pg_advisory_xact_lock(?)', [EXTENSION_LOCK]);
  await knex.raw('CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public');
  const { rows } = await knex.raw(
    "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'btree_gist'",
  );
  return `"${String(rows[0].schema).replace(/"/g, '""')}"`;
}

async function refuseExisting(knex: Knex, table: string, rule: string, overlapping: string): Promise<void> {
  const { rows } = await knex.raw(`SELECT count(*) AS n FROM ${overlapping}`);
  if (Number(rows[0].n) > 0)
    throw new Error(
      `${table}: ${rows[0].n} pair(s) of existing rows break the rule ${rule}; correct them, then migrate again`,
    );
}

const bookings = [
  ['cremation_bookings', 'cremator_id'],
  ['hall_bookings', 'hall_id'],
] as const;

export async function up(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  const gist = await btreeGist(knex);
  for (const [table, resource] of bookings) {
    const rule = `${table}_no_overlap`;
    await refuseExisting(
      knex,
      table,
      rule,
      `${table} a JOIN ${table} b ON a.id < b.id AND a.${resource} = b.${resource}
      AND a.status = 'booked' AND b.status = 'booked' AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at`,
    );
    // [starts_at, ends_at): a booking ending as the next one starts does not overlap it.
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${rule} EXCLUDE USING gist
      (${resource} ${gist}.gist_int4_ops WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (status = 'booked')`);
  }
  await refuseExisting(
    knex,
    'price_items',
    'price_items_no_overlap',
    `price_items a JOIN price_items b ON a.id < b.id
    AND a.facility_id = b.facility_id AND a.code = b.code AND daterange(a.valid_from, a.valid_to, '[]') && daterange(b.valid_from, b.valid_to, '[]')`,
  );
  // valid_to is inclusive and null when open-ended: daterange(valid_from, null, '[]') runs on for ever.
  await knex.raw(`ALTER TABLE price_items ADD CONSTRAINT price_items_no_overlap EXCLUDE USING gist
    (facility_id ${gist}.gist_int4_ops WITH =, (code::text) ${gist}.gist_text_ops WITH =, daterange(valid_from, valid_to, '[]') WITH &&)`);
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client !== 'pg') return;
  for (const [table] of bookings) await knex.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_no_overlap`);
  await knex.raw('ALTER TABLE price_items DROP CONSTRAINT price_items_no_overlap');
}

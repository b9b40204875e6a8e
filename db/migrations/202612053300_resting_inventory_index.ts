// The inventory of a columbarium or cemetery (issue 18, item 11) counts its places by type, status, term end and
// whether a hold still lives. The index on (facility, type, status) made each count read every place's row for the
// term end and the hold's expiry (6,000 row reads for the demo columbarium, on every inventory). This one carries
// both, so the count is answered from the index alone, already in the order it groups by; it serves every query the
// narrower index served (same leading columns), which it replaces.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE INDEX resting_places_facility_inventory
       ON resting_places (facility_id, place_type, status, term_ends_on, hold_expires_at)`,
  );
  await knex.raw(`DROP INDEX resting_places_facility_type`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX resting_places_facility_type ON resting_places (facility_id, place_type, status)`);
  await knex.raw(`DROP INDEX resting_places_facility_inventory`);
}

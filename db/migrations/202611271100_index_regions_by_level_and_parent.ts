// Coverage counts the village level per township below a region: one covering index answers it by walking the
// townships of the region in order (a whole country's 620,573 units in a few hundred milliseconds on SQLite).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('regions', (t) => {
    t.index(['level', 'parent_code', 'is_admin_village', 'is_central_village'], 'regions_level_parent_flags_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('regions', (t) => {
    t.dropIndex(['level', 'parent_code', 'is_admin_village', 'is_central_village'], 'regions_level_parent_flags_index');
  });
}

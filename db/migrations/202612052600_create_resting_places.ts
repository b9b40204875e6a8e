// Resting places (issue 18): a columbarium's walls and a cemetery's sections (groups), and their niches and plots in
// one table, side by side, so that holds, contracts and lists later treat both alike. A place is taken by a
// conditional UPDATE of its status; its coordinates and code are unique within the facility. The CHECK lists are
// copied from server/resting/kinds.ts as they stand today (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const groupKinds = ['wall', 'section'];
const placeKinds = ['niche', 'plot'];
const placeTypes = ['niche', 'single', 'double', 'tree', 'lawn', 'flower_bed', 'wall', 'deep_no_mound'];
const placeStatuses = ['free', 'held', 'occupied', 'blocked'];

export const checks: Record<string, Check[]> = {
  resting_groups: [
    ['resting_groups_kind_in', oneOf('kind', groupKinds)],
    ['resting_groups_size_positive', 'row_count > 0 AND column_count > 0'],
    // A wall stands in a hall; a section has none.
    ['resting_groups_hall_of_wall', "(kind = 'wall') = (hall IS NOT NULL)"],
  ],
  resting_places: [
    ['resting_places_kind_in', oneOf('kind', placeKinds)],
    ['resting_places_type_in', oneOf('place_type', placeTypes)],
    ['resting_places_status_in', oneOf('status', placeStatuses)],
    ['resting_places_niche_type', "(kind = 'niche') = (place_type = 'niche')"],
    ['resting_places_position_positive', 'row_no > 0 AND column_no > 0'],
    ['resting_places_area_positive', 'area_m2 IS NULL OR area_m2 > 0'],
    ['resting_places_plot_area', "kind = 'niche' OR area_m2 IS NOT NULL"],
    // 单穴、双穴骨灰墓占地不超过 1 平方米.
    ['resting_places_ash_grave_max_1m2', "place_type NOT IN ('single', 'double') OR area_m2 <= 1"],
    ['resting_places_term_years', 'term_years BETWEEN 1 AND 99'],
    // A hold says until when and who; a block says why; neither keeps the other's fields.
    ['resting_places_hold_fields', "(status = 'held') = (hold_expires_at IS NOT NULL AND held_by IS NOT NULL)"],
    ['resting_places_block_reason', "(status = 'blocked') = (blocked_reason IS NOT NULL)"],
  ],
  resting_settings: [['resting_settings_hold_hours', 'hold_hours BETWEEN 1 AND 720']],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resting_groups', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.string('kind', 8).notNullable(); // wall | section
    t.string('hall', 8).nullable(); // walls: the hall's letter(s), e.g. A
    t.string('code', 16).notNullable(); // A-03 (hall-wall) or a section's code, e.g. D1
    t.string('name', 40).nullable();
    t.integer('row_count').notNullable();
    t.integer('column_count').notNullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'code'], { indexName: 'resting_groups_facility_code_unique' });
  });
  await knex.schema.createTable('resting_places', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.integer('group_id').notNullable().references('id').inTable('resting_groups');
    t.string('kind', 8).notNullable(); // niche | plot
    t.string('code', 24).notNullable(); // A-03-07-12 (hall-wall-row-column) or D1-02-15 (section-row-plot)
    t.integer('row_no').notNullable();
    t.integer('column_no').notNullable();
    t.string('place_type', 16).notNullable();
    t.string('tier', 20).nullable(); // the facility's price tier, e.g. 普通, 优选
    t.double('area_m2').nullable();
    t.integer('term_years').notNullable();
    t.date('term_ends_on').nullable(); // the last day of the contract's term (contracts fill it)
    t.string('status', 10).notNullable();
    t.timestamp('hold_expires_at', { useTz: true }).nullable();
    t.integer('held_by').nullable().references('id').inTable('users');
    t.string('blocked_reason', 200).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'code'], { indexName: 'resting_places_facility_code_unique' });
    t.unique(['group_id', 'row_no', 'column_no'], { indexName: 'resting_places_group_position_unique' });
  });
  await knex.raw(`CREATE INDEX resting_places_facility_type ON resting_places (facility_id, place_type, status)`);
  await knex.schema.createTable('resting_settings', (t) => {
    t.integer('facility_id').primary().references('id').inTable('facilities');
    t.integer('hold_hours').notNullable(); // 预定保留时长
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('resting_settings');
  await knex.schema.dropTable('resting_places');
  await knex.schema.dropTable('resting_groups');
}

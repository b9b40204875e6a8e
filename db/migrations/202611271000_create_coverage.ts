// The bureau's registry and coverage data: facility status history, build modes and service areas, targets,
// deaths per county and year, scattered-grave remediation, funeral zones. Rules in docs/COVERAGE.md.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('facilities', (t) => {
    // Rural public-welfare cemeteries only: single_village | multi_village | township_wide | township_village.
    t.string('build_mode', 20).nullable();
    t.bigInteger('investment_fen').nullable(); // total investment, integer fen
    t.string('note', 500).nullable();
  });

  // Status over time. The status on a date is the latest row whose effective_on <= that date;
  // facilities.status keeps the latest one for lists.
  await knex.schema.createTable('facility_status_history', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities').onDelete('CASCADE');
    t.string('status', 20).notNullable();
    t.date('effective_on').notNullable();
    t.string('note', 200).nullable();
    t.integer('recorded_by').nullable().references('id').inTable('users');
    t.timestamp('recorded_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'effective_on', 'status']);
    t.index(['facility_id', 'effective_on']);
  });
  // Facilities registered before this table existed keep their status from the day they were entered.
  const existing = await knex('facilities').select('id', 'status', 'created_at');
  for (const f of existing) {
    await knex('facility_status_history').insert({ facility_id: f.id, status: f.status, effective_on: String(f.created_at).slice(0, 10), recorded_at: f.created_at });
  }

  // Regions a facility serves beyond where it stands: villages (多村联建, 镇村合建) or whole townships.
  await knex.schema.createTable('facility_service_areas', (t) => {
    t.integer('facility_id').notNullable().references('id').inTable('facilities').onDelete('CASCADE');
    t.string('region_code', 12).notNullable().references('code').inTable('regions');
    t.primary(['facility_id', 'region_code']);
    t.index(['region_code']);
  });

  // Targets per region, indicator and year: rate as a fraction (0–1) to reach by the end of that year.
  await knex.schema.createTable('coverage_targets', (t) => {
    t.increments('id');
    t.string('region_code', 12).notNullable().references('code').inTable('regions');
    t.string('indicator', 30).notNullable();
    t.integer('year').notNullable();
    t.double('rate').notNullable();
    t.string('source', 200).nullable(); // e.g. the plan that set it
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['region_code', 'indicator', 'year']);
  });

  // Deaths (and, where known from outside the system, cremations) per county and year, for the cremation rate.
  await knex.schema.createTable('region_year_stats', (t) => {
    t.string('region_code', 12).notNullable().references('code').inTable('regions');
    t.integer('year').notNullable();
    t.integer('deaths').nullable();
    t.integer('cremations').nullable();
    t.integer('burials').nullable(); // all burials and placements
    t.integer('green_burials').nullable(); // tree, lawn, flower bed, wall, no-mound deep burial, scattering
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['region_code', 'year']);
  });

  // Scattered-grave remediation (散坟整治) per township and year: graves found and remediated so far.
  await knex.schema.createTable('grave_remediation', (t) => {
    t.string('region_code', 12).notNullable().references('code').inTable('regions');
    t.integer('year').notNullable();
    t.integer('found').notNullable();
    t.integer('remediated').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['region_code', 'year']);
  });

  // Funeral zone of a county or township: cremation (火葬区) or burial reform (土葬改革区).
  await knex.schema.alterTable('regions', (t) => {
    t.string('funeral_zone', 20).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('regions', (t) => t.dropColumn('funeral_zone'));
  await knex.schema.dropTable('grave_remediation');
  await knex.schema.dropTable('region_year_stats');
  await knex.schema.dropTable('coverage_targets');
  await knex.schema.dropTable('facility_service_areas');
  await knex.schema.dropTable('facility_status_history');
  await knex.schema.alterTable('facilities', (t) => {
    t.dropColumn('build_mode');
    t.dropColumn('investment_fen');
    t.dropColumn('note');
  });
}

// Funeral homes, columbaria, cemeteries and service points under the bureau.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('facilities', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable();
    t.string('kind', 30).notNullable();
    t.string('status', 20).notNullable(); // planned | building | operating | closed
    t.string('region_code', 12).notNullable().references('code').inTable('regions');
    t.string('address', 200).nullable();
    t.string('phone', 30).nullable();
    t.double('lng').nullable();
    t.double('lat').nullable();
    t.integer('niche_capacity').nullable();
    t.integer('plot_capacity').nullable();
    t.boolean('is_sample').notNullable().defaultTo(false); // demo data, shown as such
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['name']);
    t.index(['region_code']);
    t.index(['kind', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('facilities');
}

// Administrative divisions with their national statistical codes (2/4/6/9/12 digits).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('regions', (t) => {
    t.string('code', 12).primary();
    t.string('name', 100).notNullable();
    t.string('level', 10).notNullable(); // province | city | county | township | village
    t.string('parent_code', 12).nullable().references('code').inTable('regions');
    // For level 'village': administrative village (行政村, name ends 村委会/村民委员会) vs urban community (社区).
    t.boolean('is_admin_village').nullable();
    t.boolean('is_central_village').notNullable().defaultTo(false); // 中心村, marked by the bureau
    t.integer('population').nullable();
    t.double('lng').nullable();
    t.double('lat').nullable();
    t.index(['parent_code']);
    t.index(['level']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('regions');
}

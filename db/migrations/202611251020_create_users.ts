// Staff accounts with one role and an optional facility scope.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('username', 40).notNullable().unique();
    t.string('display_name', 60).notNullable();
    t.string('role', 20).notNullable(); // admin | bureau | front_desk | cemetery_staff
    t.integer('facility_id').nullable().references('id').inTable('facilities');
    t.string('password_hash', 200).notNullable();
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true }).nullable();
    t.boolean('disabled').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}

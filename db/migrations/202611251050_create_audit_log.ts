// Who changed or read what: one row per change, with the entity before and after.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.string('actor_name', 40).nullable();
    t.string('action', 40).notNullable();
    t.string('entity', 40).notNullable();
    t.string('entity_id', 40).nullable();
    t.text('before').nullable();
    t.text('after').nullable();
    t.string('ip', 64).nullable();
    t.index(['entity', 'entity_id']);
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}

// A case's family contacts in a table of their own (more than one per case, one of them the ashes recipient): each
// case's contact_* columns become its first contact, the recipient, and the columns go.
import type { Knex } from 'knex';
import { rebuildTable } from '../sqlite-rebuild.js';

const moved = ['contact_name', 'contact_phone', 'contact_relationship'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_contacts', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.string('name', 60).notNullable();
    // Stored normalised: 13812345678 for a mobile, 0858-8221234 for a landline (server/cases/phone.ts).
    t.string('phone', 20).notNullable();
    t.string('relationship', 20).notNullable();
    t.string('id_number', 18).nullable();
    t.string('note', 200).nullable();
    t.boolean('is_ashes_recipient').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['case_id']);
    t.index(['phone']);
    t.index(['name']);
  });
  // At most one recipient per case, whoever marks whom at the same moment.
  await knex.raw(
    'CREATE UNIQUE INDEX case_contacts_one_recipient ON case_contacts (case_id) WHERE is_ashes_recipient = TRUE',
  );

  await knex.raw(
    `INSERT INTO case_contacts (case_id, name, phone, relationship, is_ashes_recipient, created_at, updated_at)
     SELECT id, contact_name, contact_phone, contact_relationship, TRUE, created_at, updated_at FROM funeral_cases
     ORDER BY id`,
  );
  if (knex.client.config.client === 'pg') {
    for (const c of moved) await knex.raw(`ALTER TABLE funeral_cases DROP COLUMN ${c}`);
    return;
  }
  await rebuildTable(knex, 'funeral_cases', {
    change: (sql) => moved.reduce((s, c) => s.replace(new RegExp(`, \`${c}\` varchar\\(\\d+\\) not null`), ''), sql),
  });
}

export async function down(knex: Knex): Promise<void> {
  // Back to one contact per case: the recipient, else the first one.
  await knex.schema.alterTable('funeral_cases', (t) => {
    t.string('contact_name', 60).notNullable().defaultTo('');
    t.string('contact_phone', 20).notNullable().defaultTo('');
    t.string('contact_relationship', 20).notNullable().defaultTo('');
  });
  const first = (col: string) =>
    `(SELECT ${col} FROM case_contacts k WHERE k.case_id = funeral_cases.id ORDER BY k.is_ashes_recipient DESC, k.id LIMIT 1)`;
  await knex.raw(
    `UPDATE funeral_cases SET contact_name = COALESCE(${first('name')}, ''), contact_phone = COALESCE(${first('phone')}, ''),
     contact_relationship = COALESCE(${first('relationship')}, '')`,
  );
  await knex.schema.dropTable('case_contacts');
}

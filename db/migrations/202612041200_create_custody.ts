// Body custody (遗体监管): a funeral home's fridges and their numbered slots, the body received with its tag, every
// move with who and when (the open one is the body's current place), and the release of the ashes to a recipient.
// One body per slot and one current place per body are partial unique indexes over the open move; a tag is unique
// among the home's bodies in custody. The CHECK lists are copied from server/custody/kinds.ts as they stand today
// (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const slotStatuses = ['in_service', 'out_of_service'];
const custodyStatuses = ['in_custody', 'released'];
const placeKinds = ['fridge_slot', 'dressing_room', 'farewell_hall', 'cremation_room'];

export const checks: Record<string, Check[]> = {
  fridge_slots: [
    ['fridge_slots_status_in', oneOf('status', slotStatuses)],
    ['fridge_slots_number_positive', 'number > 0'],
    // Out of service always says why; in service never keeps an old reason.
    ['fridge_slots_reason_when_out', "(status = 'out_of_service') = (out_of_service_reason IS NOT NULL)"],
  ],
  body_custody: [['body_custody_status_in', oneOf('status', custodyStatuses)]],
  custody_moves: [
    ['custody_moves_place_kind_in', oneOf('place_kind', placeKinds)],
    // A fridge place names its slot; the other places have none.
    ['custody_moves_slot_of_fridge', "(place_kind = 'fridge_slot') = (slot_id IS NOT NULL)"],
    ['custody_moves_interval_forwards', 'ended_at IS NULL OR ended_at >= moved_at'],
  ],
  custody_releases: [['custody_releases_original_verified', 'original_verified = TRUE']],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('fridges', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.string('name', 40).notNullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'name'], { indexName: 'fridges_facility_name_unique' });
  });
  await knex.schema.createTable('fridge_slots', (t) => {
    t.increments('id');
    t.integer('fridge_id').notNullable().references('id').inTable('fridges');
    t.integer('number').notNullable();
    t.string('status', 16).notNullable(); // in_service | out_of_service
    t.string('out_of_service_reason', 200).nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['fridge_id', 'number'], { indexName: 'fridge_slots_fridge_number_unique' });
  });
  await knex.schema.createTable('body_custody', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().unique().references('id').inTable('funeral_cases');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.string('status', 16).notNullable(); // in_custody | released
    t.string('tag_number', 40).notNullable(); // 遗体标识牌号
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.integer('received_by').notNullable().references('id').inTable('users');
    t.string('handed_over_by', 60).notNullable();
    t.string('condition_note', 500).nullable();
    t.integer('recorded_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.raw(
    `CREATE UNIQUE INDEX body_custody_tag_in_custody ON body_custody (facility_id, tag_number) WHERE status = 'in_custody'`,
  );
  await knex.schema.createTable('custody_moves', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.string('place_kind', 20).notNullable();
    t.integer('slot_id').nullable().references('id').inTable('fridge_slots');
    t.timestamp('moved_at', { useTz: true }).notNullable(); // [moved_at, ended_at): open while the body is there
    t.timestamp('ended_at', { useTz: true }).nullable();
    t.integer('moved_by').nullable().references('id').inTable('users');
    t.string('note', 200).nullable();
    t.index(['case_id']);
  });
  await knex.raw(`CREATE UNIQUE INDEX custody_moves_slot_current ON custody_moves (slot_id) WHERE ended_at IS NULL`);
  await knex.raw(`CREATE UNIQUE INDEX custody_moves_case_current ON custody_moves (case_id) WHERE ended_at IS NULL`);
  await knex.schema.createTable('custody_releases', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().unique().references('id').inTable('funeral_cases');
    t.string('recipient_name', 60).notNullable();
    t.string('recipient_relationship', 20).notNullable();
    t.string('recipient_id_number', 18).notNullable();
    t.boolean('original_verified').notNullable(); // 原件已核验
    t.integer('released_by').nullable().references('id').inTable('users');
    t.timestamp('released_at', { useTz: true }).notNullable();
    t.string('note', 200).nullable();
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('custody_releases');
  await knex.schema.dropTable('custody_moves');
  await knex.schema.dropTable('body_custody');
  await knex.schema.dropTable('fridge_slots');
  await knex.schema.dropTable('fridges');
}

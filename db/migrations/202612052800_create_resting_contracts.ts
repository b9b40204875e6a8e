// Contracts and placements of resting places (issue 18): a contract ties a niche or plot to its holder (the family
// contact) for a term, with fee lines from the price list; a placement (安放/安葬) records a deceased laid there, a
// double plot taking a second one later; ash scattering is a placement with no place. Renewal adds a fee line and
// moves the term's end; removal (迁出) records the reason and date; nothing is deleted. Notices to the family about a
// term's end are kept before anything is cleared. The CHECK lists are copied from server/resting/kinds.ts as they
// stand today (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const contractStatuses = ['active', 'ended'];
const feeLineKinds = ['initial', 'renewal', 'correction'];
const burialMethods = [
  'niche',
  'single',
  'double',
  'tree',
  'lawn',
  'flower_bed',
  'wall',
  'deep_no_mound',
  'scattering',
];
const greenMethods = ['tree', 'lawn', 'flower_bed', 'wall', 'deep_no_mound', 'scattering'];
const noticeMethods = ['phone', 'sms', 'letter', 'visit', 'announcement'];

export const checks: Record<string, Check[]> = {
  resting_contracts: [
    ['resting_contracts_status_in', oneOf('status', contractStatuses)],
    ['resting_contracts_term_order', 'term_ends_on >= term_starts_on'],
    // An ended contract says when, why and by whom; an active one has none of these.
    [
      'resting_contracts_end_complete',
      "(status = 'active' AND ended_on IS NULL AND end_reason IS NULL AND ended_by IS NULL) OR (status = 'ended' AND ended_on IS NOT NULL AND end_reason IS NOT NULL)",
    ],
  ],
  resting_fee_lines: [
    ['resting_fee_lines_kind_in', oneOf('kind', feeLineKinds)],
    ['resting_fee_lines_amount', 'amount_fen = quantity * unit_price_fen'],
    // A charge is a positive quantity; a correction may take units off and says why.
    [
      'resting_fee_lines_quantity_by_kind',
      "(kind <> 'correction' AND quantity > 0) OR (kind = 'correction' AND quantity <> 0 AND reason IS NOT NULL)",
    ],
  ],
  resting_placements: [
    ['resting_placements_method_in', oneOf('burial_method', burialMethods)],
    // Green burial follows from the method, so the rate counted from placements cannot disagree with them.
    ['resting_placements_green_by_method', `green = (${oneOf('burial_method', greenMethods)})`],
    // Scattering has no place and no contract; every other placement has both.
    [
      'resting_placements_place_by_method',
      "(burial_method = 'scattering') = (place_id IS NULL AND contract_id IS NULL)",
    ],
    ['resting_placements_slot', 'slot IN (1, 2)'],
    ['resting_placements_removal_complete', '(removed_on IS NULL) = (removal_reason IS NULL)'],
  ],
  resting_notices: [['resting_notices_method_in', oneOf('method', noticeMethods)]],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resting_contract_counters', (t) => {
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.integer('year').notNullable();
    t.integer('last').notNullable();
    t.primary(['facility_id', 'year']);
  });
  await knex.schema.createTable('resting_contracts', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.integer('place_id').notNullable().references('id').inTable('resting_places');
    t.string('contract_number', 20).notNullable(); // e.g. 2026-000012, per facility and year
    t.string('status', 8).notNullable();
    t.string('holder_name', 60).notNullable();
    t.string('holder_phone', 11).notNullable();
    t.string('holder_id_number', 18).nullable();
    t.string('holder_relationship', 20).nullable();
    t.string('holder_address', 200).nullable();
    t.date('term_starts_on').notNullable();
    t.date('term_ends_on').notNullable(); // the last day of the term; renewals move it
    t.date('ended_on').nullable();
    t.string('end_reason', 200).nullable();
    t.integer('ended_by').nullable().references('id').inTable('users');
    t.string('request_id', 64).nullable().unique(); // a form submitted twice makes one contract
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['facility_id', 'contract_number'], { indexName: 'resting_contracts_facility_number_unique' });
    t.index(['facility_id', 'status', 'term_ends_on'], 'resting_contracts_facility_status_term');
    t.index(['holder_phone'], 'resting_contracts_holder_phone');
  });
  // One contract in force per place: a second allocation of the same place fails on this index.
  await knex.raw(
    "CREATE UNIQUE INDEX resting_contracts_one_active_per_place ON resting_contracts (place_id) WHERE status = 'active'",
  );
  await knex.schema.createTable('resting_fee_lines', (t) => {
    t.increments('id');
    t.integer('contract_id').notNullable().references('id').inTable('resting_contracts');
    t.string('kind', 12).notNullable();
    t.integer('price_item_id').nullable().references('id').inTable('price_items');
    // copied from the price list at the time, so later price changes do not rewrite a contract
    t.string('code', 30).notNullable();
    t.string('name_zh', 60).notNullable();
    t.string('unit', 10).notNullable();
    t.integer('quantity').notNullable();
    t.integer('unit_price_fen').notNullable();
    t.integer('amount_fen').notNullable();
    t.date('term_from').nullable(); // the years a term or renewal line pays for
    t.date('term_to').nullable();
    t.string('reason', 200).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['contract_id']);
  });
  await knex.schema.createTable('resting_placements', (t) => {
    t.increments('id');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.integer('contract_id').nullable().references('id').inTable('resting_contracts');
    t.integer('place_id').nullable().references('id').inTable('resting_places');
    t.integer('slot').notNullable().defaultTo(1); // a double plot's second placement is slot 2
    t.integer('case_id').nullable().references('id').inTable('funeral_cases');
    t.string('deceased_name', 60).notNullable();
    t.string('id_number', 18).nullable();
    t.string('sex', 6).nullable();
    t.date('birth_date').nullable();
    t.date('death_date').notNullable();
    t.string('household_region_code', 12).nullable().references('code').inTable('regions');
    t.string('burial_method', 16).notNullable();
    t.boolean('green').notNullable();
    t.date('placed_on').notNullable(); // the day of 安放/安葬 (or scattering), in Asia/Shanghai
    t.date('removed_on').nullable(); // 迁出
    t.string('removal_reason', 200).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['facility_id', 'placed_on'], 'resting_placements_facility_placed');
    t.index(['deceased_name'], 'resting_placements_deceased_name');
    t.index(['id_number'], 'resting_placements_id_number');
    t.index(['contract_id']);
  });
  // A place's slot holds one deceased at a time.
  await knex.raw(
    'CREATE UNIQUE INDEX resting_placements_one_per_slot ON resting_placements (place_id, slot) WHERE removed_on IS NULL AND place_id IS NOT NULL',
  );
  await knex.schema.createTable('resting_notices', (t) => {
    t.increments('id');
    t.integer('contract_id').notNullable().references('id').inTable('resting_contracts');
    t.string('method', 12).notNullable();
    t.date('sent_on').notNullable();
    t.string('note', 200).nullable();
    t.integer('recorded_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['contract_id']);
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'resting_notices',
    'resting_placements',
    'resting_fee_lines',
    'resting_contracts',
    'resting_contract_counters',
  ])
    await knex.schema.dropTable(t);
}

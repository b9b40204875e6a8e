// Fee waivers (惠民殡葬, issue 19): eligible groups (a table, so the bureau's list can grow), policies kept in
// versions that never change once written, the 低保/特困 lists the bureau imports, what the front desk declares for a
// case, and the waiver lines computed for a case: one row per case line and policy version, so that a claim (issue 19
// item 4) can later be made from them. The CHECK lists are copied from server/waivers/kinds.ts as they stand today
// (test/db/constraints.test.ts compares them).
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const matchKinds = ['basic_kind', 'code'];
const bases = ['residence', 'list', 'declared'];
const importStatuses = ['running', 'done', 'failed'];

export const checks: Record<string, Check[]> = {
  waiver_groups: [['waiver_groups_code_format', "code <> ''"]],
  waiver_policy_versions: [
    ['waiver_policy_versions_period_order', 'valid_to IS NULL OR valid_to >= valid_from'],
    ['waiver_policy_versions_version_positive', 'version >= 1'],
    ['waiver_policy_versions_total_cap', 'total_cap_fen IS NULL OR total_cap_fen > 0'],
    ['waiver_policy_versions_green_reward', 'green_reward_fen >= 0'],
  ],
  waiver_policy_items: [
    ['waiver_policy_items_match_by_in', oneOf('match_by', matchKinds)],
    ['waiver_policy_items_cap', 'cap_fen IS NULL OR cap_fen > 0'],
    ['waiver_policy_items_quantity_cap', 'quantity_cap IS NULL OR quantity_cap > 0'],
  ],
  waiver_list_imports: [
    ['waiver_list_imports_status_in', oneOf('status', importStatuses)],
    ['waiver_list_imports_progress', 'rows_done >= 0 AND rows_done <= rows_total'],
  ],
  waiver_list_members: [['waiver_list_members_period_order', 'valid_to IS NULL OR valid_to >= valid_from']],
  case_waiver_lines: [
    ['case_waiver_lines_basis_in', oneOf('basis', bases)],
    ['case_waiver_lines_amount_positive', 'amount_fen > 0'],
    ['case_waiver_lines_quantity_positive', 'quantity > 0'],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('waiver_groups', (t) => {
    t.string('code', 30).primary(); // residents | dibao | tekun | sanwu | youfu | …
    t.string('name_zh', 60).notNullable();
    t.string('name_en', 100).notNullable();
    // 户籍居民: every registered resident of the policy's region, no list and no certificate.
    t.boolean('all_residents').notNullable().defaultTo(false);
    t.integer('sort').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
  });
  const now = new Date().toISOString();
  await knex('waiver_groups').insert(
    [
      { code: 'residents', name_zh: '户籍居民', name_en: 'Registered residents', all_residents: true, sort: 1 },
      { code: 'dibao', name_zh: '低保对象', name_en: 'Minimum-living-allowance recipients', sort: 2 },
      { code: 'tekun', name_zh: '特困供养人员', name_en: 'Persons in extreme poverty under state support', sort: 3 },
      { code: 'sanwu', name_zh: '城市"三无"人员', name_en: 'Urban "three-no" persons', sort: 4 },
      { code: 'youfu', name_zh: '重点优抚对象', name_en: 'Key entitled groups (veterans and families)', sort: 5 },
    ].map((g) => ({ all_residents: false, ...g, created_at: now })),
  );

  // A policy is its identity and region; what it says is in its versions.
  await knex.schema.createTable('waiver_policies', (t) => {
    t.increments('id');
    t.string('region_code', 12).notNullable().references('code').inTable('regions'); // a city or county
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('waiver_policy_versions', (t) => {
    t.increments('id');
    t.integer('policy_id').notNullable().references('id').inTable('waiver_policies');
    t.integer('version').notNullable();
    t.string('name', 100).notNullable();
    // The Shanghai date from which deaths take this version rather than an earlier one.
    t.date('effective_from').notNullable();
    t.date('valid_from').notNullable();
    t.date('valid_to').nullable(); // inclusive, as price items; null = until further notice
    t.integer('total_cap_fen').nullable(); // per death; null = no total cap
    t.integer('green_reward_fen').notNullable().defaultTo(0); // per green placement; applied by a later issue
    t.string('note', 500).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['policy_id', 'version']);
  });
  await knex.schema.createTable('waiver_policy_groups', (t) => {
    t.integer('version_id').notNullable().references('id').inTable('waiver_policy_versions');
    t.string('group_code', 30).notNullable().references('code').inTable('waiver_groups');
    t.primary(['version_id', 'group_code']);
  });
  await knex.schema.createTable('waiver_policy_items', (t) => {
    t.increments('id');
    t.integer('version_id').notNullable().references('id').inTable('waiver_policy_versions');
    t.string('match_by', 12).notNullable(); // basic_kind (every home's item of that kind) | code (one item code)
    t.string('match_value', 30).notNullable();
    t.integer('cap_fen').nullable(); // per death for this item; null = the item's whole charge
    t.integer('quantity_cap').nullable(); // units per death (refrigeration: days); null = all units
    t.integer('sort').notNullable().defaultTo(0);
    t.unique(['version_id', 'match_by', 'match_value']);
  });

  await knex.schema.createTable('waiver_list_imports', (t) => {
    t.increments('id');
    t.string('group_code', 30).notNullable().references('code').inTable('waiver_groups');
    t.string('region_code', 12).nullable().references('code').inTable('regions');
    t.string('file_name', 200).nullable();
    t.string('status', 10).notNullable();
    t.integer('rows_total').notNullable();
    t.integer('rows_done').notNullable().defaultTo(0);
    t.integer('rows_added').notNullable().defaultTo(0);
    t.integer('imported_by').nullable().references('id').inTable('users');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('waiver_list_members', (t) => {
    t.increments('id');
    t.string('group_code', 30).notNullable().references('code').inTable('waiver_groups');
    t.string('id_number', 18).notNullable();
    t.date('valid_from').notNullable();
    t.date('valid_to').nullable();
    t.integer('import_id').notNullable().references('id').inTable('waiver_list_imports');
    t.timestamp('created_at', { useTz: true }).notNullable();
    // The same person and period imported again is one row (a list re-sent is not counted twice).
    t.unique(['group_code', 'id_number', 'valid_from']);
    t.index(['id_number']);
  });

  // Declared at intake: the family says the deceased belonged to a group and gives the certificate number.
  await knex.schema.createTable('case_waiver_declarations', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.string('group_code', 30).notNullable().references('code').inTable('waiver_groups');
    t.string('certificate_no', 40).notNullable();
    t.integer('declared_by').nullable().references('id').inTable('users');
    t.timestamp('declared_at', { useTz: true }).notNullable();
    t.unique(['case_id', 'group_code']);
  });

  // The waiver of one case line by one policy version: what a claim will be made of. A line's deletion takes its
  // waiver with it (the recomputation in the same transaction then rewrites the case's deductions).
  await knex.schema.createTable('case_waiver_lines', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.integer('case_line_id').notNullable().references('id').inTable('case_lines').onDelete('CASCADE');
    t.integer('policy_version_id').notNullable().references('id').inTable('waiver_policy_versions');
    t.integer('deduction_id').nullable().references('id').inTable('case_deductions').onDelete('SET NULL');
    t.string('group_code', 30).notNullable().references('code').inTable('waiver_groups');
    t.string('basis', 12).notNullable(); // residence | list (on an imported list) | declared (待核实)
    t.integer('quantity').notNullable();
    t.integer('amount_fen').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    // Two policies never waive the same line twice.
    t.unique(['case_line_id']);
    t.index(['case_id']);
  });

  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'case_waiver_lines',
    'case_waiver_declarations',
    'waiver_list_members',
    'waiver_list_imports',
    'waiver_policy_items',
    'waiver_policy_groups',
    'waiver_policy_versions',
    'waiver_policies',
    'waiver_groups',
  ])
    await knex.schema.dropTable(t);
}

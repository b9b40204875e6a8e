// County bureaus (县民政局, issue 16): a role scoped to one county. A user may be tied to a region: a county bureau
// must be (its county); a city bureau may be (its city), and one without a region sees every region.
import type { Knex } from 'knex';
import { addChecks, dropChecks, replaceCodes, type Check } from '../constraints.js';

const roles = ['admin', 'bureau', 'county_bureau', 'front_desk', 'cemetery_staff'];
const oldRoles = roles.filter((r) => r !== 'county_bureau');

const rules: Check[] = [['users_county_bureau_region', "role <> 'county_bureau' OR region_code IS NOT NULL"]];

export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users ADD COLUMN region_code varchar(12) NULL');
  await replaceCodes(knex, 'users', 'users_role_in', 'role', roles);
  await addChecks(knex, 'users', rules);
}

export async function down(knex: Knex): Promise<void> {
  await dropChecks(knex, 'users', rules);
  await replaceCodes(knex, 'users', 'users_role_in', 'role', oldRoles);
  await knex.schema.alterTable('users', (t) => t.dropColumn('region_code'));
}

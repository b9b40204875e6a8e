// A user's sessions end when their password is reset or changed, or the account is disabled: the service bumps
// session_epoch in the same transaction, and a session whose epoch differs from its user's is refused.
// users.failed_logins and users.locked_until (202611251020) are no longer used: login locks follow the pair
// (account name, client address) in rate_limits. They stay because landed migrations are never edited.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('session_epoch').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('session_epoch');
  });
}

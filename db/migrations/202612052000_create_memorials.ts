// Online memorial pages (网上祭扫): one page per funeral case, its photo, and the tributes visitors leave for it.
// Secrets (the family's claim code, the owner's management key) are kept as SHA-256 hashes only.
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const memorialStatuses = ['open', 'closed'];
const memorialVisibilities = ['unlisted', 'public'];
const tributeKinds = ['flower', 'candle', 'message'];
const tributeStatuses = ['pending', 'approved', 'rejected'];
const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

export const checks: Record<string, Check[]> = {
  memorials: [
    ['memorials_status_in', oneOf('status', memorialStatuses)],
    ['memorials_visibility_in', oneOf('visibility', memorialVisibilities)],
    ['memorials_biography_length', 'biography IS NULL OR length(biography) <= 2000'],
    // An owner has a name, a phone and a key, all three or none.
    [
      'memorials_owner_complete',
      '(owner_name IS NULL AND owner_phone IS NULL AND owner_key_hash IS NULL) OR ' +
        '(owner_name IS NOT NULL AND owner_phone IS NOT NULL AND owner_key_hash IS NOT NULL)',
    ],
    ['memorials_closed_at', "(status = 'closed') = (closed_at IS NOT NULL)"],
  ],
  memorial_photos: [['memorial_photos_size_bounded', `size_bytes > 0 AND size_bytes <= ${MAX_PHOTO_BYTES}`]],
  memorial_tributes: [
    ['memorial_tributes_kind_in', oneOf('kind', tributeKinds)],
    ['memorial_tributes_status_in', oneOf('status', tributeStatuses)],
    ['memorial_tributes_message_length', 'message IS NULL OR length(message) <= 200'],
    ['memorial_tributes_message_given', "kind <> 'message' OR message IS NOT NULL"],
    ['memorial_tributes_decided', "(status = 'pending') = (decided_at IS NULL)"],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('memorials', (t) => {
    t.increments('id');
    // One page per case: the case is the record of the death (name, dates) and is read from there.
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases').unique();
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.string('slug', 32).notNullable().unique(); // random, unguessable: the page is reachable by its link only
    t.string('status', 10).notNullable();
    t.string('visibility', 10).notNullable();
    t.text('biography').nullable();
    t.integer('photo_version').notNullable().defaultTo(0);
    t.string('owner_name', 30).nullable();
    t.string('owner_phone', 11).nullable();
    t.string('owner_key_hash', 64).nullable().unique();
    t.timestamp('claimed_at', { useTz: true }).nullable();
    t.string('claim_code_hash', 64).nullable().unique();
    t.timestamp('claim_code_expires_at', { useTz: true }).nullable();
    t.timestamp('claim_code_used_at', { useTz: true }).nullable();
    t.integer('created_by').nullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true }).nullable();
    t.index(['facility_id']);
  });
  // Stored in the database (a re-encoded JPEG of at most 1200 px, a few hundred KB), so every process serves it and a
  // backup of the database holds it.
  await knex.schema.createTable('memorial_photos', (t) => {
    t.integer('memorial_id').primary().references('id').inTable('memorials');
    t.binary('bytes').notNullable();
    t.integer('width').notNullable();
    t.integer('height').notNullable();
    t.integer('size_bytes').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('memorial_tributes', (t) => {
    t.increments('id');
    t.integer('memorial_id').notNullable().references('id').inTable('memorials');
    t.string('kind', 10).notNullable();
    t.text('message').nullable(); // at most 200 characters, by its CHECK on both databases
    t.string('writer_name', 30).nullable();
    t.string('status', 10).notNullable();
    t.string('request_id', 64).notNullable(); // a form sent twice leaves one tribute
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.integer('decided_by').nullable().references('id').inTable('users'); // null when the owner decided
    t.unique(['memorial_id', 'request_id']);
    t.index(['memorial_id', 'status', 'created_at']);
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['memorial_tributes', 'memorial_photos', 'memorials']) await knex.schema.dropTable(t);
}

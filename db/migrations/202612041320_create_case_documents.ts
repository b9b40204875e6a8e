// A case's papers (材料清单): the state of each kind, the files uploaded for it (kept on record when replaced or
// withdrawn), and the reasons a case was closed with a required paper missing.
import type { Knex } from 'knex';
import { addChecks, oneOf, type Check } from '../constraints.js';

const documentKinds = ['death_certificate', 'id_copy', 'household_cancellation', 'authorisation'];
const documentStates = ['missing', 'received'];
const fileTypes = ['pdf', 'jpeg', 'png'];
const fileStatuses = ['current', 'replaced', 'withdrawn'];
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export const checks: Record<string, Check[]> = {
  case_documents: [
    ['case_documents_kind_in', oneOf('kind', documentKinds)],
    ['case_documents_state_in', oneOf('state', documentStates)],
  ],
  case_document_files: [
    ['case_document_files_kind_in', oneOf('kind', documentKinds)],
    ['case_document_files_file_type_in', oneOf('file_type', fileTypes)],
    ['case_document_files_status_in', oneOf('status', fileStatuses)],
    ['case_document_files_size_bounded', `size_bytes > 0 AND size_bytes <= ${MAX_UPLOAD_BYTES}`],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('case_documents', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.string('kind', 30).notNullable();
    t.string('state', 10).notNullable();
    t.integer('updated_by').nullable().references('id').inTable('users');
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['case_id', 'kind']);
  });
  await knex.schema.createTable('case_document_files', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.string('kind', 30).notNullable();
    t.string('file_type', 10).notNullable();
    t.string('original_name', 200).notNullable();
    // A random name under the data directory (never the name the browser sent).
    t.string('stored_name', 80).notNullable().unique();
    t.integer('size_bytes').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('status', 10).notNullable();
    t.integer('uploaded_by').nullable().references('id').inTable('users');
    t.timestamp('uploaded_at', { useTz: true }).notNullable();
    t.integer('withdrawn_by').nullable().references('id').inTable('users');
    t.timestamp('withdrawn_at', { useTz: true }).nullable();
    t.string('withdrawn_reason', 200).nullable();
    t.index(['case_id', 'kind']);
  });
  // One current file per paper: a new upload replaces the current one in the same transaction.
  await knex.raw(
    `CREATE UNIQUE INDEX case_document_files_one_current ON case_document_files (case_id, kind) WHERE status = 'current'`,
  );
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['case_document_files', 'case_documents']) await knex.schema.dropTable(t);
}

// Money gates the case (issue 15): payments gain a kind (payment, deposit 预付款, refund 退款), a receipt number per
// home and year, a payer and a void (作废) that keeps the row; lines gain corrections (更正) of a closed case; a case
// closed with a problem outstanding (a balance owed: 挂账) records the reason. The code lists are copied from the
// code's constants as they stand today; test/db/constraints.test.ts compares them.
import type { Knex } from 'knex';
import { addChecks, dropChecks, oneOf } from '../constraints.js';

const paymentKinds = ['payment', 'deposit', 'refund'];
const lineKinds = ['charge', 'correction'];
const closingProblemCodes = ['balance_owed', 'documents_missing'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('receipt_counters', (t) => {
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    t.integer('year').notNullable();
    t.integer('last').notNullable();
    t.primary(['facility_id', 'year']);
  });
  await addChecks(knex, 'receipt_counters', [['receipt_counters_last_not_negative', 'last >= 0']]);

  await knex.schema.alterTable('case_payments', (t) => {
    t.integer('facility_id').nullable(); // the case's home, copied so that a day's takings are one indexed read
    t.string('kind', 10).notNullable().defaultTo('payment');
    t.string('receipt_number', 20).nullable(); // e.g. 2026-000123; payments recorded before numbering have none
    t.string('payer', 60).nullable();
    t.integer('refund_of').nullable(); // a refund may name the payment it pays back
    t.string('reason', 200).nullable(); // why a refund was made
    t.timestamp('voided_at', { useTz: true }).nullable();
    t.integer('voided_by').nullable();
    t.string('void_reason', 200).nullable();
  });
  await knex.raw(
    'UPDATE case_payments SET facility_id = (SELECT c.facility_id FROM funeral_cases c WHERE c.id = case_payments.case_id)',
  );
  await addChecks(knex, 'case_payments', [
    ['case_payments_kind_in', oneOf('kind', paymentKinds)],
    ['case_payments_refund_has_reason', "kind <> 'refund' OR reason IS NOT NULL"],
    // A void says who, when and why, all three or none.
    [
      'case_payments_void_complete',
      '(voided_at IS NULL AND voided_by IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND voided_by IS NOT NULL AND void_reason IS NOT NULL)',
    ],
  ]);
  await knex.raw(
    'CREATE UNIQUE INDEX case_payments_facility_receipt_unique ON case_payments (facility_id, receipt_number)',
  );
  await knex.raw('CREATE INDEX case_payments_facility_paid_at_index ON case_payments (facility_id, paid_at)');

  await knex.schema.alterTable('case_lines', (t) => {
    t.string('kind', 12).notNullable().defaultTo('charge');
    t.integer('corrects_line_id').nullable();
    t.string('reason', 200).nullable();
    t.integer('created_by').nullable();
  });
  await dropChecks(knex, 'case_lines', [['case_lines_quantity_positive', 'quantity > 0']]);
  await addChecks(knex, 'case_lines', [
    ['case_lines_kind_in', oneOf('kind', lineKinds)],
    // A charge is a positive quantity; a correction of a closed case may take units off (negative) and says why.
    [
      'case_lines_quantity_by_kind',
      "(kind = 'charge' AND quantity > 0) OR (kind = 'correction' AND quantity <> 0 AND reason IS NOT NULL)",
    ],
  ]);

  // 挂账 and its kin: a case closed with a problem outstanding, the reason given, by whom and when.
  await knex.schema.createTable('case_closing_reasons', (t) => {
    t.increments('id');
    t.integer('case_id').notNullable().references('id').inTable('funeral_cases');
    t.integer('event_id').nullable().references('id').inTable('case_events');
    t.string('problem', 30).notNullable();
    t.integer('amount_fen').nullable();
    // The papers missing when the case closed (documents_missing), comma-separated.
    t.string('documents', 200).nullable();
    t.string('reason', 200).notNullable();
    t.integer('actor_id').nullable().references('id').inTable('users');
    t.timestamp('at', { useTz: true }).notNullable();
    t.index(['case_id']);
  });
  await addChecks(knex, 'case_closing_reasons', [
    ['case_closing_reasons_problem_in', oneOf('problem', closingProblemCodes)],
    ['case_closing_reasons_amount_positive', 'amount_fen IS NULL OR amount_fen > 0'],
  ]);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('case_closing_reasons');
  await dropChecks(knex, 'case_lines', [
    ['case_lines_kind_in', oneOf('kind', lineKinds)],
    [
      'case_lines_quantity_by_kind',
      "(kind = 'charge' AND quantity > 0) OR (kind = 'correction' AND quantity <> 0 AND reason IS NOT NULL)",
    ],
  ]);
  await knex('case_lines').where({ kind: 'correction' }).del();
  await knex.schema.alterTable('case_lines', (t) => {
    t.dropColumns('kind', 'corrects_line_id', 'reason', 'created_by');
  });
  await addChecks(knex, 'case_lines', [['case_lines_quantity_positive', 'quantity > 0']]);
  await knex.raw('DROP INDEX case_payments_facility_receipt_unique');
  await knex.raw('DROP INDEX case_payments_facility_paid_at_index');
  await dropChecks(knex, 'case_payments', [
    ['case_payments_kind_in', oneOf('kind', paymentKinds)],
    ['case_payments_refund_has_reason', "kind <> 'refund' OR reason IS NOT NULL"],
    [
      'case_payments_void_complete',
      '(voided_at IS NULL AND voided_by IS NULL AND void_reason IS NULL) OR (voided_at IS NOT NULL AND voided_by IS NOT NULL AND void_reason IS NOT NULL)',
    ],
  ]);
  await knex.schema.alterTable('case_payments', (t) => {
    t.dropColumns(
      'facility_id',
      'kind',
      'receipt_number',
      'payer',
      'refund_of',
      'reason',
      'voided_at',
      'voided_by',
      'void_reason',
    );
  });
  await knex.schema.dropTable('receipt_counters');
}

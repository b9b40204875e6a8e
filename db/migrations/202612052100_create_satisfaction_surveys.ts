// The satisfaction survey (满意度测评, issue 17 item 9): one code per closed case, printed on its statement, used
// once by the family to rate the service 1–5 with an optional comment. The month of the rating (Asia/Shanghai) is
// kept with it, so the bureau's figures per facility and month are one GROUP BY on both databases.
import type { Knex } from 'knex';
import { addChecks, type Check } from '../constraints.js';

export const checks: Record<string, Check[]> = {
  satisfaction_surveys: [
    ['satisfaction_surveys_rating_range', 'rating IS NULL OR (rating >= 1 AND rating <= 5)'],
    // A rating is whole: score, time and month together, or nothing (a comment needs a score).
    [
      'satisfaction_surveys_rated_whole',
      '(rating IS NULL AND rated_at IS NULL AND rated_month IS NULL AND comment IS NULL) OR ' +
        '(rating IS NOT NULL AND rated_at IS NOT NULL AND rated_month IS NOT NULL)',
    ],
  ],
};

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('satisfaction_surveys', (t) => {
    t.increments('id');
    // One survey per case: closing is the only way to one, and a case closes once.
    t.integer('case_id').notNullable().unique().references('id').inTable('funeral_cases');
    t.integer('facility_id').notNullable().references('id').inTable('facilities');
    // Eight characters of an alphabet without 0/O and 1/I, stored without the hyphen shown in print.
    t.string('code', 8).notNullable().unique();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.integer('rating').nullable();
    t.string('comment', 200).nullable();
    t.timestamp('rated_at', { useTz: true }).nullable();
    t.string('rated_month', 7).nullable();
    t.index(['facility_id', 'rated_month']);
  });
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('satisfaction_surveys');
}

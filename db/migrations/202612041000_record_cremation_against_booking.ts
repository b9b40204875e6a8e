// Cremation recorded against its booking (issue 15): a booking becomes `done` with the actual start, end, cremator
// and operator; a case may be `withdrawn` (撤销/转出) before cremation; a cremator or hall names the price item it
// charges, and the case line a booking made points back at it. A done booking still holds its slot, so the partial
// unique indexes and PostgreSQL's exclusion constraints now cover booked and done rows alike.
import type { Knex } from 'knex';
import { addChecks, dropChecks, oneOf, type Check } from '../constraints.js';
import { rebuildTable } from '../sqlite-rebuild.js';

const caseStatuses = [
  'registered',
  'body_received',
  'stored',
  'farewell_done',
  'cremated',
  'ashes_released',
  'ashes_placed',
  'withdrawn',
];
const oldCaseStatuses = caseStatuses.filter((s) => s !== 'withdrawn');
const bookingStatuses = ['booked', 'cancelled', 'done'];
const oldBookingStatuses = ['booked', 'cancelled'];
const resourceKinds = ['cremator', 'hall'];

const bookings = [
  ['cremation_bookings', 'cremator_id'],
  ['hall_bookings', 'hall_id'],
] as const;

/** The CHECK lists this migration replaces: table, constraint, column, codes before, codes after. */
const replaced: [string, string, string, string[], string[]][] = [
  ['funeral_cases', 'funeral_cases_status_in', 'status', oldCaseStatuses, caseStatuses],
  ['case_events', 'case_events_from_status_in', 'from_status', oldCaseStatuses, caseStatuses],
  ['case_events', 'case_events_to_status_in', 'to_status', oldCaseStatuses, caseStatuses],
  ['cremation_bookings', 'cremation_bookings_status_in', 'status', oldBookingStatuses, bookingStatuses],
  ['hall_bookings', 'hall_bookings_status_in', 'status', oldBookingStatuses, bookingStatuses],
];

/** Rules on the new columns. */
const added: Record<string, Check[]> = {
  cremation_bookings: [
    [
      'cremation_bookings_done_recorded',
      "status <> 'done' OR (actual_started_at IS NOT NULL AND actual_ended_at IS NOT NULL AND actual_cremator_id IS NOT NULL AND done_at IS NOT NULL)",
    ],
    ['cremation_bookings_actual_forwards', 'actual_ended_at > actual_started_at'],
  ],
  hall_bookings: [['hall_bookings_done_recorded', "status <> 'done' OR done_at IS NOT NULL"]],
  case_lines: [
    ['case_lines_booking_kind_in', oneOf('booking_kind', resourceKinds)],
    ['case_lines_booking_both', '(booking_kind IS NULL) = (booking_id IS NULL)'],
  ],
};

/** Replaces one CHECK's list of codes: ALTER TABLE on PostgreSQL, a rebuild on SQLite (whatever quotes it was written with). */
async function replaceCheck(knex: Knex, table: string, name: string, column: string, codes: string[]): Promise<void> {
  const [{ n }] = (await knex(table)
    .whereRaw(`NOT (${oneOf(column, codes)})`)
    .count({ n: '*' })) as {
    n: number | string;
  }[];
  if (Number(n) > 0)
    throw new Error(`${table}: ${n} existing row(s) break the rule ${name}; correct them, then migrate again`);
  if (knex.client.config.client === 'pg') {
    await knex.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${name}`);
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${name} CHECK (${oneOf(column, codes)})`);
    return;
  }
  await rebuildTable(knex, table, {
    change: (sql) => {
      const old = new RegExp(`CONSTRAINT [\`"]?${name}[\`"]? CHECK \\((?:[^()]|\\([^()]*\\))*\\)`);
      if (!old.test(sql)) throw new Error(`${table}: no constraint ${name} to replace`);
      return sql.replace(old, `CONSTRAINT ${name} CHECK (${oneOf(column, codes)})`);
    },
  });
}

async function btreeGistSchema(knex: Knex): Promise<string> {
  const { rows } = await knex.raw(
    "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'btree_gist'",
  );
  return `"${String(rows[0].schema).replace(/"/g, '""')}"`;
}

/** The slot and case indexes (and PostgreSQL's no-overlap rule) over the rows that hold a slot: `held` statuses. */
async function slotRules(knex: Knex, held: string[], names: { from: string; to: string }): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  const gist = pg ? await btreeGistSchema(knex) : '';
  const where = held.length === 1 ? `status = '${held[0]}'` : oneOf('status', held);
  for (const [table, resource] of bookings) {
    await knex.raw(`DROP INDEX ${table}_slot_${names.from}`);
    await knex.raw(`DROP INDEX ${table}_case_${names.from}`);
    await knex.raw(`CREATE UNIQUE INDEX ${table}_slot_${names.to} ON ${table} (${resource}, starts_at) WHERE ${where}`);
    await knex.raw(`CREATE UNIQUE INDEX ${table}_case_${names.to} ON ${table} (case_id) WHERE ${where}`);
    if (pg) {
      await knex.raw(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_no_overlap`);
      await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_no_overlap EXCLUDE USING gist
        (${resource} ${gist}.gist_int4_ops WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (${where})`);
    }
  }
}

export async function up(knex: Knex): Promise<void> {
  const pg = knex.client.config.client === 'pg';
  const ts = pg ? 'timestamptz' : 'datetime';
  const columns: [string, string][] = [
    ['cremation_bookings', `actual_started_at ${ts} NULL`],
    ['cremation_bookings', `actual_ended_at ${ts} NULL`],
    ['cremation_bookings', 'actual_cremator_id integer NULL REFERENCES cremators (id)'],
    ['cremation_bookings', 'operator_name varchar(50) NULL'],
    ['cremation_bookings', 'done_by integer NULL REFERENCES users (id)'],
    ['cremation_bookings', `done_at ${ts} NULL`],
    ['hall_bookings', 'done_by integer NULL REFERENCES users (id)'],
    ['hall_bookings', `done_at ${ts} NULL`],
    ['cremators', 'price_item_id integer NULL REFERENCES price_items (id)'],
    ['farewell_halls', 'price_item_id integer NULL REFERENCES price_items (id)'],
    ['case_lines', 'booking_kind varchar(12) NULL'],
    ['case_lines', 'booking_id integer NULL'],
  ];
  for (const [table, column] of columns) await knex.raw(`ALTER TABLE ${table} ADD COLUMN ${column}`);
  for (const [table, name, column, , codes] of replaced) await replaceCheck(knex, table, name, column, codes);
  for (const [table, rules] of Object.entries(added)) await addChecks(knex, table, rules);
  await slotRules(knex, ['booked', 'done'], { from: 'booked', to: 'held' });
  // A booking charges through one line at most.
  await knex.raw(
    'CREATE UNIQUE INDEX case_lines_booking ON case_lines (booking_kind, booking_id) WHERE booking_id IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX case_lines_booking');
  await knex('case_lines').whereNotNull('booking_id').update({ booking_kind: null, booking_id: null });
  await slotRules(knex, ['booked'], { from: 'held', to: 'booked' });
  for (const [table, rules] of Object.entries(added)) await dropChecks(knex, table, rules);
  for (const [table, name, column, codes] of replaced) await replaceCheck(knex, table, name, column, codes);
  const columns: [string, string][] = [
    ['cremation_bookings', 'actual_started_at'],
    ['cremation_bookings', 'actual_ended_at'],
    ['cremation_bookings', 'actual_cremator_id'],
    ['cremation_bookings', 'operator_name'],
    ['cremation_bookings', 'done_by'],
    ['cremation_bookings', 'done_at'],
    ['hall_bookings', 'done_by'],
    ['hall_bookings', 'done_at'],
    ['cremators', 'price_item_id'],
    ['farewell_halls', 'price_item_id'],
    ['case_lines', 'booking_kind'],
    ['case_lines', 'booking_id'],
  ];
  for (const [table, column] of columns) await knex.raw(`ALTER TABLE ${table} DROP COLUMN ${column}`);
}

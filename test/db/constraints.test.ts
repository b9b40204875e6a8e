// The database itself refuses what the code should never write: rows inserted straight with knex, past every
// service, break a CHECK, a foreign key or (PostgreSQL) an exclusion constraint; the migration refuses rows that
// already break a rule; and each CHECK's list of codes is the code's constant.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { roles } from '../../server/accounts/roles.js';
import { closingProblemCodes } from '../../server/cases/closing.js';
import { lineKinds, paymentKinds, paymentMethods, sexes } from '../../server/cases/schemas.js';
import { caseStatuses, openStatuses } from '../../server/cases/states.js';
import {
  contactKinds,
  documentKinds,
  documentStates,
  fileStatuses,
  fileTypes,
} from '../../server/cases/family-kinds.js';
import { funeralZones, targetIndicators } from '../../server/coverage/indicators/kinds.js';
import { snapshotIndicators, submissionStatuses } from '../../server/coverage/years/kinds.js';
import { resourceKinds } from '../../server/cremation/schemas.js';
import { bookingStatuses } from '../../server/cremation/store.js';
import { custodyStatuses, placeKinds, slotStatuses } from '../../server/custody/kinds.js';
import { isCheckViolation, isExclusionViolation, violatedConstraint } from '../../server/db.js';
import { buildModes, facilityKinds, facilityStatuses } from '../../server/facilities/kinds.js';
import { memorialStatuses, memorialVisibilities, tributeKinds, tributeStatuses } from '../../server/memorials/kinds.js';
import { basicKinds, priceCategories, priceUnits } from '../../server/prices/schemas.js';
import { levels, villageKinds } from '../../server/regions/levels.js';
import {
  groupKinds as restingGroupKinds,
  placeKinds as restingPlaceKinds,
  placeStatuses as restingStatuses,
  placeTypes as restingPlaceTypes,
  burialMethods,
  contractStatuses as restingContractStatuses,
  feeLineKinds as restingFeeLineKinds,
  greenBurialMethods,
  noticeMethods as restingNoticeMethods,
} from '../../server/resting/kinds.js';
import { dayCountKinds, reservationChannels, reservationStatuses, windowStatuses } from '../../server/visits/kinds.js';
import {
  bases as waiverBases,
  claimLineKinds as waiverClaimLineKinds,
  claimStatuses as waiverClaimStatuses,
  importStatuses as waiverImportStatuses,
  matchKinds as waiverMatchKinds,
} from '../../server/waivers/kinds.js';
import { dialect, freshDb, startApp, type TestApp } from '../helpers/app.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { signedIn, textOf } from '../helpers/client.js';
import { api, at, dayAhead, facilityId, insertCase, resourceId, userWithToken } from '../cremation/fixtures.js';

const now = new Date().toISOString();
let serial = 0;
const unique = (prefix: string) => `${prefix}${process.pid}_${(serial += 1)}`;
const idOf = (row: unknown): number =>
  typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number);

class Rollback extends Error {}

/** The row is fine as it is: inserted and rolled back, so that a refusal below is the bad value's doing. */
async function accepted(db: Knex, table: string, row: Record<string, unknown>): Promise<void> {
  await db
    .transaction(async (trx) => {
      await trx(table).insert(row);
      throw new Rollback();
    })
    .catch((err: unknown) => {
      if (!(err instanceof Rollback)) throw err;
    });
}

async function insertError(db: Knex, table: string, row: Record<string, unknown>): Promise<unknown> {
  return db(table)
    .insert(row)
    .then(
      () => null,
      (err: unknown) => err,
    );
}

/** The codes a CHECK constraint lists, read from the database's own definition of it. */
async function codesOf(db: Knex, table: string, name: string): Promise<string[]> {
  let definition: string;
  if (dialect === 'postgres') {
    const { rows } = await db.raw(
      `SELECT pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
      WHERE c.conname = ? AND t.relname = ? AND t.relnamespace = current_schema()::regnamespace`,
      [name, table],
    );
    expect(rows, `${table}.${name}`).to.have.length(1);
    definition = rows[0].def;
  } else {
    const { sql } = (await db('sqlite_master').where({ type: 'table', name: table }).first('sql')) as { sql: string };
    // Ours, or as knex writes it again when a later migration alters the table (name in backquotes).
    const start = new RegExp(`CONSTRAINT [\`"]?${name}[\`"]? CHECK \\(`).exec(sql)?.index ?? -1;
    expect(start, `${table}.${name}`).to.be.greaterThan(-1);
    let depth = 0;
    let end = sql.indexOf('(', start);
    for (; end < sql.length; end += 1) {
      if (sql[end] === '(') depth += 1;
      if (sql[end] === ')' && (depth -= 1) === 0) break;
    }
    definition = sql.slice(start, end + 1);
  }
  return [...definition.matchAll(/'([^']*)'/g)].map((m) => m[1]).sort();
}

describe(`database rules (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let home: number;
  let cremator: number;
  let hall: number;
  let caseId: number;
  let priceItem: number;
  const region = '520201101';

  before(async () => {
    app = await startApp();
    db = app.db;
    home = await facilityId(db);
    cremator = await resourceId(db, 'cremators', home, '1号炉');
    hall = (await db('farewell_halls').where({ facility_id: home }).first('id')).id;
    caseId = await insertCase(db, home);
    priceItem = (await db('price_items').where({ facility_id: home }).first('id')).id;
  });
  after(() => app.close());

  // A valid row of each table; each case below spoils one value.
  const rows: Record<string, () => Record<string, unknown>> = {
    regions: () => ({ code: unique('9').slice(0, 12), name: '测试区划', level: 'county', parent_code: null }),
    facilities: () => ({
      name: unique('规则测试'),
      kind: 'columbarium',
      status: 'operating',
      region_code: region,
      is_sample: false,
      created_at: now,
      updated_at: now,
    }),
    users: () => ({
      username: unique('rule'),
      display_name: '规则',
      role: 'bureau',
      password_hash: 'x',
      created_at: now,
      updated_at: now,
    }),
    cremators: () => ({
      facility_id: home,
      name: unique('炉'),
      slot_minutes: 60,
      day_start: '08:00',
      day_end: '17:00',
      created_at: now,
      updated_at: now,
    }),
    farewell_halls: () => ({
      facility_id: home,
      name: unique('厅'),
      slot_minutes: 60,
      day_start: '08:00',
      day_end: '17:00',
      capacity: 50,
      created_at: now,
      updated_at: now,
    }),
    resource_closures: () => ({
      resource_type: 'cremator',
      resource_id: cremator,
      cremator_id: cremator,
      hall_id: null,
      starts_at: '2030-01-01T00:00:00.000Z',
      ends_at: '2030-01-01T08:00:00.000Z',
      reason: '检修',
      created_at: now,
    }),
    price_items: () => ({
      facility_id: home,
      code: unique('R').slice(0, 30),
      name_zh: '测试',
      name_en: 'Test',
      category: 'optional',
      basic_kind: null,
      unit: 'piece',
      price_fen: 100,
      valid_from: '2030-01-01',
      valid_to: null,
      created_at: now,
      updated_at: now,
    }),
    funeral_cases: () => ({
      facility_id: home,
      case_number: unique('R-'),
      status: 'registered',
      deceased_name: '测试',
      id_number: nextIdNumber(),
      sex: 'male',
      birth_date: '1950-01-01',
      death_at: now,
      created_at: now,
      updated_at: now,
    }),
    case_events: () => ({ case_id: caseId, from_status: 'registered', to_status: 'body_received', at: now }),
    case_lines: () => ({
      case_id: caseId,
      price_item_id: priceItem,
      code: 'X',
      name_zh: '测试',
      category: 'optional',
      unit: 'piece',
      quantity: 2,
      unit_price_fen: 150,
      amount_fen: 300,
      created_at: now,
    }),
    case_deductions: () => ({ case_id: caseId, source: 'waiver', label: '减免', amount_fen: 100, created_at: now }),
    case_payments: () => ({ case_id: caseId, method: 'cash', amount_fen: 100, paid_at: now }),
    cremation_bookings: () => ({
      case_id: caseId,
      cremator_id: cremator,
      starts_at: '2031-01-01T00:00:00.000Z',
      ends_at: '2031-01-01T01:00:00.000Z',
      status: 'booked',
      created_at: now,
      updated_at: now,
    }),
    hall_bookings: () => ({
      case_id: caseId,
      hall_id: hall,
      starts_at: '2031-01-01T00:00:00.000Z',
      ends_at: '2031-01-01T01:00:00.000Z',
      status: 'booked',
      created_at: now,
      updated_at: now,
    }),
    facility_status_history: () => ({
      facility_id: home,
      status: 'operating',
      effective_on: '2099-01-01',
      recorded_at: now,
    }),
    coverage_targets: () => ({ region_code: region, indicator: 'villages', year: 2099, rate: 0.5, updated_at: now }),
    satisfaction_surveys: () => ({
      case_id: caseId,
      facility_id: home,
      code: 'RULE2345',
      issued_at: now,
      rating: 3,
      comment: '规则测试',
      rated_at: now,
      rated_month: '2099-01',
    }),
    region_year_stats: () => ({
      region_code: '520201',
      year: 2099,
      deaths: 10,
      cremations: 8,
      burials: 2,
      green_burials: 1,
      updated_at: now,
    }),
    grave_remediation: () => ({ region_code: region, year: 2099, found: 10, remediated: 5, updated_at: now }),
    case_counters: () => ({ facility_id: home, year: 2099, last: 0 }),
  };

  /** The table, the values that spoil its valid row, and the rule that refuses it (or rules: PostgreSQL names whichever it checks first). */
  type Case = [table: string, spoil: Record<string, unknown>, rule: string | RegExp];

  async function expectRefused([table, spoil, rule]: Case): Promise<void> {
    const good = rows[table]();
    await accepted(db, table, good);
    const err = await insertError(db, table, { ...good, ...spoil });
    expect(err, `${table} ${JSON.stringify(spoil)} was accepted`).to.not.equal(null);
    expect(isCheckViolation(err), `${table}: ${String(err)}`).to.equal(true);
    if (typeof rule === 'string') expect(violatedConstraint(err), table).to.contain(rule);
    else expect(violatedConstraint(err), table).to.match(rule);
  }

  it('refuses a status, role or kind the code does not know, such as "canceled" for a booking', async () => {
    const cases: Case[] = [
      ['cremation_bookings', { status: 'canceled' }, 'cremation_bookings_status_in'],
      ['cremation_bookings', { status: 'done' }, 'cremation_bookings_done_recorded'],
      ['hall_bookings', { status: 'done' }, 'hall_bookings_done_recorded'],
      ['case_lines', { booking_kind: 'oven', booking_id: 1 }, 'case_lines_booking_kind_in'],
      ['case_lines', { booking_kind: 'hall' }, 'case_lines_booking_both'],
      ['hall_bookings', { status: 'active' }, 'hall_bookings_status_in'],
      ['users', { role: 'root' }, 'users_role_in'],
      ['facilities', { kind: 'crematorium' }, 'facilities_kind_in'],
      ['facilities', { status: 'open' }, 'facilities_status_in'],
      ['facilities', { build_mode: 'village' }, 'facilities_build_mode_in'],
      ['facility_status_history', { status: 'Operating' }, 'facility_status_history_status_in'],
      ['regions', { level: 'district' }, 'regions_level_in'],
      ['regions', { funeral_zone: 'burial' }, 'regions_funeral_zone_in'],
      ['resource_closures', { resource_type: 'oven' }, /resource_closures_resource_(type_in|matches)/],
      ['price_items', { category: 'extra' }, 'price_items_category_in'],
      ['price_items', { category: 'basic', basic_kind: 'flowers' }, 'price_items_basic_kind_in'],
      ['price_items', { unit: 'hour' }, 'price_items_unit_in'],
      ['funeral_cases', { status: 'closed' }, 'funeral_cases_status_in'],
      ['funeral_cases', { sex: 'M' }, 'funeral_cases_sex_in'],
      ['case_events', { to_status: 'done' }, 'case_events_to_status_in'],
      ['case_events', { from_status: 'new' }, 'case_events_from_status_in'],
      ['case_lines', { category: 'extra' }, 'case_lines_category_in'],
      ['case_lines', { unit: 'hour' }, 'case_lines_unit_in'],
      ['case_payments', { method: 'cheque' }, 'case_payments_method_in'],
      ['case_payments', { kind: 'gift' }, 'case_payments_kind_in'],
      ['case_lines', { kind: 'discount' }, /case_lines_(kind_in|quantity_by_kind)/],
      ['coverage_targets', { indicator: 'cities' }, 'coverage_targets_indicator_in'],
    ];
    for (const c of cases) await expectRefused(c);
  });

  it('refuses intervals that do not run forwards: bookings, closures, working hours, price periods', async () => {
    const cases: Case[] = [
      ['cremation_bookings', { ends_at: '2031-01-01T00:00:00.000Z' }, 'cremation_bookings_interval_forwards'],
      ['hall_bookings', { ends_at: '2030-12-31T23:00:00.000Z' }, 'hall_bookings_interval_forwards'],
      ['resource_closures', { ends_at: '2029-12-31T00:00:00.000Z' }, 'resource_closures_interval_forwards'],
      ['cremators', { day_end: '08:00' }, 'cremators_day_forwards'],
      ['farewell_halls', { day_start: '18:00' }, 'farewell_halls_day_forwards'],
      ['cremators', { slot_minutes: 0 }, 'cremators_slot_minutes_positive'],
      ['farewell_halls', { slot_minutes: -15 }, 'farewell_halls_slot_minutes_positive'],
      ['price_items', { valid_to: '2029-12-31' }, 'price_items_period_forwards'],
    ];
    for (const c of cases) await expectRefused(c);
    // valid_to is inclusive: a one-day price period is fine.
    await accepted(db, 'price_items', { ...rows.price_items(), valid_to: '2030-01-01' });
  });

  it('refuses money that makes no sense: a payment or deduction of zero or less, a negative price, a line that is not quantity × price', async () => {
    const cases: Case[] = [
      ['case_payments', { amount_fen: 0 }, 'case_payments_amount_positive'],
      ['case_payments', { amount_fen: -100 }, 'case_payments_amount_positive'],
      ['case_deductions', { amount_fen: 0 }, 'case_deductions_amount_positive'],
      ['price_items', { price_fen: -1 }, 'price_items_price_not_negative'],
      ['case_lines', { unit_price_fen: -150, amount_fen: -300 }, 'case_lines_unit_price_not_negative'],
      ['case_lines', { amount_fen: 299 }, 'case_lines_amount_is_product'],
      ['case_lines', { quantity: 0, amount_fen: 0 }, 'case_lines_quantity_by_kind'],
      // Only a correction, with its reason, takes units off.
      ['case_lines', { quantity: -2, amount_fen: -300 }, 'case_lines_quantity_by_kind'],
      ['case_lines', { kind: 'correction', quantity: -2, amount_fen: -300 }, 'case_lines_quantity_by_kind'],
      ['case_payments', { kind: 'refund' }, 'case_payments_refund_has_reason'],
      ['case_payments', { void_reason: '重复收款' }, 'case_payments_void_complete'],
      ['facilities', { investment_fen: -1 }, 'facilities_investment_not_negative'],
      // A basic service says which one; an optional one does not.
      ['price_items', { category: 'basic', basic_kind: null }, 'price_items_basic_kind_of_basic'],
      ['price_items', { basic_kind: 'urn' }, 'price_items_basic_kind_of_basic'],
    ];
    for (const c of cases) await expectRefused(c);
    await accepted(db, 'price_items', { ...rows.price_items(), price_fen: 0 }); // a free service is a price
  });

  it('refuses rates outside 0–1 and negative counts', async () => {
    const cases: Case[] = [
      ['coverage_targets', { rate: 1.5 }, 'coverage_targets_rate_fraction'],
      ['coverage_targets', { rate: -0.1 }, 'coverage_targets_rate_fraction'],
      ['region_year_stats', { deaths: -1 }, 'region_year_stats_counts_not_negative'],
      ['region_year_stats', { green_burials: -1 }, 'region_year_stats_counts_not_negative'],
      ['grave_remediation', { found: -1, remediated: -1 }, 'grave_remediation_counts_not_negative'],
      ['grave_remediation', { remediated: 11 }, 'grave_remediation_within_found'],
      ['facilities', { niche_capacity: -5 }, 'facilities_capacity_not_negative'],
      ['farewell_halls', { capacity: 0 }, 'farewell_halls_capacity_positive'],
      ['users', { failed_logins: -1 }, 'users_failed_logins_not_negative'],
      ['regions', { population: -1 }, 'regions_population_not_negative'],
      ['regions', { village_count: -1 }, 'regions_village_count_not_negative'],
      ['regions', { admin_village_count: -1 }, 'regions_admin_village_count_not_negative'],
      ['regions', { central_village_count: -1 }, 'regions_central_village_count_not_negative'],
      ['case_counters', { last: -1 }, 'case_counters_last_not_negative'],
    ];
    for (const c of cases) await expectRefused(c);
    await accepted(db, 'coverage_targets', { ...rows.coverage_targets(), rate: 1 });
  });

  it('refuses a satisfaction rating outside 1–5, or a rating without its time and month', async () => {
    const cases: Case[] = [
      ['satisfaction_surveys', { rating: 0 }, 'satisfaction_surveys_rating_range'],
      ['satisfaction_surveys', { rating: 6 }, 'satisfaction_surveys_rating_range'],
      ['satisfaction_surveys', { rated_at: null }, 'satisfaction_surveys_rated_whole'],
      ['satisfaction_surveys', { rating: null }, 'satisfaction_surveys_rated_whole'],
    ];
    for (const c of cases) await expectRefused(c);
    // Not yet rated: no score, time, month or comment.
    await accepted(db, 'satisfaction_surveys', {
      ...rows.satisfaction_surveys(),
      rating: null,
      comment: null,
      rated_at: null,
      rated_month: null,
    });
  });

  it('refuses a closure of a cremator or hall that does not exist, or whose keys disagree', async () => {
    const missing = await insertError(db, 'resource_closures', {
      ...rows.resource_closures(),
      resource_id: 999_999,
      cremator_id: 999_999,
    });
    expect(missing, 'closure of a missing cremator').to.not.equal(null);
    expect((missing as { code?: string }).code).to.be.oneOf(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);
    const hallMissing = await insertError(db, 'resource_closures', {
      ...rows.resource_closures(),
      resource_type: 'hall',
      resource_id: 999_999,
      cremator_id: null,
      hall_id: 999_999,
    });
    expect((hallMissing as { code?: string } | null)?.code).to.be.oneOf(['23503', 'SQLITE_CONSTRAINT_FOREIGNKEY']);
    await expectRefused(['resource_closures', { cremator_id: null }, 'resource_closures_resource_matches']);
    await expectRefused(['resource_closures', { resource_type: 'hall' }, 'resource_closures_resource_matches']);
    await expectRefused([
      'resource_closures',
      { resource_id: hall, cremator_id: cremator, hall_id: hall },
      'resource_closures_resource_matches',
    ]);
    await accepted(db, 'resource_closures', {
      ...rows.resource_closures(),
      resource_type: 'hall',
      resource_id: hall,
      cremator_id: null,
      hall_id: hall,
    });
  });

  it('accepts a correction that takes units off with its reason, and a complete void', async () => {
    await accepted(db, 'case_lines', {
      ...rows.case_lines(),
      kind: 'correction',
      quantity: -2,
      amount_fen: -300,
      reason: '多记两件',
    });
    await accepted(db, 'case_payments', {
      ...rows.case_payments(),
      voided_at: now,
      voided_by: (await db('users').first('id')).id,
      void_reason: '重复收款',
    });
    await accepted(db, 'case_payments', { ...rows.case_payments(), kind: 'refund', reason: '家属取消告别' });
  });

  it('refuses a yearly submission in an unknown state, returned without a reason or reviewed by nobody, and snapshot counts that make no sense', async () => {
    const user = (await db('users').first('id')).id as number;
    const good = {
      region_code: '520203',
      year: 2099,
      status: 'submitted',
      round: 1,
      submitted_by: user,
      submitted_at: now,
      updated_at: now,
    };
    await accepted(db, 'year_submissions', good);
    const bad: [Record<string, unknown>, string][] = [
      [{ status: 'draft', reviewed_by: user, reviewed_at: now }, 'year_submissions_status_in'],
      [{ status: 'returned', reviewed_by: user, reviewed_at: now }, 'year_submissions_returned_reason'],
      [{ status: 'accepted' }, 'year_submissions_reviewed'],
      [{ round: 0 }, 'year_submissions_round_positive'],
      [{ year: 1999 }, 'year_submissions_year_range'],
    ];
    for (const [spoil, rule] of bad) {
      const err = await insertError(db, 'year_submissions', { ...good, ...spoil });
      expect(isCheckViolation(err), `${rule}: ${String(err)}`).to.equal(true);
      expect(violatedConstraint(err)).to.contain(rule);
    }
    const [row] = await db('year_submissions').insert(good).returning('id');
    const id = typeof row === 'object' ? row.id : row;
    const snap = {
      submission_id: id,
      round: 1,
      region_code: '520203',
      region_name: '六枝特区',
      indicator: 'villages',
      total: 5,
      covered: 3,
    };
    await accepted(db, 'year_snapshot_rows', snap);
    for (const [spoil, rule] of [
      [{ indicator: 'cities' }, 'year_snapshot_rows_indicator_in'],
      [{ covered: 6 }, 'year_snapshot_rows_counts'],
      [{ total: -1, covered: -1 }, 'year_snapshot_rows_counts'],
    ] as [Record<string, unknown>, string][]) {
      const err = await insertError(db, 'year_snapshot_rows', { ...snap, ...spoil });
      expect(isCheckViolation(err), `${rule}: ${String(err)}`).to.equal(true);
      expect(violatedConstraint(err)).to.contain(rule);
    }
    await db('year_submissions').where({ id }).delete();
  });

  it('refuses a memorial page or tribute the code should never write: half an owner, a closed page without its time, a message over 200 characters or missing', async () => {
    const memorial = {
      case_id: await insertCase(db, home),
      facility_id: home,
      slug: unique('slug'),
      status: 'open',
      visibility: 'unlisted',
      created_at: now,
      updated_at: now,
    };
    await accepted(db, 'memorials', memorial);
    for (const [spoil, rule] of [
      [{ visibility: 'hidden' }, 'memorials_visibility_in'],
      [{ status: 'closed' }, 'memorials_closed_at'],
      [{ owner_name: '王丽' }, 'memorials_owner_complete'],
      [{ biography: '字'.repeat(2001) }, 'memorials_biography_length'],
    ] as [Record<string, unknown>, string][]) {
      const err = await insertError(db, 'memorials', { ...memorial, ...spoil });
      expect(isCheckViolation(err), `${rule}: ${String(err)}`).to.equal(true);
      expect(violatedConstraint(err)).to.contain(rule);
    }
    const [row] = await db('memorials').insert(memorial).returning('id');
    const tribute = {
      memorial_id: idOf(row),
      kind: 'message',
      message: '念',
      status: 'pending',
      request_id: unique('r'),
      created_at: now,
    };
    await accepted(db, 'memorial_tributes', tribute);
    for (const [spoil, rule] of [
      [{ message: null }, 'memorial_tributes_message_given'],
      [{ message: '念'.repeat(201) }, 'memorial_tributes_message_length'],
      [{ status: 'approved' }, 'memorial_tributes_decided'],
    ] as [Record<string, unknown>, string][]) {
      const err = await insertError(db, 'memorial_tributes', { ...tribute, ...spoil });
      expect(isCheckViolation(err), `${rule}: ${String(err)}`).to.equal(true);
      expect(violatedConstraint(err)).to.contain(rule);
    }
  });

  it('lists in each CHECK exactly the codes of the constant the code uses', async () => {
    const lists: [table: string, constraint: string, codes: readonly string[]][] = [
      ['regions', 'regions_level_in', levels],
      ['regions', 'regions_funeral_zone_in', funeralZones],
      ['facilities', 'facilities_kind_in', facilityKinds],
      ['facilities', 'facilities_status_in', facilityStatuses],
      ['facilities', 'facilities_build_mode_in', buildModes],
      ['facility_status_history', 'facility_status_history_status_in', facilityStatuses],
      ['users', 'users_role_in', roles],
      ['resource_closures', 'resource_closures_resource_type_in', resourceKinds],
      ['price_items', 'price_items_category_in', priceCategories],
      ['price_items', 'price_items_basic_kind_in', basicKinds],
      ['price_items', 'price_items_unit_in', priceUnits],
      ['funeral_cases', 'funeral_cases_status_in', caseStatuses],
      ['funeral_cases', 'funeral_cases_sex_in', sexes],
      ['case_events', 'case_events_from_status_in', caseStatuses],
      ['case_events', 'case_events_to_status_in', caseStatuses],
      ['case_lines', 'case_lines_category_in', priceCategories],
      ['case_lines', 'case_lines_unit_in', priceUnits],
      ['case_payments', 'case_payments_method_in', paymentMethods],
      ['case_payments', 'case_payments_kind_in', paymentKinds],
      ['case_lines', 'case_lines_kind_in', lineKinds],
      ['case_closing_reasons', 'case_closing_reasons_problem_in', closingProblemCodes],
      ['cremation_bookings', 'cremation_bookings_status_in', bookingStatuses],
      ['hall_bookings', 'hall_bookings_status_in', bookingStatuses],
      ['case_lines', 'case_lines_booking_kind_in', resourceKinds],
      ['coverage_targets', 'coverage_targets_indicator_in', targetIndicators],
      ['fridge_slots', 'fridge_slots_status_in', slotStatuses],
      ['body_custody', 'body_custody_status_in', custodyStatuses],
      ['custody_moves', 'custody_moves_place_kind_in', placeKinds],
      ['case_contact_log', 'case_contact_log_kind_in', contactKinds],
      ['case_documents', 'case_documents_kind_in', documentKinds],
      ['case_documents', 'case_documents_state_in', documentStates],
      ['case_document_files', 'case_document_files_kind_in', documentKinds],
      ['case_document_files', 'case_document_files_file_type_in', fileTypes],
      ['case_document_files', 'case_document_files_status_in', fileStatuses],
      ['region_kind_overrides', 'region_kind_overrides_kind_in', villageKinds],
      ['year_submissions', 'year_submissions_status_in', submissionStatuses],
      ['year_snapshot_rows', 'year_snapshot_rows_indicator_in', snapshotIndicators],
      ['memorials', 'memorials_status_in', memorialStatuses],
      ['memorials', 'memorials_visibility_in', memorialVisibilities],
      ['memorial_tributes', 'memorial_tributes_kind_in', tributeKinds],
      ['memorial_tributes', 'memorial_tributes_status_in', tributeStatuses],
      ['visit_windows', 'visit_windows_status_in', windowStatuses],
      ['visit_reservations', 'visit_reservations_status_in', reservationStatuses],
      ['visit_reservations', 'visit_reservations_channel_in', reservationChannels],
      ['visit_day_counts', 'visit_day_counts_kind_in', dayCountKinds],
      ['resting_groups', 'resting_groups_kind_in', restingGroupKinds],
      ['resting_places', 'resting_places_kind_in', restingPlaceKinds],
      ['resting_places', 'resting_places_type_in', restingPlaceTypes],
      ['resting_places', 'resting_places_status_in', restingStatuses],
      ['resting_contracts', 'resting_contracts_status_in', restingContractStatuses],
      ['resting_fee_lines', 'resting_fee_lines_kind_in', restingFeeLineKinds],
      ['resting_placements', 'resting_placements_method_in', burialMethods],
      ['resting_placements', 'resting_placements_green_by_method', greenBurialMethods],
      ['resting_notices', 'resting_notices_method_in', restingNoticeMethods],
      ['waiver_policy_items', 'waiver_policy_items_match_by_in', waiverMatchKinds],
      ['waiver_list_imports', 'waiver_list_imports_status_in', waiverImportStatuses],
      ['case_waiver_lines', 'case_waiver_lines_basis_in', waiverBases],
      ['waiver_green_rewards', 'waiver_green_rewards_basis_in', waiverBases],
      ['waiver_claims', 'waiver_claims_status_in', waiverClaimStatuses],
      ['waiver_claim_lines', 'waiver_claim_lines_kind_in', waiverClaimLineKinds],
      ['waiver_claim_events', 'waiver_claim_events_to_status_in', waiverClaimStatuses],
    ];
    for (const [table, constraint, codes] of lists) {
      expect(
        await codesOf(db, table, constraint),
        `${constraint}: a code was added to or removed from the constant; add a migration`,
      ).to.deep.equal([...codes].sort());
    }
  });

  it('keeps one booking per slot and per case by indexes over the statuses that hold a slot (booked, done)', async () => {
    const other = await insertCase(db, home);
    const booked = {
      ...rows.cremation_bookings(),
      case_id: other,
      starts_at: '2032-01-01T00:00:00.000Z',
      ends_at: '2032-01-01T01:00:00.000Z',
    };
    await db('cremation_bookings').insert(booked);
    const again = await insertError(db, 'cremation_bookings', { ...booked, case_id: await insertCase(db, home) });
    expect((again as { code?: string } | null)?.code).to.be.oneOf(['23505', 'SQLITE_CONSTRAINT_UNIQUE']);
    expect(violatedConstraint(again)).to.match(/slot_held|cremator_id, cremation_bookings\.starts_at/);
    const secondOfCase = await insertError(db, 'cremation_bookings', {
      ...booked,
      starts_at: '2032-01-02T00:00:00.000Z',
      ends_at: '2032-01-02T01:00:00.000Z',
    });
    expect(violatedConstraint(secondOfCase)).to.match(/case_held|cremation_bookings\.case_id/);
    // Cancelled bookings hold nothing; a done booking still holds its slot.
    await db('cremation_bookings').insert({ ...booked, status: 'cancelled' });
    const done = {
      ...booked,
      case_id: await insertCase(db, home),
      starts_at: '2032-01-03T00:00:00.000Z',
      ends_at: '2032-01-03T01:00:00.000Z',
      status: 'done',
      actual_started_at: '2032-01-03T00:05:00.000Z',
      actual_ended_at: '2032-01-03T00:55:00.000Z',
      actual_cremator_id: cremator,
      done_at: '2032-01-03T00:55:00.000Z',
    };
    await db('cremation_bookings').insert(done);
    const overDone = await insertError(db, 'cremation_bookings', {
      ...booked,
      case_id: await insertCase(db, home),
      starts_at: done.starts_at,
      ends_at: done.ends_at,
    });
    expect((overDone as { code?: string } | null)?.code).to.be.oneOf(['23505', 'SQLITE_CONSTRAINT_UNIQUE']);
    const indexes =
      dialect === 'postgres'
        ? (
            await db.raw(
              `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'cremation_bookings'`,
            )
          ).rows
        : await db('sqlite_master')
            .where({ type: 'index', tbl_name: 'cremation_bookings' })
            .whereNotNull('sql')
            .select('name', 'sql');
    const partial = (indexes as { name: string; sql: string }[]).filter((i) => /where/i.test(i.sql));
    expect(partial.map((i) => i.name)).to.include.members([
      'cremation_bookings_slot_held',
      'cremation_bookings_case_held',
    ]);
    for (const { sql } of partial) {
      expect(sql).to.match(/WHERE[\s\S]*status[\s\S]*'booked'[\s\S]*'done'/);
      expect(sql).to.not.contain('cancelled');
    }
  });

  it('keeps one open case per ID number by an index over the open statuses as the code lists them', async () => {
    const person = { ...rows.funeral_cases(), id_number: nextIdNumber() };
    await db('funeral_cases').insert(person);
    const second = await insertError(db, 'funeral_cases', { ...person, case_number: unique('R-') });
    expect((second as { code?: string } | null)?.code).to.be.oneOf(['23505', 'SQLITE_CONSTRAINT_UNIQUE']);
    expect(violatedConstraint(second)).to.match(/id_number_open|funeral_cases\.id_number/);
    // Closed cases of the same person are history, as many as there are.
    await accepted(db, 'funeral_cases', { ...person, case_number: unique('R-'), status: 'ashes_placed' });
    const sql =
      dialect === 'postgres'
        ? (
            await db.raw(
              `SELECT indexdef AS sql FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'funeral_cases_id_number_open'`,
            )
          ).rows[0]?.sql
        : (await db('sqlite_master').where({ type: 'index', name: 'funeral_cases_id_number_open' }).first('sql'))?.sql;
    expect(sql, 'funeral_cases_id_number_open').to.be.a('string');
    const codes = [...String(sql).matchAll(/'([^']*)'/g)].map((m) => m[1]).sort();
    expect(codes, 'openStatuses changed: add a migration that rebuilds funeral_cases_id_number_open').to.deep.equal(
      [...openStatuses].sort(),
    );
  });

  // PostgreSQL only: exclusion constraints (btree_gist) exist there; SQLite keeps the service's locks and checks.
  (dialect === 'postgres' ? it : it.skip)(
    'refuses overlapping booked periods of one cremator or hall, and overlapping price periods (PostgreSQL exclusion constraints)',
    async () => {
      const a = await insertCase(db, home);
      const b = await insertCase(db, home);
      const base = {
        ...rows.cremation_bookings(),
        starts_at: '2033-01-01T00:00:00.000Z',
        ends_at: '2033-01-01T01:00:00.000Z',
      };
      await db('cremation_bookings').insert({ ...base, case_id: a });
      const overlap = await insertError(db, 'cremation_bookings', {
        ...base,
        case_id: b,
        starts_at: '2033-01-01T00:30:00.000Z',
        ends_at: '2033-01-01T01:30:00.000Z',
      });
      expect(isExclusionViolation(overlap), String(overlap)).to.equal(true);
      expect(violatedConstraint(overlap)).to.equal('cremation_bookings_no_overlap');
      // Half-open: ending exactly when the next starts is no overlap; a cancelled booking holds nothing.
      await accepted(db, 'cremation_bookings', {
        ...base,
        case_id: b,
        starts_at: '2033-01-01T01:00:00.000Z',
        ends_at: '2033-01-01T02:00:00.000Z',
      });
      await accepted(db, 'cremation_bookings', {
        ...base,
        case_id: b,
        starts_at: '2033-01-01T00:30:00.000Z',
        ends_at: '2033-01-01T01:30:00.000Z',
        status: 'cancelled',
      });

      const h = { ...rows.hall_bookings(), starts_at: '2033-01-01T00:00:00.000Z', ends_at: '2033-01-01T02:00:00.000Z' };
      await db('hall_bookings').insert({ ...h, case_id: a });
      expect(
        violatedConstraint(
          await insertError(db, 'hall_bookings', {
            ...h,
            case_id: b,
            starts_at: '2033-01-01T01:00:00.000Z',
            ends_at: '2033-01-01T03:00:00.000Z',
          }),
        ),
      ).to.equal('hall_bookings_no_overlap');

      const price = { ...rows.price_items(), valid_from: '2030-01-01', valid_to: '2030-06-30' };
      await db('price_items').insert(price);
      // valid_to is inclusive: a period starting on the last day of another overlaps it; an open end runs for ever.
      const clash = await insertError(db, 'price_items', { ...price, valid_from: '2030-06-30', valid_to: null });
      expect(isExclusionViolation(clash), String(clash)).to.equal(true);
      expect(violatedConstraint(clash)).to.equal('price_items_no_overlap');
      await accepted(db, 'price_items', { ...price, valid_from: '2030-07-01', valid_to: null });
      await accepted(db, 'price_items', { ...price, code: unique('R'), valid_from: '2030-03-01' });
    },
  );

  // PostgreSQL only: exclusion constraints (btree_gist) exist there; SQLite keeps the service's locks and checks.
  (dialect === 'postgres' ? it : it.skip)(
    'answers 409 slot_taken when the exclusion constraint refuses a booking that overlaps one off the grid',
    async () => {
      const day = dayAhead(5);
      const { token } = await userWithToken(db, 'rules_frontdesk', 'front_desk', home);
      // A booking from before the grid changed: 09:30–10:30 on an hourly grid from 08:00.
      await db('cremation_bookings').insert({
        ...rows.cremation_bookings(),
        case_id: await insertCase(db, home),
        starts_at: at(day, '09:30'),
        ends_at: at(day, '10:30'),
      });
      const res = await api(app.url, token).post('/api/v1/cremation/bookings', {
        case_id: await insertCase(db, home),
        cremator_id: cremator,
        starts_at: `${day}T09:00:00+08:00`,
      });
      expect(res.status).to.equal(409);
      const body = await res.json();
      expect(body.error).to.equal('slot_taken');
      expect(body.message).to.equal('该时段已被预约，请选择其他时段。');
    },
  );

  // PostgreSQL only: exclusion constraints (btree_gist) exist there; SQLite keeps the service's locks and checks.
  (dialect === 'postgres' ? it : it.skip)(
    "answers a price period overlapping one committed meanwhile with the 409 and message of the service's own check",
    async () => {
      const front = await signedIn(app, 'front_desk');
      // Another writer that takes no lock on the home (a script, say) inserts a period but has not committed yet, so
      // the service's overlap check cannot see it; the exclusion constraint makes the service's insert wait and refuses it.
      const other = await db.transaction();
      const {
        rows: [{ pid }],
      } = await other.raw('SELECT pg_backend_pid() AS pid');
      await other('price_items').insert({
        ...rows.price_items(),
        code: 'OPT_RACE',
        valid_from: '2031-01-01',
        valid_to: null,
      });
      const saving = front.post(
        `/staff/funeral-homes/${home}/prices`,
        {
          code: 'OPT_RACE',
          name_zh: '香烛',
          name_en: 'Candles',
          category: 'optional',
          basic_kind: '',
          unit: 'piece',
          price: '38',
          valid_from: '2031-03-01',
          valid_to: '',
        },
        { from: `/staff/funeral-homes/${home}/prices/new` },
      );
      for (;;) {
        const { rows: waiting } = await db.raw(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))',
          [pid],
        );
        if (waiting[0].n > 0) break;
        await new Promise((r) => setImmediate(r));
      }
      await other.commit();
      const res = await saving;
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain('项目代码 OPT_RACE 已有自').and.contain('起长期有效的价格，有效期不能重叠');
      expect(await db('price_items').where({ facility_id: home, code: 'OPT_RACE' }).pluck('valid_from')).to.deep.equal([
        '2031-01-01',
      ]);
    },
  );
});

describe(`database rules: the migrations refuse rows that already break a rule (${dialect})`, () => {
  const dir = path.resolve('db/migrations');
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{12}_.*\.ts$/.test(f))
    .sort();
  const load = async (f: string) =>
    (await import(pathToFileURL(path.join(dir, f)).href)) as { up(k: Knex): Promise<void> };
  /** As db/migrate.ts runs a migration: in a transaction, SQLite's foreign keys off. */
  async function migrate(db: Knex, prefix: string): Promise<void> {
    if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = OFF');
    try {
      await db.transaction(async (trx) => (await load(files.find((f) => f.startsWith(prefix))!)).up(trx));
    } finally {
      if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = ON');
    }
  }
  /** A fresh database migrated up to (not including) the migration of that prefix, with a province and a funeral home. */
  async function before(prefix: string): Promise<{ db: Knex; home: number; drop(): Promise<void> }> {
    const t = await freshDb();
    for (const f of files.filter((f) => f < prefix)) await migrate(t.db, f.slice(0, 12));
    await t.db('regions').insert({ code: '52', name: '贵州省', level: 'province' });
    const [row] = await t
      .db('facilities')
      .insert({
        name: '殡仪馆',
        kind: 'funeral_home',
        status: 'operating',
        region_code: '52',
        is_sample: false,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    return { db: t.db, home: idOf(row), drop: () => t.drop() };
  }

  it('stops at a status, role or kind the code does not know, naming the table and the rule, and changes nothing', async () => {
    const t = await before('202612031000');
    try {
      await t.db('facilities').insert({
        name: '旧数据',
        kind: 'crematorium',
        status: 'operating',
        region_code: '52',
        is_sample: false,
        created_at: now,
        updated_at: now,
      });
      const err = await migrate(t.db, '202612031000').then(
        () => null,
        (e: Error) => e,
      );
      expect(err, 'the migration accepted a facility of an unknown kind').to.be.instanceOf(Error);
      expect(err!.message).to.contain('facilities').and.contain('facilities_kind_in').and.contain('1 existing row');
      expect(await t.db('facilities').where({ name: '旧数据' }).select('kind')).to.deep.equal([
        { kind: 'crematorium' },
      ]);
      // Nothing was added: the earlier tables kept no constraint either, and a bad value still goes in.
      await t.db('regions').insert({ code: '53', name: '云南省', level: 'nation' });
    } finally {
      await t.drop();
    }
  });

  it('stops at a closure of a cremator that does not exist', async () => {
    const t = await before('202612031020');
    try {
      await t.db('resource_closures').insert({
        resource_type: 'cremator',
        resource_id: 4242,
        starts_at: '2030-01-01T00:00:00.000Z',
        ends_at: '2030-01-02T00:00:00.000Z',
        reason: '检修',
        created_at: now,
      });
      const err = await migrate(t.db, '202612031020').then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message)
        .to.contain('resource_closures: 1 existing row(s)')
        .and.contain('resource_closures_resource_matches');
      expect(await t.db('resource_closures').pluck('resource_id')).to.deep.equal([4242]);
    } finally {
      await t.drop();
    }
  });

  // PostgreSQL only: exclusion constraints (btree_gist) exist there; SQLite keeps the service's locks and checks.
  (dialect === 'postgres' ? it : it.skip)('stops at price periods that already overlap', async () => {
    const t = await before('202612031030');
    try {
      const item = {
        facility_id: t.home,
        code: 'URN',
        name_zh: '骨灰盒',
        name_en: 'Urn',
        category: 'basic',
        basic_kind: 'urn',
        unit: 'piece',
        price_fen: 100,
        created_at: now,
        updated_at: now,
      };
      await t.db('price_items').insert([
        { ...item, valid_from: '2030-01-01', valid_to: '2030-12-31' },
        { ...item, valid_from: '2030-06-01', valid_to: null },
      ]);
      const err = await migrate(t.db, '202612031030').then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).to.contain('price_items: 1 pair(s)').and.contain('price_items_no_overlap');
    } finally {
      await t.drop();
    }
  });
});

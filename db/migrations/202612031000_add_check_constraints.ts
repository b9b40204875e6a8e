// The database refuses what the code should never write: every status, role and kind column holds one of the
// codes the code knows, intervals run forwards, money and counts are not negative, rates lie in 0–1. The lists are
// copied from the code's constants as they stand today (a migration is frozen history); test/db/constraints.test.ts
// compares them with the constants so that they cannot drift apart unnoticed.
import type { Knex } from 'knex';
import { addChecks, dropChecks, oneOf, type Check } from '../constraints.js';

const levels = ['province', 'city', 'county', 'township', 'village'];
const funeralZones = ['cremation', 'reform'];
const facilityKinds = [
  'funeral_home',
  'columbarium',
  'urban_public_cemetery',
  'rural_public_cemetery',
  'commercial_cemetery',
  'funeral_service_point',
];
const facilityStatuses = ['planned', 'building', 'operating', 'closed'];
const buildModes = ['single_village', 'multi_village', 'township_wide', 'township_village'];
const roles = ['admin', 'bureau', 'front_desk', 'cemetery_staff'];
const resourceKinds = ['cremator', 'hall'];
const priceCategories = ['basic', 'optional'];
const basicKinds = ['transport', 'refrigeration', 'cremation', 'ash_storage', 'urn'];
const priceUnits = ['time', 'day', 'year', 'piece'];
const caseStatuses = [
  'registered',
  'body_received',
  'stored',
  'farewell_done',
  'cremated',
  'ashes_released',
  'ashes_placed',
];
const sexes = ['male', 'female'];
const paymentMethods = ['cash', 'wechat', 'alipay', 'card', 'transfer'];
const bookingStatuses = ['booked', 'cancelled'];
const targetIndicators = [
  'counties',
  'townships',
  'villages',
  'central_villages',
  'cremation_counties',
  'cremation_rate',
  'green_burial_rate',
  'grave_remediation',
];

const workingHours = (table: string): Check[] => [
  [`${table}_slot_minutes_positive`, 'slot_minutes > 0'],
  [`${table}_day_forwards`, 'day_start < day_end'],
];

const bookingRules = (table: string): Check[] => [
  [`${table}_status_in`, oneOf('status', bookingStatuses)],
  [`${table}_interval_forwards`, 'ends_at > starts_at'],
];

export const checks: Record<string, Check[]> = {
  regions: [
    ['regions_level_in', oneOf('level', levels)],
    ['regions_funeral_zone_in', oneOf('funeral_zone', funeralZones)],
    ['regions_population_not_negative', 'population >= 0'],
  ],
  facilities: [
    ['facilities_kind_in', oneOf('kind', facilityKinds)],
    ['facilities_status_in', oneOf('status', facilityStatuses)],
    ['facilities_build_mode_in', oneOf('build_mode', buildModes)],
    ['facilities_capacity_not_negative', 'niche_capacity >= 0 AND plot_capacity >= 0'],
    ['facilities_investment_not_negative', 'investment_fen >= 0'],
  ],
  users: [
    ['users_role_in', oneOf('role', roles)],
    ['users_failed_logins_not_negative', 'failed_logins >= 0'],
  ],
  cremators: workingHours('cremators'),
  farewell_halls: [...workingHours('farewell_halls'), ['farewell_halls_capacity_positive', 'capacity > 0']],
  resource_closures: [
    ['resource_closures_resource_type_in', oneOf('resource_type', resourceKinds)],
    ['resource_closures_interval_forwards', 'ends_at > starts_at'],
  ],
  price_items: [
    ['price_items_category_in', oneOf('category', priceCategories)],
    ['price_items_basic_kind_in', oneOf('basic_kind', basicKinds)],
    // A basic service names which one it is; an optional one does not.
    ['price_items_basic_kind_of_basic', "(category = 'basic') = (basic_kind IS NOT NULL)"],
    ['price_items_unit_in', oneOf('unit', priceUnits)],
    ['price_items_price_not_negative', 'price_fen >= 0'],
    // valid_to is inclusive: a one-day period has valid_to = valid_from.
    ['price_items_period_forwards', 'valid_to >= valid_from'],
  ],
  case_counters: [['case_counters_last_not_negative', 'last >= 0']],
  funeral_cases: [
    ['funeral_cases_status_in', oneOf('status', caseStatuses)],
    ['funeral_cases_sex_in', oneOf('sex', sexes)],
  ],
  case_events: [
    ['case_events_from_status_in', oneOf('from_status', caseStatuses)],
    ['case_events_to_status_in', oneOf('to_status', caseStatuses)],
  ],
  case_lines: [
    ['case_lines_category_in', oneOf('category', priceCategories)],
    ['case_lines_unit_in', oneOf('unit', priceUnits)],
    ['case_lines_quantity_positive', 'quantity > 0'],
    ['case_lines_unit_price_not_negative', 'unit_price_fen >= 0'],
    ['case_lines_amount_is_product', 'amount_fen = quantity * unit_price_fen'],
  ],
  case_deductions: [['case_deductions_amount_positive', 'amount_fen > 0']],
  case_payments: [
    ['case_payments_method_in', oneOf('method', paymentMethods)],
    ['case_payments_amount_positive', 'amount_fen > 0'],
  ],
  cremation_bookings: bookingRules('cremation_bookings'),
  hall_bookings: bookingRules('hall_bookings'),
  facility_status_history: [['facility_status_history_status_in', oneOf('status', facilityStatuses)]],
  coverage_targets: [
    ['coverage_targets_indicator_in', oneOf('indicator', targetIndicators)],
    ['coverage_targets_rate_fraction', 'rate >= 0 AND rate <= 1'],
  ],
  region_year_stats: [
    [
      'region_year_stats_counts_not_negative',
      'deaths >= 0 AND cremations >= 0 AND burials >= 0 AND green_burials >= 0',
    ],
  ],
  grave_remediation: [
    ['grave_remediation_counts_not_negative', 'found >= 0 AND remediated >= 0'],
    ['grave_remediation_within_found', 'remediated <= found'],
  ],
};

export async function up(knex: Knex): Promise<void> {
  for (const [table, rules] of Object.entries(checks)) await addChecks(knex, table, rules);
}

export async function down(knex: Knex): Promise<void> {
  for (const [table, rules] of Object.entries(checks)) await dropChecks(knex, table, rules);
}

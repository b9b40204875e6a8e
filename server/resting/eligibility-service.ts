// Who a public-welfare resting place may take (issue 18, item 4), checked when a contract or placement is written:
// a rural public-welfare cemetery takes the deceased whose household village it serves (the service area coverage
// counts with, serviceOf), an urban public-welfare cemetery or a public columbarium the residents of its county;
// commercial cemeteries take anyone. The rules are written down in docs/COVERAGE.md ("Who a facility takes").
import type { Knex } from 'knex';
import { serviceOf } from '../facilities/service-area.js';
import { findFacility, regionsByCode, serviceAreaOf } from '../facilities/service.js';
import type { FacilityKind } from '../facilities/kinds.js';
import { UnprocessableError, type FieldErrors } from '../http/errors.js';
import { shortName } from '../regions/levels.js';

/**
 * The rule each kind of resting facility applies. 公益性骨灰堂 are run by a county (or a township for it) for its own
 * residents, as urban public-welfare cemeteries are, so they take the county rule too; a columbarium registered at
 * the city takes the city's residents. Commercial cemeteries (经营性公墓) have no rule.
 */
export const eligibilityRules = {
  rural_public_cemetery: 'rural_village',
  urban_public_cemetery: 'urban_county',
  columbarium: 'columbarium_county',
} as const satisfies Partial<Record<FacilityKind, string>>;
export type EligibilityRule = (typeof eligibilityRules)[keyof typeof eligibilityRules];

/**
 * Why the deceased may not be placed there: the rule, the message key (under errors.) and its parameters.
 * `ineligible_<rule>` says the household lies outside; `ineligible_<rule>_unknown` asks for the household region,
 * missing or too coarse to decide (a county when the cemetery serves single villages).
 */
export interface EligibilityRefusal {
  rule: EligibilityRule;
  code: `ineligible_${EligibilityRule}` | `ineligible_${EligibilityRule}_unknown`;
  params: {
    /** The facility's name. */
    facility: string;
    /** The household region as a person reads it: 大河镇岩脚村, 水城区; '' when none was given. */
    household: string;
    /** The area of the county rules: the county (or city) the facility stands in; '' for the rural rule. */
    area: string;
  };
}

export interface EligibilityFacility {
  id: number;
  kind: FacilityKind;
  region_code: string;
}

/** County of a facility: its first six digits; a facility registered at a city or province serves that region. */
const countyOf = (code: string) => code.slice(0, Math.min(6, code.length));

/** The codes a label is made of: a village with its township, a township with its county, else the region alone. */
const labelParts = (code: string) =>
  code.length === 12 ? [code.slice(0, 9), code] : code.length === 9 ? [code.slice(0, 6), code] : [code];

/** 大河镇岩脚村 for a village, 钟山区大河镇 for a township, the region's own name above; a code stands for an unknown one. */
async function regionLabels(db: Knex, codes: string[]): Promise<Map<string, string>> {
  const names = await regionsByCode(db, codes.flatMap(labelParts));
  const name = (c: string) => (names.has(c) ? shortName(names.get(c)!.name) : c);
  return new Map(codes.map((code) => [code, labelParts(code).map(name).join('')]));
}

const regionLabel = async (db: Knex, code: string) => (await regionLabels(db, [code])).get(code)!;

/**
 * undefined when the facility may take the deceased whose household region (户籍地, a division code) is given, else
 * the refusal. Reads the facility's build mode and listed service area; pass the transaction that writes the contract.
 */
export async function eligibilityRefusal(
  db: Knex,
  facility: EligibilityFacility,
  householdRegionCode: string | null,
): Promise<EligibilityRefusal | undefined> {
  const rule: EligibilityRule | undefined = eligibilityRules[facility.kind as keyof typeof eligibilityRules];
  if (!rule) return undefined;
  const household = householdRegionCode?.trim() || null;
  const row = await findFacility(db, facility.id);
  const refuse = async (unknown: boolean, area = ''): Promise<EligibilityRefusal> => ({
    rule,
    code: unknown ? `ineligible_${rule}_unknown` : `ineligible_${rule}`,
    params: {
      facility: row?.name ?? String(facility.id),
      household: household ? await regionLabel(db, household) : '',
      area,
    },
  });

  if (rule === 'rural_village') {
    if (!household) return refuse(true);
    const s = serviceOf({
      region_code: facility.region_code,
      build_mode: row?.build_mode ?? null,
      areas: await serviceAreaOf(db, facility.id),
    });
    // A township served whole takes everyone registered in it, down to the township's own code.
    if (household.length >= 9 && s.townships.includes(household.slice(0, 9))) return undefined;
    if (household.length === 12 && s.villages.includes(household)) return undefined;
    // Registered above a village (a county, a township served village by village): the village decides, ask for it.
    return refuse(household.length < 12);
  }

  const county = countyOf(facility.region_code);
  const area = await regionLabel(db, county);
  if (!household || household.length < county.length) return refuse(true, area);
  return household.startsWith(county) ? undefined : refuse(false, area);
}

/**
 * Throws UnprocessableError (422) with the refusal's code and parameters when the facility may not take the deceased;
 * `field` (the form's household-region field, e.g. 'household_region_code') also puts the message next to it.
 */
export async function assertEligible(
  db: Knex,
  facility: EligibilityFacility,
  householdRegionCode: string | null,
  field?: string,
): Promise<void> {
  const refusal = await eligibilityRefusal(db, facility, householdRegionCode);
  if (!refusal) return;
  const fields: FieldErrors = field ? { [field]: { key: `errors.${refusal.code}`, params: refusal.params } } : {};
  throw new UnprocessableError(refusal.code, fields, refusal.params);
}

// ## 服务范围 on a resting facility's page

export interface ServedArea {
  rule: EligibilityRule | null;
  /** Townships served whole (rural rule), by name. */
  townships: { code: string; name: string }[];
  /** Villages served one by one (rural rule), by name with their township. */
  villages: { code: string; name: string }[];
  /** The county (or city) of the county rules. */
  area: { code: string; name: string } | null;
  /** A rural cemetery that serves no village yet (no build mode, no listed area). */
  nothing: boolean;
}

/** Whom a resting facility takes, for its page: the villages and townships it serves, or its county. */
export async function servedArea(db: Knex, facility: EligibilityFacility): Promise<ServedArea> {
  const rule: EligibilityRule | null = eligibilityRules[facility.kind as keyof typeof eligibilityRules] ?? null;
  if (rule === null) return { rule, townships: [], villages: [], area: null, nothing: false };
  if (rule !== 'rural_village') {
    const county = countyOf(facility.region_code);
    return {
      rule,
      townships: [],
      villages: [],
      area: { code: county, name: await regionLabel(db, county) },
      nothing: false,
    };
  }
  const row = await findFacility(db, facility.id);
  const s = serviceOf({
    region_code: facility.region_code,
    build_mode: row?.build_mode ?? null,
    areas: await serviceAreaOf(db, facility.id),
  });
  const whole = new Set(s.townships);
  const townships = [...s.townships].sort();
  const villages = s.villages.filter((v) => !whole.has(v.slice(0, 9))).sort();
  const names = await regionLabels(db, [...townships, ...villages]);
  const named = (code: string) => ({ code, name: names.get(code)! });
  return {
    rule,
    townships: townships.map(named),
    villages: villages.map(named),
    area: null,
    nothing: townships.length + villages.length === 0,
  };
}

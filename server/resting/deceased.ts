// The deceased of a placement (issue 18 item 3): taken from a funeral case, or typed and checked as intake checks
// them (the ID number's check digit and the facts it carries, dates not after today, death not before birth,
// placement not before death, the household region known). Contract creation and a second placement both use it.
import type { Knex } from 'knex';
import { normaliseIdNumber, readIdNumber } from '../cases/id-number.js';
import { ValidationError, type FieldErrors } from '../http/errors.js';
import { findRegion } from '../regions/service.js';
import { inShanghai } from '../time.js';
import type { DeceasedInput } from './contract-schemas.js';
import * as store from './contract-store.js';

export interface Deceased {
  case_id: number | null;
  deceased_name: string;
  id_number: string | null;
  sex: string | null;
  birth_date: string | null;
  death_date: string;
  household_region_code: string | null;
  placed_on: string;
}

const idProblemKey = {
  format: 'errors.id_number_format',
  birth_date: 'errors.id_number_birth_date',
  check_digit: 'errors.id_number_check_digit',
} as const;

/** Where a refusal of eligibility shows on the form: beside the case picked, or beside the household region typed. */
export const eligibilityField = (input: DeceasedInput) =>
  input.case_id !== undefined ? 'case_id' : 'household_region';

/**
 * The deceased from a funeral case, or as entered with intake's checks: the ID number's check digit and the facts it
 * carries, dates not after today, death not before birth, placement not before death, the household region known.
 */
export async function deceasedOf(db: Knex, input: DeceasedInput, today: string): Promise<Deceased> {
  const errors: FieldErrors = {};
  const placedOn = input.placed_on ?? today;
  let d: Deceased;
  if (input.case_id !== undefined) {
    const c = await store.findCase(db, input.case_id);
    if (!c) throw new ValidationError({ case_id: { key: 'errors.case_not_found' } });
    d = {
      case_id: c.id,
      deceased_name: c.deceased_name,
      id_number: c.id_number,
      sex: c.sex,
      birth_date: c.birth_date,
      death_date: inShanghai(c.death_at).toISODate()!,
      household_region_code: c.household_region_code,
      placed_on: placedOn,
    };
  } else {
    const id = normaliseIdNumber(input.id_number!);
    const facts = readIdNumber(id);
    let sex = input.sex ?? null;
    let birth = input.birth_date ?? null;
    if ('problem' in facts) errors.id_number = { key: idProblemKey[facts.problem] };
    else {
      if (input.sex && input.sex !== facts.sex) errors.sex = { key: 'errors.sex_mismatch' };
      if (input.birth_date && input.birth_date !== facts.birthDate)
        errors.birth_date = { key: 'errors.birth_date_mismatch', params: { date: facts.birthDate } };
      sex = facts.sex;
      birth = facts.birthDate;
    }
    const death = input.death_date!;
    if (death > today) errors.death_date = { key: 'errors.death_in_future' };
    else if (birth && death < birth) errors.death_date = { key: 'errors.death_before_birth' };
    if (input.household_region && !(await findRegion(db, input.household_region)))
      errors.household_region = { key: 'errors.region_unknown' };
    d = {
      case_id: null,
      deceased_name: input.deceased_name!,
      id_number: id,
      sex,
      birth_date: birth,
      death_date: death,
      household_region_code: input.household_region ?? null,
      placed_on: placedOn,
    };
  }
  if (placedOn > today) errors.placed_on = { key: 'errors.date_in_future' };
  else if (placedOn < d.death_date) errors.placed_on = { key: 'errors.death_after_placement' };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return d;
}

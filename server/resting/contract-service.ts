// Use cases of contracts (issue 18 item 3): from a held place to a contract with its first fee line and placement
// (createContract, the one way in, where the facility's eligibility rule is checked), a double plot's second placement,
// and the contract page and printed contract; renewal, removal and the end are in contract-changes-service.ts.
//
// Prices: a place is priced by its facility's price list (server/prices), by code. A place of type T is priced by
// the item coded `RP_<T>` (RP_NICHE, RP_SINGLE, RP_DOUBLE, RP_TREE, RP_LAWN, RP_FLOWER_BED, RP_WALL,
// RP_DEEP_NO_MOUND); a place with a price tier (优选) by the item whose code starts `RP_<T>_` and whose Chinese name
// names the tier in brackets (RP_NICHE_PREMIUM 骨灰格位使用费（优选）), falling back to `RP_<T>`. An item priced per
// year is charged for the term's years (quantity = years); one priced otherwise once per term or renewal.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { assertCanWrite } from '../accounts/access.js';
import * as audit from '../audit/service.js';
import { isUniqueViolation } from '../db.js';
import { ConflictError, NotFoundError, UnprocessableError } from '../http/errors.js';
import { priceItemsOn, type PriceItem } from '../prices/service.js';
import type { Fonts } from '../documents/fonts.js';
import { translator, type Lang } from '../i18n/index.js';
import { grantGreenReward, rewardsOfPlacements } from '../waivers/reward-service.js';
import { renderContract } from './contract-pdf.js';
import { deceasedOf, eligibilityField, type Deceased } from './deceased.js';
import { todayInShanghai, zone } from '../time.js';
import { assertEligible } from './eligibility-service.js';
import { greenBurialMethods, type BurialMethod, type PlaceType } from './kinds.js';
import type { ContractInput, PlacementInput } from './contract-schemas.js';
import * as store from './contract-store.js';
import { placeOf, type Actor } from './service.js';
import type { PlaceRow } from './store.js';

export type { ContractRow, FeeLineRow, PlacementRow, NoticeRow, CaseChoice } from './contract-store.js';

// ## Pure rules

/** The last day of a term of `years` from `start`: the day before the anniversary (2026-12-04 + 20 → 2046-12-03). */
export function termEnd(start: string, years: number): string {
  return DateTime.fromISO(start, { zone }).plus({ years }).minus({ days: 1 }).toISODate()!;
}

export const priceCode = (type: PlaceType): string => `RP_${type.toUpperCase()}`;

/** The price item of a place on a day (see the head of this file), or undefined when the list has none. */
export function priceItemFor(items: PriceItem[], place: Pick<PlaceRow, 'place_type' | 'tier'>): PriceItem | undefined {
  const code = priceCode(place.place_type);
  if (place.tier) {
    const tiered = items.find((i) => i.code.startsWith(`${code}_`) && i.name_zh.includes(`（${place.tier}）`));
    if (tiered) return tiered;
  }
  return items.find((i) => i.code === code);
}

/** Quantity × unit price of a term or renewal of `years`. */
export const feeOf = (item: PriceItem, years: number) => {
  const quantity = item.unit === 'year' ? years : 1;
  return { quantity, unit_price_fen: item.price_fen, amount_fen: quantity * item.price_fen };
};

export const burialMethodOf = (type: PlaceType): BurialMethod => type;
export const isGreen = (m: BurialMethod): boolean => (greenBurialMethods as readonly string[]).includes(m);

// ## Reading

export async function priceOfPlace(db: Knex, place: PlaceRow, date: string): Promise<PriceItem | undefined> {
  return priceItemFor(await priceItemsOn(db, place.facility_id, date), place);
}

/** A contract the user may read, with its place and facility (another facility's answers as missing). */
export async function contractOf(db: Knex, actor: Actor, id: number) {
  const contract = await store.findContract(db, id);
  if (!contract) throw new NotFoundError();
  const data = await placeOf(db, actor, contract.place_id);
  return { contract, ...data };
}

/** The contract page: the holder's phone in full (read with an audit row), fee lines, placements, notices. */
export async function contractPage(db: Knex, actor: Actor, id: number, ip: string | null) {
  const data = await contractOf(db, actor, id);
  const [fees, placements, notices] = await Promise.all([
    store.feeLinesOf(db, id),
    store.placementsOf(db, id),
    store.noticesOf(db, id),
  ]);
  await audit.record(db, {
    actor,
    action: 'reveal',
    entity: 'resting_contract',
    entityId: id,
    after: { field: 'holder_phone' },
    regionCode: data.facility.region_code,
    ip,
  });
  const rewards = await rewardsOfPlacements(
    db,
    placements.map((p) => p.id),
  );
  const inPlace = placements.filter((p) => !p.removed_on);
  const capacity = data.place.place_type === 'double' ? 2 : 1;
  return {
    ...data,
    fees,
    renewals: fees.filter((f) => f.kind === 'renewal'),
    total: fees.reduce((s, f) => s + f.amount_fen, 0),
    placements: placements.map((p) => ({ ...p, reward: rewards.get(p.id) ?? null })),
    notices,
    active: data.contract.status === 'active',
    canPlaceSecond: data.contract.status === 'active' && capacity === 2 && inPlace.length < 2,
    canEnd: data.contract.status === 'active' && inPlace.length === 0,
  };
}

/** The form of a contract for a held place: refused unless a live hold is on it. */
export async function contractForm(db: Knex, actor: Actor, placeId: number, now = new Date()) {
  const data = await placeOf(db, actor, placeId, now);
  assertCanWrite(actor, { id: data.facility.id, region_code: data.facility.region_code });
  const active = await store.activeContractOfPlace(db, placeId);
  if (active) throw new ConflictError('place_taken', {}, { code: data.place.code });
  if (data.shown !== 'held') throw new ConflictError('place_not_held_for_contract', {}, { code: data.place.code });
  const today = todayInShanghai(now);
  const item = await priceOfPlace(db, data.place, today);
  return {
    ...data,
    today,
    item,
    priceCode: priceCode(data.place.place_type),
    termEndsOn: termEnd(today, data.place.term_years),
  };
}

export async function searchCases(db: Knex, q: string | undefined): Promise<store.CaseChoice[]> {
  return q ? store.searchCases(db, q, 10) : [];
}

export async function findCase(db: Knex, id: number): Promise<store.CaseChoice | undefined> {
  return store.findCase(db, id);
}

/** A placement of a contract (the route checks the contract's scope first). */
export async function placementOf(db: Knex, contractId: number, id: number): Promise<store.PlacementRow | undefined> {
  const p = await store.findPlacement(db, id);
  return p && p.contract_id === contractId ? p : undefined;
}

function placementRow(
  place: PlaceRow,
  contractId: number,
  slot: number,
  d: Deceased,
  actor: Actor,
  now: string,
): Omit<store.PlacementRow, 'id'> {
  const method = burialMethodOf(place.place_type);
  return {
    facility_id: place.facility_id,
    contract_id: contractId,
    place_id: place.id,
    slot,
    ...d,
    burial_method: method,
    green: isGreen(method),
    removed_on: null,
    removal_reason: null,
    created_by: actor.id,
    created_at: now,
  };
}

/**
 * Writes a placement and, for a green one that a policy rewards, its green-burial reward (生态安葬奖补) in the same
 * transaction (server/waivers/reward-service.ts).
 */
async function writePlacement(
  trx: Knex,
  row: Omit<store.PlacementRow, 'id'>,
  actor: Actor,
  regionCode: string,
  ip: string | null,
): Promise<number> {
  const id = await store.insertPlacement(trx, row);
  await grantGreenReward(trx, actor, { ...row, id }, regionCode, ip);
  return id;
}

const placementAudit = (d: Deceased, slot: number) => ({
  deceased_name: d.deceased_name,
  id_number: d.id_number,
  slot,
  case_id: d.case_id,
  placed_on: d.placed_on,
});

// ## Writing

/**
 * 签订合同: the one way a contract is made. The held place turns occupied by a conditional UPDATE (a lapsed hold
 * does not count: hold it again); the contract is numbered per facility and year; the first fee line and the first
 * placement are written; all in one transaction with audit rows. A form sent twice (same request_id) answers with
 * the contract it made the first time. A check of eligibility belongs before the transaction, here.
 */
export async function createContract(
  db: Knex,
  actor: Actor,
  placeId: number,
  input: ContractInput,
  ip: string | null,
  now = new Date(),
): Promise<{ contract: store.ContractRow; created: boolean; code: string }> {
  const { place, facility } = await placeOf(db, actor, placeId, now);
  assertCanWrite(actor, { id: facility.id, region_code: facility.region_code });
  const again = async () => {
    const c = input.request_id ? await store.contractByRequestId(db, input.request_id) : undefined;
    return c && c.place_id === place.id ? { contract: c, created: false, code: place.code } : undefined;
  };
  const first = await again();
  if (first) return first;

  const today = todayInShanghai(now);
  const deceased = await deceasedOf(db, input, today);
  await assertEligible(db, facility, deceased.household_region_code, eligibilityField(input));
  const start = input.term_starts_on ?? today;
  const end = termEnd(start, place.term_years);
  const item = await priceOfPlace(db, place, start);
  if (!item) throw new UnprocessableError('no_price_for_place');
  const fee = feeOf(item, place.term_years);
  const at = now.toISOString();
  const year = Number(today.slice(0, 4));

  let contractId: number;
  try {
    contractId = await db.transaction(async (trx) => {
      if (!(await store.occupyHeldPlace(trx, place.id, end, at))) throw new ConflictError('place_lost');
      const n = await store.nextContractNumber(trx, facility.id, year);
      const contract: Omit<store.ContractRow, 'id'> = {
        facility_id: facility.id,
        place_id: place.id,
        contract_number: `${year}-${String(n).padStart(6, '0')}`,
        status: 'active',
        holder_name: input.holder_name,
        holder_phone: input.holder_phone,
        holder_id_number: input.holder_id_number ?? null,
        holder_relationship: input.holder_relationship,
        holder_address: input.holder_address ?? null,
        term_starts_on: start,
        term_ends_on: end,
        ended_on: null,
        end_reason: null,
        ended_by: null,
        request_id: input.request_id ?? null,
        created_by: actor.id,
        created_at: at,
        updated_at: at,
      };
      const id = await store.insertContract(trx, contract);
      await store.insertFeeLine(trx, {
        contract_id: id,
        kind: 'initial',
        price_item_id: item.id,
        code: item.code,
        name_zh: item.name_zh,
        unit: item.unit,
        ...fee,
        term_from: start,
        term_to: end,
        reason: null,
        created_by: actor.id,
        created_at: at,
      });
      await writePlacement(trx, placementRow(place, id, 1, deceased, actor, at), actor, facility.region_code, ip);
      const { holder_phone: _phone, ...shown } = contract;
      await audit.record(trx, {
        actor,
        action: 'create',
        entity: 'resting_contract',
        entityId: id,
        after: {
          ...shown,
          holder_phone: input.holder_phone,
          fee: { code: item.code, ...fee },
          placement: placementAudit(deceased, 1),
        },
        regionCode: facility.region_code,
        ip,
      });
      await audit.record(trx, {
        actor,
        action: 'contract',
        entity: 'resting_place',
        entityId: place.id,
        before: { status: place.status, hold_expires_at: place.hold_expires_at, held_by: place.held_by },
        after: {
          status: 'occupied',
          term_ends_on: end,
          contract_id: id,
          contract_number: contract.contract_number,
          deceased_name: deceased.deceased_name,
          code: place.code,
        },
        regionCode: facility.region_code,
        ip,
      });
      return id;
    });
  } catch (err) {
    if (!(err instanceof ConflictError && err.code === 'place_lost') && !isUniqueViolation(err)) throw err;
    const repeat = await again();
    if (repeat) return repeat;
    if (await store.activeContractOfPlace(db, place.id))
      throw new ConflictError('place_taken', {}, { code: place.code });
    throw new ConflictError('place_not_held_for_contract', {}, { code: place.code });
  }
  return { contract: (await store.findContract(db, contractId))!, created: true, code: place.code };
}

export async function activeContract(db: Knex, actor: Actor, contractId: number) {
  const data = await contractOf(db, actor, contractId);
  assertCanWrite(actor, { id: data.facility.id, region_code: data.facility.region_code });
  if (data.contract.status !== 'active')
    throw new ConflictError('contract_not_active', {}, { number: data.contract.contract_number });
  return data;
}

/** 双穴: a double plot takes a second deceased later (slot 2); any other place holds one. */
export async function addPlacement(
  db: Knex,
  actor: Actor,
  contractId: number,
  input: PlacementInput,
  ip: string | null,
  now = new Date(),
): Promise<store.PlacementRow> {
  const { contract, place, facility } = await activeContract(db, actor, contractId);
  const capacity = place.place_type === 'double' ? 2 : 1;
  const taken = await store.slotsTaken(db, place.id);
  const slot = [1, 2].slice(0, capacity).find((s) => !taken.includes(s));
  const full = () => new ConflictError(capacity === 2 ? 'place_full_double' : 'place_full_single');
  if (slot === undefined) throw full();
  const deceased = await deceasedOf(db, input, todayInShanghai(now));
  await assertEligible(db, facility, deceased.household_region_code, eligibilityField(input));
  const at = now.toISOString();
  try {
    const id = await db.transaction(async (trx) => {
      const id = await writePlacement(
        trx,
        placementRow(place, contract.id, slot, deceased, actor, at),
        actor,
        facility.region_code,
        ip,
      );
      for (const [entity, entityId] of [
        ['resting_contract', contract.id],
        ['resting_place', place.id],
      ] as const)
        await audit.record(trx, {
          actor,
          action: 'placement',
          entity,
          entityId,
          after: { ...placementAudit(deceased, slot), contract_number: contract.contract_number, code: place.code },
          regionCode: facility.region_code,
          ip,
        });
      return id;
    });
    return (await store.findPlacement(db, id))!;
  } catch (err) {
    // Two clerks placing into the same slot: the unique index of one placement per slot decides.
    if (isUniqueViolation(err)) throw full();
    throw err;
  }
}

/** The printed contract (PDF, full holder details as on paper), with an audit row of who printed it. */
export async function printContract(
  db: Knex,
  fonts: Fonts,
  actor: Actor,
  id: number,
  lang: Lang,
  ip: string | null,
  now = new Date(),
): Promise<{ pdf: Buffer; number: string }> {
  const { contract, place, facility } = await contractOf(db, actor, id);
  const [fees, placements] = await Promise.all([store.feeLinesOf(db, id), store.placementsOf(db, id)]);
  const t = translator(lang);
  const pdf = await renderContract(
    {
      lang,
      facilityName: facility.name,
      placeKind: place.kind,
      placeCode: place.code,
      placeType: t(`resting.types.${place.place_type}`),
      contract,
      fees,
      placements,
      issuedOn: todayInShanghai(now),
    },
    fonts,
  );
  await audit.record(db, {
    actor,
    action: 'print',
    entity: 'resting_contract',
    entityId: id,
    after: { contract_number: contract.contract_number },
    regionCode: facility.region_code,
    ip,
  });
  return { pdf, number: contract.contract_number };
}

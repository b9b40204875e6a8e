// Changes to a contract in force (issue 18 item 3): renewal (续期) with its fee line, removal (迁出) of a placement,
// and the end of a contract once nobody is placed, the place free again. Nothing is deleted; each change is one
// transaction with its audit rows.
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import * as audit from '../audit/service.js';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../http/errors.js';
import { todayInShanghai, zone } from '../time.js';
import type { EndInput, RemovalInput, RenewInput } from './contract-schemas.js';
import { activeContract, feeOf, priceOfPlace, termEnd } from './contract-service.js';
import * as store from './contract-store.js';
import type { Actor } from './service.js';

/** 续期: the term's end moves on by N years with a renewal fee line from the price list; the place's end follows. */
export async function renew(
  db: Knex,
  actor: Actor,
  contractId: number,
  input: RenewInput,
  ip: string | null,
  now = new Date(),
): Promise<store.ContractRow> {
  const { contract, place, facility } = await activeContract(db, actor, contractId);
  if (contract.term_ends_on !== input.expected_end) throw new ConflictError('contract_changed');
  const today = todayInShanghai(now);
  const item = await priceOfPlace(db, place, today);
  if (!item) throw new UnprocessableError('no_price_for_place');
  const from = DateTime.fromISO(contract.term_ends_on, { zone }).plus({ days: 1 }).toISODate()!;
  const end = termEnd(from, input.years);
  const fee = feeOf(item, input.years);
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    if (!(await store.extendTerm(trx, contract.id, contract.term_ends_on, end, at)))
      throw new ConflictError('contract_changed');
    await store.setPlaceTermEnd(trx, place.id, end, at);
    await store.insertFeeLine(trx, {
      contract_id: contract.id,
      kind: 'renewal',
      price_item_id: item.id,
      code: item.code,
      name_zh: item.name_zh,
      unit: item.unit,
      ...fee,
      term_from: from,
      term_to: end,
      reason: null,
      created_by: actor.id,
      created_at: at,
    });
    for (const [entity, entityId] of [
      ['resting_contract', contract.id],
      ['resting_place', place.id],
    ] as const)
      await audit.record(trx, {
        actor,
        action: 'renew',
        entity,
        entityId,
        before: { term_ends_on: contract.term_ends_on },
        after: {
          term_ends_on: end,
          years: input.years,
          amount_fen: fee.amount_fen,
          contract_number: contract.contract_number,
          code: place.code,
        },
        regionCode: facility.region_code,
        ip,
      });
  });
  return (await store.findContract(db, contract.id))!;
}

/** 迁出: the placement's removal is recorded with its reason and date; the row stays. */
export async function removePlacement(
  db: Knex,
  actor: Actor,
  contractId: number,
  placementId: number,
  input: RemovalInput,
  ip: string | null,
  now = new Date(),
): Promise<store.PlacementRow> {
  const { contract, place, facility } = await activeContract(db, actor, contractId);
  const p = await store.findPlacement(db, placementId);
  if (!p || p.contract_id !== contract.id) throw new NotFoundError();
  if (p.removed_on) throw new ConflictError('placement_removed');
  if (input.date > todayInShanghai(now)) throw new ValidationError({ date: { key: 'errors.date_in_future' } });
  if (input.date < p.placed_on) throw new ValidationError({ date: { key: 'errors.removal_before_placement' } });
  await db.transaction(async (trx) => {
    if (!(await store.removePlacement(trx, p.id, input.date, input.reason)))
      throw new ConflictError('placement_removed');
    for (const [entity, entityId] of [
      ['resting_contract', contract.id],
      ['resting_place', place.id],
    ] as const)
      await audit.record(trx, {
        actor,
        action: 'removal',
        entity,
        entityId,
        after: {
          placement_id: p.id,
          deceased_name: p.deceased_name,
          removed_on: input.date,
          removal_reason: input.reason,
          contract_number: contract.contract_number,
          code: place.code,
        },
        regionCode: facility.region_code,
        ip,
      });
  });
  return (await store.findPlacement(db, p.id))!;
}

/** Ends a contract once no placement remains: status ended with reason and date, and the place is free again. */
export async function endContract(
  db: Knex,
  actor: Actor,
  contractId: number,
  input: EndInput,
  ip: string | null,
  now = new Date(),
): Promise<{ contract: store.ContractRow; code: string }> {
  const { contract, place, facility } = await activeContract(db, actor, contractId);
  if (input.date > todayInShanghai(now)) throw new ValidationError({ date: { key: 'errors.date_in_future' } });
  if (input.date < contract.term_starts_on)
    throw new ValidationError({ date: { key: 'errors.removal_before_placement' } });
  const at = now.toISOString();
  await db.transaction(async (trx) => {
    if ((await store.countInPlace(trx, contract.id)) > 0) throw new ConflictError('placements_remain');
    if (
      !(await store.endContract(
        trx,
        contract.id,
        { ended_on: input.date, end_reason: input.reason, ended_by: actor.id },
        at,
      ))
    )
      throw new ConflictError('contract_changed');
    await store.freeOccupiedPlace(trx, place.id, at);
    for (const [entity, entityId] of [
      ['resting_contract', contract.id],
      ['resting_place', place.id],
    ] as const)
      await audit.record(trx, {
        actor,
        action: 'end',
        entity,
        entityId,
        before: { status: 'active' },
        after: {
          status: 'ended',
          ended_on: input.date,
          end_reason: input.reason,
          contract_number: contract.contract_number,
          code: place.code,
        },
        regionCode: facility.region_code,
        ip,
      });
  });
  return { contract: (await store.findContract(db, contract.id))!, code: place.code };
}

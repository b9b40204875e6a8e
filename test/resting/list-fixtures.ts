// Fixtures of the list tests: a contract on a place (the place occupied, its deceased placed) and notices, inserted
// directly so that these tests do not depend on how contracts are written; a section of plots for a facility.
import type { Db } from '../../server/db.js';
import { greenBurialMethods } from '../../server/resting/kinds.js';

let seq = 0;

export interface ContractOptions {
  facility: number;
  code: string;
  termEndsOn: string;
  termStartsOn?: string;
  holderName?: string;
  holderPhone?: string;
  deceased?: string[];
  placedOn?: string;
}

/** A contract in force on the place `code`, the place occupied until termEndsOn, with its deceased placed. */
export async function contractOn(db: Db, o: ContractOptions): Promise<{ id: number; placeId: number; number: string }> {
  const place = await db('resting_places').where({ facility_id: o.facility, code: o.code }).first('id', 'place_type');
  if (!place) throw new Error(`no place ${o.code}`);
  const now = new Date().toISOString();
  seq += 1;
  const number = `T-${String(seq).padStart(6, '0')}`;
  await db('resting_places')
    .where({ id: place.id })
    .update({ status: 'occupied', term_ends_on: o.termEndsOn, hold_expires_at: null, held_by: null, updated_at: now });
  const [row] = await db('resting_contracts')
    .insert({
      facility_id: o.facility,
      place_id: place.id,
      contract_number: number,
      status: 'active',
      holder_name: o.holderName ?? '张某某',
      holder_phone: o.holderPhone ?? '13812341234',
      term_starts_on: o.termStartsOn ?? '2006-01-01',
      term_ends_on: o.termEndsOn,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  const id = typeof row === 'object' ? row.id : row;
  const names = o.deceased ?? ['李某某'];
  for (const [i, name] of names.entries())
    await db('resting_placements').insert({
      facility_id: o.facility,
      contract_id: id,
      place_id: place.id,
      slot: i + 1,
      deceased_name: name,
      death_date: '2005-12-20',
      burial_method: place.place_type,
      green: (greenBurialMethods as readonly string[]).includes(place.place_type),
      placed_on: o.placedOn ?? '2006-01-01',
      created_at: now,
    });
  return { id, placeId: place.id, number };
}

/** A scattering (撒散): a placement with no place and no contract. */
export async function scattering(db: Db, facility: number, placedOn: string): Promise<void> {
  await db('resting_placements').insert({
    facility_id: facility,
    deceased_name: '王某某',
    death_date: placedOn,
    burial_method: 'scattering',
    green: true,
    placed_on: placedOn,
    created_at: new Date().toISOString(),
  });
}

export async function noticeOn(db: Db, contractId: number, sentOn: string, method = 'phone'): Promise<void> {
  await db('resting_notices').insert({
    contract_id: contractId,
    method,
    sent_on: sentOn,
    note: null,
    created_at: new Date().toISOString(),
  });
}

/** A section of `n` single plots (codes CODE-01-01 …, one row) in a facility with no layout yet. */
export async function sectionOf(db: Db, facility: number, code: string, n: number): Promise<string[]> {
  const now = new Date().toISOString();
  const [g] = await db('resting_groups')
    .insert({ facility_id: facility, kind: 'section', code, row_count: 1, column_count: n, created_at: now })
    .returning('id');
  const groupId = typeof g === 'object' ? g.id : g;
  const codes = Array.from({ length: n }, (_, i) => `${code}-01-${String(i + 1).padStart(2, '0')}`);
  await db('resting_places').insert(
    codes.map((c, i) => ({
      facility_id: facility,
      group_id: groupId,
      kind: 'plot',
      code: c,
      row_no: 1,
      column_no: i + 1,
      place_type: 'single',
      area_m2: 0.8,
      term_years: 20,
      status: 'free',
      updated_at: now,
    })),
  );
  return codes;
}

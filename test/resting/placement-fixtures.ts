// Placements written straight into the tables, for the tests that count them (green burial) before contract
// creation exists: a niche or plot with its contract, or a scattering with neither, as the CHECKs require.
import type { Db } from '../../server/db.js';
import { greenBurialMethods, type BurialMethod } from '../../server/resting/kinds.js';

export interface PlacementFixture {
  facilityId: number;
  method: BurialMethod;
  /** YYYY-MM-DD, Asia/Shanghai. */
  placedOn: string;
  removedOn?: string;
  householdRegionCode?: string | null;
}

let serial = 0;
const idOf = (row: unknown): number => (typeof row === 'object' ? (row as { id: number }).id : (row as number));

/** One placement; for every method but scattering a section or wall of its own, an occupied place and a contract. */
export async function placement(db: Db, p: PlacementFixture): Promise<number> {
  serial += 1;
  const now = new Date().toISOString();
  let place: number | null = null;
  let contract: number | null = null;
  if (p.method !== 'scattering') {
    const niche = p.method === 'niche';
    const [group] = await db('resting_groups')
      .insert({
        facility_id: p.facilityId,
        kind: niche ? 'wall' : 'section',
        hall: niche ? 'Z' : null,
        code: `PF${serial}`,
        row_count: 1,
        column_count: 1,
        created_at: now,
      })
      .returning('id');
    const [placeRow] = await db('resting_places')
      .insert({
        facility_id: p.facilityId,
        group_id: idOf(group),
        kind: niche ? 'niche' : 'plot',
        code: `PF${serial}-01-01`,
        row_no: 1,
        column_no: 1,
        place_type: p.method,
        area_m2: niche ? null : 1,
        term_years: 20,
        term_ends_on: '2045-12-31',
        status: 'occupied',
        updated_at: now,
      })
      .returning('id');
    place = idOf(placeRow);
    const [contractRow] = await db('resting_contracts')
      .insert({
        facility_id: p.facilityId,
        place_id: place,
        contract_number: `T-${serial}`,
        status: 'active',
        holder_name: '张某某',
        holder_phone: '13800000000',
        term_starts_on: p.placedOn,
        term_ends_on: '2045-12-31',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    contract = idOf(contractRow);
  }
  const [row] = await db('resting_placements')
    .insert({
      facility_id: p.facilityId,
      contract_id: contract,
      place_id: place,
      slot: 1,
      deceased_name: '李某某',
      death_date: p.placedOn,
      household_region_code: p.householdRegionCode ?? null,
      burial_method: p.method,
      green: (greenBurialMethods as readonly string[]).includes(p.method),
      placed_on: p.placedOn,
      removed_on: p.removedOn ?? null,
      removal_reason: p.removedOn ? '迁往他处' : null,
      created_at: now,
    })
    .returning('id');
  return idOf(row);
}

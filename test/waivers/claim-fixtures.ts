// Claims of fee waivers written straight into the tables, for the reports' tests: the claim workflow
// (server/waivers/claim-*.ts) is built apart, so these tests do not depend on it. Each claim gets its own case, a
// policy version (one per fixture) and the lines given; its amount_fen is the sum of its lines, as the workflow keeps it.
import type { Knex } from 'knex';
import type { ClaimStatus } from '../../server/waivers/kinds.js';
import { nextIdNumber } from '../helpers/id-numbers.js';

export interface FixtureLine {
  group?: string;
  item?: string;
  name?: string;
  kind?: string | null;
  quantity?: number;
  fen: number;
  correction?: boolean;
}

export interface FixtureClaim {
  facility: number;
  household: string | null;
  death: string;
  status: ClaimStatus;
  month?: string;
  lines: FixtureLine[];
}

let serial = 0;
const idOf = (row: unknown) => (typeof row === 'object' && row !== null ? (row as { id: number }).id : (row as number));

/** A policy with one version (any region), for the claim lines' foreign key. */
export async function fixtureVersion(db: Knex, region = '5202'): Promise<number> {
  const now = new Date().toISOString();
  const [p] = await db('waiver_policies')
    .insert({ region_code: region, created_at: now, updated_at: now })
    .returning('id');
  const [v] = await db('waiver_policy_versions')
    .insert({
      policy_id: idOf(p),
      version: 1,
      name: '测试政策',
      effective_from: '2020-01-01',
      valid_from: '2020-01-01',
      total_cap_fen: null,
      green_reward_fen: 0,
      created_at: now,
    })
    .returning('id');
  return idOf(v);
}

/** One claim with its case and lines; returns the claim's id. */
export async function insertClaim(db: Knex, versionId: number, c: FixtureClaim): Promise<number> {
  serial += 1;
  const now = new Date().toISOString();
  const [k] = await db('funeral_cases')
    .insert({
      facility_id: c.facility,
      case_number: `WR-${process.pid}-${serial}`,
      status: 'stored',
      deceased_name: `申报${serial}`,
      id_number: nextIdNumber(),
      sex: 'female',
      birth_date: '1940-01-01',
      death_at: `${c.death}T02:00:00.000Z`,
      household_region_code: c.household,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  const caseId = idOf(k);
  let batchId: number | null = null;
  const month = c.month ?? c.death.slice(0, 7);
  const amount = c.lines.reduce((a, l) => a + l.fen, 0);
  if (c.status === 'settled') {
    const [b] = await db('waiver_settlement_batches')
      .insert({
        facility_id: c.facility,
        month,
        batch_number: `JS-${process.pid}-${serial}`,
        region_code: '5202',
        claims_count: 1,
        amount_fen: Math.max(0, amount),
        settled_at: now,
      })
      .returning('id');
    batchId = idOf(b);
  }
  const [row] = await db('waiver_claims')
    .insert({
      case_id: caseId,
      facility_id: c.facility,
      claim_number: `T-${process.pid}-${serial}`,
      status: c.status,
      household_region_code: c.household,
      death_date: c.death,
      month,
      amount_fen: Math.max(0, amount),
      review_note: c.status === 'rejected' || c.status === 'evidence_requested' ? '测试' : null,
      batch_id: batchId,
      submitted_at: now,
      updated_at: now,
    })
    .returning('id');
  const claimId = idOf(row);
  for (const l of c.lines)
    await db('waiver_claim_lines').insert({
      claim_id: claimId,
      kind: l.correction ? 'correction' : 'waiver',
      policy_version_id: versionId,
      group_code: l.group ?? 'residents',
      basis: 'residence',
      item_code: l.item ?? 'HH01',
      item_name: l.name ?? '遗体火化',
      basic_kind: l.kind === undefined ? 'cremation' : l.kind,
      quantity: l.quantity ?? 1,
      amount_fen: l.fen,
      reason: l.correction ? '账单更正' : null,
      created_at: now,
    });
  return claimId;
}

/** Removes every claim, line, event and batch (the tests' own and any other's in this schema). */
export async function clearClaims(db: Knex): Promise<void> {
  for (const t of ['waiver_claim_events', 'waiver_claim_lines']) await db(t).delete();
  await db('waiver_claims').delete();
  await db('waiver_settlement_batches').delete();
}

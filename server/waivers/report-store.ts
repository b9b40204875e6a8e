// Queries of the waiver reports (惠民殡葬减免统计, issue 19 item 5): the lines of the claims that count, with what
// reports group by (the deceased's household county, the month of death, the group, the item), and their totals.
// Every figure is a sum of claim lines (waiver and correction lines alike), so that totals equal the claims to the fen.
import type { Knex } from 'knex';
import type { ClaimStatus } from './kinds.js';

export interface ReportRange {
  /** A region code prefix of the deceased's household; '' is everywhere (claims without a household region too). */
  prefix: string;
  /** Dates of death, both inclusive (YYYY-MM-DD). */
  from: string;
  to: string;
}

export interface ClaimLineRow {
  claim_id: number;
  status: ClaimStatus;
  household_region_code: string | null;
  death_date: string;
  kind: 'waiver' | 'correction';
  group_code: string;
  item_code: string;
  item_name: string;
  basic_kind: string | null;
  quantity: number;
  amount_fen: number;
}

const dateOf = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

function claimsIn(db: Knex, r: ReportRange, statuses: readonly ClaimStatus[]) {
  const q = db('waiver_claim_lines as l')
    .join('waiver_claims as c', 'c.id', 'l.claim_id')
    .whereIn('c.status', statuses as ClaimStatus[])
    .where('c.death_date', '>=', r.from)
    .where('c.death_date', '<=', r.to);
  if (r.prefix) q.where('c.household_region_code', 'like', `${r.prefix}%`);
  return q;
}

/** Every line of the claims in the range with one of the statuses, in claim then line order. */
export async function claimLines(db: Knex, r: ReportRange, statuses: readonly ClaimStatus[]): Promise<ClaimLineRow[]> {
  const rows = await claimsIn(db, r, statuses)
    .orderBy('c.id')
    .orderBy('l.id')
    .select(
      'l.claim_id',
      'c.status',
      'c.household_region_code',
      'c.death_date',
      'l.kind',
      'l.group_code',
      'l.item_code',
      'l.item_name',
      'l.basic_kind',
      'l.quantity',
      'l.amount_fen',
    );
  return rows.map((x) => ({
    ...x,
    claim_id: Number(x.claim_id),
    death_date: dateOf(x.death_date),
    quantity: Number(x.quantity),
    amount_fen: Number(x.amount_fen),
  }));
}

/** The people (claims) and the fen of their lines, in one query. */
export async function claimTotals(
  db: Knex,
  r: ReportRange,
  statuses: readonly ClaimStatus[],
): Promise<{ people: number; amount_fen: number }> {
  const [row] = (await claimsIn(db, r, statuses)
    .countDistinct({ people: 'c.id' })
    .sum({ fen: 'l.amount_fen' })) as unknown as { people: number | string; fen: number | string | null }[];
  return { people: Number(row?.people ?? 0), amount_fen: Number(row?.fen ?? 0) };
}

/** Names of the regions with the given codes. */
export async function regionNames(db: Knex, codes: string[]): Promise<Map<string, string>> {
  if (!codes.length) return new Map();
  const rows = await db('regions').whereIn('code', codes).select('code', 'name');
  return new Map(rows.map((x) => [x.code as string, x.name as string]));
}

/** The counties under a prefix (a county itself when the prefix is one), in code order. */
export async function countiesUnder(db: Knex, prefix: string): Promise<{ code: string; name: string }[]> {
  const q = db('regions').where('level', 'county');
  if (prefix) q.where('code', 'like', `${prefix.slice(0, 6)}%`);
  return q.orderBy('code').select('code', 'name');
}

/** The names of the eligible groups, by code. */
export async function groupNames(db: Knex): Promise<Map<string, { zh: string; en: string }>> {
  const rows = await db('waiver_groups').select('code', 'name_zh', 'name_en');
  return new Map(rows.map((g) => [g.code as string, { zh: g.name_zh as string, en: g.name_en as string }]));
}

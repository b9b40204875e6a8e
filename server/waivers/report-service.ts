// The waiver reports (惠民殡葬减免统计, issue 19 item 5): people and amounts of the claims by county, month of death,
// group and item, for a region and a period, shared by the page, the CSV, the XLSX, the PDF summary, the JSON API and
// the coverage dashboard's waiver indicator (waiverTotals), so that every one of them shows the same fen.
//
// What counts (docs/ARCHITECTURE.md, "Waiver reports"):
// - claims approved or settled count (已核准); submitted ones and those waiting for evidence are shown apart as
//   待审核 and never added in; rejected ones are left out;
// - the period is by date of death (both ends inclusive), the date the policy version is chosen by, which a claim
//   keeps whatever month it is submitted or settled in;
// - the region is the deceased's household region copied on the claim (a county's claims are those of its residents);
// - an amount is the sum of the claim's lines, corrections included; a person is a claim (one per case). A claim whose
//   lines name two groups or several items counts once in each of their rows, so people by group or by item may add
//   up to more than the total; amounts always add up to it.
import type { Knex } from 'knex';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { translator, type Lang } from '../i18n/index.js';
import * as regions from '../regions/service.js';
import type { ClaimStatus } from './kinds.js';
import * as store from './report-store.js';
import * as rewardStore from './reward-store.js';

export const COUNTED: readonly ClaimStatus[] = ['approved', 'settled'];
export const PENDING: readonly ClaimStatus[] = ['submitted', 'evidence_requested'];

export interface SummaryRegion {
  /** '' for everywhere (an administrator without a region). */
  code: string;
  name: string;
  level: string;
  /** 六盘水市钟山区 for a county. */
  fullName: string;
}

export interface SummaryRow {
  key: string;
  name: string;
  people: number;
  amount_fen: number;
  /** Units waived (by item only). */
  quantity?: number;
}

export interface WaiverSummary {
  region: SummaryRegion;
  from: string;
  to: string;
  people: number;
  amount_fen: number;
  pending: { people: number; amount_fen: number };
  by_county: SummaryRow[];
  by_month: SummaryRow[];
  by_group: SummaryRow[];
  by_item: SummaryRow[];
  /**
   * Green-burial rewards (生态安葬奖补) of the deceased of the region who died in the period, one per rewarded
   * placement: paid for the burial, not deducted from a bill, so they are reported beside the claims, never in them.
   */
  green: { people: number; amount_fen: number; by_county: SummaryRow[] };
}

/** People and fen of the counted claims of the deceased under a prefix who died between from and to (inclusive). */
export function waiverTotals(
  db: Knex,
  prefix: string,
  from: string,
  to: string,
): Promise<{ people: number; amount_fen: number }> {
  return store.claimTotals(db, { prefix, from, to }, COUNTED);
}

/** A region a report may cover: everywhere (''), a province, a city or a county; a township is a field error. */
export async function summaryRegion(db: Knex, code: string): Promise<SummaryRegion> {
  if (code === '') return { code: '', name: '全国', level: 'country', fullName: '全国' };
  const chain = await regions.regionTrail(db, code);
  const r = chain[chain.length - 1];
  if (!r || r.code !== code) throw new NotFoundError('region_not_found');
  if (!['province', 'city', 'county'].includes(r.level))
    throw new ValidationError({ region: { key: 'errors.waiver_report_region_level' } });
  const city = chain.find((a) => a.level === 'city');
  const fullName = r.level === 'county' && city && !r.name.startsWith(city.name) ? `${city.name}${r.name}` : r.name;
  return { code: r.code, name: r.name, level: r.level, fullName };
}

class Tally {
  private readonly rows = new Map<string, { name: string; people: Set<number>; fen: number; qty: number }>();
  seed(key: string, name: string): void {
    if (!this.rows.has(key)) this.rows.set(key, { name, people: new Set(), fen: 0, qty: 0 });
  }
  add(key: string, name: string, claim: number, fen: number, qty = 0): void {
    this.seed(key, name);
    const r = this.rows.get(key)!;
    r.people.add(claim);
    r.fen += fen;
    r.qty += qty;
  }
  list(withQuantity = false): SummaryRow[] {
    return [...this.rows].map(([key, r]) => ({
      key,
      name: r.name,
      people: r.people.size,
      amount_fen: r.fen,
      ...(withQuantity ? { quantity: r.qty } : {}),
    }));
  }
}

/** The months from one date's to another's, when there are at most 24 of them (a longer period lists only its own). */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(from.slice(0, 4)),
    m = Number(from.slice(5, 7));
  const last = to.slice(0, 7);
  for (let i = 0; i < 24; i++) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) return out;
    m += 1;
    if (m > 12) [y, m] = [y + 1, 1];
  }
  return [];
}

const itemKey = (l: store.ClaimLineRow) => (l.basic_kind ? `kind:${l.basic_kind}` : `code:${l.item_code}`);

/** The report of a region for a period of dates of death. */
export async function waiverSummary(
  db: Knex,
  opts: { region: string; from: string; to: string; lang: Lang },
): Promise<WaiverSummary> {
  const t = translator(opts.lang);
  const region = await summaryRegion(db, opts.region);
  const range = { prefix: region.code, from: opts.from, to: opts.to };
  const [lines, rewards, pending, groups, counties] = await Promise.all([
    store.claimLines(db, range, COUNTED),
    rewardStore.rewardsIn(db, range),
    store.claimTotals(db, range, PENDING),
    store.groupNames(db),
    region.level === 'county' || region.level === 'city' ? store.countiesUnder(db, region.code) : [],
  ]);

  const byCounty = new Tally(),
    byMonth = new Tally(),
    byGroup = new Tally(),
    byItem = new Tally(),
    greenByCounty = new Tally();
  // Every county of the region shows, with nothing where nothing was claimed (not for a province or the country).
  if (region.level === 'city' || region.level === 'county')
    for (const c of counties) {
      byCounty.seed(c.code, c.name);
      greenByCounty.seed(c.code, c.name);
    }
  for (const m of monthsBetween(opts.from, opts.to)) byMonth.seed(m, m);
  const countyNames = new Map(counties.map((c) => [c.code, c.name]));
  const other = await store.regionNames(
    db,
    [...new Set([...lines, ...rewards].map((l) => (l.household_region_code ?? '').slice(0, 6)))].filter(
      (c) => c && !countyNames.has(c),
    ),
  );
  const countyOf = (code: string | null): [string, string] => {
    const county = (code ?? '').slice(0, 6);
    return [
      county || 'none',
      countyNames.get(county) ?? other.get(county) ?? (county || t('waiver_reports.no_region')),
    ];
  };
  const people = new Set<number>();
  let fen = 0;
  for (const l of lines) {
    people.add(l.claim_id);
    fen += l.amount_fen;
    byCounty.add(...countyOf(l.household_region_code), l.claim_id, l.amount_fen);
    const month = l.death_date.slice(0, 7);
    byMonth.add(month, month, l.claim_id, l.amount_fen);
    const g = groups.get(l.group_code);
    byGroup.add(l.group_code, g ? (opts.lang === 'en' ? g.en : g.zh) : l.group_code, l.claim_id, l.amount_fen);
    byItem.add(
      itemKey(l),
      l.basic_kind ? t(`prices.basic_kinds.${l.basic_kind}`) : l.item_name,
      l.claim_id,
      l.amount_fen,
      l.kind === 'waiver' ? l.quantity : 0,
    );
  }
  let greenFen = 0;
  for (const r of rewards) {
    greenFen += r.amount_fen;
    greenByCounty.add(...countyOf(r.household_region_code), r.placement_id, r.amount_fen);
  }
  const byKey = (a: SummaryRow, b: SummaryRow) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const byFen = (a: SummaryRow, b: SummaryRow) => b.amount_fen - a.amount_fen || byKey(a, b);
  return {
    region,
    from: opts.from,
    to: opts.to,
    people: people.size,
    amount_fen: fen,
    pending,
    by_county: byCounty.list().sort(byKey),
    by_month: byMonth.list().sort(byKey),
    by_group: byGroup.list().sort(byFen),
    by_item: byItem.list(true).sort(byFen),
    green: { people: rewards.length, amount_fen: greenFen, by_county: greenByCounty.list().sort(byKey) },
  };
}

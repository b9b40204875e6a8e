// The waiver of a case as a pure function: which policy versions apply to the deceased and how much each waives of
// each line. No database, no clock: the service hands in the case, its lines, the versions and the memberships.
//
// Rounding rule (amounts are integer fen; nothing is ever divided or prorated):
//   1. a line's eligible units = its units still standing, at most the item's quantity cap left (whole units, in
//      line order: the first lines use the cap first);
//   2. its waiver = eligible units × the line's unit price, at most the item's fen cap left, at most the policy's
//      total cap left (both consumed in line order), never more than the line's own amount;
//   3. where two policies would waive the same line, the one that waives it more wins (on a tie the older policy,
//      lower id); each policy's caps are then applied again, in line order, over only the lines it won.
import type { Basis, MatchKind, Refusal } from './kinds.js';

export interface EngineCase {
  death_date: string; // YYYY-MM-DD in Asia/Shanghai
  household_region_code: string | null;
}

export interface EngineLine {
  id: number;
  code: string;
  basic_kind: string | null;
  quantity: number; // units still standing (corrections counted)
  unit_price_fen: number;
}

export interface EngineItem {
  match_by: MatchKind;
  match_value: string;
  cap_fen: number | null;
  quantity_cap: number | null;
}

export interface EngineVersion {
  id: number;
  policy_id: number;
  version: number;
  name: string;
  region_code: string;
  effective_from: string;
  valid_from: string;
  valid_to: string | null;
  total_cap_fen: number | null;
  /** 生态安葬奖补: a fixed amount per green placement (0: none). */
  green_reward_fen?: number;
  groups: { code: string; all_residents: boolean }[];
  items: EngineItem[];
}

/** Groups the deceased is known to belong to on the date of death: from a list, or declared with a certificate. */
export type Memberships = Map<string, Exclude<Basis, 'residence'>>;

export interface WaiverLine {
  line_id: number;
  version_id: number;
  group_code: string;
  basis: Basis;
  quantity: number;
  amount_fen: number;
}

export interface PolicyVerdict {
  policy_id: number;
  version: EngineVersion | null;
  applies: boolean;
  refusal?: Refusal;
  group_code?: string;
  basis?: Basis;
  waived_fen: number;
  cap_reached: boolean;
}

/**
 * The version of one policy a death on `date` takes: the newest whose effective date is on or before it. An edit is
 * effective from today or later, so a death before the edit keeps the version it had.
 */
export function versionOn(versions: EngineVersion[], date: string): EngineVersion | undefined {
  let best: EngineVersion | undefined;
  for (const v of versions) if (v.effective_from <= date && (!best || v.version > best.version)) best = v;
  return best;
}

/** Whether a policy version covers the deceased, and by which group; the first refusal otherwise. */
export function eligibility(
  c: EngineCase,
  v: EngineVersion,
  memberships: Memberships,
): { applies: true; group_code: string; basis: Basis } | { applies: false; refusal: Refusal } {
  if (c.death_date < v.valid_from || (v.valid_to !== null && c.death_date > v.valid_to))
    return { applies: false, refusal: 'outside_validity' };
  if (!c.household_region_code) return { applies: false, refusal: 'no_household' };
  if (!c.household_region_code.startsWith(v.region_code)) return { applies: false, refusal: 'non_resident' };
  const all = v.groups.find((g) => g.all_residents);
  // A list match is the stronger ground: it needs no verification; a declaration waits for it (待核实).
  for (const want of ['list', 'declared'] as const)
    for (const g of v.groups)
      if (memberships.get(g.code) === want) return { applies: true, group_code: g.code, basis: want };
  if (all) return { applies: true, group_code: all.code, basis: 'residence' };
  return { applies: false, refusal: 'group_not_matched' };
}

function matches(item: EngineItem, line: EngineLine): boolean {
  return item.match_by === 'code' ? line.code === item.match_value : line.basic_kind === item.match_value;
}

/** One policy's waiver of the given lines, caps consumed in line order. */
export function waiveLines(
  v: EngineVersion,
  lines: EngineLine[],
): { line_id: number; quantity: number; amount_fen: number }[] {
  const qtyLeft = v.items.map((i) => i.quantity_cap ?? Infinity);
  const fenLeft = v.items.map((i) => i.cap_fen ?? Infinity);
  let totalLeft = v.total_cap_fen ?? Infinity;
  const out: { line_id: number; quantity: number; amount_fen: number }[] = [];
  for (const line of [...lines].sort((a, b) => a.id - b.id)) {
    if (line.quantity <= 0 || line.unit_price_fen <= 0) continue;
    const k = v.items.findIndex((i) => matches(i, line));
    if (k < 0) continue;
    const quantity = Math.min(line.quantity, qtyLeft[k]);
    if (quantity <= 0) continue;
    const amount = Math.min(quantity * line.unit_price_fen, fenLeft[k], totalLeft);
    if (amount <= 0) continue;
    qtyLeft[k] -= quantity;
    fenLeft[k] -= amount;
    totalLeft -= amount;
    out.push({ line_id: line.id, quantity, amount_fen: amount });
  }
  return out;
}

/**
 * The case's waiver: a verdict per policy (the version its date of death takes, whether it applies and why not) and
 * the waiver lines, each case line waived by at most one policy version.
 */
export function computeWaivers(
  c: EngineCase,
  policies: Map<number, EngineVersion[]>,
  lines: EngineLine[],
  memberships: Memberships,
): { verdicts: PolicyVerdict[]; lines: WaiverLine[] } {
  const verdicts: PolicyVerdict[] = [];
  const applying: { v: EngineVersion; group_code: string; basis: Basis }[] = [];
  for (const [policyId, versions] of [...policies].sort((a, b) => a[0] - b[0])) {
    const v = versionOn(versions, c.death_date);
    if (!v) {
      verdicts.push({
        policy_id: policyId,
        version: null,
        applies: false,
        refusal: 'outside_validity',
        waived_fen: 0,
        cap_reached: false,
      });
      continue;
    }
    const e = eligibility(c, v, memberships);
    if (!e.applies) {
      verdicts.push({
        policy_id: policyId,
        version: v,
        applies: false,
        refusal: e.refusal,
        waived_fen: 0,
        cap_reached: false,
      });
      continue;
    }
    applying.push({ v, group_code: e.group_code, basis: e.basis });
  }
  // First pass: each policy alone; a line goes to the policy that waives it more (tie: the older policy).
  const winner = new Map<number, { policy: number; amount: number }>();
  for (const a of applying)
    for (const w of waiveLines(a.v, lines)) {
      const best = winner.get(w.line_id);
      if (!best || w.amount_fen > best.amount) winner.set(w.line_id, { policy: a.v.policy_id, amount: w.amount_fen });
    }
  // Second pass: each policy's caps over only the lines it won.
  const out: WaiverLine[] = [];
  for (const a of applying) {
    const won = lines.filter((l) => winner.get(l.id)?.policy === a.v.policy_id);
    const waived = waiveLines(a.v, won);
    const sum = waived.reduce((s, w) => s + w.amount_fen, 0);
    for (const w of waived) out.push({ ...w, version_id: a.v.id, group_code: a.group_code, basis: a.basis });
    verdicts.push({
      policy_id: a.v.policy_id,
      version: a.v,
      applies: true,
      group_code: a.group_code,
      basis: a.basis,
      waived_fen: sum,
      cap_reached: a.v.total_cap_fen !== null && sum >= a.v.total_cap_fen,
    });
  }
  verdicts.sort((x, y) => x.policy_id - y.policy_id);
  out.sort((x, y) => x.line_id - y.line_id);
  return { verdicts, lines: out };
}

export interface GreenReward {
  version: EngineVersion;
  group_code: string;
  basis: Basis;
  amount_fen: number;
}

/**
 * The green-burial reward (生态安葬奖补) of one green placement: of the policies whose version on the date of death
 * covers the deceased (the same eligibility as a waiver), the one with the largest reward; on a tie the older policy.
 * One reward per placement: two policies never both pay for the same burial.
 */
export function greenReward(
  c: EngineCase,
  policies: Map<number, EngineVersion[]>,
  memberships: Memberships,
): GreenReward | null {
  let best: GreenReward | null = null;
  for (const [, versions] of [...policies].sort((a, b) => a[0] - b[0])) {
    const v = versionOn(versions, c.death_date);
    const amount = v?.green_reward_fen ?? 0;
    if (!v || amount <= 0 || (best && amount <= best.amount_fen)) continue;
    const e = eligibility(c, v, memberships);
    if (e.applies) best = { version: v, group_code: e.group_code, basis: e.basis, amount_fen: amount };
  }
  return best;
}

// 补缺测算: the proposal reaches the target with the fewest facilities (checked against a brute force on small
// synthetic states and recomputed with the engine), and the page and CSV for the bureau on both databases.
import { expect } from 'chai';
import {
  addFacility,
  buildState,
  isVillageCovered,
  type CoverageState,
} from '../../../server/coverage/engine/rules.js';
import {
  asFacility,
  cloneState,
  indicatorsOf,
  propose,
  requiredUnits,
  villageFlagsOf,
  type ProposalMode,
  type ProposalOptions,
} from '../../../server/coverage/proposal/rules.js';
import { formatRatio } from '../../../server/http/format.js';
import { coverageState, uncoveredVillages, type UncoveredTownship } from '../../../server/coverage/engine/service.js';
import type { OperatingFacility, VillageFlags } from '../../../server/coverage/engine/store.js';
import { todayInShanghai } from '../../../server/time.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

// ## Synthetic states

interface TownshipSpec {
  code: string;
  villages: boolean[] /* central? */;
  communities?: number;
}
interface Spec {
  townships: TownshipSpec[];
  facilities: Pick<OperatingFacility, 'region_code' | 'build_mode' | 'areas'>[];
}

const villageCode = (t: string, i: number) => `${t}${String(i + 1).padStart(3, '0')}`;
const communityCode = (t: string, i: number) => `${t}${String(i + 201).padStart(3, '0')}`;

/** A CoverageState and its uncovered villages (as service.uncoveredVillages would list them) from a spec. */
function build(spec: Spec): { state: CoverageState; open: UncoveredTownship[] } {
  const flags = new Map<string, VillageFlags>();
  for (const t of spec.townships) {
    t.villages.forEach((central, i) =>
      flags.set(villageCode(t.code, i), {
        code: villageCode(t.code, i),
        name: `${t.code.slice(-3)}-${i + 1}村委会`,
        parent_code: t.code,
        is_admin_village: true,
        is_central_village: central,
      }),
    );
    for (let i = 0; i < (t.communities ?? 0); i += 1)
      flags.set(communityCode(t.code, i), {
        code: communityCode(t.code, i),
        name: `社区${i}`,
        parent_code: t.code,
        is_admin_village: false,
        is_central_village: false,
      });
  }
  const counties = [...new Set(spec.townships.map((t) => t.code.slice(0, 6)))].sort();
  const totals = {
    counties,
    townships: spec.townships.map((t) => ({
      code: t.code,
      adminVillages: t.villages.length,
      centralVillages: t.villages.filter(Boolean).length,
      communities: t.communities ?? 0,
    })),
  };
  const facilities: OperatingFacility[] = spec.facilities.map((f, i) => ({
    id: i + 1,
    name: `f${i}`,
    kind: 'rural_public_cemetery',
    cremators: 0,
    ...f,
  }));
  const state = buildState('5202', totals, facilities, flags);
  const open: UncoveredTownship[] = [];
  for (const t of spec.townships) {
    const villages = t.villages
      .map((central, i) => ({ code: villageCode(t.code, i), name: flags.get(villageCode(t.code, i))!.name, central }))
      .filter((v) => !isVillageCovered(state, v));
    if (villages.length)
      open.push({
        code: t.code,
        name: `镇${t.code.slice(-3)}`,
        county: { code: t.code.slice(0, 6), name: `县${t.code.slice(4, 6)}` },
        villages,
      });
  }
  return { state, open };
}

/** A serialisable picture of a state, to show it was not changed. */
const snapshot = (s: CoverageState) =>
  JSON.stringify({
    t: [...s.townships.values()].map((t) => [t.code, t.whole, [...t.covered.keys()].sort()]),
    c: [...s.coveredCounties].sort(),
    tw: [...s.coveredTownships].sort(),
  });

// ## Brute force, written from the rules and not from the proposal code

/**
 * The fewest facilities reaching `required`, by breadth-first search over which units are covered. Candidates:
 * in each township with uncovered villages, a township-wide cemetery (all of them) and/or a multi-village one for
 * every set of 1..K of them; each also covers its township and county. Answers null when no number does.
 */
function bruteForce(
  state: CoverageState,
  open: UncoveredTownship[],
  opts: ProposalOptions,
): { min: number | null; best: number } {
  const before = indicatorsOf(state)[opts.indicator];
  const required = requiredUnits(opts.target, before.total);
  const bits = new Map<string, number>();
  const bit = (key: string) => {
    if (!bits.has(key)) bits.set(key, bits.size);
    return 1 << bits.get(key)!;
  };
  let counted = 0; // the bits that count for the indicator
  const candidates: number[] = [];
  for (const t of open) {
    const tBit = bit(`t:${t.code}`);
    const cBit = bit(`c:${t.county.code}`);
    if (opts.indicator === 'townships' && !state.coveredTownships.has(t.code)) counted |= tBit;
    if (opts.indicator === 'counties' && !state.coveredCounties.has(t.county.code)) counted |= cBit;
    const vBits = t.villages.map((v) => {
      const b = bit(`v:${v.code}`);
      if (opts.indicator === 'villages' || (opts.indicator === 'central_villages' && v.central)) counted |= b;
      return b;
    });
    const all = vBits.reduce((a, b) => a | b, 0);
    if (opts.modes.includes('township_wide')) candidates.push(all | tBit | cBit);
    if (opts.modes.includes('multi_village')) {
      for (let m = 1; m < 1 << vBits.length; m += 1) {
        const chosen = vBits.filter((_, i) => m & (1 << i));
        if (chosen.length <= opts.maxVillages) candidates.push(chosen.reduce((a, b) => a | b, 0) | tBit | cBit);
      }
    }
  }
  expect(bits.size, 'brute force instance too large').to.be.at.most(20);
  const score = (mask: number) => {
    let n = 0;
    for (let m = mask & counted; m; m &= m - 1) n += 1;
    return before.covered + n;
  };
  let layer = [0];
  const seen = new Set([0]);
  let best = score(0);
  for (let depth = 0; ; depth += 1) {
    for (const m of layer) {
      const s = score(m);
      best = Math.max(best, s);
      if (s >= required) return { min: depth, best };
    }
    const next: number[] = [];
    for (const m of layer)
      for (const c of candidates) {
        const n = m | c;
        if (!seen.has(n)) {
          seen.add(n);
          next.push(n);
        }
      }
    if (next.length === 0) return { min: null, best };
    layer = next;
  }
}

/** A small deterministic random source, so a failing instance can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
  };
}

function randomSpec(seed: number): Spec {
  const r = random(seed);
  const townships: TownshipSpec[] = [];
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i += 1) {
    const county = r.int(3) === 0 ? '520203' : '520201';
    const villages = Array.from({ length: r.int(5) }, () => r.int(3) === 0);
    townships.push({
      code: `${county}${String(101 + i).padStart(3, '0')}`,
      villages,
      communities: villages.length === 0 ? 1 + r.int(3) : r.int(2),
    });
  }
  townships.sort((a, b) => (a.code < b.code ? -1 : 1));
  const facilities: Spec['facilities'] = [];
  for (let k = r.int(3); k > 0; k -= 1) {
    const t = r.pick(townships);
    const kind = r.int(4);
    if (kind === 0 && t.villages.length)
      facilities.push({
        region_code: villageCode(t.code, r.int(t.villages.length)),
        build_mode: 'single_village',
        areas: [],
      });
    else if (kind === 1) facilities.push({ region_code: t.code, build_mode: 'township_wide', areas: [] });
    else if (kind === 2) {
      // Stands in one township and serves a village of another: that township's village is covered, the township is not.
      const other = r.pick(townships);
      if (other.villages.length)
        facilities.push({
          region_code: t.code,
          build_mode: 'multi_village',
          areas: [villageCode(other.code, r.int(other.villages.length))],
        });
    } else if (t.communities) facilities.push({ region_code: communityCode(t.code, 0), build_mode: null, areas: [] }); // a columbarium in a community
  }
  return { townships, facilities };
}

const modeSets: ProposalMode[][] = [['township_wide', 'multi_village'], ['township_wide'], ['multi_village']];

describe('coverage proposal: the fewest facilities (unit)', () => {
  it('rounds the units needed up, without floating-point surprises', () => {
    expect(requiredUnits(0.8, 724)).to.equal(580);
    expect(requiredUnits(0.7, 10)).to.equal(7);
    expect(requiredUnits(1, 724)).to.equal(724);
    expect(requiredUnits(0.25, 4)).to.equal(1);
    expect(requiredUnits(0.001, 3)).to.equal(1);
  });

  it('matches a brute force on random small states: minimal count, target reached, rates recomputed by the engine', () => {
    let checked = 0;
    let reached = 0;
    let unreachable = 0;
    for (let seed = 1; seed <= 400; seed += 1) {
      const spec = randomSpec(seed);
      const r = random(seed * 7919);
      const opts: ProposalOptions = {
        indicator: r.pick(['villages', 'central_villages', 'townships', 'counties'] as const),
        target: r.pick([0.3, 0.5, 0.8, 1]),
        modes: r.pick(modeSets),
        maxVillages: 1 + r.int(3),
      };
      const { state, open } = build(spec);
      const picture = snapshot(state);
      const p = propose(state, open, opts);
      const where = `seed ${seed} ${JSON.stringify(opts)}`;
      expect(snapshot(state), `state changed, ${where}`).to.equal(picture);
      const brute = bruteForce(state, open, opts);
      // Recompute with the engine: the proposed facilities added to a copy of the state.
      const next = cloneState(state);
      const flags = villageFlagsOf(open);
      for (const f of p.facilities) addFacility(next, asFacility(f), flags);
      const after = indicatorsOf(next)[opts.indicator];
      expect(after.covered, where).to.equal(p.coveredAfter);
      expect(p.after[opts.indicator].covered, where).to.equal(p.coveredAfter);
      if (p.facilities.length) expect(p.facilities.at(-1)!.coveredAfter, where).to.equal(p.coveredAfter);
      if (p.outcome === 'nothing_to_cover') {
        expect(p.total, where).to.equal(0);
        continue;
      }
      if (brute.min === null) {
        expect(p.outcome, where).to.equal('unreachable');
        expect(p.coveredAfter, `closest reachable, ${where}`).to.equal(brute.best);
        expect(p.outOfReach, where).to.equal(p.total - brute.best);
        unreachable += 1;
      } else {
        expect(p.facilities.length, `fewest facilities, ${where}`).to.equal(brute.min);
        expect(p.outcome, where).to.equal(brute.min === 0 ? 'met' : 'reached');
        expect(after.covered, where).to.be.at.least(requiredUnits(opts.target, after.total));
        expect((after.rate ?? 0) + 1e-9, where).to.be.at.least(opts.target);
        if (brute.min > 0) reached += 1;
      }
      // Ranked by villages covered, most first; each facility stays within one township.
      for (let i = 1; i < p.facilities.length; i += 1)
        expect(p.facilities[i - 1].villages.length, where).to.be.at.least(p.facilities[i].villages.length);
      for (const f of p.facilities) {
        expect(opts.modes, where).to.include(f.mode);
        if (f.mode === 'multi_village') expect(f.villages.length, where).to.be.at.most(opts.maxVillages);
        for (const v of f.villages) expect(v.code.slice(0, 9), where).to.equal(f.township.code);
      }
      checked += 1;
    }
    // The random instances exercise every outcome.
    expect(checked).to.be.greaterThan(300);
    expect(reached).to.be.greaterThan(100);
    expect(unreachable).to.be.greaterThan(5);
  });

  it('proposes nothing when the target is already met', () => {
    const { state, open } = build({
      townships: [{ code: '520201101', villages: [false, false, false, false] }],
      facilities: [
        { region_code: '520201101001', build_mode: 'multi_village', areas: ['520201101002', '520201101003'] },
      ],
    });
    const p = propose(state, open, { indicator: 'villages', target: 0.75, modes: ['township_wide'], maxVillages: 5 });
    expect(p.outcome).to.equal('met');
    expect(p.needed).to.equal(0);
    expect(p.facilities).to.deep.equal([]);
    expect(p.after).to.deep.equal(p.before);
  });

  it('takes the township with the most uncovered villages first, township-wide', () => {
    const { state, open } = build({
      townships: [
        { code: '520201101', villages: [false, false] },
        { code: '520201102', villages: [false, false, false, false, false] },
        { code: '520203101', villages: [false, false, false] },
      ],
      facilities: [],
    });
    const p = propose(state, open, {
      indicator: 'villages',
      target: 0.6,
      modes: ['township_wide', 'multi_village'],
      maxVillages: 2,
    });
    // 10 villages, 60% → 6: the five of 102, then three of 520203101 (more than the two of 101).
    expect(p.required).to.equal(6);
    expect(p.facilities.map((f) => [f.township.code, f.mode, f.villages.length, f.coveredAfter])).to.deep.equal([
      ['520201102', 'township_wide', 5, 5],
      ['520203101', 'township_wide', 3, 8],
    ]);
    expect(p.after.villages.covered).to.equal(8);
    expect(p.after.townships.covered).to.equal(2);
    expect(p.after.counties.covered).to.equal(2);
    expect(p.facilities[1].rateAfter).to.equal(0.8);
  });

  it('with multi-village only, needs ceil(u / K) per township and takes the largest shares first', () => {
    const { state, open } = build({
      townships: [
        { code: '520201101', villages: Array(7).fill(false) },
        { code: '520201102', villages: Array(3).fill(false) },
        { code: '520201103', villages: Array(2).fill(false) },
      ],
      facilities: [],
    });
    const p = propose(state, open, { indicator: 'villages', target: 1, modes: ['multi_village'], maxVillages: 3 });
    // 7 → 3+3+1, 3 → 3, 2 → 2: five facilities.
    expect(p.facilities.length).to.equal(5);
    expect(p.facilities.map((f) => f.villages.length)).to.deep.equal([3, 3, 3, 2, 1]);
    expect(p.facilities.every((f) => f.mode === 'multi_village')).to.equal(true);
    expect(p.after.villages.rate).to.equal(1);
    // 8 of 12 (67%): the three shares of three.
    const part = propose(state, open, {
      indicator: 'villages',
      target: 0.67,
      modes: ['multi_village'],
      maxVillages: 3,
    });
    expect(part.required).to.equal(9);
    expect(part.facilities.map((f) => [f.township.code, f.villages.length])).to.deep.equal([
      ['520201101', 3],
      ['520201101', 3],
      ['520201102', 3],
    ]);
  });

  it('for central villages, a multi-village cemetery takes the central villages first', () => {
    const { state, open } = build({
      townships: [
        { code: '520201101', villages: [false, false, true, false, true] },
        { code: '520201102', villages: [true, false] },
      ],
      facilities: [],
    });
    const p = propose(state, open, {
      indicator: 'central_villages',
      target: 2 / 3,
      modes: ['multi_village'],
      maxVillages: 2,
    });
    expect(p.total).to.equal(3);
    expect(p.facilities.length).to.equal(1);
    expect(p.facilities[0].villages.map((v) => v.code)).to.deep.equal(['520201101003', '520201101005']);
    expect(p.facilities[0].gain).to.equal(2);
    expect(p.after.central_villages.covered).to.equal(2);
  });

  it('says the township target cannot be reached when townships have no uncovered village', () => {
    const { state, open } = build({
      townships: [
        { code: '520201001', villages: [], communities: 4 }, // a 街道 of communities only
        { code: '520201101', villages: [false, false] },
        { code: '520201102', villages: [false] },
      ],
      facilities: [],
    });
    const p = propose(state, open, { indicator: 'townships', target: 1, modes: ['township_wide'], maxVillages: 5 });
    expect(p.outcome).to.equal('unreachable');
    expect(p.facilities.length).to.equal(2);
    expect(p.coveredAfter).to.equal(2);
    expect(p.outOfReach).to.equal(1);
    const twoThirds = propose(state, open, {
      indicator: 'townships',
      target: 0.6,
      modes: ['township_wide'],
      maxVillages: 5,
    });
    expect(twoThirds.outcome).to.equal('reached');
    expect(twoThirds.facilities.map((f) => f.township.code)).to.deep.equal(['520201101', '520201102']);
  });

  it('for counties, proposes one facility per county still without one', () => {
    const { state, open } = build({
      townships: [
        { code: '520201101', villages: [false, false] },
        { code: '520201102', villages: [false, false, false] },
        { code: '520203101', villages: [false] },
      ],
      facilities: [],
    });
    const p = propose(state, open, {
      indicator: 'counties',
      target: 1,
      modes: ['township_wide', 'multi_village'],
      maxVillages: 5,
    });
    expect(p.facilities.map((f) => f.township.code)).to.deep.equal(['520201102', '520203101']);
    expect(p.after.counties.rate).to.equal(1);
  });

  it('has nothing to cover when no central village is marked', () => {
    const { state, open } = build({ townships: [{ code: '520201101', villages: [false, false] }], facilities: [] });
    const p = propose(state, open, {
      indicator: 'central_villages',
      target: 0.6,
      modes: ['township_wide'],
      maxVillages: 5,
    });
    expect(p.outcome).to.equal('nothing_to_cover');
    expect(p.facilities).to.deep.equal([]);
  });
});

// ## The page and the CSV

describe(`coverage proposal: page and CSV (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client;
  const today = todayInShanghai();
  // Before the demo's public-welfare columbaria and cemeteries opened: almost nothing is covered yet.
  const early = '2019-12-31';
  const both: ProposalMode[] = ['township_wide', 'multi_village'];

  /** The proposal as the page should show it, computed directly from the services. */
  async function expected(region: string, date: string, opts: ProposalOptions) {
    const state = await coverageState(app.db, region, date);
    const open = await uncoveredVillages(app.db, { region, date, state });
    return { p: propose(state, open, opts), open };
  }

  before(async () => {
    app = await startApp();
    bureau = await signedIn(app, 'bureau');
  });
  after(() => app.close());

  it('lets only the bureau and administrators in', async () => {
    for (const [who, status] of [
      ['front_desk', 403],
      ['cemetery_staff', 403],
      ['admin', 200],
    ] as const) {
      const c = await signedIn(app, who);
      expect((await c.get('/staff/coverage/proposal')).status, who).to.equal(status);
      expect((await c.get('/staff/coverage/proposal.csv')).status, who).to.equal(status);
    }
    const stranger = await new Client(app.url).get('/staff/coverage/proposal');
    expect(stranger.status).to.equal(302);
    expect(stranger.location).to.match(/^\/login/);
  });

  it("proposes township-wide cemeteries for 80% of Liupanshui's villages, with every rate after, and explains the method", async () => {
    const res = await bureau.get(`/staff/coverage/proposal?region=5202&date=${early}&indicator=villages&target=80`);
    expect(res.status).to.equal(200);
    const text = textOf(res.text).replace(/&#x3D;/g, '=');
    expect(text).to.contain('补缺测算').and.contain('测算方法').and.contain('为什么这样最少');
    expect(text).to.contain('⌈80.0% × 724⌉ = ⌈579.2⌉ = 580 个行政村');
    const { p } = await expected('5202', early, { indicator: 'villages', target: 0.8, modes: both, maxVillages: 5 });
    expect(p.outcome).to.equal('reached');
    expect(p.after.villages.covered).to.be.at.least(580);
    expect(text).to.contain(`最少需要新建 ${p.facilities.length} 座`);
    expect(res.text.match(/<tr>\s*<td class="num">\d+<\/td>/g)?.length).to.equal(p.facilities.length);
    expect(text).to.contain(p.facilities[0].township.name).and.contain('全镇统建').and.contain('只用全镇统建');
    expect(text).to.contain(
      `${p.after.villages.covered} (${formatRatio(p.after.villages.covered, p.after.villages.total)})`,
    );
    for (const label of ['行政村覆盖率', '中心村覆盖率', '乡镇覆盖率', '区县覆盖率']) expect(text).to.contain(label);
    expect(text).to.contain(
      `${p.after.townships.covered} (${formatRatio(p.after.townships.covered, p.after.townships.total)})`,
    );
  });

  it("reaches 100% of a county's villages with multi-village cemeteries of at most K villages", async () => {
    const res = await bureau.get(
      `/staff/coverage/proposal?region=520203&date=${early}&indicator=villages&target=100&modes=multi_village&max_villages=4`,
    );
    expect(res.status).to.equal(200);
    const text = textOf(res.text);
    const { p, open } = await expected('520203', early, {
      indicator: 'villages',
      target: 1,
      modes: ['multi_village'],
      maxVillages: 4,
    });
    const perTownship = open.reduce((n, t) => n + Math.ceil(t.villages.length / 4), 0);
    expect(p.facilities.length).to.equal(perTownship).and.be.greaterThan(0);
    expect(text).to.contain(`最少需要新建 ${perTownship} 座`).and.contain('多村联建').and.not.contain('只用全镇统建');
    expect(text).to.contain('100.0%');
  });

  it('takes central villages when the indicator asks for them', async () => {
    const { p } = await expected('5202', early, {
      indicator: 'central_villages',
      target: 0.6,
      modes: ['multi_village'],
      maxVillages: 2,
    });
    const text = textOf(
      (
        await bureau.get(
          `/staff/coverage/proposal?region=5202&date=${early}&indicator=central_villages&target=60&modes=multi_village&max_villages=2`,
        )
      ).text,
    );
    if (p.total === 0) return void expect(text).to.contain('还没有标注中心村');
    expect(p.outcome).to.equal('reached');
    expect(text)
      .to.contain(`最少需要新建 ${p.facilities.length} 座`)
      .and.contain('其中中心村')
      .and.contain('粗体为中心村');
  });

  it('says when the township target cannot be reached', async () => {
    const { p } = await expected('5202', early, { indicator: 'townships', target: 1, modes: both, maxVillages: 5 });
    // Liupanshui has streets (街道) of urban communities only: no rural cemetery candidate reaches them.
    expect(p.outcome).to.equal('unreachable');
    const text = textOf(
      (await bureau.get(`/staff/coverage/proposal?region=5202&date=${early}&indicator=townships&target=100`)).text,
    );
    expect(text)
      .to.contain('按所选建设方式达不到目标')
      .and.contain(`还有 ${p.outOfReach} 个乡镇（街道）没有未覆盖的行政村`);
  });

  it('says when the target is already met', async () => {
    const { p } = await expected('5202', today, { indicator: 'counties', target: 0.25, modes: both, maxVillages: 5 });
    expect(p.outcome).to.equal('met');
    const text = textOf((await bureau.get('/staff/coverage/proposal?region=5202&indicator=counties&target=25')).text);
    expect(text).to.contain('已经达到目标').and.not.contain('建议新建的设施');
  });

  it("uses the target in force for the date's year when none is typed, else 100%", async () => {
    await app.db('coverage_targets').insert({
      region_code: '520201',
      indicator: 'townships',
      year: 2029,
      rate: 0.7,
      source: '测试规划',
      updated_at: new Date().toISOString(),
    });
    const res = await bureau.get('/staff/coverage/proposal?region=520201&date=2029-06-30&indicator=townships');
    expect(res.text).to.match(/id="target"[^>]*value="70"/);
    expect(textOf(res.text)).to.contain('目标 70.0% 为 2029 年的既定目标（钟山区，测试规划）');
    const other = await bureau.get('/staff/coverage/proposal?region=520201&date=2030-06-30&indicator=townships');
    expect(other.text).to.match(/id="target"[^>]*value="100"/);
    expect(textOf(other.text)).to.contain('2030 年没有设定乡镇覆盖率目标，按 100% 测算');
  });

  it('keeps what was typed and says what is wrong', async () => {
    const res = await bureau.get(
      '/staff/coverage/proposal?region=5202&indicator=villages&target=150&max_villages=1&date=2026-02-30',
    );
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text)
      .to.contain('请填写 0 到 100 之间的百分数')
      .and.contain('请填写 2 到 50 之间的整数')
      .and.contain('请填写有效的日期');
    expect(res.text)
      .to.match(/id="target"[^>]*value="150"/)
      .and.match(/id="date"[^>]*value="2026-02-30"/);
    expect(text).to.not.contain('建议新建的设施');
    // One wrong field leaves the others as typed.
    const one = await bureau.get(
      '/staff/coverage/proposal?region=520203&indicator=townships&target=abc&date=2022-12-31&modes=multi_village',
    );
    expect(one.status).to.equal(400);
    expect(one.text)
      .to.match(/id="date"[^>]*value="2022-12-31"/)
      .and.match(/<option value="townships" selected>/)
      .and.match(/<option value="multi_village" selected>/)
      .and.match(/<option value="520203" selected>/);
    expect((await bureau.get('/staff/coverage/proposal.csv?target=abc')).status).to.equal(400);
  });

  it('downloads the proposal as CSV', async () => {
    const res = await bureau.get(`/staff/coverage/proposal.csv?region=5202&date=${early}&indicator=villages&target=80`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv/);
    expect(res.headers.get('content-disposition')).to.contain(`proposal-5202-villages-80-${early}.csv`);
    // fetch's text() drops the byte-order mark; its three bytes show in the length.
    expect(Number(res.headers.get('content-length'))).to.equal(Buffer.byteLength(res.text) + 3);
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).to.contain('序号').and.contain('乡镇').and.contain('建设方式').and.contain('覆盖的行政村');
    const { p } = await expected('5202', early, { indicator: 'villages', target: 0.8, modes: both, maxVillages: 5 });
    expect(lines.length).to.equal(p.facilities.length + 1);
    expect(lines[1]).to.contain(p.facilities[0].township.name).and.contain('全镇统建');
  });

  it('speaks English when asked', async () => {
    const c = await signedIn(app, 'bureau');
    await c.get('/lang/en');
    const text = textOf(
      (await c.get(`/staff/coverage/proposal?region=5202&date=${early}&indicator=villages&target=80`)).text,
    );
    expect(text)
      .to.contain('What would it take')
      .and.contain('Why this is the fewest')
      .and.contain('Township-wide (全镇统建)');
  });
});

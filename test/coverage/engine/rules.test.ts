// The coverage rules as pure functions (server/coverage/engine/rules.ts) over hand-made divisions and facilities.
import { expect } from 'chai';
import {
  addFacility,
  buildState,
  divisionsOf,
  isVillageCovered,
  summarise,
  townshipCounts,
  uncoveredSums,
  villageIndicators,
  type CoverageState,
} from '../../../server/coverage/engine/rules.js';
import { ratio, type Indicators } from '../../../server/coverage/indicators/kinds.js';
import type { OperatingFacility, TownshipTotals, VillageFlags } from '../../../server/coverage/engine/store.js';
import type { BuildMode, FacilityKind } from '../../../server/facilities/kinds.js';
import { serviceOf } from '../../../server/facilities/service-area.js';

// Two counties; 520201101 has three villages (one central) and a community, 520201102 two villages, 520203101
// two villages and two communities, 520203102 only communities.
const v = (code: string, admin = true, central = false): VillageFlags => ({
  code,
  name: code,
  parent_code: code.slice(0, 9),
  is_admin_village: admin,
  is_central_village: central,
});
const units: VillageFlags[] = [
  v('520201101201'),
  v('520201101202', true, true),
  v('520201101203'),
  v('520201101001', false),
  v('520201102201'),
  v('520201102202'),
  v('520203101201', true, true),
  v('520203101202'),
  v('520203101001', false),
  v('520203101002', false),
  v('520203102001', false),
];
const flags = new Map(units.map((u) => [u.code, u]));
function totals(prefix = '52'): { counties: string[]; townships: TownshipTotals[] } {
  const townships = [...new Set(units.map((u) => u.parent_code))]
    .filter((t) => t.startsWith(prefix))
    .map((code) => {
      const mine = units.filter((u) => u.parent_code === code);
      const admin = mine.filter((u) => u.is_admin_village);
      return {
        code,
        adminVillages: admin.length,
        centralVillages: admin.filter((u) => u.is_central_village).length,
        communities: mine.length - admin.length,
      };
    });
  return { counties: ['520201', '520203'].filter((c) => c.startsWith(prefix)), townships };
}

let nextId = 1;
const fac = (
  kind: FacilityKind,
  region_code: string,
  build_mode: BuildMode | null = null,
  areas: string[] = [],
  cremators = 0,
): OperatingFacility => ({ id: nextId++, name: `f${nextId}`, kind, region_code, build_mode, areas, cremators });
const state = (...facilities: OperatingFacility[]): CoverageState => buildState('52', totals(), facilities, flags);
const covered = (s: CoverageState) => units.filter((u) => isVillageCovered(s, u)).map((u) => u.code);
const whole = (s: CoverageState) => summarise(s, 6).total.indicators;

describe('coverage engine: what a facility serves (build modes)', () => {
  it('单村独建 serves its own village only', () => {
    expect(serviceOf({ region_code: '520201101201', build_mode: 'single_village', areas: [] })).to.deep.equal({
      villages: ['520201101201'],
      townships: [],
    });
  });

  it('多村联建 serves its own village and the listed ones', () => {
    const s = serviceOf({
      region_code: '520201101201',
      build_mode: 'multi_village',
      areas: ['520201101202', '520201102201'],
    });
    expect(s.villages.sort()).to.deep.equal(['520201101201', '520201101202', '520201102201']);
    expect(s.townships).to.deep.equal([]);
  });

  it('全镇统建 serves its whole township, whether it stands in a village or at the township', () => {
    expect(serviceOf({ region_code: '520201101203', build_mode: 'township_wide', areas: [] })).to.deep.equal({
      villages: [],
      townships: ['520201101'],
    });
    expect(serviceOf({ region_code: '520201101', build_mode: 'township_wide', areas: [] })).to.deep.equal({
      villages: [],
      townships: ['520201101'],
    });
    expect(serviceOf({ region_code: '520201', build_mode: 'township_wide', areas: [] })).to.deep.equal({
      villages: [],
      townships: [],
    });
  });

  it('镇村合建 at the township seat serves the listed villages, not the whole township', () => {
    expect(
      serviceOf({ region_code: '520201101', build_mode: 'township_village', areas: ['520201101201', '520201101203'] }),
    ).to.deep.equal({ villages: ['520201101201', '520201101203'], townships: [] });
    expect(
      serviceOf({
        region_code: '520201101202',
        build_mode: 'township_village',
        areas: ['520201101201'],
      }).villages.sort(),
    ).to.deep.equal(['520201101201', '520201101202']);
  });

  it('without a build mode serves the village or the whole township it stands in, and nothing from a county', () => {
    expect(serviceOf({ region_code: '520201101', build_mode: null, areas: [] })).to.deep.equal({
      villages: [],
      townships: ['520201101'],
    });
    expect(serviceOf({ region_code: '520201101202', build_mode: null, areas: [] })).to.deep.equal({
      villages: ['520201101202'],
      townships: [],
    });
    expect(serviceOf({ region_code: '520201', build_mode: null, areas: [] })).to.deep.equal({
      villages: [],
      townships: [],
    });
  });

  it('adds listed townships (served whole) and villages in every mode', () => {
    expect(
      serviceOf({ region_code: '520201101201', build_mode: 'single_village', areas: ['520201102'] }),
    ).to.deep.equal({ villages: ['520201101201'], townships: ['520201102'] });
    expect(serviceOf({ region_code: '520201', build_mode: null, areas: ['520201101', '520201102202'] })).to.deep.equal({
      villages: ['520201102202'],
      townships: ['520201101'],
    });
  });
});

describe('coverage engine: who is covered', () => {
  it('counts nothing without facilities; rates are fractions, null when there is nothing to count', () => {
    const i = whole(state());
    expect(i.villages).to.deep.equal({ total: 7, covered: 0, rate: 0 });
    expect(i.townships).to.deep.equal({ total: 4, covered: 0, rate: 0 });
    expect(i.counties).to.deep.equal({ total: 2, covered: 0, rate: 0 });
    expect(i.central_villages).to.deep.equal({ total: 2, covered: 0, rate: 0 });
    expect(i.communities).to.deep.equal({ total: 4, covered: 0, rate: 0 });
    expect(ratio(0, 0)).to.deep.equal({ total: 0, covered: 0, rate: null });
    expect(ratio(1, 4).rate).to.equal(0.25);
  });

  it('covers the village, township and county a 单村独建 cemetery stands in', () => {
    const s = state(fac('rural_public_cemetery', '520201101201', 'single_village'));
    expect(covered(s)).to.deep.equal(['520201101201']);
    const i = whole(s);
    expect(i.villages).to.deep.equal({ total: 7, covered: 1, rate: 1 / 7 });
    // Located in it: the township counts as covered although two of its villages are not.
    expect(i.townships.covered).to.equal(1);
    expect(i.counties.covered).to.equal(1);
  });

  it('does not cover a township or county that a facility elsewhere serves only in part', () => {
    const s = state(fac('rural_public_cemetery', '520201102201', 'multi_village', ['520203101201']));
    expect(covered(s)).to.deep.equal(['520201102201', '520203101201']);
    expect([...s.coveredTownships]).to.deep.equal(['520201102']);
    expect([...s.coveredCounties]).to.deep.equal(['520201']);
  });

  it('covers a township served whole from outside it, but not its county', () => {
    const s = state(fac('columbarium', '520201102', null, ['520203101']));
    expect(covered(s)).to.deep.equal([
      '520201102201',
      '520201102202',
      '520203101201',
      '520203101202',
      '520203101001',
      '520203101002',
    ]);
    expect([...s.coveredTownships].sort()).to.deep.equal(['520201102', '520203101']);
    expect([...s.coveredCounties]).to.deep.equal(['520201']);
  });

  it('never counts commercial cemeteries, funeral service points or funeral homes toward ash-placement coverage', () => {
    const s = state(
      fac('commercial_cemetery', '520201101', null, ['520201102']),
      fac('commercial_cemetery', '520201101201', 'township_wide'),
      fac('funeral_service_point', '520203101', null, ['520203101201']),
      fac('funeral_home', '520201102', null, ['520201102201'], 3),
    );
    const i = whole(s);
    expect(i.villages.covered).to.equal(0);
    expect(i.townships.covered).to.equal(0);
    expect(i.counties.covered).to.equal(0);
    expect(i.cremation_counties.covered).to.equal(1);
  });

  it('gives a county cremation coverage only for a funeral home with an active cremator in it', () => {
    expect(whole(state(fac('funeral_home', '520203101', null, [], 0))).cremation_counties.covered).to.equal(0);
    expect([...state(fac('funeral_home', '520203101', null, [], 1)).cremationCounties]).to.deep.equal(['520203']);
    // A funeral home registered at the city level stands in no county.
    expect(whole(state(fac('funeral_home', '5202', null, [], 2))).cremation_counties.covered).to.equal(0);
  });

  it('leaves urban communities out of village coverage and reports them apart', () => {
    const s = state(fac('urban_public_cemetery', '520203101001', null, ['520203101002', '520203101201']));
    const i = whole(s);
    expect(i.villages).to.deep.equal({ total: 7, covered: 1, rate: 1 / 7 });
    expect(i.communities).to.deep.equal({ total: 4, covered: 2, rate: 0.5 });
    expect(summarise(s, 6).total.communities).to.equal(4);
    // Served whole, a township's communities are covered with its villages.
    expect(whole(state(fac('columbarium', '520203102'))).communities.covered).to.equal(1);
  });

  it('counts central villages among the covered administrative villages', () => {
    const s = state(
      fac('rural_public_cemetery', '520201101201', 'multi_village', ['520201101202']),
      fac('rural_public_cemetery', '520203101202', 'single_village'),
    );
    expect(whole(s).central_villages).to.deep.equal({ total: 2, covered: 1, rate: 0.5 });
    expect(whole(state(fac('rural_public_cemetery', '520203101', 'township_wide'))).central_villages.covered).to.equal(
      1,
    );
  });

  it('ignores served codes that are unknown or outside the region', () => {
    const s = buildState(
      '520201',
      totals('520201'),
      [fac('rural_public_cemetery', '520201101201', 'multi_village', ['520203101201', '520201101299', '520201199'])],
      flags,
    );
    expect(covered(s)).to.deep.equal(['520201101201']);
    const i = summarise(s, 9).total.indicators;
    expect(i.villages).to.deep.equal({ total: 5, covered: 1, rate: 0.2 });
    expect(i.townships).to.deep.equal({ total: 2, covered: 1, rate: 0.5 });
  });

  it('adds an imagined facility to a state without touching the other townships', () => {
    const s = state();
    addFacility(s, { region_code: '520201101201', build_mode: 'single_village', areas: [] }, flags);
    expect(covered(s)).to.deep.equal(['520201101201']);
    expect(s.townships.get('520201102')!.covered.size).to.equal(0);
    expect(townshipCounts(s.townships.get('520201101')!)).to.deep.equal({ villages: 1, central: 0, communities: 0 });
    // A fresh state starts empty again.
    expect(covered(state())).to.deep.equal([]);
  });
});

describe('coverage engine: roll-up', () => {
  const busy = () =>
    state(
      fac('rural_public_cemetery', '520201101201', 'multi_village', ['520201101202', '520201101001']),
      fac('columbarium', '520203101'),
      fac('funeral_home', '520201101', null, [], 2),
    );
  const keys: (keyof Indicators)[] = [
    'counties',
    'townships',
    'villages',
    'central_villages',
    'cremation_counties',
    'communities',
  ];
  const sums = (children: Map<string, { indicators: Indicators }>, k: keyof Indicators) =>
    [...children.values()].reduce(
      (a, c) => ({ total: a.total + c.indicators[k].total, covered: a.covered + c.indicators[k].covered }),
      { total: 0, covered: 0 },
    );

  it('sums the counties to the province for every indicator', () => {
    const { total, children } = summarise(busy(), 6);
    expect([...children.keys()].sort()).to.deep.equal(['520201', '520203']);
    for (const k of keys)
      expect(sums(children, k), k).to.deep.equal({
        total: total.indicators[k].total,
        covered: total.indicators[k].covered,
      });
    expect(total.indicators.counties).to.deep.equal({ total: 2, covered: 2, rate: 1 });
    expect(children.get('520201')!.indicators.villages).to.deep.equal({ total: 5, covered: 2, rate: 0.4 });
  });

  it('sums the townships to the county for every indicator below the county, which alone holds its own county figures', () => {
    const s = buildState(
      '520201',
      totals('520201'),
      [
        fac('rural_public_cemetery', '520201101201', 'multi_village', ['520201101202']),
        fac('funeral_home', '520201101', null, [], 1),
      ],
      flags,
    );
    const { total, children } = summarise(s, 9);
    for (const k of ['townships', 'villages', 'central_villages', 'communities'] as const)
      expect(sums(children, k), k).to.deep.equal({
        total: total.indicators[k].total,
        covered: total.indicators[k].covered,
      });
    expect(total.indicators.counties).to.deep.equal({ total: 1, covered: 1, rate: 1 });
    expect(total.indicators.cremation_counties).to.deep.equal({ total: 1, covered: 1, rate: 1 });
    for (const c of children.values()) {
      expect(c.indicators.counties).to.deep.equal({ total: 0, covered: 0, rate: null });
      expect(c.indicators.cremation_counties).to.deep.equal({ total: 0, covered: 0, rate: null });
    }
  });

  it('sums the villages of a township to the township', () => {
    const s = busy();
    const mine = units.filter((u) => u.parent_code === '520201101');
    const own = summarise(
      buildState(
        '520201101',
        totals('520201101'),
        [fac('rural_public_cemetery', '520201101201', 'multi_village', ['520201101202', '520201101001'])],
        flags,
      ),
      12,
    ).total;
    const kids = new Map(mine.map((u) => [u.code, villageIndicators(s, u)]));
    for (const k of ['villages', 'central_villages', 'communities'] as const)
      expect(sums(kids, k), k).to.deep.equal({ total: own.indicators[k].total, covered: own.indicators[k].covered });
    expect(own.indicators.townships).to.deep.equal({ total: 1, covered: 1, rate: 1 });
    expect(villageIndicators(s, units[3]).indicators.communities).to.deep.equal({ total: 1, covered: 1, rate: 1 });
    expect(villageIndicators(s, units[2]).indicators.villages).to.deep.equal({ total: 1, covered: 0, rate: 0 });
  });
});

describe('coverage engine: states of several dates from one set of division totals', () => {
  it('share the townships nothing serves, and each keeps what its own facilities cover', () => {
    const divisions = divisionsOf(totals());
    const before = summarise(buildState('52', divisions, [], flags), 6);
    const served = buildState(
      '52',
      divisions,
      [
        fac('rural_public_cemetery', '520201101201', 'multi_village', ['520201101202']),
        fac('columbarium', '520203101'),
      ],
      flags,
    );
    const other = buildState('52', divisions, [fac('rural_public_cemetery', '520201102201', 'single_village')], flags);
    // The township nothing serves in either state is the same shared object; the served ones are each state's own.
    expect(served.townships.get('520203102')).to.equal(other.townships.get('520203102'));
    expect(served.townships.get('520201101')).to.not.equal(other.townships.get('520201101'));
    expect(covered(served)).to.deep.equal([
      '520201101201',
      '520201101202',
      '520203101201',
      '520203101202',
      '520203101001',
      '520203101002',
    ]);
    expect(covered(other)).to.deep.equal(['520201102201']);
    // The divisions themselves are untouched: a state built from them afterwards starts empty.
    expect(summarise(buildState('52', divisions, [], flags), 6)).to.deep.equal(before);
    expect(whole(served).villages).to.deep.equal({ total: 7, covered: 4, rate: 4 / 7 });
    expect(whole(other).villages).to.deep.equal({ total: 7, covered: 1, rate: 1 / 7 });
    // Summed per county, the same as the states built each from totals of their own.
    const fresh = buildState(
      '52',
      totals(),
      [
        fac('rural_public_cemetery', '520201101201', 'multi_village', ['520201101202']),
        fac('columbarium', '520203101'),
      ],
      flags,
    );
    expect(summarise(served, 6)).to.deep.equal(summarise(fresh, 6));
    expect(summarise(served, 9)).to.deep.equal(summarise(fresh, 9));
    expect([...served.townships.values()]).to.deep.equal([...fresh.townships.values()]);
  });
});

describe('coverage engine: uncovered villages counted per area', () => {
  // Counted one township at a time, as the pages did before the sums were shared.
  const byHand = (s: CoverageState, length: number) => {
    const out = new Map<string, { villages: number; central: number; townships: number }>();
    for (const t of s.townships.values()) {
      const c = townshipCounts(t);
      if (t.whole || t.adminVillages - c.villages <= 0) continue;
      const a = out.get(t.code.slice(0, length)) ?? { villages: 0, central: 0, townships: 0 };
      a.villages += t.adminVillages - c.villages;
      a.central += t.centralVillages - c.central;
      a.townships += 1;
      out.set(t.code.slice(0, length), a);
    }
    return [...out].sort(([a], [b]) => a.localeCompare(b));
  };

  it('counts per county and per city what the townships leave uncovered, leaving out areas with none', () => {
    const divisions = divisionsOf(totals());
    const states = [
      buildState('52', divisions, [], flags),
      buildState(
        '52',
        divisions,
        [fac('rural_public_cemetery', '520201101201', 'multi_village', ['520201101202'])],
        flags,
      ),
      buildState(
        '52',
        divisions,
        [
          fac('columbarium', '520203101'),
          fac('rural_public_cemetery', '520201102201', 'multi_village', ['520201102202']),
        ],
        flags,
      ),
    ];
    for (const s of states)
      for (const length of [4, 6]) expect([...uncoveredSums(s, length)], `${length}`).to.deep.equal(byHand(s, length));
    expect([...uncoveredSums(states[0], 6)]).to.deep.equal([
      ['520201', { villages: 5, central: 1, townships: 2 }],
      ['520203', { villages: 2, central: 1, townships: 1 }],
    ]);
    // 520203's villages are all covered: the county is left out.
    expect([...uncoveredSums(states[2], 6)]).to.deep.equal([['520201', { villages: 3, central: 1, townships: 1 }]]);
  });
});

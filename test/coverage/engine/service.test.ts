// The coverage rules against a real database: a small made-up city (99, 9901) with facilities whose status
// histories and service areas are written as the registry writes them, the Liupanshui demo data, and the JSON API.
import { expect } from 'chai';
import { createToken } from '../../../server/accounts/tokens.js';
import type { Db } from '../../../server/db.js';
import type { Indicators } from '../../../server/coverage/indicators/kinds.js';
import { computeCoverage, forgetDivisionTotals, uncoveredVillages } from '../../../server/coverage/engine/service.js';
import type { BuildMode, FacilityKind, FacilityStatus } from '../../../server/facilities/kinds.js';
import { dialect, startApp, type TestApp } from '../../helpers/app.js';

// 甲县 990101: 一镇 (three villages, one central, and a community), 二镇 (two villages).
// 乙县 990102: 三乡 (two villages, one central, and a community), 四街道 (a community only).
const divisions: {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  is_admin_village?: boolean;
  is_central_village?: boolean;
}[] = [
  { code: '99', name: '测试省', level: 'province', parent_code: null },
  { code: '9901', name: '测试市', level: 'city', parent_code: '99' },
  { code: '990101', name: '甲县', level: 'county', parent_code: '9901' },
  { code: '990102', name: '乙县', level: 'county', parent_code: '9901' },
  { code: '990101101', name: '一镇', level: 'township', parent_code: '990101' },
  { code: '990101102', name: '二镇', level: 'township', parent_code: '990101' },
  { code: '990102101', name: '三乡', level: 'township', parent_code: '990102' },
  { code: '990102001', name: '四街道', level: 'township', parent_code: '990102' },
  { code: '990101101001', name: '一镇社区居委会', level: 'village', parent_code: '990101101', is_admin_village: false },
  { code: '990101101201', name: '东村村委会', level: 'village', parent_code: '990101101', is_admin_village: true },
  { code: '990101101202', name: '西村村委会', level: 'village', parent_code: '990101101', is_admin_village: true },
  {
    code: '990101101203',
    name: '南村村委会',
    level: 'village',
    parent_code: '990101101',
    is_admin_village: true,
    is_central_village: true,
  },
  { code: '990101102201', name: '北村村委会', level: 'village', parent_code: '990101102', is_admin_village: true },
  { code: '990101102202', name: '中村村委会', level: 'village', parent_code: '990101102', is_admin_village: true },
  { code: '990102101001', name: '三乡社区居委会', level: 'village', parent_code: '990102101', is_admin_village: false },
  { code: '990102101201', name: '上村村委会', level: 'village', parent_code: '990102101', is_admin_village: true },
  {
    code: '990102101202',
    name: '下村村委会',
    level: 'village',
    parent_code: '990102101',
    is_admin_village: true,
    is_central_village: true,
  },
  {
    code: '990102001001',
    name: '四街道社区居委会',
    level: 'village',
    parent_code: '990102001',
    is_admin_village: false,
  },
];

interface Made {
  kind: FacilityKind;
  region: string;
  mode?: BuildMode;
  areas?: string[];
  steps: [FacilityStatus, string][];
  cremators?: boolean[];
}

let serial = 0;
/** A facility as the registry keeps it: the row, its status history, its service area, its cremators. */
async function facility(db: Db, f: Made): Promise<number> {
  serial += 1;
  const now = new Date().toISOString();
  const [row] = await db('facilities')
    .insert({
      name: `规则测试${serial}`,
      kind: f.kind,
      status: f.steps.at(-1)?.[0] ?? 'operating',
      region_code: f.region,
      build_mode: f.mode ?? null,
      is_sample: false,
      created_at: now,
      updated_at: now,
    })
    .returning('id');
  const id = typeof row === 'object' ? row.id : row;
  for (const [status, on] of f.steps)
    await db('facility_status_history').insert({ facility_id: id, status, effective_on: on, recorded_at: now });
  for (const code of f.areas ?? []) await db('facility_service_areas').insert({ facility_id: id, region_code: code });
  for (const [i, active] of (f.cremators ?? []).entries()) {
    await db('cremators').insert({
      facility_id: id,
      name: `${i + 1}号炉`,
      slot_minutes: 60,
      day_start: '08:00',
      day_end: '17:00',
      active,
      created_at: now,
      updated_at: now,
    });
  }
  return id;
}

const open2021: [FacilityStatus, string][] = [
  ['planned', '2019-01-01'],
  ['building', '2020-01-01'],
  ['operating', '2021-01-01'],
];

const brief = (i: Indicators) => Object.fromEntries(Object.entries(i).map(([k, r]) => [k, `${r.covered}/${r.total}`]));
const sum = (children: { indicators: Indicators }[], k: keyof Indicators) =>
  children.reduce(
    (a, c) => ({ total: a.total + c.indicators[k].total, covered: a.covered + c.indicators[k].covered }),
    { total: 0, covered: 0 },
  );

describe(`coverage rules on a database (${dialect})`, () => {
  let app: TestApp;
  const city = (date = '2025-06-30') => computeCoverage(app.db, { region: '9901', date });

  before(async () => {
    app = await startApp();
    await app.db('regions').insert(divisions.map((d) => ({ is_admin_village: null, is_central_village: false, ...d })));
  });
  after(() => app.close());

  beforeEach(async () => {
    const ids = app.db('facilities').where('region_code', 'like', '99%').select('id');
    await app.db('cremators').whereIn('facility_id', ids).delete();
    await app.db('facility_service_areas').whereIn('facility_id', ids).delete();
    await app.db('facility_status_history').whereIn('facility_id', ids).delete();
    await app.db('facilities').where('region_code', 'like', '99%').delete();
  });

  it('applies every build mode: 单村独建, 多村联建, 全镇统建, 镇村合建', async () => {
    await facility(app.db, {
      kind: 'rural_public_cemetery',
      region: '990101101201',
      mode: 'single_village',
      steps: open2021,
    });
    await facility(app.db, {
      kind: 'rural_public_cemetery',
      region: '990101102201',
      mode: 'multi_village',
      areas: ['990101101202'],
      steps: open2021,
    });
    await facility(app.db, {
      kind: 'rural_public_cemetery',
      region: '990102101',
      mode: 'township_village',
      areas: ['990102101202'],
      steps: open2021,
    });
    let c = await city();
    expect(brief(c.region.indicators)).to.deep.equal({
      counties: '2/2',
      townships: '3/4',
      villages: '4/7',
      central_villages: '1/2',
      cremation_counties: '0/2',
      communities: '0/3',
    });
    const open = await uncoveredVillages(app.db, { region: '9901', date: '2025-06-30' });
    expect(open.map((t) => [t.code, t.county.name, t.villages.map((v) => v.code)])).to.deep.equal([
      ['990101101', '甲县', ['990101101203']],
      ['990101102', '甲县', ['990101102202']],
      ['990102101', '乙县', ['990102101201']],
    ]);
    expect(open[0].villages[0]).to.deep.equal({ code: '990101101203', name: '南村村委会', central: true });

    await facility(app.db, {
      kind: 'rural_public_cemetery',
      region: '990101101203',
      mode: 'township_wide',
      steps: open2021,
    });
    c = await city();
    expect(brief(c.region.indicators).villages).to.equal('5/7');
    expect(c.children.find((k) => k.code === '990101')!.indicators.villages).to.deep.equal({
      total: 5,
      covered: 4,
      rate: 0.8,
    });
    expect(
      (await uncoveredVillages(app.db, { region: '990101', date: '2025-06-30' })).map((t) =>
        t.villages.map((v) => v.code),
      ),
    ).to.deep.equal([['990101102202']]);
  });

  it('counts a facility only while its history says operating: from the day it opens, until the day it closes', async () => {
    await facility(app.db, {
      kind: 'rural_public_cemetery',
      region: '990101101',
      mode: 'township_wide',
      steps: [
        ['planned', '2020-01-01'],
        ['building', '2021-03-01'],
        ['operating', '2022-06-15'],
        ['closed', '2024-09-30'],
        ['operating', '2025-03-01'],
      ],
    });
    const villages = async (date: string) => (await city(date)).region.indicators.villages.covered;
    expect(await villages('2019-12-31')).to.equal(0);
    expect(await villages('2021-06-01')).to.equal(0);
    expect(await villages('2022-06-14')).to.equal(0);
    expect(await villages('2022-06-15')).to.equal(3);
    expect(await villages('2024-09-29')).to.equal(3);
    expect(await villages('2024-09-30')).to.equal(0);
    expect(await villages('2025-03-01')).to.equal(3);
    expect((await city('2024-12-31')).region.indicators.townships.covered).to.equal(0);
  });

  it('ignores the registered status: no history on or before the date means not counted, and of two rows on one day the later one counts', async () => {
    const id = await facility(app.db, { kind: 'columbarium', region: '990101102', steps: [] });
    await app.db('facilities').where({ id }).update({ status: 'operating' });
    expect((await city()).region.indicators.townships.covered).to.equal(0);
    const now = new Date().toISOString();
    await app
      .db('facility_status_history')
      .insert({ facility_id: id, status: 'building', effective_on: '2023-05-01', recorded_at: now });
    await app
      .db('facility_status_history')
      .insert({ facility_id: id, status: 'operating', effective_on: '2023-05-01', recorded_at: now });
    expect((await city('2023-05-01')).region.indicators.villages.covered).to.equal(2);
    expect((await city('2023-04-30')).region.indicators.villages.covered).to.equal(0);
  });

  it('never counts commercial cemeteries or funeral service points, whatever they serve', async () => {
    await facility(app.db, { kind: 'commercial_cemetery', region: '990101101', areas: ['990101102'], steps: open2021 });
    await facility(app.db, {
      kind: 'commercial_cemetery',
      region: '990102101201',
      mode: 'township_wide',
      steps: open2021,
    });
    await facility(app.db, {
      kind: 'funeral_service_point',
      region: '990102101',
      areas: ['990102101201'],
      steps: open2021,
    });
    expect(brief((await city()).region.indicators)).to.deep.equal({
      counties: '0/2',
      townships: '0/4',
      villages: '0/7',
      central_villages: '0/2',
      cremation_counties: '0/2',
      communities: '0/3',
    });
  });

  it('leaves urban communities out of village coverage and reports them apart', async () => {
    await facility(app.db, {
      kind: 'urban_public_cemetery',
      region: '990102001001',
      areas: ['990102101001'],
      steps: open2021,
    });
    const c = await city();
    expect(c.region.indicators.villages.covered).to.equal(0);
    expect(c.region.indicators.communities).to.deep.equal({ total: 3, covered: 2, rate: 2 / 3 });
    expect(c.region.communities).to.equal(3);
    // Located in 四街道, which has no villages: the township and county count.
    expect(c.region.indicators.townships.covered).to.equal(1);
    expect(c.children.find((k) => k.code === '990102')!.indicators.counties.covered).to.equal(1);
  });

  it('counts central villages as marked, and reads the marks again after forgetDivisionTotals', async () => {
    await facility(app.db, {
      kind: 'rural_public_cemetery',
      region: '990101101201',
      mode: 'multi_village',
      areas: ['990101101202', '990101101203'],
      steps: open2021,
    });
    expect((await city()).region.indicators.central_villages).to.deep.equal({ total: 2, covered: 1, rate: 0.5 });
    await app.db('regions').where({ code: '990101101201' }).update({ is_central_village: true });
    // A community marked central is not a central village.
    await app.db('regions').where({ code: '990102101001' }).update({ is_central_village: true });
    forgetDivisionTotals(app.db);
    try {
      expect((await city()).region.indicators.central_villages).to.deep.equal({ total: 3, covered: 2, rate: 2 / 3 });
    } finally {
      await app.db('regions').whereIn('code', ['990101101201', '990102101001']).update({ is_central_village: false });
      forgetDivisionTotals(app.db);
    }
  });

  it('gives a county cremation coverage only for an operating funeral home with an active cremator', async () => {
    await facility(app.db, { kind: 'funeral_home', region: '990101101', steps: open2021, cremators: [false, false] });
    await facility(app.db, {
      kind: 'funeral_home',
      region: '990102101',
      steps: [
        ['planned', '2020-01-01'],
        ['building', '2021-01-01'],
      ],
      cremators: [true],
    });
    let c = await city();
    expect(c.region.indicators.cremation_counties).to.deep.equal({ total: 2, covered: 0, rate: 0 });
    // A funeral home is no place for ashes: it covers no village, township or county.
    expect(brief(c.region.indicators).villages).to.equal('0/7');
    expect(brief(c.region.indicators).counties).to.equal('0/2');
    await facility(app.db, {
      kind: 'funeral_home',
      region: '990101102',
      steps: [...open2021, ['closed', '2024-01-01']],
      cremators: [true],
    });
    await facility(app.db, { kind: 'funeral_home', region: '990102', steps: open2021, cremators: [false, true] });
    c = await city('2023-12-31');
    expect(c.children.map((k) => [k.code, k.indicators.cremation_counties.covered])).to.deep.equal([
      ['990101', 1],
      ['990102', 1],
    ]);
    c = await city('2024-01-01');
    expect(c.children.map((k) => [k.code, k.indicators.cremation_counties.covered])).to.deep.equal([
      ['990101', 0],
      ['990102', 1],
    ]);
  });

  it('answers for a village, for the whole country without a region, and 404 for an unknown code', async () => {
    await facility(app.db, {
      kind: 'rural_public_cemetery',
      region: '990101101201',
      mode: 'single_village',
      steps: open2021,
    });
    const village = await computeCoverage(app.db, { region: '990101101201', date: '2025-06-30' });
    expect(village.region.level).to.equal('village');
    expect(village.region.indicators.villages).to.deep.equal({ total: 1, covered: 1, rate: 1 });
    expect(village.children).to.deep.equal([]);
    const country = await computeCoverage(app.db, { date: '2025-06-30' });
    expect(country.region).to.include({ code: '', level: 'country' });
    expect(country.children.map((c) => c.code)).to.deep.equal(['52', '99']);
    expect(country.region.indicators.villages.total).to.equal(724 + 7);
    expect(country.children[1].indicators.villages).to.deep.equal({ total: 7, covered: 1, rate: 1 / 7 });
    try {
      await computeCoverage(app.db, { region: '520299', date: '2025-06-30' });
      expect.fail('no error');
    } catch (err) {
      expect(err).to.have.property('status', 404);
      expect(err).to.have.property('code', 'region_not_found');
    }
  });
});

describe(`coverage of the Liupanshui demo data (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp();
  });
  after(() => app.close());

  const keys: (keyof Indicators)[] = [
    'counties',
    'townships',
    'villages',
    'central_villages',
    'cremation_counties',
    'communities',
  ];

  it('rolls up: the children sum to the parent for the city, a county and a township, on every year end', async () => {
    for (const date of ['2021-12-31', '2023-12-31', '2025-12-31']) {
      const c = await computeCoverage(app.db, { region: '5202', date });
      expect(c.children.map((k) => k.name)).to.deep.equal(['钟山区', '六枝特区', '水城区', '盘州市']);
      for (const k of keys)
        expect(sum(c.children, k), `5202 ${k} ${date}`).to.deep.equal({
          total: c.region.indicators[k].total,
          covered: c.region.indicators[k].covered,
        });
      const county = await computeCoverage(app.db, { region: '520203', date });
      expect(county.children).to.have.length(18);
      for (const k of ['townships', 'villages', 'central_villages', 'communities'] as const) {
        expect(sum(county.children, k), `520203 ${k} ${date}`).to.deep.equal({
          total: county.region.indicators[k].total,
          covered: county.region.indicators[k].covered,
        });
      }
      // The county's own county figures are its alone; its townships show none.
      expect(county.region.indicators.counties.total).to.equal(1);
      expect(sum(county.children, 'counties')).to.deep.equal({ total: 0, covered: 0 });
      expect(c.children.find((k) => k.code === '520203')!.indicators).to.deep.equal(county.region.indicators);
      const township = await computeCoverage(app.db, { region: '520281104', date });
      expect(township.children).to.have.length(22);
      for (const k of ['villages', 'central_villages', 'communities'] as const) {
        expect(sum(township.children, k), `520281104 ${k} ${date}`).to.deep.equal({
          total: township.region.indicators[k].total,
          covered: township.region.indicators[k].covered,
        });
      }
      expect(county.children.length).to.be.greaterThan(0);
      const fromCounty = (await computeCoverage(app.db, { region: '520281', date })).children.find(
        (k) => k.code === '520281104',
      )!;
      expect(fromCounty.indicators).to.deep.equal(township.region.indicators);
    }
  });

  it('keeps its figures: rising every year, some targets met and some behind', async () => {
    const at = async (date: string) =>
      brief((await computeCoverage(app.db, { region: '5202', date })).region.indicators);
    expect(await at('2020-12-31')).to.deep.equal({
      counties: '0/4',
      townships: '0/92',
      villages: '0/724',
      central_villages: '0/110',
      cremation_counties: '2/4',
      communities: '0/428',
    });
    expect(await at('2021-12-31')).to.deep.equal({
      counties: '3/4',
      townships: '15/92',
      villages: '44/724',
      central_villages: '8/110',
      cremation_counties: '2/4',
      communities: '87/428',
    });
    // 2022: townships 41% and villages 25.6% against 30% and 25% — both met.
    expect(await at('2022-12-31')).to.deep.equal({
      counties: '4/4',
      townships: '38/92',
      villages: '185/724',
      central_villages: '24/110',
      cremation_counties: '2/4',
      communities: '120/428',
    });
    // 2023: townships 72% (70% met), villages 46% (50% behind).
    expect(await at('2023-12-31')).to.deep.equal({
      counties: '4/4',
      townships: '66/92',
      villages: '333/724',
      central_villages: '52/110',
      cremation_counties: '2/4',
      communities: '164/428',
    });
    // 2024: every township (met), villages 75% (80% behind); 六枝特区's funeral home opened.
    expect(await at('2024-12-31')).to.deep.equal({
      counties: '4/4',
      townships: '92/92',
      villages: '541/724',
      central_villages: '82/110',
      cremation_counties: '3/4',
      communities: '305/428',
    });
    // 2025: villages 85% (100% behind), cremation 3 of 4 counties (100% behind).
    expect(await at('2025-12-31')).to.deep.equal({
      counties: '4/4',
      townships: '92/92',
      villages: '618/724',
      central_villages: '95/110',
      cremation_counties: '3/4',
      communities: '305/428',
    });
    const targets = await app
      .db('coverage_targets')
      .where({ region_code: '5202' })
      .orderBy(['indicator', 'year'])
      .select('indicator', 'year', 'rate');
    expect(
      targets.filter((t) => t.indicator === 'villages').map((t) => [Number(t.year), Number(t.rate)]),
    ).to.deep.equal([
      [2022, 0.25],
      [2023, 0.5],
      [2024, 0.8],
      [2025, 1],
    ]);
    expect(
      targets.filter((t) => t.indicator === 'townships').map((t) => [Number(t.year), Number(t.rate)]),
    ).to.deep.equal([
      [2022, 0.3],
      [2023, 0.7],
      [2024, 1],
    ]);
    expect(targets.map((t) => t.indicator)).to.include.members(['counties', 'cremation_counties', 'grave_remediation']);
  });

  it('has a status history for every facility, sample data marked as such, every build mode and a closed cemetery', async () => {
    const without = await app
      .db('facilities')
      .whereNotExists(app.db('facility_status_history as h').whereRaw('h.facility_id = facilities.id'))
      .count({ n: '*' });
    expect(Number(without[0].n)).to.equal(0);
    expect(Number((await app.db('facilities').where({ is_sample: false }).count({ n: '*' }))[0].n)).to.equal(0);
    const modes = (await app.db('facilities').whereNotNull('build_mode').distinct('build_mode'))
      .map((r) => r.build_mode)
      .sort();
    expect(modes).to.deep.equal(['multi_village', 'single_village', 'township_village', 'township_wide']);
    expect(Number((await app.db('facilities').where({ status: 'closed' }).count({ n: '*' }))[0].n)).to.be.greaterThan(
      0,
    );
    // The registered status is the latest of the history.
    const rows = await app
      .db('facilities as f')
      .select(
        'f.status',
        app.db.raw(
          '(select h.status from facility_status_history h where h.facility_id = f.id order by h.effective_on desc, h.id desc limit 1) as latest',
        ),
      );
    expect(rows.every((r) => r.status === r.latest)).to.equal(true);
  });

  it('has plausible yearly figures: about 6 deaths per 1,000 people, cremations and green burials below the deaths', async () => {
    const stats = await app.db('region_year_stats').where('region_code', 'like', '5202%').select();
    expect(stats).to.have.length(4 * 5);
    for (let year = 2021; year <= 2025; year += 1) {
      const deaths = stats.filter((s) => Number(s.year) === year).reduce((a, s) => a + Number(s.deaths), 0);
      expect(deaths / 3_030_000, String(year)).to.be.within(0.005, 0.0075);
    }
    for (const s of stats) {
      expect(Number(s.cremations)).to.be.below(Number(s.deaths));
      expect(Number(s.green_burials)).to.be.below(Number(s.burials));
    }
    const graves = await app.db('grave_remediation').select();
    expect(graves.length).to.be.greaterThan(0);
    expect(graves.every((g) => Number(g.remediated) <= Number(g.found))).to.equal(true);
    const zones = await app.db('regions').whereNotNull('funeral_zone').select('code', 'funeral_zone');
    expect(
      zones
        .filter((z) => z.funeral_zone === 'reform')
        .every((z) => z.code.startsWith('520203') || z.code.startsWith('520281')),
    ).to.equal(true);
    expect(zones.find((z) => z.code === '520201')?.funeral_zone).to.equal('cremation');
  });
});

describe(`coverage JSON API (${dialect})`, () => {
  let app: TestApp;
  const tokens: Record<string, string> = {};
  before(async () => {
    app = await startApp();
    for (const username of ['bureau', 'admin', 'frontdesk', 'cemetery']) {
      const user = await app.db('users').where({ username }).first('id');
      tokens[username] = (await createToken(app.db, null, user.id, `test ${username}`, null)).token;
    }
  });
  after(() => app.close());

  const get = (path: string, who = 'bureau') =>
    fetch(`${app.url}${path}`, { headers: who ? { authorization: `Bearer ${tokens[who]}` } : {} });

  it('answers a region on a date with its indicators and its children', async () => {
    const res = await get('/api/v1/coverage?region=5202&date=2024-12-31');
    expect(res.status).to.equal(200);
    const body = await res.json();
    expect(Object.keys(body)).to.deep.equal(['region', 'date', 'indicators', 'children']);
    expect(body.region).to.deep.equal({ code: '5202', name: '六盘水市', level: 'city' });
    expect(body.date).to.equal('2024-12-31');
    expect(Object.keys(body.indicators)).to.deep.equal([
      'counties',
      'townships',
      'villages',
      'central_villages',
      'cremation_counties',
      'communities',
    ]);
    expect(body.indicators.villages).to.deep.equal({ total: 724, covered: 541, rate: 541 / 724 });
    expect(body.indicators.townships).to.deep.equal({ total: 92, covered: 92, rate: 1 });
    expect(body.children.map((c: { code: string; name: string }) => `${c.code} ${c.name}`)).to.deep.equal([
      '520201 钟山区',
      '520203 六枝特区',
      '520204 水城区',
      '520281 盘州市',
    ]);
    expect(Object.keys(body.children[0])).to.deep.equal(['code', 'name', 'level', 'indicators']);
    expect(
      body.children.reduce((a: number, c: { indicators: Indicators }) => a + c.indicators.villages.covered, 0),
    ).to.equal(541);
  });

  it('answers the whole country without a region and today without a date', async () => {
    const body = await (await get('/api/v1/coverage', 'admin')).json();
    expect(body.region).to.deep.equal({ code: null, name: '全国', level: 'country' });
    expect(body.date).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.children.map((c: { code: string }) => c.code)).to.deep.equal(['52']);
    expect(body.indicators.villages.total).to.equal(724);
    const village = await (await get('/api/v1/coverage?region=520201101201&date=2025-12-31')).json();
    expect(village.children).to.deep.equal([]);
    expect(village.indicators.villages).to.deep.equal({ total: 1, covered: 1, rate: 1 });
  });

  it('answers 400 with field errors for a bad code or date, and 404 for an unknown region', async () => {
    let res = await get('/api/v1/coverage?region=52x&date=2024-13-01');
    expect(res.status).to.equal(400);
    const body = await res.json();
    expect(body.error).to.equal('invalid_input');
    expect(body.fields.region.code).to.equal('region_code_format');
    expect(body.fields.date.code).to.equal('date_format');
    expect(body.fields.region.message).to.contain('区划代码');
    res = await get('/api/v1/coverage?region=52020&date=2024-12-31');
    expect(res.status).to.equal(400);
    res = await get('/api/v1/coverage?region=520299&date=2024-12-31');
    expect(res.status).to.equal(404);
    expect((await res.json()).error).to.equal('region_not_found');
  });

  it('is for the bureau and administrators only: 403 for the front desk and cemetery staff, 401 without a token', async () => {
    expect((await get('/api/v1/coverage?region=5202', 'frontdesk')).status).to.equal(403);
    expect((await get('/api/v1/coverage?region=5202', 'cemetery')).status).to.equal(403);
    expect((await get('/api/v1/coverage?region=5202', '')).status).to.equal(401);
  });
});

// The indicators beyond coverage: cremation rate from entered figures or, without them, from the cases that reached
// the cremated state; green-burial rate; waiver totals from the counted claims (approved, settled) by year of death; scattered-grave remediation with
// each township's latest report carried forward and the target in force; all unavailable without data; funeral zones.
import { expect } from 'chai';
import { otherIndicators, zonesUnder } from '../../../server/coverage/indicators/service.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { nextIdNumber } from '../../helpers/id-numbers.js';
import { clearClaims, fixtureVersion, insertClaim } from '../../waivers/claim-fixtures.js';

describe(`coverage: other indicators (${dialect})`, () => {
  let app: TestApp;
  let home: number;
  let townships: string[];
  let village: string; // a village of 水城区 (520204)
  let caseNo = 0;

  before(async () => {
    app = await startApp();
    home = (await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id')).id;
    townships = await app
      .db('regions')
      .where({ parent_code: '520201', level: 'township' })
      .orderBy('code')
      .limit(3)
      .pluck('code');
    village = (
      await app.db('regions').where({ level: 'village' }).where('code', 'like', '520204%').orderBy('code').first('code')
    ).code;
  });
  after(() => app.close());

  /** Starts from no figures, cases, targets or zones at all: the demo data carries some of each. */
  async function clear() {
    await clearClaims(app.db);
    for (const t of [
      'memorial_tributes',
      'memorial_photos',
      'memorials',
      'satisfaction_surveys',
      'case_deductions',
      'case_closing_reasons',
      'case_events',
      'case_payments',
      'case_lines',
      'cremation_bookings',
      'hall_bookings',
      'case_contact_log',
      'case_contacts',
      'case_documents',
      'case_document_files',
    ])
      await app.db(t).delete();
    await app.db('funeral_cases').delete();
    // Placements count toward the green-burial rate (the demo has some): none here but the tests' own.
    await app.db('resting_placements').delete();
    for (const t of ['region_year_stats', 'grave_remediation', 'coverage_targets']) await app.db(t).delete();
    await app.db('regions').update({ funeral_zone: null });
  }

  /** A case of someone whose household was in `region`, with its status moves at the given instants. */
  async function funeralCase(
    region: string | null,
    moves: [string, string][],
    deductions: [number, string][] = [],
  ): Promise<number> {
    caseNo += 1;
    const now = new Date().toISOString();
    const [row] = await app
      .db('funeral_cases')
      .insert({
        facility_id: home,
        case_number: `T-${caseNo}`,
        status: moves.length ? moves[moves.length - 1][0] : 'registered',
        deceased_name: '测试',
        id_number: nextIdNumber(),
        sex: 'male',
        birth_date: '1950-01-01',
        death_at: now,
        household_region_code: region,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    for (const [to, at] of moves)
      await app.db('case_events').insert({ case_id: id, from_status: null, to_status: to, at });
    for (const [fen, at] of deductions)
      await app
        .db('case_deductions')
        .insert({ case_id: id, source: 'waiver', label: '惠民殡葬减免', amount_fen: fen, created_at: at });
    return id;
  }

  const stats = (
    region_code: string,
    year: number,
    v: { deaths?: number | null; cremations?: number | null; burials?: number | null; green_burials?: number | null },
  ) =>
    app.db('region_year_stats').insert({
      region_code,
      year,
      deaths: null,
      cremations: null,
      burials: null,
      green_burials: null,
      ...v,
      updated_at: new Date().toISOString(),
    });

  it('says every indicator is unavailable when there is no data, with a series from 2021', async () => {
    await clear();
    const r = await otherIndicators(app.db, { region: '5202', date: '2025-06-30' });
    expect(r.region).to.include({ code: '5202', name: '六盘水市' });
    expect(r.year).to.equal(2025);
    for (const k of ['cremation_rate', 'green_burial_rate', 'waivers', 'grave_remediation'] as const) {
      expect(r[k], k).to.include({ available: false, rate: null, numerator: 0, denominator: 0 });
    }
    expect(r.cremation_rate.target).to.equal(null);
    expect(r.zone).to.equal(null);
    expect(r.series.map((s) => s.year)).to.deep.equal([2021, 2022, 2023, 2024, 2025]);
    expect(r.series.every((s) => !s.cremation_rate.available)).to.equal(true);
  });

  it('computes the cremation and green-burial rates from the figures entered, summed over the counties', async () => {
    await stats('520201', 2025, { deaths: 1000, cremations: 800, burials: 900, green_burials: 300 });
    await stats('520203', 2025, { deaths: 500, cremations: 100 });
    await stats('520201', 2024, { deaths: 900, cremations: 600 });
    const city = await otherIndicators(app.db, { region: '5202', date: '2025-06-30' });
    expect(city.cremation_rate).to.include({ numerator: 900, denominator: 1500, available: true, source: 'entered' });
    expect(city.cremation_rate.rate).to.be.closeTo(0.6, 1e-12);
    expect(city.green_burial_rate).to.include({ numerator: 300, denominator: 900, available: true });
    const y2024 = city.series.find((s) => s.year === 2024)!;
    expect(y2024.cremation_rate).to.include({ numerator: 600, denominator: 900 });
    expect(y2024.green_burial_rate.available).to.equal(false);
    const county = await otherIndicators(app.db, { region: '520203', date: '2025-12-31' });
    expect(county.cremation_rate).to.include({ numerator: 100, denominator: 500 });
    expect(county.green_burial_rate.available).to.equal(false);
    // A township keeps no deaths of its own.
    const township = await otherIndicators(app.db, { region: townships[0], date: '2025-06-30' });
    expect(township.cremation_rate.available).to.equal(false);
  });

  it("counts cremations from the cases of the county's residents when none were entered, by the year in Shanghai", async () => {
    await stats('520204', 2025, { deaths: 10 });
    await funeralCase(village, [
      ['registered', '2024-12-20T02:00:00.000Z'],
      ['cremated', '2024-12-31T16:30:00.000Z'],
    ]); // 2025-01-01 00:30 in Shanghai
    await funeralCase(village, [
      ['cremated', '2025-07-01T03:00:00.000Z'],
      ['ashes_released', '2025-07-02T03:00:00.000Z'],
    ]);
    await funeralCase(village, [['cremated', '2024-12-31T15:00:00.000Z']]); // 2024-12-31 23:00 in Shanghai: the year before
    await funeralCase(village, [['stored', '2025-03-01T03:00:00.000Z']]); // not cremated
    await funeralCase('520201', [['cremated', '2025-03-01T03:00:00.000Z']]); // another county
    await funeralCase(null, [['cremated', '2025-03-01T03:00:00.000Z']]); // household unknown
    const county = await otherIndicators(app.db, { region: '520204', date: '2025-06-30' });
    expect(county.cremation_rate).to.include({ numerator: 2, denominator: 10, available: true, source: 'cases' });
    const city = await otherIndicators(app.db, { region: '5202', date: '2025-06-30' });
    expect(city.cremation_rate).to.include({ numerator: 902, denominator: 1510, source: 'mixed' });
  });

  it("sums the counted claims of the region's residents who died in the year, pending and rejected ones apart", async () => {
    const v = await fixtureVersion(app.db);
    const claim = (
      household: string,
      death: string,
      status: 'approved' | 'settled' | 'submitted' | 'rejected',
      fen: number[],
    ) => insertClaim(app.db, v, { facility: home, household, death, status, lines: fen.map((f) => ({ fen: f })) });
    await claim(village, '2025-02-01', 'approved', [50_000, 20_000]);
    await claim('520201', '2025-12-31', 'settled', [30_000]);
    await claim('520201', '2025-05-01', 'submitted', [7_000]);
    await claim('520201', '2025-05-01', 'rejected', [8_000]);
    await claim('520201', '2024-12-31', 'settled', [99_900]);
    const city = await otherIndicators(app.db, { region: '5202', date: '2025-06-30' });
    expect(city.waivers).to.include({ numerator: 100_000, denominator: 2, rate: null, available: true });
    expect(city.series.find((s) => s.year === 2024)!.waivers).to.include({ numerator: 99_900, denominator: 1 });
    const county = await otherIndicators(app.db, { region: '520204', date: '2025-06-30' });
    expect(county.waivers).to.include({ numerator: 70_000, denominator: 1 });
    const none = await otherIndicators(app.db, { region: '520281', date: '2025-06-30' });
    expect(none.waivers.available).to.equal(false);
  });

  it("sums scattered graves over townships, carrying each township's latest report forward, against the target in force", async () => {
    const [a, b] = townships;
    const now = new Date().toISOString();
    await app.db('grave_remediation').insert([
      { region_code: a, year: 2022, found: 100, remediated: 70, updated_at: now },
      { region_code: a, year: 2024, found: 120, remediated: 120, updated_at: now },
      { region_code: b, year: 2023, found: 50, remediated: 10, updated_at: now },
    ]);
    await app.db('coverage_targets').insert([
      { region_code: '5202', indicator: 'grave_remediation', year: 2022, rate: 0.7, source: '示例', updated_at: now },
      { region_code: '5202', indicator: 'grave_remediation', year: 2023, rate: 1, source: '示例', updated_at: now },
      { region_code: '520201', indicator: 'cremation_rate', year: 2025, rate: 0.75, source: null, updated_at: now },
    ]);
    const r = await otherIndicators(app.db, { region: '5202', date: '2025-06-30' });
    const year = (y: number) => r.series.find((s) => s.year === y)!.grave_remediation;
    expect(year(2021)).to.include({ available: false, townships: 0 });
    expect(year(2022)).to.include({ numerator: 70, denominator: 100, townships: 1 });
    expect(year(2022).target).to.include({ rate: 0.7, year: 2022, carried: false, met: true });
    expect(year(2023)).to.include({ numerator: 80, denominator: 150, townships: 2 });
    expect(year(2023).target).to.include({ rate: 1, met: false });
    expect(year(2023).target!.gap).to.be.closeTo(1 - 80 / 150, 1e-12);
    expect(year(2024)).to.include({ numerator: 130, denominator: 170 });
    expect(r.grave_remediation).to.include({ numerator: 130, denominator: 170, townships: 2 });
    expect(r.grave_remediation.target).to.include({ rate: 1, year: 2023, carried: true, regionCode: '5202' });
    // A county's own target applies to it; the city has none for the cremation rate.
    expect(r.cremation_rate.target).to.equal(null);
    const county = await otherIndicators(app.db, { region: '520201', date: '2025-06-30' });
    expect(county.cremation_rate.target).to.include({ rate: 0.75, regionCode: '520201', met: true, gap: 0 }); // 800 of 1,000
    const township = await otherIndicators(app.db, { region: b, date: '2023-12-31' });
    expect(township.grave_remediation).to.include({ numerator: 10, denominator: 50 });
    expect(township.series.map((s) => s.year)).to.deep.equal([2021, 2022, 2023]);
  });

  it('reads the funeral zones: a township without its own follows its county', async () => {
    const [a, b] = townships;
    await app.db('regions').where({ code: '520201' }).update({ funeral_zone: 'cremation' });
    await app.db('regions').where({ code: b }).update({ funeral_zone: 'reform' });
    const zones = await zonesUnder(app.db, '520201');
    expect(zones[0]).to.deep.equal({
      code: '520201',
      name: '钟山区',
      level: 'county',
      zone: 'cremation',
      inherited: false,
    });
    expect(zones.find((z) => z.code === a)).to.include({ level: 'township', zone: 'cremation', inherited: true });
    expect(zones.find((z) => z.code === b)).to.include({ zone: 'reform', inherited: false });
    const one = await zonesUnder(app.db, a);
    expect(one).to.have.length(1);
    expect(one[0]).to.include({ zone: 'cremation', inherited: true });
    expect((await zonesUnder(app.db, '520203')).every((z) => z.zone === null)).to.equal(true);
    expect((await otherIndicators(app.db, { region: b, date: '2025-06-30' })).zone).to.equal('reform');
    expect((await otherIndicators(app.db, { region: a, date: '2025-06-30' })).zone).to.equal('cremation');
    expect((await otherIndicators(app.db, { region: '5202', date: '2025-06-30' })).zone).to.equal(null);
  });
});

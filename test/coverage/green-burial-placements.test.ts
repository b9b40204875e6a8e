// The green-burial rate from placements (issue 18, item 5): green placements over all placements made in the year at
// the facilities of the region (scattering green, removed ones still counted); a county without placements in a
// year keeps its figures as entered; the dashboard and the report's tables say which source a figure came from.
import { expect } from 'chai';
import { greenBurialYears, otherIndicators } from '../../server/coverage/indicators/service.js';
import type { FacilityKind } from '../../server/facilities/kinds.js';
import type { BurialMethod } from '../../server/resting/kinds.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { signedIn } from '../helpers/client.js';
import { readCsv } from '../reports/read-tables.js';
import { placement } from '../resting/placement-fixtures.js';

describe(`coverage: green-burial rate from placements (${dialect})`, () => {
  let app: TestApp;
  let zhongshan: number; // a cemetery in 大河镇, 钟山区 (520201)
  let zhongshanColumbarium: number; // a columbarium in another township of 钟山区
  let shuicheng: number; // a cemetery in 水城区 (520204)
  let serial = 0;
  const DAHE = '520201101';

  before(async () => {
    app = await startApp();
    for (const t of ['resting_placements', 'resting_fee_lines', 'resting_notices', 'resting_contracts'])
      await app.db(t).delete();
    for (const t of ['region_year_stats', 'coverage_targets']) await app.db(t).delete();
    const other = (
      await app
        .db('regions')
        .where({ parent_code: '520201', level: 'township' })
        .whereNot('code', DAHE)
        .orderBy('code')
        .first('code')
    ).code;
    zhongshan = await facility('rural_public_cemetery', DAHE);
    zhongshanColumbarium = await facility('columbarium', other);
    shuicheng = await facility('urban_public_cemetery', '520204100');
  });
  after(() => app.close());

  async function facility(kind: FacilityKind, region: string): Promise<number> {
    serial += 1;
    const now = new Date().toISOString();
    const [row] = await app
      .db('facilities')
      .insert({
        name: `生态安葬测试${serial}`,
        kind,
        status: 'operating',
        region_code: region,
        build_mode: kind === 'rural_public_cemetery' ? 'township_wide' : null,
        is_sample: false,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    return typeof row === 'object' ? row.id : row;
  }

  const place = (facilityId: number, method: BurialMethod, placedOn: string, removedOn?: string) =>
    placement(app.db, { facilityId, method, placedOn, removedOn });

  const stats = (region_code: string, year: number, burials: number, green_burials: number) =>
    app.db('region_year_stats').insert({
      region_code,
      year,
      deaths: null,
      cremations: null,
      burials,
      green_burials,
      updated_at: new Date().toISOString(),
    });

  const yearOf = async (region: string, year: number) =>
    (await greenBurialYears(app.db, region, [year]))[0] ?? { available: false };

  it('counts green placements over all placements of the year, scattering green and removed ones still counted', async () => {
    await place(zhongshan, 'niche', '2023-01-01');
    await place(zhongshan, 'single', '2023-03-10');
    await place(zhongshan, 'double', '2023-04-10');
    await place(zhongshan, 'tree', '2023-05-01');
    await place(zhongshan, 'lawn', '2023-06-01', '2023-09-01'); // removed later: it was still placed in 2023
    await place(zhongshan, 'scattering', '2023-12-31');
    await place(zhongshan, 'tree', '2022-12-31'); // the year before
    await place(zhongshan, 'wall', '2024-01-01'); // the year after

    const y = await yearOf('520201', 2023);
    expect(y).to.include({ year: 2023, numerator: 3, denominator: 6, available: true, source: 'placements' });
    expect(y.rate).to.be.closeTo(0.5, 1e-12);
    const other = await otherIndicators(app.db, { region: '520201', date: '2023-06-30' });
    expect(other.green_burial_rate).to.include({ numerator: 3, denominator: 6, source: 'placements' });
    expect(other.series.find((s) => s.year === 2022)!.green_burial_rate).to.include({ numerator: 1, denominator: 1 });
  });

  it('takes scattering, tree, lawn, flower-bed, wall and no-mound burials as green, niches and graves not', async () => {
    for (const m of ['scattering', 'flower_bed', 'deep_no_mound', 'wall'] as const)
      await place(zhongshanColumbarium, m, '2021-07-01');
    await place(zhongshanColumbarium, 'niche', '2021-07-02');
    const y = await yearOf('520201', 2021);
    expect(y).to.include({ numerator: 4, denominator: 5, source: 'placements' });
  });

  it('keeps the figures entered for a year without placements, and leaves them for placements once there are some', async () => {
    await stats('520201', 2020, 1000, 300); // before the system
    await stats('520201', 2023, 1000, 100); // the county has placements in 2023: these are not used
    expect(await yearOf('520201', 2020)).to.include({ numerator: 300, denominator: 1000, source: 'entered' });
    expect(await yearOf('520201', 2023)).to.include({ numerator: 3, denominator: 6, source: 'placements' });
    // Figures with the green burials left blank count for nothing, as before.
    await app.db('region_year_stats').insert({
      region_code: '520201',
      year: 2019,
      deaths: 10,
      cremations: null,
      burials: 50,
      green_burials: null,
      updated_at: new Date().toISOString(),
    });
    expect(await yearOf('520201', 2019)).to.include({ available: false, source: null, numerator: 0, denominator: 0 });
    const series = (await otherIndicators(app.db, { region: '520201', date: '2024-06-30' })).series;
    expect(series.map((s) => s.year)).to.deep.equal([2021, 2022, 2023, 2024]);
  });

  it('adds one county’s placements to another’s figures entered, per county, and says the source is mixed', async () => {
    await stats('520204', 2023, 200, 40); // 水城区 has no placements in 2023
    const city = await yearOf('5202', 2023);
    expect(city).to.include({ numerator: 3 + 40, denominator: 6 + 200, source: 'mixed' });
    expect(await yearOf('520204', 2023)).to.include({ numerator: 40, denominator: 200, source: 'entered' });
    // Once 水城区 records a placement in 2023, its figures give way for that year.
    await place(shuicheng, 'tree', '2023-08-08');
    expect(await yearOf('520204', 2023)).to.include({ numerator: 1, denominator: 1, source: 'placements' });
    expect(await yearOf('5202', 2023)).to.include({ numerator: 4, denominator: 7, source: 'placements' });
  });

  it('scopes placements by where the facility stands: county, township and the whole country', async () => {
    // 大河镇 holds the cemetery; the columbarium stands in another township of 钟山区.
    expect(await yearOf(DAHE, 2023)).to.include({ numerator: 3, denominator: 6 });
    expect(await yearOf(DAHE, 2021)).to.include({ available: false });
    expect(await yearOf('520201', 2021)).to.include({ numerator: 4, denominator: 5 });
    expect(await yearOf('520203', 2023)).to.include({ available: false });
    expect(await yearOf('', 2023)).to.include({ numerator: 4, denominator: 7, source: 'placements' });
    // Where the deceased lived does not move a placement: it counts for the facility's county.
    await placement(app.db, {
      facilityId: shuicheng,
      method: 'niche',
      placedOn: '2023-09-09',
      householdRegionCode: '520201101',
    });
    expect(await yearOf('520204', 2023)).to.include({ numerator: 1, denominator: 2 });
    expect(await yearOf('520201', 2023)).to.include({ numerator: 3, denominator: 6 });
  });

  it('shows on the dashboard and in the report tables which source the green-burial figure came from', async () => {
    const bureau = await signedIn(app, 'bureau');
    const page = await bureau.get('/staff/coverage?region=5202&date=2023-12-31');
    expect(page.status).to.equal(200);
    const card = /<article[^>]*data-indicator="green_burial_rate"[\s\S]*?<\/article>/.exec(page.text)?.[0] ?? '';
    expect(card).to.contain('生态安葬 4 / 安葬安放 8 例');
    expect(card).to.contain('data-source="coverage.green_source.placements"');
    expect(card).to.contain('来自安放安葬记录');

    const county = await bureau.get('/staff/coverage?region=520201&date=2020-12-31');
    const old = /<article[^>]*data-indicator="green_burial_rate"[\s\S]*?<\/article>/.exec(county.text)?.[0] ?? '';
    expect(old).to.contain('安葬数为填报数');

    const csv = await bureau.get('/staff/coverage/report.csv?region=5202&date=2023-12-31&table=other');
    expect(csv.status).to.equal(200);
    const rows = readCsv(Buffer.from(csv.text)).rows.filter((r) => Object.values(r).includes('节地生态安葬率'));
    const row2023 = rows.find((r) => Object.values(r).includes('2023'))!;
    expect(Object.values(row2023).join('|')).to.contain('节地生态安葬数／安葬安放总数（安放安葬记录）');
  });
});

// Year on year (同比): a city's counties (or a county's townships) this year against the end of last year — the
// submitted snapshot when there is one, else computed — with the change in points and units, on the page and in the
// CSV and XLSX exports (read back here).
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { readCsv, readSheet } from '../../reports/read-tables.js';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const DATE = '2025-12-31';
const LAST = 2024;

describe(`coverage: year on year (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client, county: Client;

  before(async () => {
    app = await startApp();
    [bureau, county] = await Promise.all([signedIn(app, 'bureau'), signedIn(app, 'county_bureau')]);
  });
  after(() => app.close());

  async function fetchBytes(c: Client, url: string) {
    const cookie = (c as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + url, { headers: { cookie }, redirect: 'manual' });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  it('compares each county this year with last year computed, in counts and points', async () => {
    const [now, then] = await Promise.all([
      computeCoverage(app.db, { region: '5202', date: DATE }),
      computeCoverage(app.db, { region: '5202', date: `${LAST}-12-31` }),
    ]);
    const res = await bureau.get(`/staff/coverage/compare?region=5202&date=${DATE}&indicator=villages`);
    expect(res.status).to.equal(200);
    const text = textOf(res.text);
    expect(text).to.contain('上年尚未报送，按当前登记数据计算');
    const v = now.region.indicators.villages,
      p = then.region.indicators.villages;
    expect(text).to.contain(`${v.covered} / ${v.total}`).and.contain(`${p.covered} / ${p.total}`);
    expect(text).to.contain(`+${v.covered - p.covered}`);
    for (const c of now.children) expect(text).to.contain(c.name);
  });

  it('takes last year from the submitted snapshot once the year is closed, even when the registry changed since', async () => {
    const res = await county.post(
      '/staff/coverage/years/submit',
      { region: '520201', year: String(LAST), confirm: 'yes' },
      { from: `/staff/coverage/years/submit?region=520201&year=${LAST}` },
    );
    expect(res.status).to.equal(302);
    const s = await app.db('year_submissions').where({ region_code: '520201', year: LAST }).first();
    // The snapshot stands for last year: make it differ from what the registry would compute now.
    await app
      .db('year_snapshot_rows')
      .where({ submission_id: s.id, region_code: '520201', indicator: 'villages' })
      .update({ covered: 1 });
    const page = textOf((await county.get(`/staff/coverage/compare?date=${DATE}`)).text);
    expect(page).to.contain('上年为已报送数据（已报送，待审核）');
    const total = Number(
      (
        await app
          .db('year_snapshot_rows')
          .where({ submission_id: s.id, region_code: '520201', indicator: 'villages' })
          .first()
      ).total,
    );
    expect(page).to.contain(`1 / ${total}`);
  });

  it('exports every indicator per region as CSV and XLSX with the same figures', async () => {
    const csvRes = await county.get(`/staff/coverage/compare.csv?region=520201&date=${DATE}`);
    expect(csvRes.status).to.equal(200);
    expect(csvRes.headers.get('content-type')).to.match(/^text\/csv/);
    const csv = readCsv(Buffer.from(csvRes.text));
    const records = csv.rows;
    const own = records.find((r) => r['代码'] === '520201' && r['指标'] === '行政村覆盖')!;
    const now = (await computeCoverage(app.db, { region: '520201', date: DATE })).region.indicators.villages;
    expect(own['本年已覆盖']).to.equal(String(now.covered));
    expect(own['上年已覆盖']).to.equal('1');
    expect(own['变化（个）']).to.equal(String(now.covered - 1));
    expect(own['上年数据来源']).to.equal('已报送');
    expect(records.filter((r) => r['指标'] === '行政村覆盖').length).to.be.greaterThan(1);
    // The header rows name the region and the date; the sign-off rows name who prepared it.
    expect(csv.head.map(([, v]) => v).join(' ')).to.contain('520201');
    expect(csv.block.map(([, v]) => v)).to.include('钟山区民政局');

    const x = await fetchBytes(county, `/staff/coverage/compare.xlsx?region=520201&date=${DATE}`);
    expect(x.status).to.equal(200);
    expect(x.headers.get('content-type')).to.match(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ArrayBuffer);
    const sheet = readSheet(wb.getWorksheet('同比')!);
    expect(sheet.header).to.include('本年覆盖率').and.include('变化（百分点）');
    expect(sheet.head.map(([, v]) => v).join(' ')).to.contain('520201');
    const row = sheet.rows.find((r) => r['代码'] === '520201' && r['指标'] === '行政村覆盖')!;
    expect(row['本年已覆盖']).to.equal(String(now.covered));
    expect(row['上年已覆盖']).to.equal('1');
    expect(Number(row['本年覆盖率'])).to.be.closeTo(now.covered / now.total, 0.0005);
  });
});

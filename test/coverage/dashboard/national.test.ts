// Province and country (issue 16, item 3): the whole country atop every breadcrumb, a province's and the country's
// pages with their children's tables, the uncovered villages counted per county or city, the picker's "全部", the
// long village list paged, the map, and the reports (PDF read back with pdftotext, CSV, XLSX read back with exceljs)
// at province and country, all against computeCoverage. Small data: the demo city 5202 and 5201 (贵阳市), so that
// province 52 has two cities.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import type { CoverageResult, Ratio } from '../../../server/coverage/indicators/kinds.js';
import { importDivisions } from '../../../server/regions/service.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const DATE = '2025-12-31';
const n = (x: number) => x.toLocaleString('en-US');
const pct = (r: Ratio) => (r.rate === null ? '—' : `${(Math.round(r.rate * 1000) / 10).toFixed(1)}%`);
const decoded = (html: string) => html.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');

/** The HTML of the first element that holds `marker`, up to its closing tag. */
function element(html: string, marker: string, tag: string): string {
  const at = html.indexOf(marker);
  expect(at, marker).to.be.greaterThan(-1);
  const start = html.lastIndexOf(`<${tag}`, at);
  return html.slice(start, html.indexOf(`</${tag}>`, at) + tag.length + 3);
}

/** The table of a report's CSV: the records between the first and the second all-empty record (header rows above it, sign-off rows below). */
function csvTable(body: Buffer): string[][] {
  const all = parseCsv(body.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
  const empty = (r: string[]) => r.every((c) => c === '');
  const first = all.findIndex(empty);
  const second = all.findIndex((r, i) => i > first && empty(r));
  return all.slice(first + 1, second === -1 ? undefined : second);
}

/** The figures of one row of the child table: "covered / total" per column, as the cells show them. */
const cellText = (row: string) => textOf(row).replace(/\s+/g, ' ');

describe(`coverage: province and country (${dialect})`, function () {
  this.timeout(180_000);
  let app: TestApp;
  let bureau: Client;
  let country: CoverageResult, province: CoverageResult;

  async function bytes(url: string) {
    const cookie = (bureau as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + url, { headers: { cookie }, redirect: 'manual' });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  before(async () => {
    app = await startApp();
    await importDivisions(app.db, { city: '5201' });
    bureau = await signedIn(app, 'bureau');
    country = await computeCoverage(app.db, { date: DATE });
    province = await computeCoverage(app.db, { region: '52', date: DATE });
    expect(province.children.map((c) => c.code)).to.deep.equal(['5201', '5202']);
  });
  after(() => app.close());

  it('shows the country with its provinces, 全国 atop the breadcrumb, and the sum row its figures', async () => {
    const res = await bureau.get(`/staff/coverage?region=all&date=${DATE}`);
    expect(res.status).to.equal(200);
    const crumbs = element(res.text, 'class="breadcrumb"', 'nav');
    expect(textOf(crumbs).trim()).to.equal('全国');
    expect(crumbs).to.contain('aria-current="page"');
    expect(textOf(res.text)).to.contain('各省情况');
    const row = element(res.text, 'data-code="52"', 'tr');
    expect(decoded(row)).to.contain(`href="/staff/coverage?region=52&date=${DATE}"`);
    const v = country.children.find((c) => c.code === '52')!.indicators.villages;
    expect(cellText(row)).to.contain(`${n(v.covered)} / ${n(v.total)}`);
    expect(cellText(row)).to.contain(pct(v));
    const sum = element(res.text, '<tfoot>', 'tfoot');
    const all = country.region.indicators;
    expect(cellText(sum)).to.contain(`${n(all.villages.covered)} / ${n(all.villages.total)}`);
    expect(cellText(sum)).to.contain(`${n(all.townships.covered)} / ${n(all.townships.total)}`);
    // The report buttons work for the country; the proposal measures one province at most.
    expect(decoded(res.text)).to.contain(`href="/staff/coverage/report.pdf?region=all&date=${DATE}"`);
    expect(res.text).not.to.contain('class="btn btn-small" href="/staff/coverage/proposal?');
    expect((await bureau.get(`/staff/coverage?region=5202&date=${DATE}`)).text).to.contain(
      'class="btn btn-small" href="/staff/coverage/proposal?',
    );
  });

  it("shows a province with its two cities, the cities' figures and the uncovered villages counted per county", async () => {
    const res = await bureau.get(`/staff/coverage?region=52&date=${DATE}`);
    expect(res.status).to.equal(200);
    const crumbs = textOf(element(res.text, 'class="breadcrumb"', 'nav'))
      .replace(/\s+/g, ' ')
      .trim();
    expect(crumbs).to.equal('全国 贵州省');
    expect(decoded(element(res.text, 'class="breadcrumb"', 'nav'))).to.contain(
      `href="/staff/coverage?region=all&date=${DATE}"`,
    );
    for (const c of province.children) {
      const row = cellText(element(res.text, `data-code="${c.code}"`, 'tr'));
      expect(row).to.contain(c.name);
      expect(row).to.contain(`${n(c.indicators.villages.covered)} / ${n(c.indicators.villages.total)}`);
      expect(row).to.contain(`${n(c.indicators.townships.covered)} / ${n(c.indicators.townships.total)}`);
    }
    // Counted, not listed: one group per city, one row per county with uncovered villages, linking to its list.
    const section = element(res.text, 'id="uncovered"', 'section');
    expect(section).to.contain('data-uncovered-group="5201"').and.to.contain('data-uncovered-group="5202"');
    const p = province.region.indicators.villages;
    expect(textOf(section).replace(/\s+/g, '')).to.contain(
      `共${(p.total - p.covered).toLocaleString('en-US')}个行政村`,
    );
    const county = await computeCoverage(app.db, { region: '520281', date: DATE });
    const v = county.region.indicators.villages;
    const row = element(section, 'data-code="520281"', 'tr');
    expect(cellText(row)).to.contain(n(v.total - v.covered));
    expect(decoded(row)).to.contain(`href="/staff/coverage/villages?region=520281&date=${DATE}&status=uncovered"`);
    // No village is named: the page stays small whatever the province.
    expect(section).not.to.contain('cov-villages');
  });

  it('puts 全国 atop the breadcrumb of a city and of the lists', async () => {
    const city = await bureau.get(`/staff/coverage?region=5202&date=${DATE}`);
    expect(
      textOf(element(city.text, 'class="breadcrumb"', 'nav'))
        .replace(/\s+/g, ' ')
        .trim(),
    ).to.equal('全国 贵州省 六盘水市');
    const list = await bureau.get(`/staff/coverage/villages?region=520281&date=${DATE}`);
    expect(list.status).to.equal(200);
    expect(decoded(list.text)).to.contain(`/staff/coverage/villages?region=all&date=${DATE}`);
  });

  it('reads "全部" under the fixed province as the province, never a city', async () => {
    // Province 52 is the only one: the picker shows it fixed and sends it with the form.
    const page = await bureau.get(`/staff/coverage?region=5202&date=${DATE}`);
    expect(page.text).to.contain('<input type="hidden" name="region__province" value="52">');
    const res = await bureau.get(`/staff/coverage?region__province=52&region__city=&date=${DATE}`);
    expect(res.status).to.equal(302);
    expect(res.location).to.equal(`/staff/coverage?date=${DATE}&region=52`);
    const map = await bureau.get(`/staff/coverage/map?region__province=52&region__city=&date=${DATE}`);
    expect(map.status).to.equal(200);
    expect(textOf(map.text)).to.contain('贵州省');
  });

  it("pages the province's long lists from the townships' counts: the same rows as the cities' lists", async () => {
    const ids = (html: string) =>
      [...element(html, 'class="table cov-list"', 'table').matchAll(/<tr data-code="(\d+)"/g)].map((m) => m[1]);
    const tab = (html: string, status: string) => {
      const at = html.indexOf(`data-status="${status}"`);
      return Number(/data-n>([\d,]+)</.exec(html.slice(at))![1].replace(/,/g, ''));
    };
    // Communities: more than two pages in 5201 whatever the village rule, and all of them uncovered there.
    const listOf = async (region: string, page: number) =>
      (await bureau.get(`/staff/coverage/villages?region=${region}&date=${DATE}&kind=community&page=${page}`)).text;
    const p = province.region.indicators.communities;
    const first = await listOf('52', 1);
    expect(tab(first, 'all')).to.equal(p.total);
    expect(tab(first, 'covered')).to.equal(p.covered);
    expect(tab(first, 'uncovered')).to.equal(p.total - p.covered);
    // The province's pages run through 5201's list, then 5202's: compare with the cities' own pages.
    const gy = province.children[0].indicators.communities.total;
    expect(gy).to.be.greaterThan(100);
    expect(ids(await listOf('52', 2))).to.deep.equal(ids(await listOf('5201', 2)));
    const lastPage = Math.ceil(p.total / 50);
    const last = ids(await listOf('52', lastPage));
    expect(last.length).to.equal(p.total % 50 || 50);
    const lps = province.children[1].indicators.communities.total;
    const lpsLast = ids(await listOf('5202', Math.ceil(lps / 50)));
    const n = Math.min(last.length, lpsLast.length);
    expect(last.slice(-n)).to.deep.equal(lpsLast.slice(-n));
    // A page straddling the two cities: 5201's last rows, then 5202's first.
    const straddle = Math.ceil((gy + 1) / 50);
    const mixed = ids(await listOf('52', straddle));
    expect(mixed.some((c) => c.startsWith('5201')) || gy % 50 === 0).to.equal(true);
    expect(mixed.filter((c) => c.startsWith('5202'))).to.deep.equal(
      ids(await listOf('5202', 1)).slice(0, mixed.filter((c) => c.startsWith('5202')).length),
    );
  });

  it('draws the map of a province and of the country with their tables and says there are no boundaries', async () => {
    for (const region of ['52', 'all']) {
      const res = await bureau.get(`/staff/coverage/map?region=${region}&date=${DATE}`);
      expect(res.status, region).to.equal(200);
      expect(res.text).to.contain('data-no-boundaries');
      const child = region === 'all' ? '52' : '5201';
      expect(res.text).to.contain(`data-code="${child}"`);
      expect(res.text).not.to.contain('data-unlocated');
    }
    const data = await bureau.get(`/staff/coverage/map/data.json?region=all&date=${DATE}`);
    expect(data.status).to.equal(200);
    expect(data.json().region).to.deep.include({ code: '', level: 'country' });
  });

  it("prints the province's report: its cities, its counties, the uncovered villages counted per county", async () => {
    const pdf = await bytes(`/staff/coverage/report.pdf?region=52&date=${DATE}`);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    const out = spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf.body, maxBuffer: 32 << 20 });
    expect(out.status).to.equal(0);
    const text = out.stdout.toString('utf8');
    expect(text).to.contain('贵州省殡葬服务设施覆盖进度报告');
    expect(text).to.contain('分市（州）覆盖情况').and.to.contain('分区县覆盖情况').and.to.contain('未覆盖行政村分布');
    for (const c of province.children) {
      const v = c.indicators.villages;
      const line = text.split('\n').find((l) => l.trim().startsWith(c.name) && l.includes(pct(v)));
      expect(line, c.name).to.match(new RegExp(`\\s${v.total}\\s+${v.covered}\\s+${pct(v).replace('.', '\\.')}`));
    }
    expect(text).not.to.contain('分乡镇（街道）覆盖情况');
  });

  it("exports the province's and the country's tables as CSV and XLSX with the same figures", async () => {
    const csv = await bytes(`/staff/coverage/report.csv?region=52&date=${DATE}`);
    expect(csv.status).to.equal(200);
    const rows = csvTable(csv.body);
    expect(rows[0][1]).to.equal('市（州）');
    const villagesAt = rows[0].indexOf('行政村总数');
    expect(villagesAt, rows[0].join('|')).to.be.greaterThan(0);
    for (const c of province.children) {
      const row = rows.find((r) => r[0] === c.code)!;
      expect(row[1]).to.equal(c.name);
      expect(Number(row[villagesAt])).to.equal(c.indicators.villages.total);
      expect(Number(row[villagesAt + 1])).to.equal(c.indicators.villages.covered);
    }
    const total = rows[rows.length - 1];
    expect(total[1]).to.equal('合计');
    expect(Number(total[villagesAt])).to.equal(province.region.indicators.villages.total);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await bytes(`/staff/coverage/report.xlsx?region=52&date=${DATE}`)).body as never);
    expect(book.worksheets.map((w) => w.name)).to.include.members(['分市', '分区县', '未覆盖行政村分布']);
    const counted = book.getWorksheet('未覆盖行政村分布')!;
    let sum = 0;
    counted.eachRow((r) => {
      // Header and sign-off rows above and below the table: the rows of counties carry a 6-digit code.
      if (/^\d{6}$/.test(String(r.getCell(3).value))) sum += Number(r.getCell(5).value);
    });
    const p = province.region.indicators.villages;
    expect(sum).to.equal(p.total - p.covered);

    const whole = await bytes(`/staff/coverage/report.csv?region=all&date=${DATE}`);
    expect(whole.status).to.equal(200);
    const crows = csvTable(whole.body);
    expect(crows[0][1]).to.equal('省份');
    expect(Number(crows.find((r) => r[0] === '52')![villagesAt])).to.equal(
      country.children.find((c) => c.code === '52')!.indicators.villages.total,
    );
    const pdf = await bytes(`/staff/coverage/report.pdf?region=all&date=${DATE}`);
    expect(pdf.status).to.equal(200);
    const text = spawnSync('pdftotext', ['-', '-'], { input: pdf.body }).stdout.toString('utf8');
    expect(text).to.contain('全国殡葬服务设施覆盖进度报告').and.to.contain('分省覆盖情况');
  });
});

// The coverage progress report over HTTP: the PDF read back with pdftotext (title, region, counties, townships and the
// numbers of computeCoverage), its CSV and XLSX tables with the same numbers, who may fetch them, and bad input.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { createToken } from '../../server/accounts/tokens.js';
import { computeCoverage, uncoveredVillages } from '../../server/coverage/engine/service.js';
import { loadFonts } from '../../server/documents/fonts.js';
import { formatRatio, ratioTenths, tenthsText } from '../../server/http/format.js';
import { BOLD, createDocument, REGULAR } from '../../server/documents/pdf.js';
import { fitText } from '../../server/reports/layout.js';
import { assess } from '../../server/reports/tables.js';
import type { CoverageResult, Ratio } from '../../server/coverage/indicators/kinds.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn } from '../helpers/client.js';
import { readCsv, readSheet } from './read-tables.js';

const DATE = '2026-11-25';
const CITY = '5202';
const COUNTY = '520201';
const MAX_BYTES = 2 * 1024 * 1024;

const hasPoppler = !spawnSync('pdftotext', ['-v']).error;
let told = false;
function needPoppler(ctx: Mocha.Context): void {
  if (hasPoppler) return;
  if (!told) console.log('      (skipped: pdftotext is not installed — apt-get install poppler-utils; CI installs it)');
  told = true;
  ctx.skip();
}

function run(cmd: string, args: string[], input: Buffer): string {
  const out = spawnSync(cmd, args, { input, maxBuffer: 32 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`${cmd} failed: ${out.stderr.toString()}`);
  return out.stdout.toString('utf8');
}
/** Lines as laid out on the page: a table row stays on one line. */
const layoutText = (pdf: Buffer) => run('pdftotext', ['-layout', '-', '-'], pdf);
const compact = (s: string) => s.replace(/\s+/g, '');
const pages = (pdf: Buffer) => Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', ['-'], pdf))![1]);

const pct = (r: Ratio) => formatRatio(r.covered, r.total, '—');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A line of the layout text with the label followed by these cells, in order, separated by spaces only. */
function rowOf(text: string, label: string, cells: (string | number)[]): string | undefined {
  const re = new RegExp(`${escape(label)}\\s+${cells.map((c) => escape(String(c))).join('\\s+')}(\\s|$)`);
  return text.split('\n').find((l) => re.test(l.trim()));
}

describe(`reports: coverage progress report (${dialect})`, function () {
  this.timeout(120_000);
  let app: TestApp;
  let bureau: Client, desk: Client;
  let token: string, deskToken: string;
  let city: CoverageResult;
  let cityPdf: { status: number; headers: Headers; body: Buffer };

  /** Client reads bodies as text, which would mangle a PDF or a workbook; this asks with its session and keeps the bytes. */
  async function fetchBytes(c: Client | null, url: string, headers: Record<string, string> = {}) {
    const cookie = c ? (c as unknown as { cookieHeader(): string }).cookieHeader() : '';
    const res = await fetch(app.url + url, {
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      redirect: 'manual',
    });
    const body = Buffer.from(await res.arrayBuffer());
    const keep = process.env.SHIAN_PDF_DIR; // to look at the report by eye: pdftoppm -png -r 60 <file> <prefix>
    if (keep && res.ok) fs.writeFileSync(path.join(keep, url.slice(1).replace(/\W+/g, '-')), body);
    return { status: res.status, headers: res.headers, body };
  }

  before(async () => {
    app = await startApp();
    bureau = await signedIn(app, 'bureau');
    desk = await signedIn(app, 'front_desk');
    const userId = async (name: string) => (await app.db('users').where({ username: name }).first('id')).id as number;
    token = (await createToken(app.db, null, await userId('bureau'), 'report test', null)).token;
    deskToken = (await createToken(app.db, null, await userId('frontdesk'), 'report test desk', null)).token;
    city = await computeCoverage(app.db, { region: CITY, date: DATE });
    cityPdf = await fetchBytes(bureau, `/staff/coverage/report.pdf?region=${CITY}&date=${DATE}`);
  });
  after(() => app.close());

  it('prints the city report as a PDF with a Chinese file name and an ASCII fallback', () => {
    expect(cityPdf.status).to.equal(200);
    expect(cityPdf.headers.get('content-type')).to.equal('application/pdf');
    const cd = cityPdf.headers.get('content-disposition')!;
    expect(cd).to.contain('filename="coverage-report-5202-2026-11-25.pdf"');
    expect(cd).to.contain(`filename*=UTF-8''${encodeURIComponent('六盘水市殡葬服务设施覆盖进度报告-2026-11-25.pdf')}`);
    expect(cityPdf.headers.get('server-timing')).to.match(/^report;dur=\d+$/);
    expect(cityPdf.body.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(cityPdf.body.length, 'well under a few MB').to.be.below(MAX_BYTES);
  });

  it('reads back the title, region, date, every county and the indicators of computeCoverage', function () {
    needPoppler(this);
    const text = layoutText(cityPdf.body);
    const flat = compact(text);
    expect(flat).to.contain('六盘水市殡葬服务设施覆盖进度报告');
    expect(flat).to.contain('（截至2026年11月25日）');
    expect(flat).to.contain('六盘水市（区划代码5202）');
    expect(flat).to.contain('填报单位');
    const i = city.region.indicators;
    // The demo city's size, known apart from the engine (test/regions/import.test.ts): a report of an empty or
    // wrong region would otherwise agree with an engine that read the same nothing.
    expect([i.townships.total, i.villages.total]).to.deep.equal([92, 724]);
    // The summary table: total, covered and rate of each indicator.
    for (const [label, r] of [
      ['区县公益性骨灰安放设施覆盖率', i.counties],
      ['乡镇（街道）公益性骨灰安放设施覆盖率', i.townships],
      ['行政村公益性骨灰安放设施覆盖率', i.villages],
      ['中心村公益性骨灰安放设施覆盖率', i.central_villages],
      ['区县火化设施覆盖率', i.cremation_counties],
    ] as const) {
      expect(rowOf(text, label, [r.total, r.covered, pct(r)]), label).to.be.a('string');
    }
    expect(flat).to.contain(`行政村${i.villages.total}个`);
    // The county table: townships and villages of each county, and the total.
    expect(city.children.map((c) => c.name)).to.have.members(['钟山区', '六枝特区', '水城区', '盘州市']);
    for (const c of city.children) {
      const t = c.indicators.townships,
        v = c.indicators.villages;
      expect(rowOf(text, c.name, [t.total, t.covered, pct(t), v.total, v.covered, pct(v)]), c.name).to.be.a('string');
      expect(flat).to.contain(`${c.name}小计`);
    }
    expect(
      rowOf(text, '合计', [
        i.townships.total,
        i.townships.covered,
        pct(i.townships),
        i.villages.total,
        i.villages.covered,
        pct(i.villages),
      ]),
    ).to.be.a('string');
    for (const heading of [
      '一、主要指标完成情况',
      '二、分区县覆盖情况',
      '三、分乡镇（街道）覆盖情况',
      '四、年度进展与目标',
      '附录未覆盖行政村名单',
    ]) {
      expect(flat).to.contain(heading);
    }
  });

  it('lists every township with its villages, and the uncovered villages in the appendix', async function () {
    needPoppler(this);
    const text = layoutText(cityPdf.body);
    let townships = 0;
    for (const c of city.children) {
      const r = await computeCoverage(app.db, { region: c.code, date: DATE });
      townships += r.children.length;
      for (const s of r.children) {
        const v = s.indicators.villages;
        expect(
          rowOf(text, s.name, [
            s.indicators.townships.covered ? '是' : '否',
            v.total,
            v.covered,
            v.total - v.covered,
            pct(v),
          ]),
          s.name,
        ).to.be.a('string');
      }
    }
    expect(townships, 'every township of the city checked').to.equal(92);
    const uncovered = await uncoveredVillages(app.db, { region: CITY, date: DATE });
    const count = uncovered.reduce((n, s) => n + s.villages.length, 0);
    expect(count).to.be.greaterThan(0);
    expect(compact(text)).to.contain(`共${count}个（涉及${uncovered.length}个乡镇）`);
    const first = uncovered[0].villages[0].name.replace(/村民委员会$/, '');
    expect(compact(text)).to.contain(first);
  });

  it('numbers the pages after the cover, embeds a subset of the CJK font and stays a sensible length', function () {
    needPoppler(this);
    const n = pages(cityPdf.body);
    expect(n).to.be.within(5, 20);
    const flat = compact(layoutText(cityPdf.body));
    expect(flat).to.contain(`第1页共${n - 1}页`);
    expect(flat).to.contain(`第${n - 1}页共${n - 1}页`);
    expect(flat).to.contain('六盘水市截至2026年11月25日');
    const fonts = run('pdffonts', ['-'], cityPdf.body)
      .split('\n')
      .filter((l) => /NotoSans/i.test(l));
    expect(fonts.length).to.be.at.least(1);
    for (const l of fonts) expect(l, 'embedded subset').to.match(/\+NotoSans\S*\s.*\byes\s+yes\b/);
  });

  it('prints a county report with its own title and every township of the county', async function () {
    needPoppler(this);
    const res = await fetchBytes(bureau, `/staff/coverage/report.pdf?region=${COUNTY}&date=${DATE}`);
    expect(res.status).to.equal(200);
    const flat = compact(layoutText(res.body));
    expect(flat).to.contain('六盘水市钟山区殡葬服务设施覆盖进度报告');
    expect(flat).to.not.contain('分区县覆盖情况');
    const county = await computeCoverage(app.db, { region: COUNTY, date: DATE });
    const names = (await app.db('regions').where({ parent_code: COUNTY }).pluck('name')) as string[];
    expect(names).to.have.length.above(0);
    expect(county.children.map((s) => s.name)).to.have.members(names);
    for (const s of names) expect(flat).to.contain(s);
    expect(flat).to.contain(`行政村${county.region.indicators.villages.total}个`);
  });

  it('prints in English when that is the language chosen', async function () {
    needPoppler(this);
    const res = await fetchBytes(bureau, `/staff/coverage/report.pdf?region=${COUNTY}&date=${DATE}`, {
      cookie: `${(bureau as unknown as { cookieHeader(): string }).cookieHeader()}; lang=en`,
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.contain("filename*=UTF-8''coverage-report-520201-2026-11-25.pdf");
    const text = layoutText(res.body);
    expect(text).to.contain('Funeral Service Facility Coverage Progress Report');
    expect(text).to.contain('Page 1 of');
  });

  it('gives the county table as CSV (UTF-8 with BOM) with the numbers of computeCoverage', async () => {
    const res = await fetchBytes(bureau, `/staff/coverage/report.csv?region=${CITY}&date=${DATE}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).to.contain(
      `filename*=UTF-8''${encodeURIComponent('六盘水市-分区县-2026-11-25.csv')}`,
    );
    expect([...res.body.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const { rows } = readCsv(res.body);
    expect(rows).to.have.length(city.children.length + 1);
    for (const c of city.children) {
      const row = rows.find((r) => r['区划代码'] === c.code)!;
      expect(row['区县']).to.equal(c.name);
      expect(Number(row['行政村总数'])).to.equal(c.indicators.villages.total);
      expect(Number(row['行政村已覆盖'])).to.equal(c.indicators.villages.covered);
      expect(row['行政村覆盖率（%）']).to.equal(
        tenthsText(ratioTenths(c.indicators.villages.covered, c.indicators.villages.total)),
      );
      expect(Number(row['乡镇（街道）已覆盖'])).to.equal(c.indicators.townships.covered);
    }
    const total = rows.find((r) => r['区县'] === '合计')!;
    expect(Number(total['行政村已覆盖'])).to.equal(city.region.indicators.villages.covered);
  });

  it('gives the township and uncovered-village tables as CSV on request', async () => {
    const townships = readCsv(
      (await fetchBytes(bureau, `/staff/coverage/report.csv?region=${CITY}&date=${DATE}&table=townships`)).body,
    ).rows;
    expect(townships).to.have.length(city.region.indicators.townships.total);
    expect(townships.reduce((n, r) => n + Number(r['行政村已覆盖']), 0)).to.equal(
      city.region.indicators.villages.covered,
    );
    const uncovered = readCsv(
      (await fetchBytes(bureau, `/staff/coverage/report.csv?region=${CITY}&date=${DATE}&table=uncovered`)).body,
    ).rows;
    expect(uncovered).to.have.length(city.region.indicators.villages.total - city.region.indicators.villages.covered);
    expect(uncovered[0]['行政村代码']).to.match(/^\d{12}$/);
    const summary = readCsv(
      (await fetchBytes(bureau, `/staff/coverage/report.csv?region=${CITY}&date=${DATE}&table=summary`)).body,
    ).rows;
    expect(Number(summary.find((r) => r['指标'] === '行政村公益性骨灰安放设施覆盖率')!['已覆盖'])).to.equal(
      city.region.indicators.villages.covered,
    );
  });

  it('gives every table as an XLSX sheet with a bold frozen header and rates as percent numbers rounded as the pages show them', async () => {
    const res = await fetchBytes(bureau, `/staff/coverage/report.xlsx?region=${CITY}&date=${DATE}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(res.headers.get('content-disposition')).to.match(
      /^attachment; filename="coverage-report-5202-2026-11-25.xlsx"/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).to.include.members([
      '指标完成情况',
      '分区县',
      '分乡镇',
      '未覆盖行政村',
      '年度进展',
    ]);
    const ws = wb.getWorksheet('分区县')!;
    // Frozen below the table's header row, which follows the header rows and an empty row (read-tables.ts).
    const sheet = readSheet(ws);
    expect(sheet.headerRow).to.equal(sheet.head.length + 2);
    expect(ws.views[0]).to.include({ state: 'frozen', ySplit: sheet.headerRow });
    expect(ws.getRow(sheet.headerRow).font?.bold).to.equal(true);
    const col = (h: string) => sheet.header.indexOf(h) + 1;
    const tableRows = sheet.rowNumbers.map((n) => ws.getRow(n));
    expect(tableRows).to.have.length(city.children.length + 1);
    for (const c of city.children) {
      const row = tableRows.find((r) => r.getCell(col('区划代码')).value === c.code)!;
      expect(row.getCell(col('行政村已覆盖')).value).to.equal(c.indicators.villages.covered);
      const rate = row.getCell(col('行政村覆盖率'));
      // The rate as it reads on the pages (88.9% for 8 of 9), not the raw fraction, so any program shows the same.
      expect(rate.value).to.equal(ratioTenths(c.indicators.villages.covered, c.indicators.villages.total) / 1000);
      expect(rate.numFmt).to.equal('0.0%');
    }
    expect(ws.getColumn(col('区县')).width).to.be.at.least(8);
    expect(readSheet(wb.getWorksheet('分乡镇')!).rows).to.have.length(city.region.indicators.townships.total);
  });

  it('answers the API with the PDF for a bearer token, and for a signed-in officer in the browser', async function () {
    const url = `/api/v1/coverage/report.pdf?region=${COUNTY}&date=${DATE}`;
    const withToken = await fetchBytes(null, url, { authorization: `Bearer ${token}` });
    expect(withToken.status).to.equal(200);
    expect(withToken.headers.get('content-type')).to.equal('application/pdf');
    const withSession = await fetchBytes(bureau, url);
    expect(withSession.status).to.equal(200);
    // A wrong token is refused even alongside a good session.
    expect((await fetchBytes(bureau, url, { authorization: 'Bearer shian_nope' })).status).to.equal(401);
    if (hasPoppler) expect(compact(layoutText(withToken.body))).to.contain('六盘水市钟山区殡葬服务设施覆盖进度报告');
  });

  it('refuses the front desk (403) and strangers (401 on the API, the login page elsewhere)', async () => {
    for (const ext of ['pdf', 'csv', 'xlsx']) {
      expect((await desk.get(`/staff/coverage/report.${ext}?region=${CITY}`)).status, ext).to.equal(403);
      const stranger = await new Client(app.url).get(`/staff/coverage/report.${ext}`);
      expect(stranger.status).to.equal(302);
      expect(stranger.location).to.match(/^\/login\?next=/);
    }
    const api = `/api/v1/coverage/report.pdf?region=${CITY}&date=${DATE}`;
    const anonymous = await new Client(app.url).get(api);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.json()).to.include({ error: 'login_required' });
    expect((await desk.get(api)).status).to.equal(403);
    expect((await new Client(app.url).get(api, { authorization: `Bearer ${deskToken}` })).status).to.equal(403);
  });

  it('answers bad input on the API with 400 field errors and an unknown region with 404', async () => {
    const c = new Client(app.url);
    const auth = { authorization: `Bearer ${token}` };
    const bad = async (q: string) => c.get(`/api/v1/coverage/report.pdf?${q}`, auth);
    let res = await bad('date=2026-11-25');
    expect(res.status).to.equal(400);
    expect(res.json().fields.region.code).to.equal('required');
    res = await bad('region=52x2&date=2026-11-25');
    expect(res.status).to.equal(400);
    expect(res.json().fields.region.code).to.equal('region_code_format');
    res = await bad('region=5202&date=2026-02-30');
    expect(res.status).to.equal(400);
    expect(res.json().fields.date).to.include({ code: 'report_date' });
    expect(res.json().fields.date.message).to.contain('有效日期');
    res = await bad('region=5202&date=25/11/2026');
    expect(res.status).to.equal(400);
    res = await bad('region=520201101&date=2026-11-25');
    expect(res.status).to.equal(400);
    expect(res.json().fields.region.code).to.equal('report_region_level');
    res = await bad('region=5299&date=2026-11-25');
    expect(res.status).to.equal(404);
    expect(res.json().error).to.equal('region_not_found');
  });

  it('answers bad input on the staff downloads with 400 and an error page', async () => {
    expect((await bureau.get('/staff/coverage/report.pdf?region=5202&date=2026-13-01')).status).to.equal(400);
    expect((await bureau.get('/staff/coverage/report.csv?region=5202&table=everything')).status).to.equal(400);
    expect((await bureau.get('/staff/coverage/report.xlsx?region=520201101')).status).to.equal(400);
    expect((await bureau.get('/staff/coverage/report.pdf?region=5299')).status).to.equal(404);
  });
});

describe('reports: pieces', () => {
  it('measures a ratio against its target as the dashboard does: met, behind by points and units, or nothing to measure', () => {
    const target = {
      year: 2025,
      rate: 0.8,
      rateText: '80.0%',
      regionCode: '5202',
      own: true,
      carried: true,
      source: null,
    };
    expect(assess({ total: 10, covered: 8, rate: 0.8 }, target)).to.include({
      status: 'met',
      gapPoints: null,
      targetYear: 2025,
    });
    expect(assess({ total: 724, covered: 643, rate: 643 / 724 }, { ...target, rate: 1 })).to.include({
      status: 'behind',
      gapPoints: 11.2,
      needed: 81,
    });
    expect(assess({ total: 10, covered: 7, rate: 0.7 }, { ...target, rate: 0.7 })).to.include({ status: 'met' });
    expect(assess({ total: 0, covered: 0, rate: null }, target)).to.include({ status: 'nothing' });
    expect(assess({ total: 5, covered: 1, rate: 0.2 }, undefined)).to.include({ status: 'no_target', target: null });
  });

  it('fits cell text: short text as it is, numbers shrink to one line, names wrap without breaking a word', async () => {
    const doc = createDocument({ title: 't', author: 'a', creator: 'c', lang: 'zh-CN', margin: 50 }, loadFonts([]));
    const plain = fitText(doc, '钟山区', REGULAR, 8.5, 60, 'shrink');
    expect(plain).to.include({ oneLine: true, size: 8.5 });
    const number = fitText(doc, '100.0%', REGULAR, 8.5, 22, 'shrink');
    expect(number.oneLine).to.equal(true);
    expect(number.size).to.be.below(8.5);
    expect(number.width).to.be.at.most(22);
    const name = fitText(doc, '月亮河彝族布依族苗族乡', REGULAR, 8.5, 60, 'name');
    expect(name.oneLine).to.equal(false);
    expect(name.height).to.be.greaterThan(plain.height * 1.5);
    const word = fitText(doc, 'Communities', BOLD, 8.5, 40, 'name');
    doc.font(BOLD).fontSize(word.size);
    expect(word.size).to.be.below(8.5);
    expect(doc.widthOfString('Communities')).to.be.at.most(40);
  });
});

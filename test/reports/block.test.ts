// The formal block of the coverage report (填报单位, 负责人, 审核人, 填报人, 联系电话, 填报日期, seal) and the settings
// page that keeps it per region: saving, field errors, audit rows, who may, the nearest ancestor's settings for a county
// without its own, the block in the PDF (pdftotext), the header and sign-off rows of the CSV and XLSX, and the cover's
// target year only when that year has targets.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { createToken } from '../../server/accounts/tokens.js';
import { formatDate } from '../../server/http/format.js';
import { officePhone } from '../../server/reports/settings-schemas.js';
import { effectiveSettings } from '../../server/reports/settings-service.js';
import { todayInShanghai, zone } from '../../server/time.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { readCsv, readSheet } from './read-tables.js';

const CITY = '5202';
const COUNTY = '520201'; // 钟山区
const NEIGHBOUR = '520203'; // 六枝特区
const DATE = '2026-11-25';
const PAGE = '/staff/coverage/report-settings';
const LONG_OFFICE = '贵州省六盘水市民政局社会事务科殡葬管理服务中心（统计报表用）'; // 30 characters

const hasPoppler = !spawnSync('pdftotext', ['-v']).error;

function run(cmd: string, args: string[], input: Buffer): string {
  const out = spawnSync(cmd, args, { input, maxBuffer: 32 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`${cmd} failed: ${out.stderr.toString()}`);
  return out.stdout.toString('utf8');
}
const compact = (s: string) => s.replace(/\s+/g, '');
const pageCount = (pdf: Buffer) => Number(/Pages:\s+(\d+)/.exec(run('pdfinfo', ['-'], pdf))![1]);
/** The text of one page (1-based; 0 is the last), laid out. */
const pageText = (pdf: Buffer, n: number) => {
  const p = String(n || pageCount(pdf));
  return run('pdftotext', ['-layout', '-f', p, '-l', p, '-', '-'], pdf);
};

describe(`reports: the formal block and its settings (${dialect})`, function () {
  this.timeout(120_000);
  let app: TestApp;
  let bureau: Client, admin: Client, desk: Client, cemetery: Client;
  let token: string;

  async function fetchBytes(c: Client | null, url: string, headers: Record<string, string> = {}) {
    const cookie = c ? (c as unknown as { cookieHeader(): string }).cookieHeader() : '';
    const res = await fetch(app.url + url, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  }
  const pdf = async (c: Client, region: string, date = DATE) => {
    const res = await fetchBytes(c, `/staff/coverage/report.pdf?region=${region}&date=${date}`);
    expect(res.status).to.equal(200);
    return res.body;
  };
  const csv = async (c: Client, region: string, table = '') =>
    readCsv((await fetchBytes(c, `/staff/coverage/report.csv?region=${region}&date=${DATE}${table}`)).body);
  const save = (c: Client, form: Record<string, string>) =>
    c.post(PAGE, form, { from: `${PAGE}?region=${form.region}` });
  const auditRows = (region: string) =>
    app.db('audit_log').where({ entity: 'report_settings', entity_id: region }).orderBy('id');

  before(async () => {
    app = await startApp();
    [bureau, admin, desk, cemetery] = await Promise.all([
      signedIn(app, 'bureau'),
      signedIn(app, 'admin'),
      signedIn(app, 'front_desk'),
      signedIn(app, 'cemetery_staff'),
    ]);
    const user = await app.db('users').where({ username: 'bureau' }).first('id');
    token = (await createToken(app.db, null, user.id, 'block test', null)).token;
  });
  after(() => app.close());

  it('leaves a blank line for every setting before any is made, never "undefined"', async function () {
    const table = await csv(bureau, COUNTY);
    expect(Object.fromEntries(table.head)['填报单位']).to.equal('');
    const block = Object.fromEntries(table.block);
    expect(block).to.include({ 负责人: '', 审核人: '', 联系电话: '', '填报单位（盖章）': '' });
    expect(block['填报人']).to.equal('市民政局殡葬管理科');
    if (!hasPoppler) return this.skip();
    const last = compact(pageText(await pdf(bureau, COUNTY), 0));
    for (const label of ['填报单位：', '负责人：', '审核人：', '填报人：', '联系电话：', '填报日期：', '（盖章）'])
      expect(last, label).to.contain(label);
    expect(last).to.contain('负责人：审核人：'); // nothing written between them
    expect(last).to.not.match(/undefined|null/);
  });

  it('shows the city form, and for a county without its own the settings it uses', async () => {
    const city = await bureau.get(`${PAGE}?region=${CITY}`);
    expect(city.status).to.equal(200);
    expect(textOf(city.text)).to.contain('六盘水市的报表设置');
    expect(textOf(city.text)).to.contain('本级和上级都尚未设置');
    expect(city.text).to.contain('name="issuer"');
    expect((await bureau.get(`${PAGE}?region=5299`)).status).to.equal(404);
  });

  it('saves the city settings, audited as created, and a change audited old → new', async () => {
    let res = await save(bureau, {
      region: CITY,
      issuer: '六盘水市民政局',
      head: '局长甲',
      reviewer: '科长乙',
      phone: '0858 8221234 转 801',
    });
    expect(res.status).to.equal(302);
    expect(res.location).to.equal(`${PAGE}?region=${CITY}`);
    const page = await bureau.get(res.location!);
    expect(textOf(page.text)).to.contain('已保存六盘水市的报表设置');
    expect(textOf(page.text)).to.contain('本级已单独设置');
    expect(page.text).to.contain('value="0858-8221234转801"');
    let rows = await auditRows(CITY);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ action: 'create', actor_name: 'bureau' });
    expect(rows[0].before).to.equal(null);
    expect(JSON.parse(rows[0].after)).to.deep.equal({
      issuer: '六盘水市民政局',
      head: '局长甲',
      reviewer: '科长乙',
      phone: '0858-8221234转801',
    });

    res = await save(bureau, { region: CITY, issuer: '六盘水市民政局', head: '局长丙', reviewer: '科长乙', phone: '' });
    expect(res.status).to.equal(302);
    rows = await auditRows(CITY);
    expect(rows).to.have.length(2);
    expect(rows[1].action).to.equal('update');
    expect(JSON.parse(rows[1].before)).to.include({ head: '局长甲', phone: '0858-8221234转801' });
    expect(JSON.parse(rows[1].after)).to.include({ head: '局长丙', phone: null });

    // The same form again changes nothing and writes no audit row.
    res = await save(bureau, { region: CITY, issuer: '六盘水市民政局', head: '局长丙', reviewer: '科长乙', phone: '' });
    expect(res.status).to.equal(302);
    expect(await auditRows(CITY)).to.have.length(2);
    expect(textOf((await bureau.get(res.location!)).text)).to.contain('没有变动');
    // Back to the full settings for the rest of the suite.
    await save(bureau, {
      region: CITY,
      issuer: '六盘水市民政局',
      head: '局长甲',
      reviewer: '科长乙',
      phone: '0858-8221234转801',
    });
  });

  it('refuses bad input with a Chinese message per field and keeps what was typed', async () => {
    const res = await save(bureau, {
      region: COUNTY,
      issuer: '局'.repeat(61),
      head: '甲',
      reviewer: '',
      phone: '8221234',
    });
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('请修改以下问题');
    expect(text).to.contain('不能超过 60 个字符');
    expect(text).to.contain('请填写带区号的固定电话');
    expect(res.text).to.match(/id="phone"[^>]*value="8221234"/);
    expect(res.text).to.match(/id="phone"[^>]*aria-invalid="true"/);
    const township = await save(bureau, { region: '520201001', issuer: 'x', head: '', reviewer: '', phone: '' });
    expect(township.status).to.equal(400);
    expect(textOf(township.text)).to.contain('报表设置按省、市或区县保存');
    const unknown = await save(bureau, { region: '5299', issuer: 'x', head: '', reviewer: '', phone: '' });
    expect(unknown.status).to.equal(400);
    expect(textOf(unknown.text)).to.contain('没有这个行政区划代码');
    expect(await app.db('report_settings').where({ region_code: COUNTY }).first()).to.equal(undefined);
    expect(await auditRows(COUNTY)).to.have.length(0);
  });

  it('is the bureau’s: the front desk and cemetery staff get 403, strangers the login page', async () => {
    for (const c of [desk, cemetery]) {
      expect((await c.get(`${PAGE}?region=${CITY}`)).status).to.equal(403);
      const post = await c.post(PAGE, { region: CITY, issuer: '冒名', head: '', reviewer: '', phone: '' });
      expect(post.status).to.equal(403);
      expect((await c.post(`${PAGE}/clear`, { region: CITY })).status).to.equal(403);
    }
    expect((await app.db('report_settings').where({ region_code: CITY }).first()).issuer).to.equal('六盘水市民政局');
    const stranger = await new Client(app.url).get(PAGE);
    expect(stranger.status).to.equal(302);
    expect(stranger.location).to.match(/^\/login\?next=/);
  });

  it('prints the block at the end of the PDF: the settings, the signed-in officer and today', async function () {
    if (!hasPoppler) return this.skip();
    const today = formatDate(todayInShanghai(), 'zh-CN');
    const last = compact(pageText(await pdf(bureau, CITY), 0));
    expect(last).to.contain('填报单位：六盘水市民政局');
    expect(last).to.contain('负责人：局长甲');
    expect(last).to.contain('审核人：科长乙');
    expect(last).to.contain('填报人：市民政局殡葬管理科');
    expect(last).to.contain('联系电话：0858-8221234转801');
    expect(last).to.contain(`填报日期：${today}`);
    expect(last).to.contain('（盖章）');
    // The cover names the issuing office.
    expect(compact(pageText(await pdf(bureau, CITY), 1))).to.contain('填报单位六盘水市民政局');
    // Another officer is another preparer (and another drawing, not the bureau's kept PDF).
    expect(compact(pageText(await pdf(admin, CITY), 0))).to.contain('填报人：系统管理员');
    // The API's PDF: the token's user.
    const api = await fetchBytes(null, `/api/v1/coverage/report.pdf?region=${COUNTY}&date=${DATE}`, {
      authorization: `Bearer ${token}`,
    });
    expect(api.status).to.equal(200);
    expect(compact(pageText(api.body, 0))).to.contain('填报人：市民政局殡葬管理科');
  });

  it('uses the city settings for a county without its own, and a county’s own once it keeps them', async function () {
    expect(await effectiveSettings(app.db, COUNTY)).to.include({ issuer: '六盘水市民政局', from: CITY });
    const before = await csv(bureau, COUNTY);
    expect(Object.fromEntries(before.head)['填报单位']).to.equal('六盘水市民政局');
    expect(Object.fromEntries(before.block)).to.include({ 负责人: '局长甲', 联系电话: '0858-8221234转801' });
    const page = textOf((await bureau.get(`${PAGE}?region=${COUNTY}`)).text);
    expect(page).to.contain('报表沿用六盘水市的设置');

    const res = await save(admin, {
      region: COUNTY,
      issuer: '六盘水市钟山区民政局',
      head: '局长丁',
      reviewer: '',
      phone: '13812345678',
    });
    expect(res.status).to.equal(302);
    expect((await auditRows(COUNTY))[0]).to.include({ action: 'create', actor_name: 'admin' });
    const own = Object.fromEntries((await csv(bureau, COUNTY)).block);
    // A blank in the county's own settings stays blank: the city's reviewer does not fill it.
    expect(own).to.include({
      负责人: '局长丁',
      审核人: '',
      联系电话: '13812345678',
      '填报单位（盖章）': '六盘水市钟山区民政局',
    });
    const neighbour = Object.fromEntries((await csv(bureau, NEIGHBOUR)).head);
    expect(neighbour['填报单位']).to.equal('六盘水市民政局');
    if (hasPoppler) {
      const last = compact(pageText(await pdf(bureau, COUNTY), 0));
      expect(last).to.contain('填报单位：六盘水市钟山区民政局');
      expect(last).to.contain('负责人：局长丁');
      expect(last).to.match(/审核人：(（盖章）)?填报人/);
    }

    // Cleared, the county uses the city's again; the clearing is audited.
    const cleared = await bureau.post(`${PAGE}/clear`, { region: COUNTY }, { from: `${PAGE}?region=${COUNTY}` });
    expect(cleared.status).to.equal(302);
    expect(textOf((await bureau.get(cleared.location!)).text)).to.contain('已清除六盘水市钟山区的报表设置');
    const rows = await auditRows(COUNTY);
    expect(rows[rows.length - 1].action).to.equal('delete');
    expect(JSON.parse(rows[rows.length - 1].before)).to.include({ issuer: '六盘水市钟山区民政局' });
    expect(Object.fromEntries((await csv(bureau, COUNTY)).head)['填报单位']).to.equal('六盘水市民政局');
  });

  it('writes the same header and sign-off rows in the CSV and on every XLSX sheet', async () => {
    const started = DateTime.now().setZone(zone);
    const table = await csv(bureau, COUNTY, '&table=townships');
    const head = Object.fromEntries(table.head);
    expect(table.head.map(([label]) => label)).to.deep.equal([
      '报表',
      '行政区划',
      '统计截止日期',
      '填报单位',
      '生成时间',
    ]);
    expect(head['报表']).to.equal('六盘水市钟山区殡葬服务设施覆盖进度报告·分乡镇');
    expect(head['行政区划']).to.equal('六盘水市钟山区（区划代码 520201）');
    expect(head['统计截止日期']).to.equal('2026年11月25日');
    expect(head['填报单位']).to.equal('六盘水市民政局');
    // Generated now, in Asia/Shanghai, to the minute.
    const m = /^(\d{4})年(\d{1,2})月(\d{1,2})日 (\d{2}):(\d{2})$/.exec(head['生成时间']);
    expect(m, head['生成时间']).to.not.equal(null);
    const at = DateTime.fromObject(
      { year: +m![1], month: +m![2], day: +m![3], hour: +m![4], minute: +m![5] },
      { zone },
    );
    expect(Math.abs(at.diff(started.startOf('minute'), 'minutes').minutes)).to.be.at.most(2);
    expect(table.rows.length).to.be.above(5);
    expect(table.rows[0]['乡镇（街道）代码']).to.match(/^520201\d{3}$/);
    const today = formatDate(todayInShanghai(), 'zh-CN');
    expect(table.block).to.deep.equal([
      ['负责人', '局长甲'],
      ['审核人', '科长乙'],
      ['填报人', '市民政局殡葬管理科'],
      ['联系电话', '0858-8221234转801'],
      ['填报日期', today],
      ['填报单位（盖章）', '六盘水市民政局'],
    ]);

    const res = await fetchBytes(bureau, `/staff/coverage/report.xlsx?region=${COUNTY}&date=${DATE}`);
    expect(res.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    expect(wb.worksheets.length).to.be.at.least(5);
    for (const ws of wb.worksheets) {
      const sheet = readSheet(ws);
      expect(
        sheet.head.map(([label]) => label),
        ws.name,
      ).to.deep.equal(table.head.map(([label]) => label));
      expect(sheet.head[0][1]).to.equal(`六盘水市钟山区殡葬服务设施覆盖进度报告·${ws.name}`);
      expect(sheet.head.slice(1, 4), ws.name).to.deep.equal(table.head.slice(1, 4));
      expect(sheet.head[4][1]).to.match(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
      expect(sheet.block, ws.name).to.deep.equal(table.block);
      expect(ws.getRow(1).getCell(1).font?.bold).to.equal(true);
    }
    const townships = readSheet(wb.getWorksheet('分乡镇')!);
    expect(townships.rows.map((r) => r['乡镇（街道）代码'])).to.deep.equal(
      table.rows.map((r) => r['乡镇（街道）代码']),
    );
  });

  it('names the target year on the cover only when that year has a target', async function () {
    if (!hasPoppler) return this.skip();
    // The demo's targets run to 2025: the 2025 report measures against them, the 2026 one has none of its year.
    expect(compact(pageText(await pdf(bureau, CITY, '2025-12-31'), 1))).to.contain('对照目标年度2025年');
    expect(compact(pageText(await pdf(bureau, CITY, DATE), 1))).to.not.contain('对照目标年度');
    const res = await bureau.post(
      '/staff/coverage/targets',
      { region: CITY, indicator: 'villages', year: '2026', rate: '100', source: '' },
      { from: '/staff/coverage/targets/new' },
    );
    expect(res.status).to.equal(302);
    expect(compact(pageText(await pdf(bureau, CITY, DATE), 1))).to.contain('对照目标年度2026年');
    // A county follows its city's target.
    expect(compact(pageText(await pdf(bureau, COUNTY, DATE), 1))).to.contain('对照目标年度2026年');
  });

  it('fits a 30-character office name on its line, clear of the seal', async function () {
    if (!hasPoppler) return this.skip();
    expect([...LONG_OFFICE]).to.have.length(30);
    await save(bureau, {
      region: CITY,
      issuer: LONG_OFFICE,
      head: '局长甲',
      reviewer: '科长乙',
      phone: '0858-8221234',
    });
    const body = await pdf(bureau, CITY);
    const last = pageText(body, 0);
    const line = last.split('\n').find((l) => l.includes('填报单位'))!;
    expect(compact(line)).to.equal(`填报单位：${LONG_OFFICE}`);
    // Word boxes on the last page: the name ends well left of the seal's text (and so of its circle).
    const n = String(pageCount(body));
    const boxes = [
      ...run('pdftotext', ['-bbox', '-f', n, '-l', n, '-', '-'], body).matchAll(
        /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g,
      ),
    ].map((b) => ({ xMin: +b[1], yMin: +b[2], xMax: +b[3], yMax: +b[4], text: b[5] }));
    const seal = boxes.find((b) => b.text.includes('盖章'))!;
    expect(seal, 'the seal').to.not.equal(undefined);
    const rows = boxes.filter((b) => b.yMin > seal.yMin - 90 && b.yMax < seal.yMax + 90 && b !== seal);
    expect(rows.length).to.be.above(5);
    for (const b of rows) expect(b.xMax, b.text).to.be.below(seal.xMin - 20);
    expect(last).to.not.match(/undefined|null/);
  });
});

describe('reports: office telephone numbers', () => {
  it('reads landlines, mobiles and extensions into one form, and refuses the rest', () => {
    expect(officePhone('0858-8221234')).to.equal('0858-8221234');
    expect(officePhone('(0858) 822 1234')).to.equal('0858-8221234');
    expect(officePhone('0858 8221234 转 801')).to.equal('0858-8221234转801');
    expect(officePhone('010-12345678ext.12')).to.equal('010-12345678转12');
    expect(officePhone('138 1234 5678')).to.equal('13812345678');
    expect(officePhone('８２２１２３４')).to.equal(undefined); // no area code
    expect(officePhone('12345')).to.equal(undefined);
    expect(officePhone('转801')).to.equal(undefined);
    expect(officePhone('0858-8221234转')).to.equal(undefined);
  });
});

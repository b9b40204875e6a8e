// The waiver reports (issue 19 item 5–7): totals equal the sums of the counted claims' lines to the fen (overall, by
// county, month, group and item), the period's ends by date of death, pending and rejected claims apart, scoping to
// the user's region, the CSV, XLSX and one-page PDF read back, the JSON API and its errors, the public page generated
// from the policies in force, and the coverage dashboard's waiver indicator equal to the claims' total.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { otherIndicators } from '../../server/coverage/indicators/service.js';
import { addDays, todayInShanghai } from '../../server/time.js';
import { waiverTotals } from '../../server/waivers/report-service.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { readCsv, readSheet } from '../reports/read-tables.js';
import { api, userWithToken } from '../cremation/fixtures.js';
import { clearClaims, fixtureVersion, insertClaim, type FixtureClaim } from './claim-fixtures.js';

const FROM = '2026-01-01',
  TO = '2026-03-31';
const Q = `from=${FROM}&to=${TO}`;
const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

describe(`waiver reports (${dialect})`, function () {
  this.timeout(120_000);
  let app: TestApp;
  let db: Knex;
  let home: number;
  let bureau: Client, county: Client, desk: Client;
  let bureauToken: string, countyToken: string, deskToken: string;

  async function bytes(c: Client, url: string) {
    const cookie = (c as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + url, { headers: { cookie } });
    return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
  }

  /** The fen and people of the lines of the claims with these statuses, died in [from, to], under a prefix: by SQL. */
  async function expected(statuses: string[], prefix = '5202', from = FROM, to = TO) {
    const rows = await db('waiver_claim_lines as l')
      .join('waiver_claims as c', 'c.id', 'l.claim_id')
      .whereIn('c.status', statuses)
      .where('c.death_date', '>=', from)
      .where('c.death_date', '<=', to)
      .where('c.household_region_code', 'like', `${prefix}%`)
      .select('l.claim_id', 'l.amount_fen');
    return {
      people: new Set(rows.map((r) => Number(r.claim_id))).size,
      amount_fen: rows.reduce((a, r) => a + Number(r.amount_fen), 0),
    };
  }

  before(async () => {
    app = await startApp();
    db = app.db;
    home = (await db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id')).id;
    await clearClaims(db);
    const v = await fixtureVersion(db);
    const claim = (c: Omit<FixtureClaim, 'facility'>) => insertClaim(db, v, { facility: home, ...c });
    // Counted in [FROM, TO]: A, B, C, H.
    await claim({
      household: '520201',
      death: '2026-01-01',
      status: 'approved',
      lines: [{ fen: 30_000 }, { fen: 15_000, kind: 'refrigeration', item: 'LC01', name: '冷藏', quantity: 3 }],
    });
    await claim({
      household: '520201',
      death: '2026-01-31',
      status: 'settled',
      lines: [
        { group: 'dibao', fen: 30_000 },
        { group: 'dibao', fen: 12_345, kind: 'urn', item: 'GH01', name: '骨灰盒' },
        { group: 'dibao', fen: -345, kind: 'urn', item: 'GH01', name: '骨灰盒', correction: true },
      ],
    });
    await claim({
      household: '520204',
      death: '2026-02-15',
      status: 'approved',
      lines: [{ fen: 5_001, kind: null, item: 'X01', name: '守灵服务' }],
    });
    await claim({ household: '520201', death: TO, status: 'settled', lines: [{ fen: 1 }] });
    // Pending: D, E. Left out: F (rejected), G (the day before), I (the day after).
    await claim({ household: '520204', death: '2026-03-01', status: 'submitted', lines: [{ fen: 30_000 }] });
    await claim({ household: '520201', death: '2026-02-01', status: 'evidence_requested', lines: [{ fen: 10_000 }] });
    await claim({ household: '520201', death: '2026-02-01', status: 'rejected', lines: [{ fen: 9_999 }] });
    await claim({ household: '520201', death: '2025-12-31', status: 'approved', lines: [{ fen: 7_777 }] });
    await claim({ household: '520281', death: '2026-04-01', status: 'approved', lines: [{ fen: 500 }] });

    [bureau, county, desk] = await Promise.all([
      signedIn(app, 'bureau'),
      signedIn(app, 'county_bureau'),
      signedIn(app, 'front_desk'),
    ]);
    bureauToken = (await userWithToken(db, 'bureau', 'bureau', null)).token;
    countyToken = (await userWithToken(db, 'county', 'county_bureau', null)).token;
    deskToken = (await userWithToken(db, 'frontdesk', 'front_desk', home)).token;
  });
  after(() => app.close());

  it('sums the counted claims (approved, settled) to the fen, overall and by county, month, group and item', async () => {
    const res = await api(app.url, bureauToken).get(`/api/v1/waivers/summary?region=5202&${Q}`);
    expect(res.status).to.equal(200);
    const s = await res.json();
    const want = await expected(['approved', 'settled']);
    expect(want).to.deep.equal({ people: 4, amount_fen: 92_002 });
    expect(s).to.include({ region: '5202', from: FROM, to: TO, people: 4, amount_fen: 92_002 });
    expect(s.pending).to.include({ people: 2, amount_fen: 40_000 });
    expect(await expected(['submitted', 'evidence_requested'])).to.deep.equal({ people: 2, amount_fen: 40_000 });

    const sum = (rows: { amount_fen: number }[]) => rows.reduce((a, r) => a + r.amount_fen, 0);
    for (const k of ['by_county', 'by_month', 'by_group', 'by_item']) expect(sum(s[k]), k).to.equal(92_002);
    const county = Object.fromEntries(s.by_county.map((r: { county: string }) => [r.county, r]));
    expect(county['520201']).to.include({ people: 3, amount_fen: 87_001 });
    expect(county['520204']).to.include({ people: 1, amount_fen: 5_001 });
    expect(county['520281']).to.include({ people: 0, amount_fen: 0 });
    expect(await expected(['approved', 'settled'], '520201')).to.deep.equal({ people: 3, amount_fen: 87_001 });
    expect(s.by_month.map((r: { month: string; amount_fen: number }) => [r.month, r.amount_fen])).to.deep.equal([
      ['2026-01', 87_000],
      ['2026-02', 5_001],
      ['2026-03', 1],
    ]);
    expect(s.by_group).to.deep.equal([
      { group: 'residents', name: '户籍居民', people: 3, amount_fen: 50_002 },
      { group: 'dibao', name: '低保对象', people: 1, amount_fen: 42_000 },
    ]);
    expect(s.by_item).to.deep.equal([
      { item: 'kind:cremation', name: '遗体火化', people: 3, amount_fen: 60_001, quantity: 3 },
      { item: 'kind:refrigeration', name: '遗体冷藏', people: 1, amount_fen: 15_000, quantity: 3 },
      { item: 'kind:urn', name: '基本骨灰盒', people: 1, amount_fen: 12_000, quantity: 1 },
      { item: 'code:X01', name: '守灵服务', people: 1, amount_fen: 5_001, quantity: 1 },
    ]);
  });

  it('takes both ends of the period by date of death', async () => {
    const one = async (from: string, to: string) =>
      (await (
        await api(app.url, bureauToken).get(`/api/v1/waivers/summary?region=5202&from=${from}&to=${to}`)
      ).json()) as {
        people: number;
        amount_fen: number;
      };
    expect(await one('2026-01-01', '2026-01-01')).to.include({ people: 1, amount_fen: 45_000 });
    expect(await one('2025-12-31', '2025-12-31')).to.include({ people: 1, amount_fen: 7_777 });
    expect(await one('2026-03-31', '2026-04-01')).to.include({ people: 2, amount_fen: 501 });
    expect(await one('2026-01-02', '2026-01-30')).to.include({ people: 0, amount_fen: 0 });
    expect(await one('2025-12-31', '2026-04-01')).to.deep.include(
      await expected(['approved', 'settled'], '5202', '2025-12-31', '2026-04-01'),
    );
  });

  it('answers 400 with field errors on bad input, 401 without a token, 403 outside the region or role', async () => {
    const get = (token: string, q: string) => api(app.url, token).get(`/api/v1/waivers/summary?${q}`);
    const fields = async (q: string) => {
      const res = await get(bureauToken, q);
      expect(res.status, q).to.equal(400);
      const body = await res.json();
      expect(body.error).to.equal('invalid_input');
      return Object.fromEntries(Object.entries(body.fields).map(([k, v]) => [k, (v as { code: string }).code]));
    };
    expect(await fields('region=5202&from=2026-02-30&to=2026-03-01')).to.deep.equal({ from: 'waiver_report_date' });
    expect(await fields('region=5202&from=2026-03-01&to=2026-02-01')).to.deep.equal({ to: 'waiver_report_period' });
    expect(await fields('region=52x&from=2026-01-01&to=2026-02-01')).to.deep.equal({ region: 'region_code_format' });
    expect(await fields('region=5202')).to.have.keys('from', 'to');
    expect(await fields('region=5202&from=2000-01-01&to=2020-01-01')).to.deep.equal({
      to: 'waiver_report_period_long',
    });
    expect((await fetch(`${app.url}/api/v1/waivers/summary?region=5202&${Q}`)).status).to.equal(401);
    expect((await get(deskToken, `region=5202&${Q}`)).status).to.equal(403);
    const outside = await get(countyToken, `region=5202&${Q}`);
    expect(outside.status).to.equal(403);
    // The county's token answers for its county by default, and for a township below it.
    const own = await (await get(countyToken, Q)).json();
    expect(own).to.include({ region: '520201', people: 3, amount_fen: 87_001 });
  });

  it('shows the page with the same totals, scoped to the county bureau, with form errors in place', async () => {
    const page = await bureau.get(`/staff/waiver-reports?region=5202&${Q}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-total-people="4" data-total-fen="92002"');
    expect(page.text).to.contain('data-pending-people="2" data-pending-fen="40000"');
    expect(textOf(page.text)).to.contain('惠民殡葬减免 4 人，金额 ¥920.02');
    const own = await county.get(`/staff/waiver-reports?${Q}`);
    expect(own.text).to.contain('data-total-people="3" data-total-fen="87001"');
    expect((await county.get(`/staff/waiver-reports?region=520204&${Q}`)).status).to.equal(403);
    expect((await county.get(`/staff/waiver-reports.csv?region=5202&${Q}`)).status).to.equal(403);
    expect((await desk.get(`/staff/waiver-reports?${Q}`)).status).to.equal(403);
    const bad = await bureau.get(`/staff/waiver-reports?region=5202&from=2026-03-01&to=2026-02-01`);
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('结束日期不能早于开始日期');
  });

  it('writes every table as CSV and all of them in one XLSX that read back to the same fen', async () => {
    const res = await bytes(bureau, `/staff/waiver-reports.csv?region=5202&${Q}&table=groups`);
    expect(res.status).to.equal(200);
    expect(res.type).to.contain('text/csv');
    const csv = readCsv(res.body);
    expect(csv.header).to.deep.equal(['对象类别', '人数', '金额（元）']);
    expect(csv.rows.map((r) => [r['对象类别'], r['人数'], r['金额（元）']])).to.deep.equal([
      ['户籍居民', '3', '500.02'],
      ['低保对象', '1', '420.00'],
      ['合计', '4', '920.02'],
    ]);
    expect(csv.head[0][1]).to.contain('六盘水市惠民殡葬减免统计').and.to.contain('分对象类别');
    expect(csv.block.map(([l]) => l)).to.include('填报人');

    const x = await bytes(bureau, `/staff/waiver-reports.xlsx?region=5202&${Q}`);
    expect(x.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).to.deep.equal([
      '分区县',
      '分月份',
      '分对象类别',
      '分项目',
      '生态安葬奖补（分区县）',
    ]);
    // The claims' four tables; green-burial rewards are counted apart (none in this period).
    const green = readSheet(wb.getWorksheet('生态安葬奖补（分区县）')!);
    const greenTotal = green.rows[green.rows.length - 1];
    expect([greenTotal['人数'], Number(greenTotal['金额（元）'])]).to.deep.equal(['0', 0]);
    for (const ws of wb.worksheets.slice(0, 4)) {
      const sheet = readSheet(ws);
      const amount = sheet.header.findIndex((h) => h === '金额（元）');
      const cents = (r: Record<string, string>) => Math.round(Number(r[sheet.header[amount]]) * 100);
      const body = sheet.rows.slice(0, -1),
        total = sheet.rows[sheet.rows.length - 1];
      expect(
        body.reduce((a, r) => a + cents(r), 0),
        ws.name,
      ).to.equal(92_002);
      expect(cents(total), ws.name).to.equal(92_002);
    }
    const counties = readSheet(wb.getWorksheet('分区县')!);
    expect(counties.rows.find((r) => r['代码'] === '520201')).to.include({ 人数: '3', '金额（元）': '870.01' });
  });

  it('prints a one-page PDF summary with the headline and the sign-off block', async function () {
    if (!havePdftotext) this.skip();
    const res = await bytes(bureau, `/staff/waiver-reports.pdf?region=5202&${Q}`);
    expect(res.status).to.equal(200);
    expect(res.type).to.equal('application/pdf');
    const out = spawnSync('pdftotext', ['-', '-'], { input: res.body }).stdout.toString('utf8');
    expect(out.split('\f').filter((p) => p.trim()).length).to.equal(1);
    const flat = out.replace(/\s+/g, '');
    expect(flat).to.contain('惠民殡葬减免4人，金额¥920.02');
    expect(flat).to.contain('钟山区');
    expect(flat).to.contain('¥870.01');
    expect(flat).to.contain('低保对象');
    expect(flat).to.contain('盖章');
  });

  it('gives the coverage waiver indicator the counted claims of the year, the same as waiverTotals', async () => {
    const year = await waiverTotals(db, '5202', '2026-01-01', '2026-12-31');
    expect(year).to.deep.equal(await expected(['approved', 'settled'], '5202', '2026-01-01', '2026-12-31'));
    expect(year).to.deep.equal({ people: 5, amount_fen: 92_502 });
    const r = await otherIndicators(db, { region: '5202', date: '2026-06-30' });
    expect(r.waivers).to.include({ numerator: 92_502, denominator: 5, available: true });
    expect(r.series.find((s) => s.year === 2025)!.waivers).to.include({ numerator: 7_777, denominator: 1 });
  });

  it('lists the items and caps of the policies in force today on the public page, by region', async () => {
    const today = todayInShanghai();
    const now = new Date().toISOString();
    const policy = async (
      region: string,
      name: string,
      validFrom: string,
      items: [string, string, number | null, number | null][],
    ) => {
      const [p] = await db('waiver_policies')
        .insert({ region_code: region, created_at: now, updated_at: now })
        .returning('id');
      const pid = typeof p === 'object' ? p.id : p;
      const [v] = await db('waiver_policy_versions')
        .insert({
          policy_id: pid,
          version: 1,
          name,
          effective_from: validFrom,
          valid_from: validFrom,
          total_cap_fen: 154_000,
          green_reward_fen: 100_000,
          created_at: now,
        })
        .returning('id');
      const vid = typeof v === 'object' ? v.id : v;
      await db('waiver_policy_groups').insert([
        { version_id: vid, group_code: 'dibao' },
        { version_id: vid, group_code: 'tekun' },
      ]);
      await db('waiver_policy_items').insert(
        items.map(([match_by, match_value, cap_fen, quantity_cap], sort) => ({
          version_id: vid,
          match_by,
          match_value,
          cap_fen,
          quantity_cap,
          sort,
        })),
      );
    };
    await policy('520201', '钟山区困难群众惠民殡葬', addDays(today, -10), [
      ['basic_kind', 'cremation', 30_000, null],
      ['basic_kind', 'refrigeration', null, 3],
    ]);
    await policy('520201', '钟山区明年的政策', addDays(today, 30), [['basic_kind', 'urn', 20_000, 1]]);
    const anon = new Client(app.url);
    const page = await anon.get('/waivers');
    expect(page.status).to.equal(200);
    const text = textOf(page.text);
    expect(text).to.contain('钟山区困难群众惠民殡葬');
    expect(text).not.to.contain('钟山区明年的政策');
    expect(text).to.contain('低保对象');
    expect(text).to.contain('特困供养人员');
    expect(text).to.match(/遗体火化\s*最多减免：¥300\.00；\s*数量上限：不限/);
    expect(text).to.match(/遗体冷藏\s*最多减免：按实际收费全额减免；\s*数量上限：3/);
    expect(text).to.contain('每位逝者最多减免 ¥1,540.00');
    expect(text).to.contain('另给予奖补 ¥1,000.00');
    expect(text).to.contain('低保证');
    // The region chooser is a plain GET form: it works without any script.
    expect(page.text).to.contain('<form method="get" action="/waivers"');
    const other = textOf((await anon.get('/waivers?region=520204')).text);
    expect(other).not.to.contain('钟山区困难群众惠民殡葬');
    expect(textOf((await anon.get('/waivers?region=520201')).text)).to.contain('钟山区困难群众惠民殡葬');
    expect((await anon.get('/waivers?region=<x>')).status).to.equal(200);
    expect(textOf((await anon.get('/')).text)).to.contain('查看惠民殡葬政策');
  });
});

// The daily takings report over HTTP: figures by method and by clerk checked against the payments made (voids listed
// and not counted, refunds netted) on the page, in the CSV and in the XLSX read back; who sees which home.
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { hashPassword } from '../../server/accounts/password.js';
import { nowIso } from '../../server/db.js';
import { todayInShanghai } from '../../server/time.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { facilityId, insertCase, OTHER_HOME } from '../cremation/fixtures.js';

describe(`cases: daily takings (${dialect})`, () => {
  let app: TestApp;
  let home: number; // 盘州: no payments but ours
  let clerkA: Client;
  let clerkB: Client;
  const receipts: string[] = [];
  const today = todayInShanghai();

  async function user(username: string, display_name: string): Promise<Client> {
    const now = nowIso();
    await app.db('users').insert({
      username,
      display_name,
      role: 'front_desk',
      facility_id: home,
      password_hash: await hashPassword('Takings-2026'),
      created_at: now,
      updated_at: now,
    });
    const c = new Client(app.url);
    await c.login(username, 'Takings-2026');
    return c;
  }

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db, OTHER_HOME);
    clerkA = await user('takings_a', '收款员甲');
    clerkB = await user('takings_b', '收款员乙');
    const now = nowIso();
    await app.db('price_items').insert({
      facility_id: home,
      code: 'TAKINGS_HALL',
      name_zh: '测试告别厅',
      name_en: 'Hall',
      category: 'optional',
      basic_kind: null,
      unit: 'time',
      price_fen: 100000,
      valid_from: '2020-01-01',
      valid_to: null,
      created_at: now,
      updated_at: now,
    });
    const item = (await app.db('price_items').where({ code: 'TAKINGS_HALL' }).first('id')).id;
    const id = await insertCase(app.db, home, { deceased_name: '收款测试' });
    const page = `/staff/cases/${id}`;
    const post = (c: Client, path: string, form: Record<string, string>) =>
      c.post(page + path, form, { from: page }).then((r) => {
        expect(r.status, `${path} ${JSON.stringify(form)}`).to.equal(302);
      });
    await post(clerkA, '/lines', { price_item_id: String(item), quantity: '1' }); // ¥1,000.00 owed
    await post(clerkA, '/payments', { method: 'wechat', amount: '300' });
    await post(clerkA, '/payments', { method: 'cash', amount: '200', payer: '张家属' });
    await post(clerkA, '/payments', { method: 'wechat', amount: '100' }); // voided below
    await post(clerkB, '/payments', { method: 'alipay', amount: '80.50' });
    await post(clerkB, '/payments', { method: 'cash', amount: '500', kind: 'deposit' });
    await post(clerkA, '/refunds', { refund_method: 'cash', refund_amount: '20', refund_reason: '多收' });
    const voided = await app.db('case_payments').where({ case_id: id, amount_fen: 10000 }).first('id');
    await post(clerkA, `/payments/${voided.id}/void`, { void_reason: '重复扫码' });
    receipts.push(...(await app.db('case_payments').where({ case_id: id }).orderBy('id').pluck('receipt_number')));
  });
  after(() => app.close());

  // What the payments above add up to, in yuan: cash 200 + 500 − 20, wechat 300 (the 100 is void), alipay 80.50.
  const expected = {
    byMethod: {
      cash: [3, '700.00', '20.00', '680.00'],
      wechat: [1, '300.00', '0.00', '300.00'],
      alipay: [1, '80.50', '0.00', '80.50'],
    },
    byClerk: { 收款员甲: [3, '500.00', '20.00', '480.00'], 收款员乙: [2, '580.50', '0.00', '580.50'] },
    net: '1060.50',
  };

  it('totals a day by method and by clerk, lists every receipt with voids shown and not counted, refunds netted', async () => {
    const res = await clerkA.get('/staff/takings');
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.contain('no-store');
    const text = textOf(res.text);
    expect(text).to.contain('日收款报表').and.contain(OTHER_HOME);
    const table = (testid: string) => {
      const html = new RegExp(`data-testid="${testid}">([\\s\\S]*?)</table>`).exec(res.text)![1];
      return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
        .map((m) => [...m[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => textOf(c[1]).trim()))
        .slice(1);
    };
    expect(table('by-method')).to.deep.include.members([
      ['现金', '3', '¥700.00', '¥20.00', '¥680.00'],
      ['微信支付', '1', '¥300.00', '¥0.00', '¥300.00'],
      ['支付宝', '1', '¥80.50', '¥0.00', '¥80.50'],
      ['合计', '5', '¥1,080.50', '¥20.00', '¥1,060.50'],
    ]);
    expect(table('by-clerk')).to.deep.equal([
      ['收款员甲', '3', '¥500.00', '¥20.00', '¥480.00'],
      ['收款员乙', '2', '¥580.50', '¥0.00', '¥580.50'],
    ]);
    for (const r of receipts) expect(text).to.contain(r);
    expect(text).to.contain('已作废').and.contain('重复扫码').and.contain('-¥20.00');
    // Another day has nothing.
    const yesterday = DateTime.fromISO(today).minus({ days: 1 }).toISODate();
    expect(textOf((await clerkA.get(`/staff/takings?date=${yesterday}`)).text)).to.contain('当天没有收款');
  });

  it('exports the same figures as CSV, with a header naming the home, the date and the generation time', async () => {
    const res = await clerkA.get(`/staff/takings.csv?date=${today}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.contain('text/csv');
    const rows = parseCsv(res.text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    expect(rows[0][0]).to.contain(OTHER_HOME).and.contain(today).and.contain('生成于');
    const listed = rows.filter((r) => receipts.includes(r[0]));
    expect(listed.map((r) => r[0])).to.deep.equal(receipts);
    expect(listed.find((r) => r[5] === '退款')![8]).to.equal('-20.00');
    expect(rows.find((r) => r[0] === '合计')![8]).to.equal(expected.net);
    for (const [method, want] of Object.entries({ 现金: expected.byMethod.cash, 微信支付: expected.byMethod.wechat }))
      expect(rows.find((r) => r[0] === method)!.slice(1)).to.deep.equal(want.map(String));
    for (const [clerk, want] of Object.entries(expected.byClerk))
      expect(rows.find((r) => r[0] === clerk)!.slice(1)).to.deep.equal(want.map(String));
  });

  it('exports the same figures as XLSX, amounts as numbers', async () => {
    const cookie = (clerkA as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(`${app.url}/staff/takings.xlsx?date=${today}`, { headers: { cookie } });
    expect(res.status).to.equal(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(String(rows[0][0])).to.contain(OTHER_HOME).and.contain(today);
    expect(rows.filter((r) => receipts.includes(String(r[0]))).map((r) => r[0])).to.deep.equal(receipts);
    expect(rows.find((r) => r[0] === '合计')![8]).to.equal(1060.5);
    expect(rows.find((r) => r[0] === '现金')!.slice(1)).to.deep.equal([3, 700, 20, 680]);
    expect(rows.find((r) => r[0] === '收款员乙')!.slice(1)).to.deep.equal([2, 580.5, 0, 580.5]);
  });

  it('shows a front desk its own home only; admin and the bureau pick a home; cemetery staff get 403', async () => {
    const desk = await signedIn(app, 'front_desk'); // 六盘水: asking for 盘州 still answers its own
    const own = textOf((await desk.get(`/staff/takings?facility=${home}`)).text);
    expect(own).to.contain('六盘水市殡仪馆（示例）');
    for (const r of receipts) expect(own).to.not.contain(r);
    for (const role of ['admin', 'bureau'] as const) {
      const c = await signedIn(app, role);
      expect(textOf((await c.get('/staff/takings')).text)).to.contain('请选择殡仪馆');
      const picked = textOf((await c.get(`/staff/takings?facility=${home}&date=${today}`)).text);
      expect(picked).to.contain(receipts[0]);
    }
    expect((await (await signedIn(app, 'cemetery_staff')).get('/staff/takings')).status).to.equal(403);
  });
});

// The public price list (价格公示) for families, without an account, and its JSON: only prices in force today.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { todayInShanghai } from '../../server/time.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

describe(`prices: public page and API (${dialect})`, () => {
  let app: TestApp;
  let home: number, otherHome: number, columbarium: number;
  const today = todayInShanghai();
  const day = (n: number) => DateTime.fromISO(today).plus({ days: n }).toISODate()!;

  before(async () => {
    app = await startApp();
    const homes = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').select('id');
    [home, otherHome] = homes.map((h) => h.id);
    columbarium = (await app.db('facilities').where({ kind: 'columbarium' }).first('id')).id;
    // Around today: one that ended yesterday, one that starts tomorrow, one that ends today (still in force).
    const now = new Date().toISOString();
    const row = (code: string, name: string, from: string, to: string | null) => ({
      facility_id: home,
      code,
      name_zh: name,
      name_en: `${name} EN`,
      category: 'optional',
      basic_kind: null,
      unit: 'piece',
      price_fen: 1234,
      valid_from: from,
      valid_to: to,
      created_at: now,
      updated_at: now,
    });
    await app
      .db('price_items')
      .insert([
        row('OPT_ENDED', '已过期的挽联', '2026-01-01', day(-1)),
        row('OPT_LATER', '明天起的纸花', day(1), null),
        row('OPT_LAST_DAY', '今天最后一天的香烛', '2026-01-01', today),
      ]);
  });
  after(() => app.close());

  it("shows a funeral home's prices in force today to a visitor without an account, basic services first", async () => {
    const visitor = new Client(app.url);
    const res = await visitor.get(`/prices/${home}`);
    expect(res.status).to.equal(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('shian.sid='))).to.equal(false);
    const text = textOf(res.text);
    expect(text).to.contain('价格公示').and.contain('六盘水市殡仪馆（示例）').and.contain('钟山区');
    expect(text).to.contain(`价格执行日期 ${DateTime.fromISO(today).toFormat('yyyy年M月d日')}`);
    expect(text)
      .to.contain('遗体火化（平板炉）')
      .and.contain('¥400.00 /次')
      .and.contain('¥100.00 /天')
      .and.contain('¥1,280.00 /个');
    expect(text).to.contain('执行政府定价').and.contain('惠民殡葬');
    expect(text.indexOf('基本殡葬服务')).to.be.lessThan(text.indexOf('选择性服务'));
    expect(text.indexOf('基本骨灰盒')).to.be.lessThan(text.indexOf('遗体整容'));
    expect(text).to.contain('今天最后一天的香烛').and.contain('¥12.34');
    expect(text).to.not.contain('已过期的挽联').and.not.contain('明天起的纸花');
    // Of the large hall's two prices, only the one in force.
    expect(text).to.contain('¥800.00').and.not.contain('¥600.00');
    expect(res.text).to.contain(`href="/prices/${otherHome}"`);
  });

  it('shows the English names to a visitor who chose English', async () => {
    const visitor = new Client(app.url);
    await visitor.get('/lang/en');
    const text = textOf((await visitor.get(`/prices/${home}`)).text);
    expect(text).to.contain('Cremation (flat-bed cremator)').and.contain(' per time').and.not.contain('遗体火化');
  });

  it('keeps the micro-cached page for anonymous visitors: signed-in staff still get their own header', async () => {
    await new Client(app.url).get(`/prices/${home}`);
    const cached = await new Client(app.url).get(`/prices/${home}`);
    expect(textOf(cached.text)).to.contain('工作人员登录');
    const staff = await signedIn(app, 'bureau');
    const page = await staff.get(`/prices/${home}`);
    expect(page.text).to.contain('href="/staff"').and.not.contain('工作人员登录');
  });

  it('has no public price list for a facility that is not an operating funeral home', async () => {
    expect((await fetch(`${app.url}/prices/${columbarium}`)).status).to.equal(404);
    expect((await fetch(`${app.url}/prices/999999`)).status).to.equal(404);
    expect((await fetch(`${app.url}/prices/abc`)).status).to.equal(404);
  });

  it('lists the operating funeral homes at /prices and links them from the home page', async () => {
    const index = await new Client(app.url).get('/prices');
    expect(index.status).to.equal(200);
    expect(index.text).to.contain(`href="/prices/${home}"`).and.contain(`href="/prices/${otherHome}"`);
    expect(index.text).to.not.contain(`href="/prices/${columbarium}"`);
    const front = await new Client(app.url).get('/');
    expect(front.text).to.contain(`href="/prices/${home}"`).and.contain('href="/prices"');
  });

  it('answers the JSON list of the prices in force on a date, in list order, with exactly the documented fields', async () => {
    const res = await fetch(`${app.url}/api/v1/facilities/${home}/prices?date=2026-03-01`);
    expect(res.status).to.equal(200);
    const items = (await res.json()) as Record<string, unknown>[];
    expect(Object.keys(items[0]).sort()).to.deep.equal(
      [
        'basic_kind',
        'category',
        'code',
        'id',
        'name_en',
        'name_zh',
        'price_fen',
        'unit',
        'valid_from',
        'valid_to',
      ].sort(),
    );
    expect(items.slice(0, 5).map((i) => i.basic_kind)).to.deep.equal([
      'transport',
      'refrigeration',
      'cremation',
      'ash_storage',
      'urn',
    ]);
    expect(items[0]).to.include({
      code: 'BASIC_TRANSPORT',
      name_zh: '遗体接运（市区内）',
      category: 'basic',
      unit: 'time',
      price_fen: 30000,
      valid_from: '2026-01-01',
      valid_to: null,
    });
    expect(items.find((i) => i.code === 'OPT_HALL_LARGE')).to.include({ price_fen: 60000, valid_to: '2026-06-30' });
    const august = (await (
      await fetch(`${app.url}/api/v1/facilities/${home}/prices?date=2026-08-01`)
    ).json()) as Record<string, unknown>[];
    expect(august.find((i) => i.code === 'OPT_HALL_LARGE')).to.include({ price_fen: 80000, valid_from: '2026-07-01' });
  });

  it("answers today's list without a date, and 400 or 404 as JSON for a bad date or an unknown home", async () => {
    const codes = (
      (await (await fetch(`${app.url}/api/v1/facilities/${home}/prices`)).json()) as { code: string }[]
    ).map((i) => i.code);
    expect(codes).to.include('OPT_LAST_DAY').and.not.include('OPT_ENDED').and.not.include('OPT_LATER');
    const bad = await fetch(`${app.url}/api/v1/facilities/${home}/prices?date=2026-02-30`);
    expect(bad.status).to.equal(400);
    expect(await bad.json()).to.deep.include({
      error: 'invalid_input',
      fields: { date: { code: 'price_date_format', message: '请填写有效的日期，例如 2026-01-01。' } },
    });
    const unknown = await fetch(`${app.url}/api/v1/facilities/${columbarium}/prices`);
    expect(unknown.status).to.equal(404);
    expect((await unknown.json()).error).to.equal('not_found');
  });
});

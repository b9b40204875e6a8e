// Staff pages of the price list: forms in yuan, per-field messages with nothing written, one price per code and
// day (also under concurrent submissions), ending a price, audit rows, and who may read or change which home.
import { expect } from 'chai';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { type Client, signedIn, textOf } from '../helpers/client.js';

describe(`prices: staff pages (${dialect})`, () => {
  let app: TestApp;
  let admin: Client, front: Client, bureau: Client;
  let home: number, otherHome: number, columbarium: number;
  const base = () => `/staff/funeral-homes/${home}/prices`;

  before(async () => {
    app = await startApp();
    [admin, front, bureau] = await Promise.all([
      signedIn(app, 'admin'),
      signedIn(app, 'front_desk'),
      signedIn(app, 'bureau'),
    ]);
    home = (await app.db('users').where({ username: 'frontdesk' }).first('facility_id')).facility_id;
    otherHome = (await app.db('facilities').where({ name: '盘州市殡仪馆（示例）' }).first('id')).id;
    columbarium = (await app.db('facilities').where({ kind: 'columbarium' }).first('id')).id;
  });
  after(() => app.close());

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await app.db(table).where(where).count({ n: '*' }))[0].n);
  const item = (code: string, from: string) =>
    app.db('price_items').where({ facility_id: home, code, valid_from: from }).first();
  const form = (over: Record<string, string> = {}) => ({
    code: 'OPT_CANDLES',
    name_zh: '香烛',
    name_en: 'Incense and candles',
    category: 'optional',
    basic_kind: '',
    unit: 'piece',
    price: '38',
    valid_from: '2026-01-01',
    valid_to: '',
    ...over,
  });

  it("lists the home's prices in force, basic services first, with the periods and the ended ones apart", async () => {
    const res = await front.get(`${base()}?date=2026-11-25`);
    expect(res.status).to.equal(200);
    const text = textOf(res.text);
    expect(text).to.contain('六盘水市殡仪馆（示例） · 价格表').and.contain('2026年11月25日 执行的价格');
    expect(text.indexOf('遗体接运（市区内）'))
      .to.be.lessThan(text.indexOf('遗体冷藏'))
      .and.lessThan(text.indexOf('遗体整容'));
    expect(text).to.contain('¥400.00 /次').and.contain('2026年1月1日 起长期有效');
    const past = text.slice(text.indexOf('已停用的价格'));
    expect(past).to.contain('告别厅（大厅）').and.contain('¥600.00').and.contain('2026年1月1日 至 2026年6月30日');
    expect(res.text).to.contain(`href="${base()}/new"`);
  });

  it('shows the list as it stood on another date', async () => {
    const text = textOf((await front.get(`${base()}?date=2026-03-01`)).text);
    const [current, future] = [
      text.slice(text.indexOf('2026年3月1日 执行的价格'), text.indexOf('待执行的价格')),
      text.slice(text.indexOf('待执行的价格')),
    ];
    expect(current).to.contain('告别厅（大厅）').and.contain('¥600.00').and.not.contain('¥800.00');
    expect(future).to.contain('¥800.00').and.contain('2026年7月1日 起长期有效');
    expect(text).to.not.contain('已停用的价格');
  });

  it('adds an item typed in yuan, stores exact fen, audits it and says so after the redirect', async () => {
    const res = await front.post(base(), form({ price: '1,234.56' }), { from: `${base()}/new` });
    expect(res.status).to.equal(302);
    expect(res.location).to.equal(base());
    const row = await item('OPT_CANDLES', '2026-01-01');
    expect(row).to.include({
      price_fen: 123456,
      category: 'optional',
      basic_kind: null,
      unit: 'piece',
      valid_to: null,
    });
    const audit = await app
      .db('audit_log')
      .where({ entity: 'price_item', action: 'create', entity_id: String(row.id) })
      .first();
    expect(audit.actor_name).to.equal('frontdesk');
    expect(JSON.parse(audit.after)).to.include({ code: 'OPT_CANDLES', price_fen: 123456 });
    expect(textOf((await front.get(base())).text)).to.contain('已新增价格项目“香烛”。');
  });

  it('answers bad input with 400, a Chinese message per field, the values kept, and nothing written', async () => {
    const [items, audits] = [await count('price_items'), await count('audit_log')];
    const res = await front.post(
      base(),
      form({ code: 'x', name_zh: ' ', price: '12.345', valid_from: '2026-02-30', unit: 'bucket' }),
      { from: `${base()}/new` },
    );
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('请修改以下问题后再提交');
    expect(text).to.contain('项目代码须为 2–30 位大写字母、数字、下划线或短横线。');
    expect(text).to.contain('此项必填。');
    expect(text).to.contain('价格最多两位小数（到分）。');
    expect(text).to.contain('请填写有效的日期，例如 2026-01-01。');
    expect(text).to.contain('请从列表中选择。');
    expect(res.text).to.match(/name="price"[^>]*value="12\.345"/);
    expect(res.text).to.match(/name="name_en"[^>]*value="Incense and candles"/);
    expect(await count('price_items')).to.equal(items);
    expect(await count('audit_log')).to.equal(audits);
  });

  it('checks the rules across fields: a basic service names its kind, an optional one does not, the period runs forward', async () => {
    const items = await count('price_items');
    const basic = await admin.post(
      base(),
      form({ code: 'BASIC_X', category: 'basic', basic_kind: '', valid_from: '2026-05-01', valid_to: '2026-04-30' }),
      { from: `${base()}/new` },
    );
    expect(basic.status).to.equal(400);
    expect(textOf(basic.text))
      .to.contain('基本殡葬服务须选择对应的基本服务项目。')
      .and.contain('有效期结束日期不能早于开始执行日期。');
    const optional = await front.post(base(), form({ code: 'OPT_X', basic_kind: 'urn' }), { from: `${base()}/new` });
    expect(optional.status).to.equal(400);
    expect(textOf(optional.text)).to.contain('选择性服务不能选择基本服务项目，请清空此项。');
    expect(await count('price_items')).to.equal(items);
  });

  it('refuses a second price for a code on days it already has one, open-ended or not, with 409', async () => {
    const items = await count('price_items');
    const open = await admin.post(
      base(),
      form({
        code: 'BASIC_CREMATION',
        category: 'basic',
        basic_kind: 'cremation',
        unit: 'time',
        price: '450',
        valid_from: '2027-01-01',
      }),
      { from: `${base()}/new` },
    );
    expect(open.status).to.equal(409);
    expect(textOf(open.text)).to.contain(
      '项目代码 BASIC_CREMATION 已有自 2026-01-01 起长期有效的价格，有效期不能重叠。',
    );
    const closed = await front.post(
      base(),
      form({ code: 'opt_hall_large', price: '700', valid_from: '2026-06-30', valid_to: '2026-06-30' }),
      { from: `${base()}/new` },
    );
    expect(closed.status).to.equal(409);
    expect(textOf(closed.text)).to.contain('项目代码 OPT_HALL_LARGE 已有 2026-01-01 至 2026-06-30 执行的价格');
    expect(await count('price_items')).to.equal(items);
  });

  it('changes a basic price the way the bureau does: end the old one from a date, add the new one from that date', async () => {
    const old = await item('BASIC_CREMATION', '2026-01-01');
    const confirm = await admin.get(`${base()}/${old.id}/end`);
    expect(confirm.status).to.equal(200);
    expect(textOf(confirm.text)).to.contain('停用价格项目').and.contain('确认停用').and.contain('遗体火化（平板炉）');

    const early = await admin.post(`${base()}/${old.id}/end`, { stop_from: '2026-01-01' });
    expect(early.status).to.equal(400);
    expect(textOf(early.text)).to.contain('停用日期须晚于开始执行日期（2026-01-01）。');

    const ended = await admin.post(`${base()}/${old.id}/end`, { stop_from: '2027-01-01' });
    expect(ended.status).to.equal(302);
    expect((await app.db('price_items').where({ id: old.id }).first()).valid_to).to.equal('2026-12-31');
    const audit = await app
      .db('audit_log')
      .where({ entity: 'price_item', action: 'end', entity_id: String(old.id) })
      .first();
    expect(JSON.parse(audit.before)).to.deep.equal({ valid_to: null });
    expect(JSON.parse(audit.after)).to.deep.equal({ valid_to: '2026-12-31' });
    expect(textOf((await admin.get(base())).text)).to.contain('价格项目“遗体火化（平板炉）”自 2027-01-01 起停用。');

    // The old price's last day is still taken; the next day is free.
    const sameDay = await admin.post(
      base(),
      form({
        code: 'BASIC_CREMATION',
        name_zh: '遗体火化（平板炉）',
        category: 'basic',
        basic_kind: 'cremation',
        unit: 'time',
        price: '450',
        valid_from: '2026-12-31',
      }),
      { from: `${base()}/new` },
    );
    expect(sameDay.status).to.equal(409);
    const next = await admin.post(
      base(),
      form({
        code: 'BASIC_CREMATION',
        name_zh: '遗体火化（平板炉）',
        category: 'basic',
        basic_kind: 'cremation',
        unit: 'time',
        price: '450',
        valid_from: '2027-01-01',
      }),
      { from: `${base()}/new` },
    );
    expect(next.status).to.equal(302);
    expect((await item('BASIC_CREMATION', '2027-01-01')).price_fen).to.equal(45000);

    const later = await admin.post(
      `${base()}/${old.id}/end`,
      { stop_from: '2027-02-01' },
      { from: `${base()}/${old.id}/end` },
    );
    expect(later.status).to.equal(400);
    expect(textOf(later.text)).to.contain('此价格已于 2026-12-31 执行完毕');
  });

  it('takes the same item submitted twice (a double click) once', async () => {
    const f = form({ code: 'OPT_URN_BAG', name_zh: '骨灰袋', name_en: 'Urn bag', price: '20' });
    const [a, b] = [await front.post(base(), f, { from: `${base()}/new` }), await front.post(base(), f)];
    expect([a.status, b.status]).to.deep.equal([302, 302]);
    expect(await count('price_items', { facility_id: home, code: 'OPT_URN_BAG' })).to.equal(1);
    const row = await item('OPT_URN_BAG', '2026-01-01');
    expect(await count('audit_log', { entity: 'price_item', entity_id: String(row.id) })).to.equal(1);
  });

  it('lets only one of two overlapping periods in when both are submitted at once', async () => {
    await admin.get(`${base()}/new`);
    await front.get(`${base()}/new`);
    for (let round = 0; round < 5; round++) {
      const code = `RACE_${round}`;
      const replies = await Promise.all([
        admin.post(base(), form({ code, price: '10', valid_from: '2027-01-01' })),
        front.post(base(), form({ code, price: '20', valid_from: '2027-03-01' })),
      ]);
      expect(replies.map((r) => r.status).sort(), code).to.deep.equal([302, 409]);
      expect(await count('price_items', { facility_id: home, code })).to.equal(1);
    }
  });

  it('edits an item and writes the audit row with before and after; saving it unchanged writes nothing', async () => {
    const row = await item('BASIC_COLD', '2026-01-01');
    const page = await admin.get(`${base()}/${row.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/name="price"[^>]*value="100\.00"/);
    const values = {
      code: row.code,
      name_zh: row.name_zh,
      name_en: row.name_en,
      category: row.category,
      basic_kind: row.basic_kind,
      unit: row.unit,
      valid_from: row.valid_from,
      valid_to: '',
    };
    const res = await admin.post(`${base()}/${row.id}`, { ...values, price: '120' });
    expect(res.status).to.equal(302);
    expect((await app.db('price_items').where({ id: row.id }).first()).price_fen).to.equal(12000);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'price_item', action: 'update', entity_id: String(row.id) });
    expect(audit).to.have.length(1);
    expect(JSON.parse(audit[0].before)).to.include({ price_fen: 10000 });
    expect(JSON.parse(audit[0].after)).to.include({ price_fen: 12000 });
    expect(audit[0].actor_name).to.equal('admin');

    const unchanged = await admin.post(
      `${base()}/${row.id}`,
      { ...values, price: '120.00' },
      { from: `${base()}/${row.id}` },
    );
    expect(unchanged.status, 'saved, not refused').to.equal(302);
    expect(await count('audit_log', { entity: 'price_item', action: 'update', entity_id: String(row.id) })).to.equal(1);
  });

  it('refuses an edit that would make two periods of a code overlap', async () => {
    const row = await item('OPT_HALL_LARGE', '2026-07-01');
    const res = await front.post(
      `${base()}/${row.id}`,
      {
        code: row.code,
        name_zh: row.name_zh,
        name_en: row.name_en,
        category: 'optional',
        basic_kind: '',
        unit: 'time',
        price: '800',
        valid_from: '2026-06-01',
        valid_to: '',
      },
      { from: `${base()}/${row.id}` },
    );
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('2026-01-01 至 2026-06-30');
    expect((await app.db('price_items').where({ id: row.id }).first()).valid_from).to.equal('2026-07-01');
  });

  it('answers the front desk of another home 404 for reading and changing, as for a missing item, and writes nothing', async () => {
    const theirs = await app.db('price_items').where({ facility_id: otherHome }).first();
    const items = await count('price_items');
    expect((await front.get(`/staff/funeral-homes/${otherHome}/prices`)).status).to.equal(404);
    expect((await front.get(`/staff/funeral-homes/${otherHome}/prices/${theirs.id}`)).status).to.equal(404);
    expect((await front.get(`/staff/funeral-homes/${otherHome}/prices/2147483647`)).status).to.equal(404);
    await front.get(base());
    expect((await front.post(`/staff/funeral-homes/${otherHome}/prices`, form({ code: 'OPT_SNEAK' }))).status).to.equal(
      404,
    );
    expect(
      (await front.post(`/staff/funeral-homes/${otherHome}/prices/${theirs.id}/end`, { stop_from: '2027-01-01' }))
        .status,
    ).to.equal(404);
    // Nor through their own home's address.
    expect((await front.get(`${base()}/${theirs.id}`)).status).to.equal(404);
    expect((await front.post(`${base()}/${theirs.id}/end`, { stop_from: '2027-01-01' })).status).to.equal(404);
    expect(await count('price_items')).to.equal(items);
    expect((await app.db('price_items').where({ id: theirs.id }).first()).valid_to).to.equal(null);
  });

  it("lets the bureau read every home's list, change its basic services and not its optional ones (403)", async () => {
    const list = await bureau.get(`/staff/funeral-homes/${otherHome}/prices`);
    expect(list.status).to.equal(200);
    expect(textOf(list.text)).to.contain('选择性服务由各殡仪馆自行维护').and.contain('盘州市殡仪馆（示例）');
    const optional = await app.db('price_items').where({ facility_id: otherHome, category: 'optional' }).first();
    const basic = await app.db('price_items').where({ facility_id: otherHome, category: 'basic' }).first();
    expect(list.text).to.not.contain(`/prices/${optional.id}/end"`);
    expect(list.text).to.contain(`/prices/${basic.id}/end"`);
    const page = await bureau.get(`/staff/funeral-homes/${otherHome}/prices/${optional.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.not.contain('<form class="form');
    const items = await count('price_items');
    expect(
      (
        await bureau.post(`/staff/funeral-homes/${otherHome}/prices`, form(), {
          from: `/staff/funeral-homes/${otherHome}/prices/new`,
        })
      ).status,
    ).to.equal(403);
    expect((await bureau.post(`/staff/funeral-homes/${otherHome}/prices/${optional.id}`, form())).status).to.equal(403);
    expect(
      (await bureau.post(`/staff/funeral-homes/${otherHome}/prices/${optional.id}/end`, { stop_from: '2027-01-01' }))
        .status,
    ).to.equal(403);
    expect(await count('price_items')).to.equal(items);
    const made = await bureau.post(
      `/staff/funeral-homes/${otherHome}/prices`,
      form({
        code: 'BASIC_ASH_2030',
        name_zh: '骨灰寄存',
        category: 'basic',
        basic_kind: 'ash_storage',
        unit: 'year',
        valid_from: '2030-01-01',
      }),
    );
    expect(made.status).to.equal(302);
    expect(await count('price_items')).to.equal(items + 1);
  });

  it('gives a front desk 403 on basic services (create, edit, end) and no edit buttons on them; its optional services stay its own', async () => {
    const basic = await item('BASIC_TRANSPORT', '2026-01-01');
    expect(basic, 'a demo basic service').to.be.ok;
    const list = await front.get(base());
    expect(list.text).to.not.contain(`/prices/${basic.id}/end"`);
    expect(textOf(list.text)).to.contain('基本殡葬服务为政府定价');
    const newForm = await front.get(`${base()}/new`);
    expect(newForm.text).to.not.match(/<option value="basic"/);
    const page = await front.get(`${base()}/${basic.id}`);
    expect(page.text).to.not.contain('<form class="form');
    const items = await count('price_items');
    const create = await front.post(
      base(),
      form({ code: 'BASIC_SNEAK', category: 'basic', basic_kind: 'transport', unit: 'time', valid_from: '2031-01-01' }),
      { from: base() },
    );
    expect(create.status).to.equal(403);
    expect(textOf(create.text)).to.contain('只能由民政局或系统管理员修改');
    const values = {
      ...form(),
      code: basic.code,
      name_zh: basic.name_zh,
      category: 'basic',
      basic_kind: basic.basic_kind,
      unit: basic.unit,
      valid_from: basic.valid_from,
      price: '1',
    };
    expect((await front.post(`${base()}/${basic.id}`, values)).status).to.equal(403);
    expect((await front.get(`${base()}/${basic.id}/end`)).status).to.equal(403);
    expect((await front.post(`${base()}/${basic.id}/end`, { stop_from: '2031-01-01' })).status).to.equal(403);
    // Nor turn an optional service into a basic one.
    const optional = await app
      .db('price_items')
      .where({ facility_id: home, category: 'optional' })
      .whereNull('valid_to')
      .first();
    expect(
      (
        await front.post(`${base()}/${optional.id}`, {
          ...values,
          code: optional.code,
          valid_from: optional.valid_from,
        })
      ).status,
    ).to.equal(403);
    expect(await count('price_items')).to.equal(items);
    expect((await app.db('price_items').where({ id: basic.id }).first()).price_fen).to.equal(basic.price_fen);
  });

  it('names the items in the language of the page: Chinese names only in Chinese, English ones in English', async () => {
    const row = await item('BASIC_TRANSPORT', '2026-01-01');
    const zh = await front.get(base());
    expect(zh.text).to.contain(row.name_zh).and.not.contain(row.name_en);
    const english = await signedIn(app, 'front_desk');
    await english.get('/lang/en');
    const en = await english.get(base());
    expect(en.text).to.contain(row.name_en).and.not.contain(`>${row.name_zh}<`);
  });

  it('has no price list for a facility that is not a funeral home', async () => {
    expect((await admin.get(`/staff/funeral-homes/${columbarium}/prices`)).status).to.equal(404);
    expect((await admin.get('/staff/funeral-homes/999999/prices')).status).to.equal(404);
  });

  it("links 价格 in the navigation to the front desk's own home, and for the bureau to the list of homes", async () => {
    expect((await front.get('/staff')).text).to.contain(`href="${base()}"`);
    const homes = await bureau.get('/staff/funeral-homes');
    expect(homes.text).to.match(/<a href="\/staff\/funeral-homes"[^>]*aria-current="page">价格</);
    expect(homes.text)
      .to.contain(`href="/staff/funeral-homes/${home}/prices"`)
      .and.contain(`href="/staff/funeral-homes/${otherHome}/prices"`);
    const own = await front.get('/staff/funeral-homes');
    expect(own.text).to.contain(`href="${base()}"`).and.not.contain(`href="/staff/funeral-homes/${otherHome}/prices"`);
  });
});

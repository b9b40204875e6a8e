// Coverage targets kept by the bureau: the list with its filters, add and edit with a percent typed and a fraction
// stored, per-field messages with nothing written, one target per region, indicator and year (the unique index
// decides, also under concurrent submissions), delete after a confirmation, audit rows, and who may do it.
import { expect } from 'chai';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

describe(`coverage: targets (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client, admin: Client, front: Client;
  let township: { code: string; name: string };

  before(async () => {
    app = await startApp();
    [bureau, admin, front] = await Promise.all([
      signedIn(app, 'bureau'),
      signedIn(app, 'admin'),
      signedIn(app, 'front_desk'),
    ]);
    await app.db('coverage_targets').delete(); // the demo plan's targets: these tests start from none
    township = await app
      .db('regions')
      .where({ parent_code: '520201', level: 'township' })
      .orderBy('code')
      .first('code', 'name');
  });
  after(() => app.close());

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await app.db(table).where(where).count({ n: '*' }))[0].n);
  const form = (over: Record<string, string> = {}) => ({
    region__county: '',
    indicator: 'villages',
    year: '2024',
    rate: '80',
    source: '六盘水市殡葬设施建设规划',
    ...over,
  });
  const add = (c: Client, over: Record<string, string> = {}) =>
    c.post('/staff/coverage/targets', form(over), { from: '/staff/coverage/targets/new' });

  it('adds a city-wide target typed as a percent, stores the fraction, audits it and says so', async () => {
    const res = await add(bureau, { rate: '62.5' });
    expect(res.status).to.equal(302);
    expect(res.location).to.equal('/staff/coverage/targets');
    const row = await app
      .db('coverage_targets')
      .where({ region_code: '5202', indicator: 'villages', year: 2024 })
      .first();
    expect(Number(row.rate)).to.be.closeTo(0.625, 1e-12);
    expect(row.source).to.equal('六盘水市殡葬设施建设规划');
    const audit = await app
      .db('audit_log')
      .where({ entity: 'coverage_target', action: 'create', entity_id: String(row.id) })
      .first();
    expect(audit.actor_name).to.equal('bureau');
    expect(JSON.parse(audit.after)).to.include({ region_code: '5202', indicator: 'villages', year: 2024, rate: 0.625 });
    const list = textOf((await bureau.get('/staff/coverage/targets')).text);
    expect(list).to.contain('已新增目标：六盘水市 2024 年行政村覆盖率 62.5%。');
    expect(list).to.contain('行政村覆盖率').and.contain('62.5%').and.contain('六盘水市殡葬设施建设规划');
  });

  it('adds a township target through the picker and lists it under its county', async () => {
    const res = await add(bureau, {
      region__county: '520201',
      region__township: township.code,
      indicator: 'central_villages',
      year: '2025',
      rate: '１００',
      source: '',
    });
    expect(res.status).to.equal(302);
    const row = await app
      .db('coverage_targets')
      .where({ region_code: township.code, indicator: 'central_villages' })
      .first();
    expect(Number(row.rate)).to.equal(1);
    expect(row.source).to.equal(null);
    const text = textOf((await bureau.get('/staff/coverage/targets?region__county=520201')).text);
    expect(text).to.contain(`钟山区 › ${township.name}`).and.contain('中心村覆盖率').and.contain('100.0%');
    expect(text).to.not.contain('62.5%'); // the city's own target is above the county filter
  });

  it('filters by indicator', async () => {
    const text = textOf((await bureau.get('/staff/coverage/targets?indicator=central_villages')).text);
    expect(text).to.contain('中心村覆盖率').and.not.contain('62.5%');
    const none = textOf((await bureau.get('/staff/coverage/targets?indicator=grave_remediation')).text);
    expect(none).to.contain('没有符合条件的目标。');
  });

  it('answers bad input with 400, a Chinese message per field, the values kept, and nothing written', async () => {
    const [targets, audits] = [await count('coverage_targets'), await count('audit_log')];
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ rate: '80.25' }, '目标值最多一位小数。', /name="rate"[^>]*value="80\.25"/],
      [{ rate: '120' }, '目标值须在 0 到 100 之间。', /name="rate"[^>]*value="120"/],
      [{ rate: '-5' }, '请填写百分比，例如 80 或 62.5。', /name="rate"[^>]*value="-5"/],
      [{ rate: '' }, '此项必填。', /name="year"[^>]*value="2030"/],
      [{ region__county: '520299' }, '没有这个行政区划代码。', /name="rate"[^>]*value="80"/],
      [{ year: '1999' }, '请填写 2000 到 2100 之间的年份。', /name="year"[^>]*value="1999"/],
      [{ year: '二〇二四' }, '请填写 2000 到 2100 之间的年份。', /name="rate"[^>]*value="80"/],
      [{ indicator: 'happiness' }, '请从列表中选择。', /name="source"[^>]*value="六盘水市殡葬设施建设规划"/],
      [{ source: 'x'.repeat(201) }, '不能超过 200 个字符。', /name="rate"[^>]*value="80"/],
    ];
    for (const [over, message, kept] of cases) {
      const res = await add(bureau, { year: '2030', ...over });
      expect(res.status, JSON.stringify(over)).to.equal(400);
      const text = textOf(res.text);
      expect(text).to.contain('请修改以下问题后再提交').and.contain(message);
      expect(res.text).to.match(kept);
    }
    expect(await count('coverage_targets')).to.equal(targets);
    expect(await count('audit_log')).to.equal(audits);
  });

  it('refuses a target at a level the indicator is not measured below', async () => {
    const targets = await count('coverage_targets');
    const county = await add(bureau, { region__county: '520201', indicator: 'counties', year: '2025' });
    expect(county.status).to.equal(400);
    expect(textOf(county.text)).to.contain('此指标的目标只能设在市（州）或省一级。');
    expect(county.text).to.match(/<option value="520201" selected>/);
    const low = await add(bureau, {
      region__county: '520201',
      region__township: township.code,
      indicator: 'cremation_rate',
      year: '2025',
    });
    expect(low.status).to.equal(400);
    expect(textOf(low.text)).to.contain('此指标的目标只能设在区县或以上地区。');
    expect(await count('coverage_targets')).to.equal(targets);
  });

  it('answers a duplicate region, indicator and year with a message that offers the existing target', async () => {
    const existing = await app
      .db('coverage_targets')
      .where({ region_code: '5202', indicator: 'villages', year: 2024 })
      .first('id');
    const [targets, audits] = [await count('coverage_targets'), await count('audit_log')];
    const res = await add(bureau, { rate: '90' });
    expect(res.status).to.equal(409);
    const text = textOf(res.text);
    expect(text).to.contain('六盘水市 2024 年已有这项指标的目标（62.5%），同一地区、指标和年份只能有一个目标。');
    expect(res.text).to.contain(`href="/staff/coverage/targets/${existing.id}"`).and.contain('编辑已有目标');
    expect(res.text).to.match(/name="rate"[^>]*value="90"/);
    expect(await count('coverage_targets')).to.equal(targets);
    expect(await count('audit_log')).to.equal(audits);
  });

  it('lets one of two simultaneous identical additions win and tells the other', async () => {
    const other = await signedIn(app, 'bureau');
    await Promise.all([bureau.get('/staff/coverage/targets/new'), other.get('/staff/coverage/targets/new')]);
    const replies = await Promise.all(
      [bureau, other].map((c) =>
        c.post('/staff/coverage/targets', form({ indicator: 'townships', year: '2023', rate: '70' })),
      ),
    );
    expect(replies.map((r) => r.status).sort()).to.deep.equal([302, 409]);
    expect(await count('coverage_targets', { region_code: '5202', indicator: 'townships', year: 2023 })).to.equal(1);
  });

  it('edits a target: the form shows the percent, a change is saved and audited with before and after', async () => {
    const t = await app
      .db('coverage_targets')
      .where({ region_code: '5202', indicator: 'villages', year: 2024 })
      .first('id');
    const page = await bureau.get(`/staff/coverage/targets/${t.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.match(/name="rate"[^>]*value="62\.5"/);
    expect(page.text).to.match(/<option value="villages" selected>/);
    const res = await bureau.post(
      `/staff/coverage/targets/${t.id}`,
      form({ rate: '80', source: '市政府2023年工作要点' }),
    );
    expect(res.status).to.equal(302);
    const row = await app.db('coverage_targets').where({ id: t.id }).first();
    expect(Number(row.rate)).to.be.closeTo(0.8, 1e-12);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'coverage_target', action: 'update', entity_id: String(t.id) })
      .first();
    expect(JSON.parse(audit.before)).to.include({ rate: 0.625 });
    expect(JSON.parse(audit.after)).to.include({ rate: 0.8, source: '市政府2023年工作要点' });
    // The same values again change nothing and write no audit row.
    const audits = await count('audit_log');
    expect(
      (await bureau.post(`/staff/coverage/targets/${t.id}`, form({ rate: '80', source: '市政府2023年工作要点' })))
        .status,
    ).to.equal(302);
    expect(await count('audit_log')).to.equal(audits);
  });

  it("refuses an edit onto another target's region, indicator and year", async () => {
    const t = await app
      .db('coverage_targets')
      .where({ region_code: '5202', indicator: 'villages', year: 2024 })
      .first('id');
    const res = await bureau.post(
      `/staff/coverage/targets/${t.id}`,
      form({ indicator: 'townships', year: '2023', rate: '75' }),
      { from: `/staff/coverage/targets/${t.id}` },
    );
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('六盘水市 2023 年已有这项指标的目标（70.0%）');
    const row = await app.db('coverage_targets').where({ id: t.id }).first();
    expect(row).to.include({ indicator: 'villages' });
    expect(Number(row.year)).to.equal(2024);
  });

  it('deletes a target after a confirmation page, audits it, and a second delete is a 404', async () => {
    const t = await app
      .db('coverage_targets')
      .where({ region_code: '5202', indicator: 'townships', year: 2023 })
      .first('id');
    const confirm = await admin.get(`/staff/coverage/targets/${t.id}/delete`);
    expect(confirm.status).to.equal(200);
    expect(textOf(confirm.text))
      .to.contain('删除目标')
      .and.contain('乡镇（街道）覆盖率')
      .and.contain('70.0%')
      .and.contain('确认删除');
    const res = await admin.post(`/staff/coverage/targets/${t.id}/delete`, {});
    expect(res.status).to.equal(302);
    expect(await count('coverage_targets', { id: t.id })).to.equal(0);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'coverage_target', action: 'delete', entity_id: String(t.id) })
      .first();
    expect(audit.actor_name).to.equal('admin');
    expect(JSON.parse(audit.before)).to.include({ indicator: 'townships', year: 2023, rate: 0.7 });
    expect(textOf((await admin.get('/staff/coverage/targets')).text)).to.contain(
      '已删除目标：六盘水市 2023 年乡镇（街道）覆盖率。',
    );
    expect(
      (await admin.post(`/staff/coverage/targets/${t.id}/delete`, {}, { from: '/staff/coverage/targets' })).status,
    ).to.equal(404);
  });

  it('refuses the front desk every target page and change', async () => {
    const t = await app.db('coverage_targets').first('id');
    const targets = await count('coverage_targets');
    expect((await front.get('/staff/coverage/targets')).status).to.equal(403);
    expect((await front.get('/staff/coverage/targets/new')).status).to.equal(403);
    expect(
      (await front.post('/staff/coverage/targets', form({ year: '2031' }), { from: '/staff/cases' })).status,
    ).to.equal(403);
    expect((await front.post(`/staff/coverage/targets/${t.id}/delete`, {}, { from: '/staff/cases' })).status).to.equal(
      403,
    );
    expect(await count('coverage_targets')).to.equal(targets);
  });

  it('shows the coverage sub-navigation with 目标 as the current page', async () => {
    const res = await bureau.get('/staff/coverage/targets');
    expect(res.text).to.match(/<a href="\/staff\/coverage\/targets"[^>]*aria-current="page"/);
  });
});

// The facility registry's pages: registering and editing in every build mode with a Chinese message per field and
// nothing written on error, the status history and the status on a date, deleting, who may do what, and two clerks
// registering the same name at once.
import { expect } from 'chai';
import { operatingOn } from '../../server/coverage/engine/store.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

// 钟山区 › 大河镇 (7 administrative villages, 3 communities), and 六枝特区 › 岩脚镇 for a village of another township.
const COUNTY = '520201';
const TOWNSHIP = '520201101';
const VILLAGE = '520201101200'; // 渔塘村
const VILLAGE2 = '520201101201'; // 裕民村
const VILLAGE3 = '520201101202'; // 大地村
const OTHER_VILLAGE = '520203102201'; // 岩脚镇 岩脚村

describe(`facilities: registry pages (${dialect})`, () => {
  let app: TestApp;
  let admin: Client, bureau: Client, front: Client, cemetery: Client;
  let frontHome: number;

  before(async () => {
    app = await startApp();
    [admin, bureau, front, cemetery] = await Promise.all([
      signedIn(app, 'admin'),
      signedIn(app, 'bureau'),
      signedIn(app, 'front_desk'),
      signedIn(app, 'cemetery_staff'),
    ]);
    frontHome = (await app.db('users').where({ username: 'frontdesk' }).first('facility_id')).facility_id;
  });
  after(() => app.close());

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await app.db(table).where(where).count({ n: '*' }))[0].n);
  const byName = (name: string) => app.db('facilities').where({ name }).first();
  const history = (id: number) =>
    app
      .db('facility_status_history')
      .where({ facility_id: id })
      .orderBy('effective_on')
      .orderBy('id')
      .select('status', 'effective_on', 'note');
  const areas = async (id: number) =>
    (await app
      .db('facility_service_areas')
      .where({ facility_id: id })
      .orderBy('region_code')
      .pluck('region_code')) as string[];

  /** The picker fields for a region code, as the form sends them. */
  function region(code: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (code.length >= 6) out.region__county = code.slice(0, 6);
    if (code.length >= 9) out.region__township = code.slice(0, 9);
    if (code.length >= 12) out.region__village = code;
    return out;
  }

  const form = (over: Record<string, string> = {}, at = TOWNSHIP) => ({
    name: '测试骨灰堂',
    kind: 'columbarium',
    ...region(at),
    address: '大河镇政府旁',
    phone: '0858-8221234',
    lng: '',
    lat: '',
    niche_capacity: '3000',
    plot_capacity: '',
    investment: '',
    build_mode: '',
    area_codes: '',
    note: '',
    status: 'operating',
    effective_on: '2024-06-01',
    status_note: '',
    ...over,
  });

  /** Posts a form whose service area ticks several boxes: a URL-encoded body repeating the key, as a browser sends it. */
  async function postWithAreas(c: Client, path: string, fields: Record<string, string>, ticked: string[]) {
    if (!c.csrf) await c.get('/staff/facilities/new');
    const body = new URLSearchParams({ _csrf: c.csrf, ...fields });
    for (const a of ticked) body.append('areas', a);
    // The test client posts one value per key, so the body is sent with its session cookie directly.
    const cookie = (c as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + path, {
      method: 'POST',
      redirect: 'manual',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    });
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  it('registers a columbarium with its first status, in one go: row, history, service area and an audit row', async () => {
    const res = await bureau.post(
      '/staff/facilities',
      form({ investment: '1,234,567.89', lng: '104.8302', lat: '26.5934', status_note: '竣工验收' }),
      { from: '/staff/facilities/new' },
    );
    expect(res.status).to.equal(302);
    const f = await byName('测试骨灰堂');
    expect(res.location).to.equal(`/staff/facilities/${f.id}`);
    expect(f).to.include({
      kind: 'columbarium',
      status: 'operating',
      region_code: TOWNSHIP,
      niche_capacity: 3000,
      build_mode: null,
      phone: '0858-8221234',
    });
    expect(Number(f.investment_fen)).to.equal(123456789);
    expect(Number(f.lng)).to.equal(104.8302);
    expect(await history(f.id)).to.deep.equal([{ status: 'operating', effective_on: '2024-06-01', note: '竣工验收' }]);
    const recorder = await app.db('facility_status_history').where({ facility_id: f.id }).first('recorded_by');
    expect(recorder.recorded_by).to.equal((await app.db('users').where({ username: 'bureau' }).first('id')).id);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'facility', action: 'create', entity_id: String(f.id) })
      .first();
    expect(audit.actor_name).to.equal('bureau');
    expect(JSON.parse(audit.after)).to.include({ name: '测试骨灰堂', investment_fen: 123456789 });

    const page = textOf((await bureau.get(`/staff/facilities/${f.id}`)).text);
    expect(page).to.contain('已登记设施“测试骨灰堂”。').and.contain('¥1,234,567.89').and.contain('104.8302, 26.5934');
    expect(page)
      .to.contain('钟山区 › 大河镇')
      .and.contain('服务大河镇全部 7 个行政村')
      .and.contain('2024年6月1日')
      .and.contain('竣工验收');
  });

  it('registers a rural cemetery in every build mode and explains the service area it implies', async () => {
    const cases: { name: string; at: string; mode: string; ticked: string[]; codes?: string; says: string[] }[] = [
      { name: '渔塘村公墓', at: VILLAGE, mode: 'single_village', ticked: [], says: ['单村独建：服务所在的渔塘村'] },
      {
        name: '渔塘裕民联建公墓',
        at: VILLAGE,
        mode: 'multi_village',
        ticked: [VILLAGE2],
        codes: OTHER_VILLAGE,
        says: ['多村联建：服务 3 个行政村', '渔塘村、裕民村', '岩脚村'],
      },
      {
        name: '大河镇统建公墓',
        at: TOWNSHIP,
        mode: 'township_wide',
        ticked: [],
        says: ['全镇统建：服务大河镇全部 7 个行政村', '另含 3 个社区'],
      },
      {
        name: '大河镇村合建公墓',
        at: TOWNSHIP,
        mode: 'township_village',
        ticked: [VILLAGE2, VILLAGE3],
        says: ['镇村合建：服务 2 个行政村', '裕民村、大地村'],
      },
    ];
    for (const c of cases) {
      const res = await postWithAreas(
        bureau,
        '/staff/facilities',
        form(
          {
            name: c.name,
            kind: 'rural_public_cemetery',
            niche_capacity: '',
            plot_capacity: '800',
            build_mode: c.mode,
            area_codes: c.codes ?? '',
          },
          c.at,
        ),
        c.ticked,
      );
      expect(res.status, `${c.mode}: ${textOf(res.text).slice(0, 300)}`).to.equal(302);
      const f = await byName(c.name);
      expect(f.build_mode).to.equal(c.mode);
      expect(await areas(f.id)).to.deep.equal([...c.ticked, ...(c.codes ? [c.codes] : [])].sort());
      const page = textOf((await bureau.get(`/staff/facilities/${f.id}`)).text);
      for (const s of c.says) expect(page, c.mode).to.contain(s);
    }
  });

  it("says whether a funeral home counts for its county's cremation coverage, by its cremators in use", async () => {
    const home = await app.db('facilities').where({ id: frontHome }).first('id', 'region_code');
    const county = (
      await app
        .db('regions')
        .where({ code: home.region_code.slice(0, 6) })
        .first('name')
    ).name;
    const active = await count('cremators', { facility_id: home.id, active: true });
    expect(active).to.be.greaterThan(0);
    const page = async () => textOf((await bureau.get(`/staff/facilities/${home.id}`)).text);
    expect(await page())
      .to.contain(`本馆在用火化炉 ${active} 台：运营期间计入${county}的火化覆盖。`)
      .and.contain('火化炉与告别厅设置');
    const ids = await app.db('cremators').where({ facility_id: home.id, active: true }).pluck('id');
    try {
      await app.db('cremators').whereIn('id', ids).update({ active: false });
      expect(await page()).to.contain(`本馆没有在用的火化炉，不计入${county}的火化覆盖。`);
    } finally {
      await app.db('cremators').whereIn('id', ids).update({ active: true });
    }
  });

  it('refuses wrong input with 400, a Chinese message at each field, the values kept, and writes nothing', async () => {
    const before = [
      await count('facilities'),
      await count('facility_status_history'),
      await count('facility_service_areas'),
      await count('audit_log'),
    ];
    const rural = { kind: 'rural_public_cemetery', niche_capacity: '' };
    const cases: [Record<string, string>, string, string[], string][] = [
      [{ ...rural }, TOWNSHIP, [], '农村公益性公墓必须选择建设模式。'],
      [{ build_mode: 'township_wide' }, TOWNSHIP, [], '只有农村公益性公墓才有建设模式'],
      [{ ...rural, build_mode: 'single_village' }, TOWNSHIP, [], '单村独建的公墓须选到所在的村。'],
      [{ ...rural, build_mode: 'single_village' }, VILLAGE, [VILLAGE2], '单村独建只服务所在村，不能另列服务范围'],
      [{ ...rural, build_mode: 'multi_village' }, VILLAGE, [], '多村联建须服务两个或以上的村'],
      [{ ...rural, build_mode: 'township_wide' }, COUNTY, [], '全镇统建的公墓至少要选到乡镇。'],
      [{ ...rural, build_mode: 'township_village' }, TOWNSHIP, [], '镇村合建须列出与乡镇合建、共同服务的村。'],
      [{ kind: 'commercial_cemetery' }, TOWNSHIP, [VILLAGE], '这一类别不填写服务范围'],
      [
        { area_codes: '52020110120 999999999999' },
        TOWNSHIP,
        [],
        '服务区域代码应为 9 位（乡镇）或 12 位（村）数字：52020110120',
      ],
      [{ area_codes: '520201101999' }, TOWNSHIP, [], '没有这些行政区划代码：520201101999'],
      [{ lng: '104.83' }, TOWNSHIP, [], '经度和纬度要一起填写，或都不填。'],
      [{ lng: '26.59', lat: '104.83' }, TOWNSHIP, [], '是否把经纬度填反了？'],
      [{ investment: '100.005' }, TOWNSHIP, [], '金额最多两位小数（到分）。'],
      [{ niche_capacity: '12.5' }, TOWNSHIP, [], '请填写不带小数的整数。'],
      [{ phone: '请致电' }, TOWNSHIP, [], '电话只能包含数字'],
      [{ kind: '' }, TOWNSHIP, [], '请选择设施类别。'],
      [{}, '', [], '请选择所在地区（至少到区县）。'],
      [{ status: 'operating', effective_on: '2099-01-01' }, TOWNSHIP, [], '只有“规划”可以填将来的日期'],
      [{ effective_on: '2026-02-30' }, TOWNSHIP, [], '请填写有效的日期'],
    ];
    for (const [over, at, ticked, message] of cases) {
      const res = await postWithAreas(
        bureau,
        '/staff/facilities',
        form({ name: '不应保存的设施', ...over }, at),
        ticked,
      );
      expect(res.status, message).to.equal(400);
      expect(textOf(res.text), message).to.contain('请修改以下问题后再提交').and.contain(message);
      expect(res.text).to.contain('value="不应保存的设施"');
    }
    // A field that fails its own check does not hide the rules across fields: every message shows at once.
    const all = await postWithAreas(
      bureau,
      '/staff/facilities',
      form(
        { name: '不应保存的设施', ...rural, build_mode: 'single_village', investment: '12.345', lng: '104.8' },
        TOWNSHIP,
      ),
      [],
    );
    expect(all.status).to.equal(400);
    expect(textOf(all.text))
      .to.contain('单村独建的公墓须选到所在的村。')
      .and.contain('金额最多两位小数（到分）。')
      .and.contain('经度和纬度要一起填写');
    expect([
      await count('facilities'),
      await count('facility_status_history'),
      await count('facility_service_areas'),
      await count('audit_log'),
    ]).to.deep.equal(before);
  });

  it('edits a facility: only what changed is audited, the same values again write nothing, a stale form gets 409', async () => {
    const f = await byName('测试骨灰堂');
    const edit = await bureau.get(`/staff/facilities/${f.id}/edit`);
    expect(edit.status).to.equal(200);
    expect(edit.text).to.contain('value="1234567.89"').and.contain('<option value="520201101" selected>');
    const version = /name="version" value="([^"]+)"/.exec(edit.text)![1];
    const fields = { ...form({ investment: '1234567.89', lng: '104.8302', lat: '26.5934' }), version };
    delete (fields as Record<string, string>).status;
    const res = await postWithAreas(
      bureau,
      `/staff/facilities/${f.id}`,
      { ...fields, niche_capacity: '3500', note: '二期扩建' },
      [VILLAGE],
    );
    expect(res.status).to.equal(302);
    const after = await byName('测试骨灰堂');
    expect(after).to.include({ niche_capacity: 3500, note: '二期扩建' });
    expect(await areas(f.id)).to.deep.equal([VILLAGE]);
    const audits = await app
      .db('audit_log')
      .where({ entity: 'facility', action: 'update', entity_id: String(f.id) })
      .select('before', 'after');
    expect(audits).to.have.length(1);
    expect(JSON.parse(audits[0].after)).to.deep.equal({ niche_capacity: 3500, areas: [VILLAGE], note: '二期扩建' });
    expect(JSON.parse(audits[0].before)).to.deep.equal({ niche_capacity: 3000, areas: [], note: null });

    const fresh = /name="version" value="([^"]+)"/.exec((await bureau.get(`/staff/facilities/${f.id}/edit`)).text)![1];
    const again = await postWithAreas(
      bureau,
      `/staff/facilities/${f.id}`,
      { ...fields, version: fresh, niche_capacity: '3500', note: '二期扩建' },
      [VILLAGE],
    );
    expect(again.status).to.equal(302);
    expect(await count('audit_log', { entity: 'facility', action: 'update', entity_id: String(f.id) })).to.equal(1);

    const stale = await postWithAreas(
      bureau,
      `/staff/facilities/${f.id}`,
      { ...fields, version, niche_capacity: '9999' },
      [],
    );
    expect(stale.status).to.equal(409);
    expect(textOf(stale.text)).to.contain('此设施刚被他人修改过');
    expect((await byName('测试骨灰堂')).niche_capacity).to.equal(3500);

    const taken = await postWithAreas(
      bureau,
      `/staff/facilities/${f.id}`,
      { ...fields, version: fresh, name: '六盘水市殡仪馆（示例）' },
      [],
    );
    expect(taken.status).to.equal(409);
    expect(textOf(taken.text)).to.contain('已有名为“六盘水市殡仪馆（示例）”的设施，名称不能重复。');
  });

  it('records status changes: the status on a date is the latest entry on or before it, and the coverage engine sees the same', async () => {
    const res = await bureau.post(
      '/staff/facilities',
      form({ name: '历史测试公墓', kind: 'urban_public_cemetery', status: 'planned', effective_on: '2020-03-01' }),
      { from: '/staff/facilities/new' },
    );
    expect(res.status).to.equal(302);
    const f = await byName('历史测试公墓');
    const record = (status: string, date: string, note = '') =>
      bureau.post(
        `/staff/facilities/${f.id}/status`,
        { status, effective_on: date, status_note: note },
        { from: `/staff/facilities/${f.id}` },
      );
    for (const [s, d] of [
      ['building', '2021-05-01'],
      ['operating', '2022-06-01'],
      ['closed', '2024-01-01'],
    ]) {
      const r = await record(s, d);
      expect(r.status, `${s} ${d}`).to.equal(302);
    }
    expect((await byName('历史测试公墓')).status).to.equal('closed');
    const operating = async (date: string) =>
      (await operatingOn(app.db, date, ['urban_public_cemetery'])).some((o) => o.id === f.id);
    expect(await operating('2022-05-31')).to.equal(false);
    expect(await operating('2022-06-01')).to.equal(true);
    expect(await operating('2023-12-31')).to.equal(true);
    expect(await operating('2024-01-01')).to.equal(false);

    // A forgotten step between earlier entries: allowed, and the dates decide, not the order of recording.
    expect((await record('closed', '2023-03-01', '整改停业')).status).to.equal(302);
    expect((await record('operating', '2023-09-01', '整改完成')).status).to.equal(302);
    expect(await operating('2023-05-01')).to.equal(false);
    expect(await operating('2023-10-01')).to.equal(true);
    expect((await byName('历史测试公墓')).status).to.equal('closed');

    const refusals: [string, string, string][] = [
      ['operating', '2022-06-01', '2022-06-01 已有一条状态记录，同一天只能记录一次'],
      ['operating', '2022-08-01', '该日期时已经是这个状态，无需重复记录。'],
      ['operating', '2099-01-01', '只有“规划”可以填将来的日期'],
      ['planned', '2022-07-01', '在建或运营中的设施不能改回“规划”'],
      ['', '2022-07-01', '请选择状态。'],
      ['building', '', '请填写生效日期。'],
    ];
    const rows = await count('facility_status_history', { facility_id: f.id });
    for (const [s, d, message] of refusals) {
      const r = await record(s, d);
      expect(r.status, message).to.equal(400);
      expect(textOf(r.text), message).to.contain(message);
    }
    expect(await count('facility_status_history', { facility_id: f.id })).to.equal(rows);

    // A plan dated ahead after closing: allowed; the list shows the latest entry, today it is still closed.
    expect((await record('planned', '2099-01-01', '拟重建')).status).to.equal(302);
    expect((await byName('历史测试公墓')).status).to.equal('planned');
    const page = textOf((await bureau.get(`/staff/facilities/${f.id}`)).text);
    expect(page)
      .to.contain('已登记将来日期的规划记录：2099年1月1日 起为“规划”。')
      .and.contain('整改停业')
      .and.contain('市民政局殡葬管理科 于');
    expect(page.indexOf('2099年1月1日')).to.be.lessThan(page.indexOf('2020年3月1日'));
    expect(await count('audit_log', { entity: 'facility', action: 'status', entity_id: String(f.id) })).to.equal(6);
  });

  it('shows front-desk and cemetery staff their own facility only (another is 404), read-only, and refuses them every change (403)', async () => {
    const own = await front.get(`/staff/facilities/${frontHome}`);
    expect(own.status).to.equal(200);
    expect(textOf(own.text)).to.contain('殡仪馆不计入公益性骨灰安放设施的覆盖');
    expect(own.text).to.not.contain(`/staff/facilities/${frontHome}/edit`).and.not.contain('id="status-form"');
    const other = (await byName('测试骨灰堂')).id;
    expect((await front.get(`/staff/facilities/${other}`)).status).to.equal(404);
    expect((await cemetery.get(`/staff/facilities/${frontHome}`)).status).to.equal(404);
    const list = textOf((await front.get('/staff/facilities')).text);
    expect(list).to.contain('共 1 个设施').and.not.contain('登记新设施').and.not.contain('导出 CSV');
    for (const c of [front, cemetery]) {
      expect((await c.get('/staff/facilities/new')).status).to.equal(403);
      expect((await c.post('/staff/facilities', form({ name: '越权设施' }))).status).to.equal(403);
      expect((await c.post(`/staff/facilities/${frontHome}`, form({ name: '越权改名' }))).status).to.equal(403);
      expect(
        (await c.post(`/staff/facilities/${frontHome}/status`, { status: 'closed', effective_on: '2025-01-01' }))
          .status,
      ).to.equal(403);
      expect((await c.post(`/staff/facilities/${frontHome}/delete`, {})).status).to.equal(403);
      expect((await c.get('/staff/facilities/export.csv')).status).to.equal(403);
      expect((await c.post('/staff/facilities/import', { csv: 'name\n', step: 'apply' })).status).to.equal(403);
    }
    expect(await byName('越权设施')).to.equal(undefined);
    expect((await app.db('facilities').where({ id: frontHome }).first()).status).to.equal('operating');
  });

  it('deletes a facility nothing refers to after confirmation, and refuses one with records, suggesting to close it', async () => {
    const home = await app.db('facilities').where({ id: frontHome }).first();
    const page = textOf((await admin.get(`/staff/facilities/${frontHome}/delete`)).text);
    expect(page)
      .to.contain(`“${home.name}”已有业务数据，不能删除`)
      .and.contain('价格项目')
      .and.contain('火化炉')
      .and.contain('去记录停用');
    const refused = await admin.post(
      `/staff/facilities/${frontHome}/delete`,
      {},
      { from: `/staff/facilities/${frontHome}/delete` },
    );
    expect(refused.status).to.equal(409);
    expect(await byName(home.name)).to.not.equal(undefined);

    const f = await byName('历史测试公墓');
    const confirm = await bureau.get(`/staff/facilities/${f.id}/delete`);
    expect(textOf(confirm.text)).to.contain('确定删除“历史测试公墓”吗？');
    const res = await bureau.post(`/staff/facilities/${f.id}/delete`, {});
    expect(res.status).to.equal(302);
    expect(res.location).to.equal('/staff/facilities');
    expect(await byName('历史测试公墓')).to.equal(undefined);
    expect(await count('facility_status_history', { facility_id: f.id })).to.equal(0);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'facility', action: 'delete', entity_id: String(f.id) })
      .first();
    expect(JSON.parse(audit.before).history).to.have.length(7);
    expect(textOf((await bureau.get('/staff/facilities')).text)).to.contain('已删除设施“历史测试公墓”。');
  });

  it('gives one of two simultaneous registrations of the same name a clear error, on either database', async () => {
    const other = await signedIn(app, 'bureau');
    await Promise.all([admin.get('/staff/facilities/new'), other.get('/staff/facilities/new')]);
    const [a, b] = await Promise.all([
      admin.post('/staff/facilities', form({ name: '同名并发测试', address: '甲' })),
      other.post('/staff/facilities', form({ name: '同名并发测试', address: '乙' })),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([302, 409]);
    const loser = a.status === 409 ? a : b;
    expect(textOf(loser.text)).to.contain('已有名为“同名并发测试”的设施，名称不能重复。');
    expect(await count('facilities', { name: '同名并发测试' })).to.equal(1);
    const f = await byName('同名并发测试');
    expect(await count('facility_status_history', { facility_id: f.id })).to.equal(1);
  });

  it('without JavaScript, refreshing the villages and adding an area from the picker redraw the form without saving', async () => {
    const n = await count('facilities');
    const refresh = await bureau.post(
      '/staff/facilities',
      { ...form({ name: '重绘测试' }, TOWNSHIP), _refresh: '1' },
      { from: '/staff/facilities/new' },
    );
    expect(refresh.status).to.equal(200);
    expect(refresh.text).to.contain(`value="${VILLAGE}"`).and.contain('大河镇（整个乡镇）');
    expect(textOf(refresh.text)).to.contain('渔塘村').and.contain('大河社区 （社区）');
    const add = await bureau.post('/staff/facilities', {
      ...form({ name: '重绘测试', area_codes: VILLAGE2 }, TOWNSHIP),
      area_pick__county: '520203',
      area_pick__township: '520203102',
      area_pick__village: OTHER_VILLAGE,
      _add_area: '1',
    });
    expect(add.status).to.equal(200);
    // Ticked boxes of the facility's own township stay ticked; others are listed as codes with their names.
    expect(add.text).to.match(new RegExp(`value="${VILLAGE2}" checked`));
    expect(add.text).to.contain(`name="area_codes" value="${OTHER_VILLAGE}"`);
    expect(textOf(add.text)).to.contain('岩脚村村民委员会');
    expect(await count('facilities')).to.equal(n);
  });

  it('lists facilities with a count, links, filters by kind, status, region and name, and pages through them', async () => {
    const all = await bureau.get('/staff/facilities');
    const total = await count('facilities');
    expect(textOf(all.text)).to.contain(`共 ${total} 个设施`);
    expect(all.text)
      .to.contain('href="/staff/facilities/new"')
      .and.contain('href="/staff/facilities/export.csv"')
      .and.contain('href="/staff/facilities/import"');
    const id = (await byName('大河镇统建公墓')).id;
    expect(all.text).to.contain(`<a href="/staff/facilities/${id}">大河镇统建公墓</a>`);

    const rural = textOf(
      (
        await bureau.get(
          '/staff/facilities?kind=rural_public_cemetery&status=operating&region__county=520201&region__township=520201101',
        )
      ).text,
    );
    expect(rural)
      .to.contain('大河镇统建公墓')
      .and.contain('全镇统建')
      .and.not.contain('测试骨灰堂')
      .and.not.contain('岩脚镇农村公益性公墓');
    const filtered = await bureau.get(
      '/staff/facilities?kind=rural_public_cemetery&region__county=520201&q=%E7%BB%9F%E5%BB%BA',
    );
    expect(textOf(filtered.text)).to.contain('共 1 个设施');
    const exportHref = /href="(\/staff\/facilities\/export\.csv[^"]*)"/
      .exec(filtered.text)![1]
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    expect(exportHref).to.equal(
      '/staff/facilities/export.csv?kind=rural_public_cemetery&region=520201&q=%E7%BB%9F%E5%BB%BA',
    );

    const csv = [['name', 'kind', 'status', 'status_date', 'region_code'].join(',')];
    for (let i = 1; i <= 31; i += 1)
      csv.push(`分页测试${String(i).padStart(2, '0')},funeral_service_point,operating,2024-01-01,${TOWNSHIP}`);
    const previewed = await bureau.post(
      '/staff/facilities/import',
      { csv: csv.join('\n'), step: 'preview' },
      { from: '/staff/facilities/import' },
    );
    const version = /name="version" value="([^"]*)"/.exec(previewed.text)![1];
    expect(
      (
        await bureau.post(
          '/staff/facilities/import',
          { csv: csv.join('\n'), step: 'apply', version },
          { from: '/staff/facilities/import' },
        )
      ).status,
    ).to.equal(302);
    const first = await bureau.get('/staff/facilities?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95');
    expect(textOf(first.text)).to.contain('共 31 个设施').and.contain('第 1 / 2 页');
    const next = /href="([^"]+)" rel="next"/
      .exec(first.text)![1]
      .replace(/&#x3D;/g, '=')
      .replace(/&amp;/g, '&');
    const second = textOf((await bureau.get(next)).text);
    expect(second).to.contain('第 2 / 2 页').and.contain('共 31 条，显示第 31–31 条');
  });

  it('leaves no facility without a status history, however it was created', async () => {
    const without = await app
      .db('facilities as f')
      .leftJoin('facility_status_history as h', 'h.facility_id', 'f.id')
      .whereNull('h.id')
      .pluck('f.name');
    expect(without).to.deep.equal([]);
  });
});

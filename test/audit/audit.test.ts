// The readable audit (issue 16 item 7): entries in words (状态: 运营 → 停用, 目标值 80.0% → 90.0%, 服务范围 by village
// name), filters by entity, record, user and dates, CSV and XLSX read back, and each bureau reading its own region's
// entries only while the administrator reads every entry.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { fillRegions } from '../../db/migrations/202612051310_add_audit_region.js';
import { createTarget, updateTarget } from '../../server/coverage/targets/service.js';
import { submitYear } from '../../server/coverage/years/service.js';
import { todayInShanghai } from '../../server/time.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { type Client, signedIn, textOf } from '../helpers/client.js';

const OWN_TOWNSHIP = '520201101';
const OTHER_TOWNSHIP = '520203102';

describe(`audit: the bureau's readable log (${dialect})`, () => {
  let app: TestApp;
  let county: Client, bureau: Client, admin: Client;
  let own: number, other: number, target: number;
  let village: { code: string; name: string };

  const form = (name: string, at: string, over: Record<string, string> = {}) => ({
    name,
    kind: 'columbarium',
    region__county: at.slice(0, 6),
    region__township: at.slice(0, 9),
    address: '',
    phone: '',
    lng: '',
    lat: '',
    niche_capacity: '800',
    plot_capacity: '',
    investment: '',
    build_mode: '',
    area_codes: '',
    note: '',
    status: 'operating',
    effective_on: '2024-03-01',
    status_note: '',
    ...over,
  });
  const idOf = async (name: string) => (await app.db('facilities').where({ name }).first()).id as number;

  before(async () => {
    app = await startApp();
    [county, bureau, admin] = await Promise.all([
      signedIn(app, 'county_bureau'),
      signedIn(app, 'bureau'),
      signedIn(app, 'admin'),
    ]);
    village = await app
      .db('regions')
      .where({ parent_code: OWN_TOWNSHIP, level: 'village' })
      .orderBy('code')
      .first('code', 'name');
    // The county registers and changes its own facility; the city bureau one in another county.
    expect(
      (await county.post('/staff/facilities', form('审计县局骨灰堂', OWN_TOWNSHIP), { from: '/staff/facilities/new' }))
        .status,
    ).to.equal(302);
    own = await idOf('审计县局骨灰堂');
    expect(
      (
        await county.post(
          `/staff/facilities/${own}`,
          form('审计县局骨灰堂', OWN_TOWNSHIP, { area_codes: village.code }),
        )
      ).status,
    ).to.equal(302);
    expect(
      (await county.post(`/staff/facilities/${own}/status`, { status: 'closed', effective_on: todayInShanghai() }))
        .status,
    ).to.equal(302);
    expect(
      (
        await bureau.post('/staff/facilities', form('审计水城骨灰堂', OTHER_TOWNSHIP), {
          from: '/staff/facilities/new',
        })
      ).status,
    ).to.equal(302);
    other = await idOf('审计水城骨灰堂');
    const actor = await app.db('users').where({ username: 'bureau' }).first('id', 'username');
    const input = { region: '520201', indicator: 'villages' as const, year: 2031, rate: 0.8, source: null };
    target = await createTarget(app.db, actor, input, null);
    await updateTarget(app.db, actor, target, { ...input, rate: 0.9 }, null);
  });
  after(() => app.close());

  /** The entries a page shows, each as its text. */
  const entries = (html: string) =>
    [...html.matchAll(/<tr data-testid="audit-row">([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1]).trim());

  it('shows who changed which facility, old → new in words, with the facility named and linked', async () => {
    const res = await county.get(`/staff/audit?entity=facility&entity_id=${own}`);
    expect(res.status).to.equal(200);
    const rows = entries(res.text);
    expect(rows).to.have.length(3);
    const [status, update, create] = rows;
    expect(status).to.contain('钟山区民政局').and.contain('记录状态').and.contain('设施').and.contain('审计县局骨灰堂');
    expect(status).to.contain('状态： 运营 → 停用');
    expect(update).to.contain(`服务范围： — → ${village.name}`);
    expect(create).to.contain('新建').and.contain('类型： 骨灰堂').and.contain('所在地区：');
    expect(res.text).to.contain(`href="/staff/facilities/${own}"`);
    const page = await county.get(`/staff/facilities/${own}`);
    expect(page.text).to.contain(`href="/staff/audit?entity=facility&amp;entity_id=${own}"`);
  });

  it('names a target and its rate change in percent', async () => {
    const res = await county.get(`/staff/audit?entity=coverage_target&entity_id=${target}`);
    const [update] = entries(res.text);
    expect(update).to.contain('覆盖目标').and.contain('钟山区 2031 行政村覆盖率').and.contain('目标值： 80.0% → 90.0%');
  });

  it("lets a county bureau read its county's entries only, the city bureau every region's, the admin everything", async () => {
    const countyText = textOf((await county.get('/staff/audit')).text);
    expect(countyText).to.contain('审计县局骨灰堂').and.not.contain('审计水城骨灰堂');
    expect(countyText).to.not.contain('重置密码').and.not.contain('登录');
    expect((await county.get(`/staff/audit?entity=facility&entity_id=${other}`)).text).to.contain('共 0 条记录');
    const bureauText = textOf((await bureau.get('/staff/audit?entity=facility')).text);
    expect(bureauText).to.contain('审计县局骨灰堂').and.contain('审计水城骨灰堂');
    expect(textOf((await bureau.get('/staff/audit')).text)).to.not.contain('载入演示数据');
    expect(textOf((await admin.get('/staff/audit?entity=demo')).text)).to.contain('载入演示数据');
    const regions = await app
      .db('audit_log')
      .where({ entity: 'facility', entity_id: String(other) })
      .pluck('region_code');
    expect(regions).to.deep.equal([OTHER_TOWNSHIP]);
  });

  it('filters by user and by date range, and refuses an end before the start', async () => {
    const byCounty = await bureau.get('/staff/audit?actor=county');
    const rows = entries(byCounty.text);
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.every((r) => r.includes('county'))).to.equal(true);
    expect(byCounty.text).to.contain('<option value="county" selected>');
    const today = todayInShanghai();
    const tomorrow = new Date(Date.parse(`${today}T12:00:00+08:00`) + 86_400_000).toISOString().slice(0, 10);
    expect((await county.get(`/staff/audit?from=${today}&to=${today}`)).text).to.contain('审计县局骨灰堂');
    expect((await county.get(`/staff/audit?from=${tomorrow}`)).text).to.contain('共 0 条记录');
    expect((await county.get(`/staff/audit?to=2020-01-01`)).text).to.contain('共 0 条记录');
    expect((await county.get(`/staff/audit?from=${today}&to=2020-01-01`)).status).to.equal(400);
  });

  it('exports the filtered entries as CSV and XLSX, one line per changed field, read back', async () => {
    const csv = await county.get(`/staff/audit.csv?entity=facility&entity_id=${own}`);
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const records = parse(csv.text.replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
    expect(records[0]).to.deep.equal(['审计日志']);
    expect(records[1]).to.deep.equal(['范围', '钟山区']);
    const header = records.findIndex((r) => r[0] === '时间');
    expect(records[header]).to.deep.equal([
      '时间',
      '操作人',
      '操作',
      '对象',
      '编号',
      '对象名称',
      '地区',
      '项目',
      '变更前',
      '变更后',
    ]);
    const lines = records.slice(header + 1);
    const status = lines.find((r) => r[7] === '状态' && r[2] === '记录状态')!;
    expect(status.slice(8)).to.deep.equal(['运营', '停用']);
    expect(status[5]).to.equal('审计县局骨灰堂');
    expect(lines.every((r) => r[4] === String(own))).to.equal(true);

    const xlsx = await county.get(`/staff/audit.xlsx?entity=facility&entity_id=${own}`);
    expect(xlsx.status).to.equal(200);
    const raw = await fetch(`${app.url}/staff/audit.xlsx?entity=coverage_target&entity_id=${target}`, {
      headers: { cookie: (county as unknown as { cookieHeader(): string }).cookieHeader() },
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await raw.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    const values: string[][] = [];
    ws.eachRow((row) => values.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    const rate = values.find((r) => r[7] === '目标值' && r[2] === '修改')!;
    expect(rate.slice(8)).to.deep.equal(['80.0%', '90.0%']);
    const [{ n }] = await app
      .db('audit_log')
      .where({ entity: 'coverage_target', entity_id: String(target) })
      .count({ n: '*' });
    expect(Number(n)).to.equal(2);
  });

  it('names the region of entries written before the column: a facility, a deleted one, a target, figures', async () => {
    const at = new Date().toISOString();
    await app.db('audit_log').insert([
      {
        at,
        action: 'delete',
        entity: 'facility',
        entity_id: '999999',
        before: JSON.stringify({ name: '已删除骨灰堂', region_code: OTHER_TOWNSHIP }),
      },
      { at, action: 'update', entity: 'region_year_stats', entity_id: '520203/2024', after: '{"deaths":10}' },
    ]);
    await app
      .db('audit_log')
      .whereIn('entity', ['facility', 'coverage_target', 'region_year_stats'])
      .update({ region_code: null });
    await fillRegions(app.db);
    const regionOf = async (entity: string, id: string | number) =>
      (await app
        .db('audit_log')
        .where({ entity, entity_id: String(id) })
        .pluck('region_code')) as string[];
    expect(await regionOf('facility', own)).to.deep.equal([OWN_TOWNSHIP, OWN_TOWNSHIP, OWN_TOWNSHIP]);
    expect(await regionOf('facility', 999999)).to.deep.equal([OTHER_TOWNSHIP]);
    expect(await regionOf('coverage_target', target)).to.deep.equal(['520201', '520201']);
    expect(await regionOf('region_year_stats', '520203/2024')).to.deep.equal(['520203']);
    const users = await app.db('audit_log').where({ entity: 'user' }).pluck('region_code');
    expect(users.every((r) => r === null)).to.equal(true);
  });

  it("shows the correction of a unit's kind, in words, to the county it lies in", async () => {
    const unit = await app
      .db('regions')
      .where({ parent_code: OWN_TOWNSHIP, level: 'village', is_admin_village: true })
      .orderBy('code')
      .first('code', 'name');
    const res = await bureau.post(
      `/staff/regions/${unit.code}/kind`,
      { kind: 'community', reason: '已撤村改居' },
      { from: `/staff/regions/${unit.code}/kind` },
    );
    expect(res.status).to.equal(302);
    const [entry] = entries((await county.get(`/staff/audit?entity=region_kind&entity_id=${unit.code}`)).text);
    expect(entry).to.contain('村级单位类型').and.contain('更正').and.contain(unit.name);
    expect(entry).to.contain('类型： 行政村 → 社区').and.contain('人工更正： 否 → 是').and.contain('理由： 已撤村改居');
  });

  it("shows a county's yearly submission in that county's audit, with its region", async () => {
    const user = await app.db('users').where({ username: 'county' }).first();
    const id = await submitYear(app.db, user, '520201', 2025, '2026-01-15', null);
    const [entry] = entries((await county.get(`/staff/audit?entity=year_submission&entity_id=${id}`)).text);
    expect(entry).to.contain('年度报送').and.contain('钟山区');
    expect(
      await app
        .db('audit_log')
        .where({ entity: 'year_submission', entity_id: String(id) })
        .pluck('region_code'),
    ).to.deep.equal(['520201']);
  });
});

// Region-scoped bureaus (issue 16 item 6): a county bureau (钟山区, 520201) keeps its county's facilities and figures and
// opens its county's coverage pages only; a city bureau tied to its city likewise for the city; an unscoped bureau
// sees every region, as before.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { createToken } from '../../server/accounts/tokens.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

const OWN_TOWNSHIP = '520201101';
const OTHER_TOWNSHIP = '520203102';

describe(`county bureau: its county's registry, coverage and figures (${dialect})`, () => {
  let app: TestApp;
  let county: Client, bureau: Client, city: Client;
  let own: number, other: number, guiyang: number;

  before(async () => {
    app = await startApp();
    [county, bureau] = await Promise.all([signedIn(app, 'county_bureau'), signedIn(app, 'bureau')]);
    // Another city with a facility, outside Liupanshui, and a city bureau tied to Liupanshui (5202).
    await app.db('regions').insert([
      { code: '5201', name: '贵阳市', level: 'city', parent_code: '52' },
      { code: '520102', name: '南明区', level: 'county', parent_code: '5201' },
    ]);
    const now = new Date().toISOString();
    const facility = (name: string, region_code: string) => ({
      name,
      kind: 'columbarium',
      status: 'operating',
      region_code,
      created_at: now,
      updated_at: now,
    });
    const ids = await app
      .db('facilities')
      .insert([
        facility('钟山区范围测试骨灰堂', `${OWN_TOWNSHIP}`),
        facility('水城区范围测试骨灰堂', OTHER_TOWNSHIP),
        facility('南明区范围测试骨灰堂', '520102'),
      ])
      .returning('id');
    [own, other, guiyang] = ids.map((r: { id: number } | number) => (typeof r === 'number' ? r : r.id));
    await app.db('facility_status_history').insert(
      [own, other, guiyang].map((id) => ({
        facility_id: id,
        status: 'operating',
        effective_on: '2024-01-01',
        recorded_at: now,
      })),
    );
    const { id: _id, ...template } = await app.db('users').where({ username: 'bureau' }).first();
    await app
      .db('users')
      .insert({ ...template, username: 'citybureau', display_name: '六盘水市民政局', region_code: '5202' });
    city = new Client(app.url);
    await city.login('citybureau');
  });
  after(() => app.close());

  const facilityForm = (over: Record<string, string> = {}, at = OWN_TOWNSHIP) => ({
    name: '县局登记骨灰堂',
    kind: 'columbarium',
    region__county: at.slice(0, 6),
    region__township: at.slice(0, 9),
    address: '',
    phone: '',
    lng: '',
    lat: '',
    niche_capacity: '500',
    plot_capacity: '',
    investment: '',
    build_mode: '',
    area_codes: '',
    note: '',
    status: 'operating',
    effective_on: '2025-03-01',
    status_note: '',
    ...over,
  });
  const regionOf = async (id: number) => (await app.db('facilities').where({ id }).first()).region_code as string;

  it("lists only its county's facilities, reads its own and answers another county's as missing", async () => {
    const list = await county.get('/staff/facilities');
    expect(list.status).to.equal(200);
    const codes = [...list.text.matchAll(/class="muted mono small">(\d+)</g)].map((m) => m[1]);
    const [{ n }] = await app.db('facilities').where('region_code', 'like', '520201%').count({ n: '*' });
    expect(codes.length).to.equal(Number(n));
    expect(codes.every((c) => c.startsWith('520201'))).to.equal(true);
    expect(textOf(list.text)).to.contain('钟山区范围测试骨灰堂').and.not.contain('水城区范围测试骨灰堂');
    // Asking for another county's list narrows to its own.
    const asked = await county.get('/staff/facilities?region__county=520203');
    expect(textOf(asked.text)).to.not.contain('水城区范围测试骨灰堂');

    // The staff dashboard counts its county's divisions and facilities.
    const [{ n: townships }] = await app
      .db('regions')
      .where({ level: 'township' })
      .where('code', 'like', '520201%')
      .count({ n: '*' });
    const home = textOf((await county.get('/staff')).text);
    expect(home).to.contain('所属单位 钟山区').and.contain(`乡镇（街道） ${townships}`);
    expect(textOf((await bureau.get('/staff')).text))
      .to.contain('所属单位 全部设施')
      .and.contain('乡镇（街道） 92');
    expect((await county.get(`/staff/facilities/${own}`)).status).to.equal(200);
    expect((await county.get(`/staff/facilities/${own}/edit`)).status).to.equal(200);
    for (const path of [
      `/staff/facilities/${other}`,
      `/staff/facilities/${other}/edit`,
      `/staff/facilities/${other}/delete`,
    ])
      expect((await county.get(path)).status, path).to.equal(404);
    const closing = await county.post(`/staff/facilities/${other}/status`, {
      status: 'closed',
      effective_on: '2025-01-01',
    });
    expect(closing.status).to.equal(404);
    expect((await county.post(`/staff/facilities/${other}/delete`, {})).status).to.equal(404);
    expect((await app.db('facilities').where({ id: other }).first()).status).to.equal('operating');
  });

  it('registers and edits facilities in its county, and cannot place or move one outside it', async () => {
    const created = await county.post('/staff/facilities', facilityForm(), { from: '/staff/facilities/new' });
    expect(created.status).to.equal(302);
    const id = (await app.db('facilities').where({ name: '县局登记骨灰堂' }).first()).id as number;
    expect(await regionOf(id)).to.equal(OWN_TOWNSHIP);

    const outside = await county.post('/staff/facilities', facilityForm({ name: '县局越界骨灰堂' }, OTHER_TOWNSHIP));
    expect(outside.status).to.equal(400);
    expect(textOf(outside.text)).to.contain('所在地区须在本单位管辖范围（520201）内');
    expect(await app.db('facilities').where({ name: '县局越界骨灰堂' }).first()).to.equal(undefined);

    const moved = await county.post(`/staff/facilities/${id}`, facilityForm({}, OTHER_TOWNSHIP));
    expect(moved.status).to.equal(400);
    expect(textOf(moved.text)).to.contain('所在地区须在本单位管辖范围');
    expect(await regionOf(id)).to.equal(OWN_TOWNSHIP);

    const serving = await county.post(`/staff/facilities/${id}`, facilityForm({ area_codes: OTHER_TOWNSHIP }));
    expect(serving.status).to.equal(400);
    expect(textOf(serving.text)).to.contain(`服务范围须在本单位管辖范围（520201）内：${OTHER_TOWNSHIP}`);

    const edited = await county.post(`/staff/facilities/${id}`, facilityForm({ address: '大河镇' }));
    expect(edited.status).to.equal(302);
    expect((await app.db('facilities').where({ id }).first()).address).to.equal('大河镇');

    const closed = await county.post(`/staff/facilities/${id}/status`, {
      status: 'closed',
      effective_on: '2025-06-01',
    });
    expect(closed.status).to.equal(302);
    expect((await app.db('facilities').where({ id }).first()).status).to.equal('closed');
  });

  it("exports its county's facilities only, and refuses an import row outside its county", async () => {
    const csv = await county.get('/staff/facilities/export.csv');
    expect(csv.status).to.equal(200);
    const rows = parse(csv.text.replace(/^\uFEFF/, ''), { columns: true }) as { name: string; region_code: string }[];
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.every((r) => r.region_code.startsWith('520201'))).to.equal(true);
    expect((await bureau.get('/staff/facilities/export.csv')).text).to.contain('水城区范围测试骨灰堂');

    const header = 'name,kind,status,status_date,region_code';
    const preview = (text: string) =>
      county.post('/staff/facilities/import', { csv: text, step: 'preview' }, { from: '/staff/facilities/import' });
    const placed = await preview(`${header}\n县局导入越界骨灰堂,columbarium,operating,2025-01-01,${OTHER_TOWNSHIP}\n`);
    expect(placed.status).to.equal(400);
    expect(textOf(placed.text)).to.contain('所在地区须在本单位管辖范围');
    const named = await preview(`${header}\n水城区范围测试骨灰堂,columbarium,operating,2024-01-01,${OWN_TOWNSHIP}\n`);
    expect(named.status).to.equal(400);
    expect(textOf(named.text)).to.contain('这个名称的设施不在本单位管辖范围（520201）内');
    const fine = await preview(`${header}\n县局导入骨灰堂,columbarium,operating,2025-01-01,${OWN_TOWNSHIP}\n`);
    expect(fine.status).to.equal(200);
  });

  it('opens the coverage pages on its county and refuses a region above or beside it', async () => {
    const dashboard = await county.get('/staff/coverage?date=2025-12-31');
    expect(dashboard.status).to.equal(200);
    expect(textOf(dashboard.text)).to.contain('钟山区');
    // The breadcrumb names the city without linking it; the picker offers no other county.
    const cityLink = /<li><a href="\/staff\/coverage\?region(=|&#x3D;)5202&/;
    expect(dashboard.text).to.not.match(cityLink);
    expect((await bureau.get('/staff/coverage?region=520201&date=2025-12-31')).text).to.match(cityLink);
    expect(dashboard.text).to.not.contain('value="520203"');
    expect((await bureau.get('/staff/coverage?date=2025-12-31')).text).to.contain('value="520203"');
    expect((await county.get(`/staff/coverage?region=${OWN_TOWNSHIP}&date=2025-12-31`)).status).to.equal(200);

    for (const path of [
      '/staff/coverage?region=520203&date=2025-12-31',
      '/staff/coverage?region=5202&date=2025-12-31',
      '/staff/coverage/villages?region=520203&date=2025-12-31',
      '/staff/coverage/map?region=5202&date=2025-12-31',
      '/staff/coverage/map/data.json?region=520203&date=2025-12-31',
      '/staff/coverage/proposal?region=5202&target=80',
      '/staff/coverage/report.csv?region=5202&date=2025-12-31',
      '/staff/coverage/figures?region=520203',
    ])
      expect((await county.get(path)).status, path).to.equal(403);

    const user = await app.db('users').where({ username: 'county' }).first('id');
    const { token } = await createToken(app.db, null, user.id, 'county api', null);
    const api = await county.get('/api/v1/coverage?date=2025-12-31', { authorization: `Bearer ${token}` });
    expect(api.status).to.equal(200);
    expect(api.json().region.code).to.equal('520201');
    const report = await county.get('/staff/coverage/report.csv?date=2025-12-31');
    expect(report.status).to.equal(200);
    expect(decodeURIComponent(report.headers.get('content-disposition') ?? '')).to.contain('钟山区');
  });

  it("keeps figures for its county's regions only", async () => {
    const page = await county.get('/staff/coverage/figures?year=2026');
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('name="deaths_520201"').and.not.contain('name="deaths_520203"');
    const grid = (cells: Record<string, string>) => ({ region: '520201', year: '2026', ...cells });
    const mine = await county.post('/staff/coverage/figures', grid({ deaths_520201: '4300', v_520201: '' }));
    expect(mine.status).to.equal(302);
    expect((await app.db('region_year_stats').where({ region_code: '520201', year: 2026 }).first()).deaths).to.equal(
      4300,
    );
    const theirs = await county.post('/staff/coverage/figures', grid({ deaths_520203: '3000', v_520203: '' }));
    expect(theirs.status).to.equal(403);
    expect(await app.db('region_year_stats').where({ region_code: '520203', year: 2026 }).first()).to.equal(undefined);
    expect(
      (await county.post('/staff/coverage/figures/zones', { region: '520203', zone_520203: 'reform' })).status,
    ).to.equal(403);
    expect((await county.post('/staff/coverage/figures/central-villages', { region: OTHER_TOWNSHIP })).status).to.equal(
      403,
    );
  });

  it("reads its county's targets and the city's that apply to it, and edits none", async () => {
    const page = await county.get('/staff/coverage/targets');
    expect(page.status).to.equal(200);
    const shown = [...page.text.matchAll(/class="muted mono small">(\d+)</g)].map((m) => m[1]);
    expect(shown).to.include('5202');
    expect(shown.every((c) => c.startsWith('520201') || '520201'.startsWith(c))).to.equal(true);
    expect(page.text)
      .to.not.match(/href="\/staff\/coverage\/targets\/\d+"/)
      .and.not.contain('/staff/coverage/targets/new');
    expect((await county.get('/staff/coverage/targets/new')).status).to.equal(403);
  });

  it("keeps its county's report settings and corrects unit kinds in its county only", async () => {
    const settings = '/staff/coverage/report-settings';
    expect((await county.get(`${settings}?region=520203`)).status).to.equal(403);
    const saved = await county.post(
      settings,
      { region: '520201', issuer: '钟山区民政局', head: '局长丁', reviewer: '', phone: '0858-8221235' },
      { from: `${settings}?region=520201` },
    );
    expect(saved.status).to.equal(302);
    expect(await app.db('report_settings').where({ region_code: '520201' }).first()).to.include({
      issuer: '钟山区民政局',
    });
    const elsewhere = await county.post(
      settings,
      { region: '520203', issuer: '六枝特区民政局', head: '', reviewer: '', phone: '' },
      { from: `${settings}?region=520201` },
    );
    expect(elsewhere.status).to.equal(403);
    expect(await app.db('report_settings').where({ region_code: '520203' }).first()).to.equal(undefined);

    const own = await app.db('regions').where({ parent_code: OWN_TOWNSHIP, is_admin_village: true }).first('code');
    const other = await app.db('regions').where('code', 'like', '520203%').andWhere({ level: 'village' }).first('code');
    expect((await county.get(`/staff/regions/${own.code}/kind`)).status).to.equal(200);
    expect((await county.get(`/staff/regions/${other.code}/kind`)).status).to.equal(403);
    const corrected = await county.post(
      `/staff/regions/${own.code}/kind`,
      { kind: 'community', reason: '已撤村建居（范围测试）' },
      { from: `/staff/regions/${own.code}/kind` },
    );
    expect(corrected.status).to.equal(302);
    const entry = await app.db('audit_log').where({ entity: 'region_kind', entity_id: own.code }).first();
    expect(entry).to.include({ actor_name: 'county', region_code: own.code });
    const refused = await county.post(
      `/staff/regions/${other.code}/kind`,
      { kind: 'community', reason: '越权' },
      { from: `/staff/regions/${other.code}/kind` },
    );
    expect(refused.status).to.equal(403);
    expect(await app.db('region_kind_overrides').where({ code: other.code }).first()).to.equal(undefined);
  });

  it('scopes a city bureau tied to its city the same way, while an unscoped bureau sees every region', async () => {
    expect((await bureau.get(`/staff/facilities/${guiyang}`)).status).to.equal(200);
    expect((await city.get(`/staff/facilities/${guiyang}`)).status).to.equal(404);
    expect((await city.get(`/staff/facilities/${other}`)).status).to.equal(200);
    expect(textOf((await city.get('/staff/facilities')).text)).to.not.contain('南明区范围测试骨灰堂');
    expect(textOf((await bureau.get('/staff/facilities?region__city=5201')).text)).to.contain('南明区范围测试骨灰堂');
    expect((await city.get('/staff/coverage?region=5201&date=2025-12-31')).status).to.equal(403);
    expect((await city.get('/staff/coverage?region=520203&date=2025-12-31')).status).to.equal(200);
    expect((await bureau.get('/staff/coverage?region=5201&date=2025-12-31')).status).to.equal(200);
    // Report settings and unit kinds: its city's only.
    expect((await city.get('/staff/coverage/report-settings?region=5201')).status).to.equal(403);
    expect((await city.get('/staff/coverage/report-settings?region=520203')).status).to.equal(200);
    expect((await bureau.get('/staff/coverage/report-settings?region=5201')).status).to.equal(200);
    expect((await city.get('/staff/regions/520102001001/kind')).status).to.equal(403);
    // Targets: a city bureau sets its city's, not another's.
    const target = await city.post(
      '/staff/coverage/targets',
      { region__city: '5201', region: '5201', indicator: 'villages', year: '2030', rate: '90', source: '' },
      { from: '/staff/coverage/targets/new' },
    );
    expect(target.status).to.equal(400);
    expect(await app.db('coverage_targets').where({ region_code: '5201' }).first()).to.equal(undefined);
  });
});

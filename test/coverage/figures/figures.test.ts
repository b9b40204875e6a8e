// Yearly figures kept by the bureau: the year-by-county grid (deaths, cremations, burials, green burials), scattered
// graves per township, funeral zones, central villages. Per-cell messages with nothing written, counties and
// townships only, a row changed by someone else meanwhile is a 409, audit rows, the front desk refused, and central
// villages marked here change the coverage engine's central-village totals at once.
import { expect } from 'chai';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import { formatRatio } from '../../../server/http/format.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const COUNTIES = ['520201', '520203', '520204', '520281'];

describe(`coverage: yearly figures (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client, front: Client;
  let townships: { code: string; name: string }[];

  before(async () => {
    app = await startApp();
    [bureau, front] = await Promise.all([signedIn(app, 'bureau'), signedIn(app, 'front_desk')]);
    townships = await app
      .db('regions')
      .where({ parent_code: '520201', level: 'township' })
      .orderBy('code')
      .select('code', 'name');
  });
  after(() => app.close());

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await app.db(table).where(where).count({ n: '*' }))[0].n);
  const stats = (code: string, year: number) => app.db('region_year_stats').where({ region_code: code, year }).first();

  /** The grid of a year as the page posts it: every county, blank unless given, with the versions the page carries. */
  async function grid(year: number, cells: Record<string, string> = {}): Promise<Record<string, string>> {
    const page = await bureau.get(`/staff/coverage/figures?region=5202&year=${year}`);
    const form: Record<string, string> = { region: '5202', year: String(year) };
    for (const c of COUNTIES) {
      for (const m of ['deaths', 'cremations', 'burials', 'green_burials']) {
        const v = new RegExp(`name="${m}_${c}"[^>]*value="([^"]*)"`).exec(page.text);
        form[`${m}_${c}`] = v ? v[1] : '';
      }
      form[`v_${c}`] = new RegExp(`name="v_${c}" value="([^"]*)"`).exec(page.text)?.[1] ?? '';
    }
    return { ...form, ...cells };
  }

  it("shows a year's grid with the figures entered, the rates, the totals and the years before", async () => {
    const res = await bureau.get('/staff/coverage/figures?year=2025');
    expect(res.status).to.equal(200);
    const row = await stats('520201', 2025);
    expect(res.text).to.match(new RegExp(`name="deaths_520201"[^>]*value="${row.deaths}"`));
    const text = textOf(res.text);
    expect(text)
      .to.contain('2025 年各区县殡葬数据')
      .and.contain('钟山区')
      .and.contain('盘州市')
      .and.contain('合计')
      .and.contain('历年汇总');
    expect(text).to.contain(formatRatio(row.cremations, row.deaths));
    expect(res.text).to.match(/<a href="\/staff\/coverage\/figures"[^>]*aria-current="page"/);
    const html = res.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(html)
      .to.contain('href="/staff/coverage/figures?region=5202&year=2024"')
      .and.contain('href="/staff/coverage/figures?region=5202&year=2026"');
  });

  it('saves a new year: a row per county entered, nothing for a blank one, an audit row each, and says so', async () => {
    const audits = await count('audit_log', { entity: 'region_year_stats' });
    const res = await bureau.post(
      '/staff/coverage/figures',
      await grid(2026, {
        deaths_520201: '4,300',
        cremations_520201: '３９００',
        burials_520201: '4200',
        green_burials_520201: '1500',
        deaths_520203: '3200',
        cremations_520203: '',
      }),
    );
    expect(res.status).to.equal(302);
    expect(res.location).to.equal('/staff/coverage/figures?region=5202&year=2026');
    expect(await stats('520201', 2026)).to.include({
      deaths: 4300,
      cremations: 3900,
      burials: 4200,
      green_burials: 1500,
    });
    expect(await stats('520203', 2026)).to.include({
      deaths: 3200,
      cremations: null,
      burials: null,
      green_burials: null,
    });
    expect(await stats('520204', 2026)).to.equal(undefined);
    expect(await count('audit_log', { entity: 'region_year_stats' })).to.equal(audits + 2);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'region_year_stats', entity_id: '520201/2026', action: 'create' })
      .first();
    expect(audit.actor_name).to.equal('bureau');
    expect(JSON.parse(audit.after)).to.deep.equal({
      deaths: 4300,
      cremations: 3900,
      burials: 4200,
      green_burials: 1500,
    });
    expect(textOf((await bureau.get(res.location!)).text)).to.contain('已保存 2026 年数据（2 个地区有变动）。');
  });

  it('changes only what changed, deletes a row left blank, and audits both', async () => {
    const audits = await count('audit_log', { entity: 'region_year_stats' });
    const res = await bureau.post(
      '/staff/coverage/figures',
      await grid(2026, { cremations_520201: '3950', deaths_520203: '' }),
    );
    expect(res.status).to.equal(302);
    expect(await stats('520201', 2026)).to.include({ cremations: 3950, deaths: 4300 });
    expect(await stats('520203', 2026)).to.equal(undefined);
    expect(await count('audit_log', { entity: 'region_year_stats' })).to.equal(audits + 2);
    const update = await app
      .db('audit_log')
      .where({ entity: 'region_year_stats', entity_id: '520201/2026', action: 'update' })
      .first();
    expect(JSON.parse(update.before)).to.include({ cremations: 3900 });
    expect(JSON.parse(update.after)).to.include({ cremations: 3950 });
    expect(
      await count('audit_log', { entity: 'region_year_stats', entity_id: '520203/2026', action: 'delete' }),
    ).to.equal(1);
    // The same grid again changes nothing.
    const again = await bureau.post('/staff/coverage/figures', await grid(2026));
    expect(again.status).to.equal(302);
    expect(await count('audit_log', { entity: 'region_year_stats' })).to.equal(audits + 2);
    expect(textOf((await bureau.get(again.location!)).text)).to.contain('2026 年数据没有变动。');
  });

  it('answers bad cells with 400, a message per cell named by county and column, the values kept, and nothing written', async () => {
    const [rows, audits] = [await count('region_year_stats'), await count('audit_log')];
    const res = await bureau.post(
      '/staff/coverage/figures',
      await grid(2026, {
        cremations_520201: '5000', // more than the 4,300 deaths
        green_burials_520204: '300',
        burials_520204: '200',
        deaths_520203: '-3',
        deaths_520281: '12x',
        burials_520281: '100000000',
      }),
    );
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('请修改以下问题后再保存');
    expect(text).to.contain('钟山区 · 火化数：火化数不能大于死亡人数（4300）。');
    expect(text).to.contain('水城区 · 节地生态安葬数：节地生态安葬数不能大于安葬与安放总数（200）。');
    expect(text).to.contain('六枝特区 · 死亡人数：不能填负数。');
    expect(text).to.contain('盘州市 · 死亡人数：请填写整数，例如 1200 或 1,200。');
    expect(text).to.contain('盘州市 · 安葬与安放总数：数字过大，请核对。');
    expect(res.text).to.match(/name="deaths_520281"[^>]*value="12x"/);
    expect(res.text).to.match(/name="cremations_520201"[^>]*value="5000"[^>]*aria-invalid="true"/);
    expect(await count('region_year_stats')).to.equal(rows);
    expect(await count('audit_log')).to.equal(audits);
  });

  it('asks for all burials when green burials are given without them', async () => {
    const res = await bureau.post('/staff/coverage/figures', await grid(2026, { green_burials_520204: '30' }));
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('水城区 · 安葬与安放总数：填写了节地生态安葬数，请同时填写安葬与安放总数。');
    expect(await stats('520204', 2026)).to.equal(undefined);
  });

  it('keeps deaths and burials per county only', async () => {
    const rows = await count('region_year_stats');
    const res = await bureau.post(
      '/staff/coverage/figures',
      { region: '5202', year: '2026', [`deaths_${townships[0].code}`]: '10' },
      { from: '/staff/coverage/figures' },
    );
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain(`死亡、火化和安葬数据只能按区县填报（${townships[0].code} 不是区县）。`);
    expect(await count('region_year_stats')).to.equal(rows);
  });

  it('refuses to overwrite a row someone else changed since the page was read', async () => {
    const stale = await grid(2026);
    await app
      .db('region_year_stats')
      .where({ region_code: '520201', year: 2026 })
      .update({ deaths: 4400, updated_at: new Date(Date.now() + 1000).toISOString() });
    const audits = await count('audit_log');
    const res = await bureau.post('/staff/coverage/figures', { ...stale, deaths_520201: '4350' });
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('其他人刚刚修改了这些数据。请重新打开页面，核对后再保存。');
    expect(await stats('520201', 2026)).to.include({ deaths: 4400 });
    expect(await count('audit_log')).to.equal(audits);
    // Someone else added a row the page showed blank: that is a 409 too.
    const blank = await grid(2026);
    await app
      .db('region_year_stats')
      .insert({ region_code: '520204', year: 2026, deaths: 10, updated_at: new Date().toISOString() });
    const added = await bureau.post('/staff/coverage/figures', { ...blank, deaths_520204: '20' });
    expect(added.status).to.equal(409);
    expect(await stats('520204', 2026)).to.include({ deaths: 10 });
  });

  it('keeps scattered graves per township: saved and audited, checked per row, townships only', async () => {
    const [a, b] = townships;
    const page = await bureau.get('/staff/coverage/figures/graves?region=520201&year=2026');
    expect(page.status).to.equal(200);
    expect(textOf(page.text)).to.contain('2026 年散坟整治（钟山区）').and.contain(a.name);
    const ok = await bureau.post('/staff/coverage/figures/graves', {
      region: '520201',
      year: '2026',
      [`found_${a.code}`]: '120',
      [`remediated_${a.code}`]: '90',
      [`v_${a.code}`]: '',
    });
    expect(ok.status).to.equal(302);
    expect(await app.db('grave_remediation').where({ region_code: a.code, year: 2026 }).first()).to.include({
      found: 120,
      remediated: 90,
    });
    expect(
      await count('audit_log', { entity: 'grave_remediation', entity_id: `${a.code}/2026`, action: 'create' }),
    ).to.equal(1);

    const rows = await count('grave_remediation');
    const bad = await bureau.post(
      '/staff/coverage/figures/graves',
      {
        region: '520201',
        year: '2026',
        [`found_${b.code}`]: '50',
        [`remediated_${b.code}`]: '60',
        [`found_${townships[2].code}`]: '40',
        [`remediated_${townships[2].code}`]: '',
        [`found_${townships[3].code}`]: '',
        [`remediated_${townships[3].code}`]: '5',
      },
      { from: '/staff/coverage/figures/graves?region=520201&year=2026' },
    );
    expect(bad.status).to.equal(400);
    const text = textOf(bad.text);
    expect(text).to.contain(`${b.name} · 已整治数：已整治数不能大于发现散坟数（50）。`);
    expect(text).to.contain(`${townships[2].name} · 已整治数：请同时填写已整治数（没有可填 0）。`);
    expect(text).to.contain(`${townships[3].name} · 发现散坟数：填写了已整治数，请同时填写发现散坟数。`);
    const county = await bureau.post('/staff/coverage/figures/graves', {
      region: '520201',
      year: '2026',
      found_520201: '5',
      remediated_520201: '1',
    });
    expect(county.status).to.equal(400);
    expect(textOf(county.text)).to.contain('散坟整治数据只能按乡镇（街道）填报（520201 不是乡镇）。');
    expect(await count('grave_remediation')).to.equal(rows);
  });

  it('sets funeral zones of counties and townships, audits each change, and refuses other levels', async () => {
    const [a, b] = townships;
    const page = await bureau.get('/staff/coverage/figures/zones?region=520201');
    expect(page.status).to.equal(200);
    expect(textOf(page.text)).to.contain('殡葬区划（钟山区）').and.contain('未设置（随区县：火葬区）');
    const res = await bureau.post('/staff/coverage/figures/zones', {
      region: '520201',
      zone_520201: 'cremation',
      [`zone_${a.code}`]: 'reform',
      [`zone_${b.code}`]: '',
    });
    expect(res.status).to.equal(302);
    expect((await app.db('regions').where({ code: a.code }).first('funeral_zone')).funeral_zone).to.equal('reform');
    expect((await app.db('regions').where({ code: b.code }).first('funeral_zone')).funeral_zone).to.equal(null);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'region', entity_id: a.code })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.parse(audit.after)).to.deep.equal({ funeral_zone: 'reform' });
    const audits = await count('audit_log');
    const bad = await bureau.post('/staff/coverage/figures/zones', {
      region: '520201',
      zone_520201: 'sea',
      [`zone_${a.code}`]: '',
    });
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('钟山区 · 区划：请从列表中选择。');
    const city = await bureau.post('/staff/coverage/figures/zones', { region: '5202', zone_5202: 'cremation' });
    expect(city.status).to.equal(400);
    expect(textOf(city.text)).to.contain('殡葬区划只能设在区县或乡镇（街道）（5202）。');
    expect((await app.db('regions').where({ code: a.code }).first('funeral_zone')).funeral_zone).to.equal('reform');
    expect(await count('audit_log')).to.equal(audits);
  });

  it('marks central villages of a township, and the coverage engine counts them at once', async () => {
    const date = '2026-11-25';
    const township = (
      await app
        .db('regions')
        .where({ level: 'village', is_admin_village: true })
        .where('code', 'like', '520201%')
        .groupBy('parent_code')
        .havingRaw('count(*) >= 5')
        .orderBy('parent_code')
        .select('parent_code')
    )[0].parent_code as string;
    const villages = (await app
      .db('regions')
      .where({ parent_code: township, is_admin_village: true })
      .orderBy('code')
      .pluck('code')) as string[];
    const before = await computeCoverage(app.db, { region: township, date }); // fills the division-totals cache
    const page = await bureau.get(`/staff/coverage/figures/central-villages?region=${township}`);
    expect(page.status).to.equal(200);
    expect(page.text.match(/type="checkbox"/g)).to.have.length(villages.length);
    const chosen = villages.slice(0, 3);
    // Several ticked boxes post the same name again: sent here as the list the body parser makes of them.
    const posted = await bureau.request('POST', '/staff/coverage/figures/central-villages', {
      json: { _csrf: bureau.csrf, region: township, central: chosen },
    });
    expect(posted.status).to.equal(302);
    const central = await app
      .db('regions')
      .where({ parent_code: township, is_central_village: true })
      .orderBy('code')
      .pluck('code');
    expect(central).to.deep.equal(chosen);
    const after = await computeCoverage(app.db, { region: township, date });
    expect(after.region.indicators.central_villages.total).to.equal(3);
    expect(before.region.indicators.central_villages.total).to.not.equal(3);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'central_villages', entity_id: township })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.parse(audit.after).central).to.deep.equal(chosen);
  });

  it('refuses a central village that is not an administrative village of the township, changing nothing', async () => {
    const community = await app
      .db('regions')
      .where({ level: 'village', is_admin_village: false })
      .where('code', 'like', '520201%')
      .first('code', 'parent_code');
    const centralBefore = await count('regions', { is_central_village: true });
    const res = await bureau.post(
      '/staff/coverage/figures/central-villages',
      { region: community.parent_code, central: community.code },
      { from: `/staff/coverage/figures/central-villages?region=${community.parent_code}` },
    );
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain(`只能把本乡镇的行政村设为中心村（${community.code} 不是）。`);
    expect(await count('regions', { is_central_village: true })).to.equal(centralBefore);
  });

  it('refuses the front desk the figures pages and changes', async () => {
    const rows = await count('region_year_stats');
    for (const path of [
      '/staff/coverage/figures',
      '/staff/coverage/figures/graves',
      '/staff/coverage/figures/zones',
      '/staff/coverage/figures/central-villages',
    ]) {
      expect((await front.get(path)).status, path).to.equal(403);
    }
    expect(
      (
        await front.post(
          '/staff/coverage/figures',
          { region: '5202', year: '2026', deaths_520204: '1' },
          { from: '/staff/cases' },
        )
      ).status,
    ).to.equal(403);
    expect(await count('region_year_stats')).to.equal(rows);
  });
});

// The rule for back-dated changes: once a year is submitted, a registry change that would alter its figures as of
// 12-31 is refused without a reason and shows 已报送 / 变更后 / 差额; with a reason it is saved, kept with the
// submission and audited; a change dated after 12-31 goes through; the snapshot never changes.
import { expect } from 'chai';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import * as registry from '../../../server/facilities/service.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const COUNTY = '520201';
const YEAR = 2025;
const CEMETERY = 52; // 金盆苗族彝族乡天生桥村公益性公墓（示例）: 单村独建, operating since 2024-09-24
const OTHER = 50; // 金盆苗族彝族乡营盘村公益性公墓（示例）: 单村独建, operating since 2022-10-19

describe(`coverage: changes to a closed year (${dialect})`, () => {
  let app: TestApp;
  let county: Client, bureau: Client;
  let submissionId: number;
  let submitted: unknown[];

  before(async () => {
    app = await startApp();
    [county, bureau] = await Promise.all([signedIn(app, 'county_bureau'), signedIn(app, 'bureau')]);
    const res = await county.post(
      '/staff/coverage/years/submit',
      { region: COUNTY, year: String(YEAR), confirm: 'yes' },
      { from: `/staff/coverage/years/submit?region=${COUNTY}&year=${YEAR}` },
    );
    expect(res.status).to.equal(302);
    submissionId = (await app.db('year_submissions').where({ region_code: COUNTY, year: YEAR }).first()).id;
    submitted = await snapshot();
  });
  after(() => app.close());

  const snapshot = () =>
    app.db('year_snapshot_rows').where({ submission_id: submissionId }).orderBy(['round', 'region_code', 'indicator']);
  const villages2025 = async () =>
    (await computeCoverage(app.db, { region: COUNTY, date: `${YEAR}-12-31` })).region.indicators.villages;
  const history = () => app.db('facility_status_history').where({ facility_id: CEMETERY }).orderBy('effective_on');
  const status = (form: Record<string, string>) =>
    bureau.post(`/staff/facilities/${CEMETERY}/status`, form, { from: `/staff/facilities/${CEMETERY}` });

  let refusedText = '';

  it('refuses a back-dated closure that lowers 2025 village coverage without a reason, showing the difference', async () => {
    const rows = (await history()).length;
    const res = await status({ status: 'closed', effective_on: '2025-11-01' });
    expect(res.status).to.equal(409);
    refusedText = textOf(res.text);
    expect(refusedText).to.contain('此项变更会改变已报送年度的数据').and.contain(`钟山区 ${YEAR}`);
    expect(refusedText).to.contain('已报送').and.contain('变更后').and.contain('差额').and.contain('行政村覆盖');
    expect(refusedText).to.contain('请填写变更原因');
    expect(await history()).to.have.length(rows);
    expect((await app.db('facilities').where({ id: CEMETERY }).first()).status).to.equal('operating');
    expect(await app.db('closed_year_changes')).to.have.length(0);
  });

  it('saves it with a reason, keeps the reason and the difference with the submission and in the audit log', async () => {
    const was = await villages2025();
    const res = await status({
      status: 'closed',
      effective_on: '2025-11-01',
      closed_year_reason: '补录：该公墓 2025 年 11 月已停用',
    });
    expect(res.status).to.equal(302);
    const now = await villages2025();
    expect(now.covered).to.be.lessThan(was.covered);
    const delta = was.covered - now.covered;
    // The refused page had shown exactly this: submitted, after, difference.
    expect(refusedText).to.contain(`${was.covered} / ${was.total}`).and.contain(`${now.covered} / ${now.total}`);
    expect(refusedText).to.contain(`−${delta}`);
    const [kept] = await app.db('closed_year_changes').where({ submission_id: submissionId });
    expect(kept).to.include({
      entity: 'facility',
      entity_id: String(CEMETERY),
      reason: '补录：该公墓 2025 年 11 月已停用',
    });
    const diff = JSON.parse(kept.differences) as { region_code: string; indicator: string; delta: number }[];
    expect(diff.find((d) => d.region_code === COUNTY && d.indicator === 'villages')?.delta).to.equal(-delta);
    const audit = await app.db('audit_log').where({ action: 'closed_year_change', entity: 'facility' }).first();
    expect(JSON.parse(audit.after)).to.include({ reason: '补录：该公墓 2025 年 11 月已停用', year: YEAR });
    const statusAudit = await app
      .db('audit_log')
      .where({ action: 'status', entity: 'facility', entity_id: String(CEMETERY) })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.parse(statusAudit.after)).to.include({ closed_year_reason: '补录：该公墓 2025 年 11 月已停用' });
    const page = textOf((await bureau.get(`/staff/coverage/years/${submissionId}`)).text);
    expect(page).to.contain('报送后的更正').and.contain('补录：该公墓 2025 年 11 月已停用');
  });

  it('lets a change dated after 12-31 through without a reason', async () => {
    const res = await status({ status: 'operating', effective_on: `${YEAR + 1}-01-10` });
    expect(res.status).to.equal(302);
    expect((await history()).map((h) => h.effective_on)).to.include(`${YEAR + 1}-01-10`);
    expect(await app.db('closed_year_changes')).to.have.length(1);
  });

  it('refuses an edit whose service area reaches back into the closed year, and lets a name change through', async () => {
    const f = (await registry.findFacility(app.db, OTHER))!;
    const input = registry.inputOf(f, await registry.serviceAreaOf(app.db, OTHER));
    const actor = { id: 2, username: 'bureau' };
    let err: unknown;
    await registry
      .updateFacility(app.db, actor, OTHER, { ...input, build_mode: 'township_wide' }, undefined, null)
      .catch((e: unknown) => (err = e));
    expect(err).to.have.property('code', 'closed_year_changed');
    expect((await registry.findFacility(app.db, OTHER))!.build_mode).to.equal('single_village');
    await registry.updateFacility(app.db, actor, OTHER, { ...input, note: '名称与备注不影响覆盖' }, undefined, null);
    expect((await registry.findFacility(app.db, OTHER))!.note).to.equal('名称与备注不影响覆盖');
  });

  it('asks for a reason before central-village marks change a closed year, and saves them with one', async () => {
    const township = '520201101'; // 大河镇: every village served by its 全镇统建 cemetery
    const central = (
      await app.db('regions').where({ parent_code: township, is_central_village: true }).orderBy('code')
    ).map((r) => r.code as string);
    expect(central.length).to.be.greaterThan(1);
    const from = `/staff/coverage/figures/central-villages?region=${township}`;
    const form = { region: township, central: central[0] };
    const refused = await bureau.post('/staff/coverage/figures/central-villages', form, { from });
    expect(refused.status).to.equal(409);
    const text = textOf(refused.text);
    expect(text).to.contain('此项变更会改变已报送年度的数据').and.contain('中心村覆盖');
    expect(await app.db('regions').where({ parent_code: township, is_central_village: true })).to.have.length(
      central.length,
    );
    const saved = await bureau.post(
      '/staff/coverage/figures/central-villages',
      { ...form, closed_year_reason: '中心村规划调整' },
      { from },
    );
    expect(saved.status).to.equal(302);
    expect(await app.db('regions').where({ parent_code: township, is_central_village: true })).to.have.length(1);
    const kept = await app.db('closed_year_changes').where({ entity: 'central_villages', reason: '中心村规划调整' });
    expect(kept).to.have.length(1);
  });

  it('refuses a CSV import that would alter the closed year, importing nothing', async () => {
    const csv =
      'name,kind,status,status_date,region_code\n大湾镇补录骨灰堂,columbarium,operating,2025-03-01,520201103\n';
    const from = '/staff/facilities/import';
    const preview = await bureau.post('/staff/facilities/import', { csv, step: 'preview' }, { from });
    expect(preview.status).to.equal(200);
    const version = /name="version" value="([^"]*)"/.exec(preview.text)?.[1] ?? '';
    const res = await bureau.post('/staff/facilities/import', { csv, step: 'apply', version });
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain(`导入会改变已报送的 钟山区 ${YEAR} 年度数据，未导入任何内容。`);
    expect(await app.db('facilities').where({ name: '大湾镇补录骨灰堂' }).first()).to.equal(undefined);
  });

  it("asks for a reason before the closed year's deaths and cremations change; another county's year goes through", async () => {
    const COUNTIES = ['520201', '520203', '520204', '520281'];
    async function grid(cells: Record<string, string>): Promise<Record<string, string>> {
      const page = await bureau.get(`/staff/coverage/figures?region=5202&year=${YEAR}`);
      const form: Record<string, string> = { region: '5202', year: String(YEAR) };
      for (const c of COUNTIES) {
        for (const m of ['deaths', 'cremations', 'burials', 'green_burials']) {
          const v = new RegExp(`name="${m}_${c}"[^>]*value="([^"]*)"`).exec(page.text);
          form[`${m}_${c}`] = v ? v[1] : '';
        }
        form[`v_${c}`] = new RegExp(`name="v_${c}" value="([^"]*)"`).exec(page.text)?.[1] ?? '';
      }
      return { ...form, ...cells };
    }
    const stats = (county: string) => app.db('region_year_stats').where({ region_code: county, year: YEAR }).first();
    const was = await stats(COUNTY);
    const refused = await bureau.post(
      '/staff/coverage/figures',
      await grid({ deaths_520201: String(Number(was.deaths) + 10) }),
    );
    expect(refused.status).to.equal(409);
    expect(textOf(refused.text)).to.contain('请填写变更原因').and.contain(`钟山区 ${YEAR}`);
    expect(Number((await stats(COUNTY)).deaths)).to.equal(Number(was.deaths));
    const other = await stats('520203');
    const free = await bureau.post(
      '/staff/coverage/figures',
      await grid({ deaths_520203: String(Number(other.deaths) + 1) }),
    );
    expect(free.status).to.equal(302);
    const saved = await bureau.post(
      '/staff/coverage/figures',
      await grid({ deaths_520201: String(Number(was.deaths) + 10), closed_year_reason: '补报漏报死亡人数' }),
    );
    expect(saved.status).to.equal(302);
    expect(Number((await stats(COUNTY)).deaths)).to.equal(Number(was.deaths) + 10);
    const kept = await app.db('closed_year_changes').where({ entity: 'region_year_stats', reason: '补报漏报死亡人数' });
    expect(kept).to.have.length(1);
  });

  it('never changes the snapshot', async () => {
    expect(await snapshot()).to.deep.equal(submitted);
  });
});

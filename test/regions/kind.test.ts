// The bureau corrects one village-level unit's kind: the form, its Chinese field messages, the correction kept
// across re-imports and audited in the same transaction, coverage counting it at once, and undoing it.
import { expect } from 'chai';
import { computeCoverage } from '../../server/coverage/engine/service.js';
import { importDivisions } from '../../server/regions/service.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';

const TOWNSHIP = '520281104'; // 民主镇: 19 administrative villages, 3 communities
const DATE = '2024-12-31';

describe(`regions: correcting a unit's kind (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client;
  let unit: { code: string; name: string };
  const indicators = async () => (await computeCoverage(app.db, { region: TOWNSHIP, date: DATE })).region.indicators;
  const row = async () => app.db('regions').where({ code: unit.code }).first();
  const form = () => `/staff/regions/${unit.code}/kind`;

  before(async () => {
    app = await startApp();
    bureau = await signedIn(app, 'bureau');
    // A central village of the demo data.
    unit = await app
      .db('regions')
      .where({ parent_code: TOWNSHIP, is_admin_village: true, is_central_village: true })
      .orderBy('code')
      .first('code', 'name');
  });
  after(() => app.close());

  it('shows the unit, its kind now and by the name rule, and offers the other kind', async () => {
    const res = await bureau.get(`${form()}?back=${encodeURIComponent(`/staff/coverage?region=${TOWNSHIP}`)}`);
    expect(res.status).to.equal(200);
    const text = textOf(res.text);
    expect(text).to.contain(unit.name).and.contain('现在的类型 行政村').and.contain('按名称规则 行政村');
    expect(text).to.contain('改为社区后，中心村标记将被取消');
    expect(res.text).to.match(/<input type="radio" name="kind" value="community" checked>/);
    expect(res.text).to.contain(`name="back" value="/staff/coverage?region&#x3D;${TOWNSHIP}"`);
  });

  it('refuses a correction without a reason, or to the kind it already has, with a message at the field', async () => {
    let res = await bureau.post(form(), { kind: 'community', reason: '  ' });
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('此项必填');
    expect(res.text).to.match(/<input type="radio" name="kind" value="community" checked>/);
    res = await bureau.post(form(), { kind: 'village', reason: '核实' });
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('该单位现在已是行政村，无需更正');
    res = await bureau.post(form(), { kind: 'hamlet', reason: '核实' });
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('请选择“行政村”或“社区”');
    expect(Boolean((await row()).is_admin_village)).to.equal(true);
    expect(await app.db('region_kind_overrides').where({ code: unit.code })).to.have.length(0);
  });

  it('makes the unit a community: kept as a correction, audited, counted at once, its central mark taken off', async () => {
    const before = await indicators();
    const back = `/staff/coverage?region=${TOWNSHIP}&date=${DATE}#children`;
    const res = await bureau.post(form(), { kind: 'community', reason: '已撤村建居（示例）', back });
    expect(res.status).to.equal(302);
    expect(res.location).to.equal(back);
    const r = await row();
    expect([Boolean(r.is_admin_village), Boolean(r.is_central_village)]).to.deep.equal([false, false]);
    const override = await app.db('region_kind_overrides').where({ code: unit.code }).first();
    expect(override).to.include({ kind: 'community', reason: '已撤村建居（示例）' });
    const entry = await app.db('audit_log').where({ entity: 'region_kind', entity_id: unit.code }).first();
    expect(entry).to.include({ action: 'correct', actor_name: 'bureau' });
    expect(JSON.parse(entry.before)).to.include({ kind: 'village', corrected: false, central: true });
    expect(JSON.parse(entry.after)).to.include({ kind: 'community', corrected: true, central: false });
    expect(JSON.parse(entry.after).reason).to.equal('已撤村建居（示例）');
    // The division totals kept by coverage were dropped after the commit.
    const after = await indicators();
    expect(after.villages.total).to.equal(before.villages.total - 1);
    expect(after.communities.total).to.equal(before.communities.total + 1);
    expect(after.central_villages.total).to.equal(before.central_villages.total - 1);
  });

  it('marks the corrected unit in the township tables, with the flash after the redirect', async () => {
    const page = await bureau.get(`/staff/coverage?region=${TOWNSHIP}&date=${DATE}`);
    expect(textOf(page.text)).to.contain(`已将“${unit.name}”更正为社区`);
    const cells = textOf(page.text.slice(page.text.indexOf(`>${unit.name}<`)));
    expect(cells.slice(0, 60)).to.contain('社区 已人工更正 更正类型');
    const browse = await bureau.get(`/staff/regions?code=${TOWNSHIP}`);
    expect(textOf(browse.text)).to.contain(`${unit.name} 社区 已人工更正 更正类型`);
    expect(browse.text.match(/已人工更正/g)).to.have.length(1);
  });

  it('keeps the correction when the divisions are imported again', async () => {
    await importDivisions(app.db, { city: '5202' });
    expect(Boolean((await row()).is_admin_village)).to.equal(false);
  });

  it("undoes it by choosing the rule's own kind: the correction is removed and the undoing audited", async () => {
    const res = await bureau.post(form(), { kind: 'village', reason: '核实后恢复' });
    expect(res.status).to.equal(302);
    expect(res.location).to.equal(`/staff/regions?code=${TOWNSHIP}`);
    expect(Boolean((await row()).is_admin_village)).to.equal(true);
    expect(await app.db('region_kind_overrides').where({ code: unit.code })).to.have.length(0);
    const entries = await app.db('audit_log').where({ entity: 'region_kind', entity_id: unit.code }).orderBy('id');
    expect(entries.map((e) => e.action)).to.deep.equal(['correct', 'restore']);
    const browse = await bureau.get(`/staff/regions?code=${TOWNSHIP}`);
    expect(textOf(browse.text)).to.contain(`已撤销“${unit.name}”的人工更正，按名称规则为行政村`);
    expect(browse.text).not.to.contain('已人工更正');
  });

  it('shows no correction link to the front desk, and refuses it the form', async () => {
    const desk = await signedIn(app, 'front_desk');
    const browse = await desk.get(`/staff/regions?code=${TOWNSHIP}`);
    expect(browse.status).to.equal(200);
    expect(browse.text).not.to.contain('更正类型');
    expect((await desk.get(form())).status).to.equal(403);
    expect((await desk.post(form(), { kind: 'community', reason: 'x' })).status).to.equal(403);
  });

  it('answers 404 for a code that is no village-level unit', async () => {
    expect((await bureau.get(`/staff/regions/${TOWNSHIP}/kind`)).status).to.equal(404);
    expect((await bureau.get('/staff/regions/999999999999/kind')).status).to.equal(404);
    expect((await bureau.post('/staff/regions/999999999999/kind', { kind: 'village', reason: 'x' })).status).to.equal(
      404,
    );
  });
});

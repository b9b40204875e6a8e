// 年度报送: a county bureau submits its county's year with a snapshot as of 12-31, the city bureau returns it with a
// reason or accepts it (of two reviewers at once, one wins and the other gets 409), the county submits again after a
// return (a new snapshot), and the city closes its own year only once every county is accepted.
import { expect } from 'chai';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import { todayInShanghai } from '../../../server/time.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const COUNTY = '520201'; // 钟山区, the demo county bureau's
const YEAR = 2025;
const THIS_YEAR = Number(todayInShanghai().slice(0, 4));

describe(`coverage: yearly submissions (${dialect})`, () => {
  let app: TestApp;
  let county: Client, bureau: Client, bureau2: Client, admin: Client;

  before(async () => {
    app = await startApp();
    [county, bureau, bureau2, admin] = await Promise.all([
      signedIn(app, 'county_bureau'),
      signedIn(app, 'bureau'),
      signedIn(app, 'bureau'),
      signedIn(app, 'admin'),
    ]);
  });
  after(() => app.close());

  const submission = (region: string, year = YEAR) =>
    app.db('year_submissions').where({ region_code: region, year }).first();
  const snapshot = (id: number, round: number) =>
    app.db('year_snapshot_rows').where({ submission_id: id, round }).orderBy(['region_code', 'indicator']);
  const submit = (c: Client, region: string, year = YEAR, confirm = true) =>
    c.post(
      '/staff/coverage/years/submit',
      { region, year: String(year), ...(confirm ? { confirm: 'yes' } : {}) },
      { from: `/staff/coverage/years/submit?region=${region}&year=${year}` },
    );
  const review = (c: Client, id: number, action: 'accept' | 'return', form: Record<string, string>) =>
    c.post(`/staff/coverage/years/${id}/${action}`, form, { from: `/staff/coverage/years/${id}` });

  it('shows the figures as of 12-31 before the county submits, and asks for confirmation', async () => {
    const page = await county.get(`/staff/coverage/years/submit?region=${COUNTY}&year=${YEAR}`);
    expect(page.status).to.equal(200);
    const text = textOf(page.text);
    expect(text).to.contain(`报送 钟山区 ${YEAR} 年度数据`).and.contain(`数据截至 ${YEAR}-12-31`);
    const res = await submit(county, COUNTY, YEAR, false);
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('请勾选确认。');
    expect(await submission(COUNTY)).to.equal(undefined);
  });

  it('refuses the current year before its 12-31 is over, and another county', async () => {
    const now = await submit(county, COUNTY, THIS_YEAR);
    expect(now.status).to.equal(409);
    expect(textOf(now.text)).to.contain(`${THIS_YEAR} 年尚未结束，年度结束后才能报送。`);
    expect(await submission(COUNTY, THIS_YEAR)).to.equal(undefined);
    const other = await county.post('/staff/coverage/years/submit', {
      region: '520281',
      year: String(YEAR),
      confirm: 'yes',
    });
    expect(other.status).to.equal(404);
    expect(await submission('520281')).to.equal(undefined);
  });

  it('submits the county year, keeps the engine figures of 12-31 as rows, audits it and refuses a second submission', async () => {
    const res = await submit(county, COUNTY);
    expect(res.status).to.equal(302);
    const s = await submission(COUNTY);
    expect(s).to.include({ status: 'submitted' });
    expect(Number(s.round)).to.equal(1);
    expect(res.location).to.equal(`/staff/coverage/years/${s.id}`);
    const rows = await snapshot(s.id, 1);
    const truth = await computeCoverage(app.db, { region: COUNTY, date: `${YEAR}-12-31` });
    expect(rows.filter((r) => r.region_code === COUNTY)).to.have.length(6);
    expect(new Set(rows.map((r) => r.region_code)).size).to.equal(1 + truth.children.length);
    const villages = rows.find((r) => r.region_code === COUNTY && r.indicator === 'villages');
    expect([Number(villages.covered), Number(villages.total)]).to.deep.equal([
      truth.region.indicators.villages.covered,
      truth.region.indicators.villages.total,
    ]);
    for (const child of truth.children) {
      const t = rows.find((r) => r.region_code === child.code && r.indicator === 'townships');
      expect(Number(t.covered), child.name).to.equal(child.indicators.townships.covered);
    }
    const audit = await app.db('audit_log').where({ entity: 'year_submission', action: 'submit' }).first();
    expect(audit.actor_name).to.equal('county');
    expect(JSON.parse(audit.after)).to.include({ region_code: COUNTY, year: YEAR, round: 1 });
    const again = await submit(county, COUNTY);
    expect(again.status).to.equal(409);
    expect(textOf(again.text)).to.contain('该年度已经报送，不能重复报送。');
    const page = textOf((await county.get(`/staff/coverage/years/${s.id}`)).text);
    expect(page).to.contain('已报送，待审核').and.contain('钟山区民政局');
  });

  it('lets the city bureau return the year only with a reason; the county sees it and submits again with a new snapshot', async () => {
    const s = await submission(COUNTY);
    const noReason = await review(bureau, s.id, 'return', { round: '1', reason: ' ' });
    expect(noReason.status).to.equal(400);
    expect((await submission(COUNTY)).status).to.equal('submitted');
    const refused = await county.post(`/staff/coverage/years/${s.id}/return`, { round: '1', reason: 'x' });
    expect(refused.status).to.equal(403);
    const res = await review(bureau, s.id, 'return', { round: '1', reason: '请核实大河镇村级数据' });
    expect(res.status).to.equal(302);
    const returned = await submission(COUNTY);
    expect(returned).to.include({ status: 'returned', return_reason: '请核实大河镇村级数据' });
    const audit = await app.db('audit_log').where({ entity: 'year_submission', action: 'return' }).first();
    expect(JSON.parse(audit.after)).to.include({ reason: '请核实大河镇村级数据' });
    const page = textOf((await county.get(`/staff/coverage/years/${s.id}`)).text);
    expect(page).to.contain('已退回').and.contain('请核实大河镇村级数据').and.contain('重新报送');

    const again = await submit(county, COUNTY);
    expect(again.status).to.equal(302);
    const s2 = await submission(COUNTY);
    expect(s2).to.include({ status: 'submitted', return_reason: null, reviewed_by: null });
    expect(Number(s2.round)).to.equal(2);
    const [first, second] = [await snapshot(s.id, 1), await snapshot(s.id, 2)];
    expect(second).to.have.length(first.length);
    expect(first.length).to.be.greaterThan(6);
  });

  it('accepts once when two reviewers accept at the same moment: the other gets 409', async () => {
    const s = await submission(COUNTY);
    await Promise.all([bureau.get(`/staff/coverage/years/${s.id}`), bureau2.get(`/staff/coverage/years/${s.id}`)]);
    const form = { round: String(s.round), confirm: 'yes' };
    const [a, b] = await Promise.all([
      bureau.post(`/staff/coverage/years/${s.id}/accept`, form),
      bureau2.post(`/staff/coverage/years/${s.id}/accept`, form),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([302, 409]);
    const loser = a.status === 409 ? a : b;
    expect(textOf(loser.text)).to.contain('该报送已由他人审核');
    expect(await submission(COUNTY)).to.include({ status: 'accepted' });
    const accepts = await app.db('audit_log').where({ entity: 'year_submission', action: 'accept' });
    expect(accepts).to.have.length(1);
    // A stale page (an earlier round) cannot return it either.
    const stale = await review(bureau, s.id, 'return', { round: '1', reason: '晚了' });
    expect(stale.status).to.equal(409);
  });

  it('closes the city year only after every county is accepted; the administrator reviews it', async () => {
    const early = await submit(bureau, '5202');
    expect(early.status).to.equal(409);
    expect(textOf(early.text)).to.contain('所辖区县尚未全部审核通过').and.contain('六枝特区');
    expect(await submission('5202')).to.equal(undefined);
    const counties = (await app.db('regions').where({ parent_code: '5202' }).orderBy('code')).map((r) => r.code);
    for (const c of counties.filter((c) => c !== COUNTY)) {
      expect((await submit(admin, c)).status, c).to.equal(302);
      const s = await submission(c);
      expect((await review(bureau, s.id, 'accept', { round: '1', confirm: 'yes' })).status).to.equal(302);
    }
    const res = await submit(bureau, '5202');
    expect(res.status).to.equal(302);
    const city = await submission('5202');
    const rows = await snapshot(city.id, 1);
    expect(new Set(rows.map((r) => r.region_code))).to.deep.equal(new Set(['5202', ...counties]));
    const truth = await computeCoverage(app.db, { region: '5202', date: `${YEAR}-12-31` });
    const v = rows.find((r) => r.region_code === '5202' && r.indicator === 'villages');
    expect(Number(v.covered)).to.equal(truth.region.indicators.villages.covered);
    expect((await review(bureau, city.id, 'accept', { round: '1', confirm: 'yes' })).status).to.equal(403);
    expect((await review(admin, city.id, 'accept', { round: '1', confirm: 'yes' })).status).to.equal(302);
    const list = textOf((await bureau.get('/staff/coverage/years')).text);
    expect(list).to.contain('六盘水市').and.contain('已通过');
  });

  it('shows the county bureau its own county only', async () => {
    const list = textOf((await county.get('/staff/coverage/years')).text);
    expect(list).to.contain('钟山区').and.not.contain('六枝特区');
    const other = await submission('520281');
    expect((await county.get(`/staff/coverage/years/${other.id}`)).status).to.equal(404);
  });
});

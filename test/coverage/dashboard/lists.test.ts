// The lists behind the dashboard's numbers: every number's link leads to a list with as many rows as the number,
// by status, central villages and communities apart; each covered unit names the facility covering it; lists page
// and search; bad input is refused.
import { expect } from 'chai';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const DATE = '2026-11-25';
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const num = (s: string) => Number(s.replace(/,/g, ''));

describe(`coverage lists (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client;

  before(async () => {
    app = await startApp();
    bureau = await signedIn(app, 'bureau');
  });
  after(() => app.close());

  async function list(path: string) {
    const res = await bureau.get(path);
    expect(res.status, `${path}: ${res.text.slice(0, 300)}`).to.equal(200);
    const total = /class="table cov-list" data-total="(\d+)"/.exec(res.text);
    const tabs = Object.fromEntries(
      [...res.text.matchAll(/data-status="(\w+)">[^<]*<span class="cov-count-badge" data-n>([\d,]+)</g)].map((m) => [
        m[1],
        num(m[2]),
      ]),
    );
    const rows = [...res.text.matchAll(/<tr data-(?:code|id)="(\d+)"/g)].map((m) => m[1]);
    return { html: res.text, text: textOf(res.text), total: total ? Number(total[1]) : 0, tabs, rows };
  }

  it("follows every number on the city's cards and table to a list with that many rows", async () => {
    const dash = decoded((await bureau.get(`/staff/coverage?region=5202&date=${DATE}`)).text);
    const links = [
      ...dash.matchAll(
        /<a href="(\/staff\/coverage\/(?:villages|townships|counties)\?[^"]+)"[^>]*data-(covered|total)[^>]*>([\d,]+)</g,
      ),
    ];
    expect(links.length).to.be.at.least(20);
    const seen = new Set<string>();
    for (const [, href, , n] of links) {
      if (seen.has(href)) continue;
      seen.add(href);
      expect((await list(href)).total, href).to.equal(num(n));
    }
    // "Units still needed" leads to the uncovered ones.
    const expected = (await computeCoverage(app.db, { region: '5202', date: DATE })).region.indicators;
    const needed = /href="([^"]+status=uncovered)" data-needed>还需覆盖 (\d+)个行政村/.exec(dash)!;
    expect(Number(needed[2])).to.equal(expected.villages.total - expected.villages.covered);
    expect((await list(needed[1])).total).to.equal(Number(needed[2]));
    // The facilities that count, as many as the header says.
    const facilities = /href="(\/staff\/coverage\/facilities\?[^"]+)">计入覆盖的运营设施 (\d+) 处/.exec(dash)!;
    const f = await list(facilities[1]);
    expect(f.total).to.equal(Number(facilities[2]));
    expect(f.text).to.contain('殡仪馆').and.contain('全镇统建');
  });

  it('counts villages, central villages and communities by status as computeCoverage does', async () => {
    const c = (await computeCoverage(app.db, { region: '520281', date: DATE })).region.indicators;
    const base = `/staff/coverage/villages?region=520281&date=${DATE}`;
    expect((await list(base)).tabs).to.deep.equal({
      all: c.villages.total,
      covered: c.villages.covered,
      uncovered: c.villages.total - c.villages.covered,
    });
    expect((await list(`${base}&central=1`)).tabs).to.deep.equal({
      all: c.central_villages.total,
      covered: c.central_villages.covered,
      uncovered: c.central_villages.total - c.central_villages.covered,
    });
    const communities = await list(`${base}&kind=community`);
    expect(communities.tabs).to.deep.equal({
      all: c.communities.total,
      covered: c.communities.covered,
      uncovered: c.communities.total - c.communities.covered,
    });
    expect(communities.text).to.contain('城市社区名单');
    const uncovered = await list(`${base}&status=uncovered`);
    expect(uncovered.total).to.equal(c.villages.total - c.villages.covered);
    expect(uncovered.html).to.contain('class="badge badge-danger"');
    expect(uncovered.html).to.not.contain('class="badge badge-ok"');
  });

  it('counts townships and counties by status, cremation apart', async () => {
    const city = await computeCoverage(app.db, { region: '5202', date: DATE });
    const i = city.region.indicators;
    expect((await list(`/staff/coverage/townships?region=5202&date=${DATE}`)).tabs).to.deep.equal({
      all: i.townships.total,
      covered: i.townships.covered,
      uncovered: i.townships.total - i.townships.covered,
    });
    expect((await list(`/staff/coverage/counties?region=5202&date=${DATE}`)).tabs).to.deep.equal({
      all: 4,
      covered: i.counties.covered,
      uncovered: 4 - i.counties.covered,
    });
    const cremation = await list(
      `/staff/coverage/counties?region=5202&date=${DATE}&indicator=cremation_counties&status=uncovered`,
    );
    expect(cremation.total).to.equal(4 - i.cremation_counties.covered);
    expect(cremation.text).to.contain('区县火化设施名单').and.contain('无火化设施');
    // A county row's numbers are its child figures.
    const row = /<tr data-code="520281">[\s\S]*?<\/tr>/.exec(
      (await list(`/staff/coverage/counties?region=5202&date=${DATE}`)).html,
    )![0];
    const pz = city.children.find((c) => c.code === '520281')!.indicators;
    expect(textOf(row))
      .to.contain(`${pz.townships.covered} / ${pz.townships.total}`)
      .and.contain(`${pz.villages.covered} / ${pz.villages.total}`);
  });

  it('names the facility covering each covered village and township', async () => {
    const f = await app
      .db('facilities')
      .where({ kind: 'rural_public_cemetery', build_mode: 'township_wide', status: 'operating' })
      .whereLike('region_code', '5202%')
      .first('id', 'name', 'region_code');
    const township = f.region_code.slice(0, 9);
    const villages = await list(`/staff/coverage/villages?region=${township}&date=${DATE}`);
    const admin = Number(
      (await app.db('regions').where({ parent_code: township, is_admin_village: true }).count({ n: '*' }))[0].n,
    );
    expect(villages.total).to.equal(admin);
    expect(villages.html.split(`<a href="/staff/facilities/${f.id}">`).length - 1).to.equal(admin);
    const townships = await list(
      `/staff/coverage/townships?region=${township.slice(0, 6)}&date=${DATE}&q=${encodeURIComponent(township)}`,
    );
    expect(townships.rows).to.deep.equal([township]);
    expect(townships.html).to.contain(`<a href="/staff/facilities/${f.id}">`);
    // The facility list says how many villages it covers: every administrative village of its township.
    const facilities = await list(`/staff/coverage/facilities?region=${township}&date=${DATE}`);
    const row = new RegExp(`<tr data-id="${f.id}">[\\s\\S]*?</tr>`).exec(facilities.html)![0];
    expect(textOf(row)).to.contain('全镇统建').and.contain(` ${admin} `);
  });

  it('pages long lists and searches by name or code', async () => {
    const first = await list(`/staff/coverage/villages?region=5202&date=${DATE}`);
    expect(first.rows).to.have.length(50);
    expect(first.text).to.contain(`共 ${first.total} 条`);
    const last = Math.ceil(first.total / 50);
    const end = await list(`/staff/coverage/villages?region=5202&date=${DATE}&page=${last}`);
    expect(end.rows).to.have.length(first.total - 50 * (last - 1));
    expect(decoded(first.html)).to.contain(`href="/staff/coverage/villages?region=5202&date=${DATE}&page=2"`);
    const one = await app
      .db('regions')
      .where({ level: 'village', is_admin_village: true })
      .whereLike('code', '520281%')
      .orderBy('code')
      .first('code', 'name');
    const byName = await list(`/staff/coverage/villages?region=5202&date=${DATE}&q=${encodeURIComponent(one.name)}`);
    expect(byName.rows).to.include(one.code);
    expect(byName.rows.length).to.be.lessThan(5);
    expect((await list(`/staff/coverage/villages?region=5202&date=${DATE}&q=${one.code}`)).rows).to.deep.equal([
      one.code,
    ]);
    const none = await list(`/staff/coverage/villages?region=5202&date=${DATE}&q=${encodeURIComponent('没有这个村')}`);
    expect(none.total).to.equal(0);
    expect(none.text).to.contain('没有符合条件的单位。');
  });

  it('lists as of the date asked: before any facility opened nothing is covered and no facility counts', async () => {
    const villages = await list('/staff/coverage/villages?region=5202&date=2005-01-01');
    expect(villages.tabs.covered).to.equal(0);
    expect(villages.tabs.all).to.be.greaterThan(700);
    const facilities = await list('/staff/coverage/facilities?region=5202&date=2005-01-01');
    expect(facilities.total).to.equal(0);
    expect(facilities.text).to.contain('该日期没有计入覆盖的运营设施。');
  });

  it('refuses malformed input and unknown regions', async () => {
    expect((await bureau.get('/staff/coverage/villages?region=5202&date=20261125')).status).to.equal(400);
    expect((await bureau.get('/staff/coverage/townships?region=5&date=2026-11-25')).status).to.equal(400);
    expect((await bureau.get('/staff/coverage/counties?region=529999&date=2026-11-25')).status).to.equal(404);
    // Unknown filter values are ignored rather than refused.
    expect(
      (await bureau.get('/staff/coverage/villages?region=5202&date=2026-11-25&status=maybe&page=x')).status,
    ).to.equal(200);
  });
});

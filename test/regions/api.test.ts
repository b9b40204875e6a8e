// The public JSON API for regions and facilities, and the staff region browser.
import { expect } from 'chai';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { signedIn, textOf } from '../helpers/client.js';

describe(`regions and facilities API (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp();
  });
  after(() => app.close());

  it('GET /api/v1/regions/5202 returns the city with its four counties', async () => {
    const res = await fetch(`${app.url}/api/v1/regions/5202`);
    expect(res.status).to.equal(200);
    const body = await res.json();
    expect(body).to.include({ code: '5202', name: '六盘水市', level: 'city' });
    expect(body.children.map((c: { name: string }) => c.name)).to.deep.equal([
      '钟山区',
      '六枝特区',
      '水城区',
      '盘州市',
    ]);
    expect(body.children[0]).to.deep.equal({ code: '520201', name: '钟山区', level: 'county' });
  });

  it('marks village-level children as village or community', async () => {
    const body = await (await fetch(`${app.url}/api/v1/regions/520201011`)).json();
    expect(body.level).to.equal('township');
    const kinds = (b: { children: { kind: string }[] }) => [...new Set(b.children.map((c) => c.kind))].sort();
    expect(kinds(body), 'a subdistrict: communities only').to.deep.equal(['community']);
    const dahe = await (await fetch(`${app.url}/api/v1/regions/520201101`)).json();
    expect(kinds(dahe), '大河镇: villages and communities').to.deep.equal(['community', 'village']);
    const village = dahe.children.find((c: { name: string }) => c.name.endsWith('村民委员会'));
    expect(village.kind).to.equal('village');
  });

  it('answers 404 JSON for an unknown or malformed code', async () => {
    for (const code of ['9999', 'abc', '52020']) {
      const res = await fetch(`${app.url}/api/v1/regions/${code}`);
      expect(res.status).to.equal(404);
      expect((await res.json()).error).to.equal('region_not_found');
    }
  });

  it('GET /api/v1/facilities filters by kind and by region prefix', async () => {
    const all = await (await fetch(`${app.url}/api/v1/facilities`)).json();
    expect(all.length).to.equal(172); // the demo registry (db/seeds/demo.ts, demo-coverage.ts)
    expect(Object.keys(all[0]).sort()).to.deep.equal(['id', 'kind', 'name', 'region_code', 'status']);
    const homes = await (await fetch(`${app.url}/api/v1/facilities?kind=funeral_home`)).json();
    expect(homes.map((f: { name: string }) => f.name).sort()).to.deep.equal(
      ['六盘水市殡仪馆（示例）', '盘州市殡仪馆（示例）', '六枝特区殡仪馆（示例）', '水城区殡仪馆（示例）'].sort(),
    );
    const zhongshan = await (await fetch(`${app.url}/api/v1/facilities?region=520201`)).json();
    expect(zhongshan.filter((f: { region_code: string }) => !f.region_code.startsWith('520201'))).to.deep.equal([]);
    expect(zhongshan.length)
      .to.equal(Number((await app.db('facilities').where('region_code', 'like', '520201%').count({ n: '*' }))[0].n))
      .and.be.lessThan(all.length);
  });

  it('answers 400 with field errors for a bad filter', async () => {
    const res = await fetch(`${app.url}/api/v1/facilities?kind=palace&region=12x`);
    expect(res.status).to.equal(400);
    const body = await res.json();
    expect(body.error).to.equal('invalid_input');
    expect(body.fields).to.have.keys(['kind', 'region']);
    expect(body.fields.region.message).to.equal('区划代码应为 2、4、6、9 或 12 位数字。');
  });

  it('the staff region browser drills down with the picker, without JavaScript', async () => {
    const c = await signedIn(app, 'bureau');
    const top = await c.get('/staff/regions');
    expect(textOf(top.text)).to.contain('钟山区').and.contain('盘州市');
    const county = await c.get('/staff/regions?code__county=520201');
    expect(county.text).to.match(/<option value="520201" selected>钟山区<\/option>/);
    expect(textOf(county.text)).to.contain('大河镇');
    // a township left over from another county is dropped
    const mixed = await c.get('/staff/regions?code__county=520203&code__township=520201101');
    expect(mixed.text).to.match(/<option value="520203" selected>六枝特区<\/option>/);
    expect(mixed.text).to.not.match(/<option value="520201101" selected>/);
  });

  it('the staff facility list filters by region picked in the form', async () => {
    const c = await signedIn(app, 'bureau');
    const res = await c.get('/staff/facilities?region__county=520201&region__township=520201101');
    const text = textOf(res.text);
    expect(text).to.contain('大河镇农村公益性公墓（示例）').and.contain('钟山区公益性骨灰堂（示例）');
    expect(text).to.not.contain('盘州市殡仪馆');
    // the picker offers counties and townships here, not villages
    expect(res.text).to.not.contain('name="region__village"');
  });

  it('shows front-desk and cemetery staff only their own facility', async () => {
    const c = await signedIn(app, 'front_desk');
    const list = textOf((await c.get('/staff/facilities')).text);
    expect(list).to.contain('六盘水市殡仪馆（示例）');
    expect(list).to.not.contain('盘州市殡仪馆（示例）').and.not.contain('大河镇农村公益性公墓');
    const dash = textOf((await c.get('/staff')).text);
    expect(dash).to.contain('六盘水市殡仪馆（示例）').and.contain('接运登记').and.not.contain('设施登记情况');
    const bureau = await signedIn(app, 'bureau');
    expect(textOf((await bureau.get('/staff')).text)).to.contain('设施登记情况');
  });
});

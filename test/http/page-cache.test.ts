// The public page micro-cache answers from bytes made once: same page, an ETag, 304 for a matching If-None-Match;
// what it keeps stays a second on its clock, whatever the database says meanwhile, and goes when it is cleared.
import { expect } from 'chai';
import http from 'node:http';
import { ManualClock, startApp, dialect, type TestApp } from '../helpers/app.js';
import { signedIn } from '../helpers/client.js';
import { findFacility, inputOf, serviceAreaOf, updateFacility } from '../../server/facilities/service.js';
import { updateItem } from '../../server/prices/service.js';
import type { PriceItemInput } from '../../server/prices/schemas.js';

describe(`http: the public page cache (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp();
  });
  after(() => app.close());

  it('serves the kept home page with its length and ETag, and 304 when the browser has it', async () => {
    const first = await fetch(`${app.url}/`);
    const html = await first.text();
    const kept = await fetch(`${app.url}/`);
    expect(kept.status).to.equal(200);
    expect(await kept.text()).to.equal(html);
    expect(kept.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(Number(kept.headers.get('content-length'))).to.equal(Buffer.byteLength(html));
    const etag = kept.headers.get('etag')!;
    expect(etag).to.match(/^W\/"[0-9a-f]+-/);
    // node:http rather than fetch, which adds `Cache-Control: no-cache` to a conditional request.
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(`${app.url}/`, { headers: { 'if-none-match': etag } }, (res) => {
          res.resume();
          resolve(res.statusCode!);
        })
        .on('error', reject);
    });
    expect(status).to.equal(304);
  });
});

describe(`http: what the public page cache keeps (${dialect})`, () => {
  const clock = new ManualClock();
  let app: TestApp;
  let home: { id: number; name: string };
  before(async () => {
    app = await startApp({ clock });
    home = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id', 'name');
  });
  after(async () => {
    await app.db('facilities').where({ id: home.id }).update({ name: home.name });
    await app.close();
  });

  const prices = async () => (await fetch(`${app.url}/prices`)).text();

  it('serves the page it kept for a second, though the database changed behind it, then renders it again', async () => {
    expect(await prices()).to.contain(home.name);
    await app.db('facilities').where({ id: home.id }).update({ name: '缓存殡仪馆' });
    expect(await prices())
      .to.contain(home.name)
      .and.not.contain('缓存殡仪馆');
    clock.advance(1_001);
    expect(await prices()).to.contain('缓存殡仪馆');
    await app.db('facilities').where({ id: home.id }).update({ name: home.name });
  });

  it('renders again at once after it is cleared', async () => {
    await prices();
    await app.db('facilities').where({ id: home.id }).update({ name: '清空殡仪馆' });
    expect(await prices()).to.not.contain('清空殡仪馆');
    app.ctx.pageCache.clear();
    expect(await prices()).to.contain('清空殡仪馆');
  });

  const admin = { id: 1, username: 'admin', role: 'admin' as const, facility_id: null };

  it("drops what it kept at once when a facility is changed through the registry's service", async () => {
    await prices();
    const f = (await findFacility(app.db, home.id))!;
    await updateFacility(
      app.db,
      admin,
      home.id,
      { ...inputOf(f, await serviceAreaOf(app.db, home.id)), name: '改名殡仪馆' },
      undefined,
      null,
    );
    expect(await prices()).to.contain('改名殡仪馆');
    await app.db('facilities').where({ id: home.id }).update({ name: home.name });
    app.ctx.pageCache.clear();
  });

  it('drops what it kept at once when a price is changed through the prices service', async () => {
    const page = async () => (await fetch(`${app.url}/prices/${home.id}`)).text();
    const item = await app
      .db('price_items')
      .where({ facility_id: home.id })
      .whereNull('valid_to')
      .orderBy('id')
      .first();
    expect(await page()).to.contain(item.name_zh);
    const input: PriceItemInput = {
      code: item.code,
      name_zh: '改价项目',
      name_en: item.name_en,
      category: item.category,
      basic_kind: item.basic_kind,
      unit: item.unit,
      price_fen: Number(item.price_fen),
      valid_from: item.valid_from,
      valid_to: null,
    };
    await updateItem(app.db, admin, home.id, item.id, input, null);
    expect(await page()).to.contain('改价项目');
    // The same change behind the service's back stays unseen until the page expires: only the service's word drops it.
    await app.db('price_items').where({ id: item.id }).update({ name_zh: '暗改项目' });
    expect(await page())
      .to.contain('改价项目')
      .and.not.contain('暗改项目');
    clock.advance(1_001);
    expect(await page()).to.contain('暗改项目');
  });

  it('never answers a signed-in user from it', async () => {
    await prices();
    await app.db('facilities').where({ id: home.id }).update({ name: '员工殡仪馆' });
    const staff = await signedIn(app, 'bureau');
    expect((await staff.get('/prices')).text).to.contain('员工殡仪馆');
  });
});

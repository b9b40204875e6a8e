// Large type for the public pages (大字模式): one link sets a cookie and goes back where it was chosen; every public
// page then carries the class on <body>, and the public page cache keeps one copy per display mode.
import { expect } from 'chai';
import { ManualClock, startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client } from '../helpers/client.js';

const bodyClass = (html: string) => /<body class="([^"]*)"/.exec(html)?.[1];

describe(`home: the display mode of the public pages (${dialect})`, () => {
  const clock = new ManualClock();
  let app: TestApp;
  before(async () => {
    app = await startApp({ clock });
  });
  after(() => app.close());

  it('sets large type by a plain link, goes back to the page it was chosen on, and keeps it on other pages', async () => {
    const c = new Client(app.url);
    const res = await c.get(`/display/large?back=${encodeURIComponent('/prices?a=1&b=2')}`);
    expect(res.status).to.equal(302);
    expect(res.location).to.equal('/prices?a=1&b=2');
    expect(res.headers.get('set-cookie')).to.match(/^display=large;.*HttpOnly/);
    for (const path of ['/', '/prices', '/login']) {
      const page = await c.get(path);
      expect(bodyClass(page.text), path).to.equal('layout-public type-large');
      expect(page.text, path).to.contain('href="/display/standard?back=');
      expect(page.text, path).to.contain('标准字号');
    }
    await c.get('/display/standard?back=/login');
    expect(c.hasCookie('display')).to.equal(false);
    expect(bodyClass((await c.get('/login')).text)).to.equal('layout-public');
  });

  it('goes home rather than to another site, and refuses an unknown mode', async () => {
    const c = new Client(app.url);
    expect((await c.get('/display/large?back=//elsewhere.example/x')).location).to.equal('/');
    expect((await c.get('/display/large?back=https%3A%2F%2Felsewhere.example')).location).to.equal('/');
    expect((await c.get('/display/large')).location).to.equal('/');
    expect((await c.get('/display/huge')).status).to.equal(404);
  });

  it('never serves a page kept for one display mode to a visitor of the other', async () => {
    const standard = new Client(app.url);
    const large = new Client(app.url);
    await large.get('/display/large?back=/');
    for (let i = 0; i < 2; i += 1) {
      expect(bodyClass((await standard.get('/')).text)).to.equal('layout-public');
      expect(bodyClass((await large.get('/')).text)).to.equal('layout-public type-large');
      expect(bodyClass((await standard.get('/prices')).text)).to.equal('layout-public');
      expect(bodyClass((await large.get('/prices')).text)).to.equal('layout-public type-large');
    }
    // Both copies are kept: a change behind them is seen by neither within the second.
    const home = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id', 'name');
    await app.db('facilities').where({ id: home.id }).update({ name: '大字缓存殡仪馆' });
    try {
      expect((await standard.get('/prices')).text).to.not.contain('大字缓存殡仪馆');
      expect((await large.get('/prices')).text).to.not.contain('大字缓存殡仪馆');
      clock.advance(1_001);
      expect((await large.get('/prices')).text).to.contain('大字缓存殡仪馆');
    } finally {
      await app.db('facilities').where({ id: home.id }).update({ name: home.name });
    }
  });
});

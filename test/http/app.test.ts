// Cross-cutting HTTP behaviour: health, home page, security headers, 404 and 500 pages, language switch.
import { expect } from 'chai';
import express from 'express';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

describe(`http: the app as a whole (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp();
  });
  after(() => app.close());

  it('GET /healthz names the database in use', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok', database: dialect });
  });

  it('serves the public home page in Chinese with the operating facilities, marked as samples', async () => {
    const res = await new Client(app.url).get('/');
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<html lang="zh-CN">');
    const text = textOf(res.text);
    expect(text).to.contain('逝有所安').and.contain('六盘水市殡仪馆（示例）').and.contain('示例数据');
    // not operating: planned and under construction facilities are not offered to families
    expect(text).to.not.contain('岩脚镇农村公益性公墓（示例）').and.not.contain('水城区城市公益性公墓（示例）');
    expect(text).to.not.contain(
      '凉都经营性公墓（示例）',
      'commercial cemeteries are operating but not in the public list',
    );
  });

  it('serves the cached home page to anonymous visitors only, per language', async () => {
    const anon = new Client(app.url);
    await anon.get('/');
    const again = await anon.get('/');
    expect(textOf(again.text)).to.contain('工作人员登录').and.not.contain('工作台');
    const staff = await signedIn(app, 'bureau');
    const page = await staff.get('/');
    expect(page.text).to.contain('href="/staff"');
    const english = new Client(app.url);
    await english.get('/lang/en');
    expect((await english.get('/')).text).to.contain('<html lang="en">');
    expect((await anon.get('/')).text).to.contain('<html lang="zh-CN">');
  });

  it('sends a strict CSP without inline script and no session cookie to anonymous visitors', async () => {
    const res = await fetch(`${app.url}/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).to.contain("script-src 'self'").and.contain("default-src 'self'");
    expect(csp).to.not.contain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('shian.sid='))).to.equal(false);
    const html = await res.text();
    expect(html).to.not.match(/<script>(?!<\/script>)|<script(?![^>]*src=)[^>]*>/);
  });

  it('answers unknown pages with a Chinese 404 page and unknown API paths with JSON', async () => {
    const page = await fetch(`${app.url}/no/such/page`);
    expect(page.status).to.equal(404);
    expect(textOf(await page.text())).to.contain('找不到您要访问的页面。');
    const api = await fetch(`${app.url}/api/v1/nothing`);
    expect(api.status).to.equal(404);
    expect(await api.json()).to.include({ error: 'not_found' });
  });

  it('switches to English and back by cookie', async () => {
    const c = new Client(app.url);
    const sw = await c.get('/lang/en?back=/login');
    expect(sw.status).to.equal(302);
    expect(sw.location).to.equal('/login');
    const page = await c.get('/login');
    expect(page.text).to.contain('<html lang="en">');
    expect(textOf(page.text)).to.contain('Staff sign-in');
    await c.get('/lang/zh-CN');
    expect(textOf((await c.get('/login')).text)).to.contain('工作人员登录');
  });

  it('rejects malformed JSON with 400 JSON', async () => {
    const res = await fetch(`${app.url}/api/v1/facilities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{bad',
    });
    expect(res.status).to.equal(400);
    expect((await res.json()).error).to.equal('malformed_body');
  });
});

describe('http: unexpected errors', () => {
  it('shows a generic 500 page without the stack and logs the error', async () => {
    const { errorHandler } = await import('../../server/http/error-handler.js');
    const logged: unknown[] = [];
    const log = { error: (o: unknown) => logged.push(o) } as unknown as import('pino').Logger;
    const { viewEngine } = await import('../../server/http/views.js');
    const { viewsDir } = await import('../../server/paths.js');
    const app = express();
    app.engine('hbs', viewEngine());
    app.set('view engine', 'hbs');
    app.set('views', viewsDir);
    app.use((req, _res, next) => {
      req.lang = 'zh-CN';
      next();
    });
    app.get('/boom', () => {
      throw new Error('secret internals at /srv/app.ts:42');
    });
    app.get('/api/boom', () => {
      throw new Error('secret internals');
    });
    app.use(errorHandler(log));
    const server = app.listen(0);
    const { port } = server.address() as { port: number };
    try {
      const page = await fetch(`http://127.0.0.1:${port}/boom`);
      expect(page.status).to.equal(500);
      const html = await page.text();
      expect(html).to.contain('系统出现内部错误').and.not.contain('secret internals');
      const api = await fetch(`http://127.0.0.1:${port}/api/boom`);
      expect(await api.json()).to.deep.equal({
        error: 'internal_error',
        message: '系统出现内部错误，已记录。请稍后重试；如问题持续，请联系系统管理员。',
      });
      expect(logged).to.have.length(2);
    } finally {
      server.close();
    }
  });
});

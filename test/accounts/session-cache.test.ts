// Signed-in requests answered from the per-process caches (server/http/session.ts, server/http/auth.ts): a change
// in this process is honoured at once, one made by another process within the caches' few seconds; CSRF is still
// checked on every POST, and a valid CSRF cookie is not sent again on every page.
import { expect } from 'chai';
import { SESSION_CACHE_MS } from '../../server/http/session.js';
import { USER_CACHE_MS } from '../../server/http/auth.js';
import { startApp, dialect, DEMO_PASSWORD, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client on another app process with the same cookies, as a load balancer switching processes would. */
function sameBrowser(c: Client, url: string): Client {
  const other = new Client(url);
  (other as unknown as { cookies: Map<string, string> }).cookies = (c as unknown as { cookies: Map<string, string> }).cookies;
  other.csrf = c.csrf;
  return other;
}

describe(`accounts: signed-in requests from the per-process caches (${dialect})`, () => {
  let app: TestApp;
  before(async () => { app = await startApp(); });
  after(() => app.close());

  const userId = async (username: string) => (await app.db('users').where({ username }).first('id')).id as number;

  it('drops a session at once when it is logged out in this process, even if the old cookie is sent again', async () => {
    const c = new Client(app.url);
    await c.login('frontdesk');
    const cookies = new Map((c as unknown as { cookies: Map<string, string> }).cookies);
    expect((await c.get('/staff')).status).to.equal(200);
    expect((await c.post('/logout', {})).status).to.equal(302);
    const replay = new Client(app.url);
    (replay as unknown as { cookies: Map<string, string> }).cookies = cookies;
    const res = await replay.get('/staff');
    expect(res.status).to.equal(302);
    expect(res.location).to.match(/^\/login/);
  });

  it('refuses a user disabled in this process on the very next request', async () => {
    const c = new Client(app.url);
    await c.login('cemetery');
    expect((await c.get('/staff')).status).to.equal(200);
    const admin = new Client(app.url);
    await admin.login('admin');
    const id = await userId('cemetery');
    const user = await app.db('users').where({ id }).first();
    const res = await admin.post(`/staff/users/${id}`, { display_name: user.display_name, role: 'cemetery_staff', facility_id: String(user.facility_id), disabled: 'on' }, { from: `/staff/users/${id}` });
    expect(res.status).to.equal(302);
    expect((await c.get('/staff')).status).to.equal(302);
    await app.db('users').where({ id }).update({ disabled: false });
  });

  it('shows a new role given in this process on the very next request', async () => {
    const c = new Client(app.url);
    await c.login('bureau');
    expect((await c.get('/staff/users')).status).to.equal(403);
    const admin = new Client(app.url);
    await admin.login('admin');
    const id = await userId('bureau');
    const user = await app.db('users').where({ id }).first();
    await admin.post(`/staff/users/${id}`, { display_name: user.display_name, role: 'admin' }, { from: `/staff/users/${id}` });
    expect((await c.get('/staff/users')).status).to.equal(200);
    await admin.post(`/staff/users/${id}`, { display_name: user.display_name, role: 'bureau' }, { from: `/staff/users/${id}` });
    expect((await c.get('/staff/users')).status).to.equal(403);
  });

  it('refuses, within the cache time, a user disabled by another process', async () => {
    const c = new Client(app.url);
    await c.login('frontdesk');
    expect((await c.get('/staff')).status).to.equal(200);
    const id = await userId('frontdesk');
    // Another process: the row changes without this process hearing of it.
    await app.db('users').where({ id }).update({ disabled: true });
    try {
      await sleep(USER_CACHE_MS + 200);
      expect((await c.get('/staff')).status).to.equal(302);
    } finally {
      await app.db('users').where({ id }).update({ disabled: false });
    }
  });

  it('drops a session logged out by another process at once for that browser, within the cache time for a copied cookie', async () => {
    const second = await startApp({ testDb: app.testDb, seed: false });
    const jar = (c: Client) => (c as unknown as { cookies: Map<string, string> }).cookies;
    try {
      const c = new Client(app.url);
      await c.login('admin');
      expect((await c.get('/staff')).status).to.equal(200);
      expect((await sameBrowser(c, second.url).post('/logout', {}, { from: '/staff' })).status).to.equal(302);
      const res = await c.get('/staff');
      expect(res.status).to.equal(302, 'the logout set a new version cookie: this process reads the session again');
      expect(res.location).to.match(/^\/login/);

      // The same session cookie in another browser, which never hears of the logout, is dropped within the cache time.
      const d = new Client(app.url);
      await d.login('admin');
      const copy = new Client(app.url);
      jar(copy).clear();
      for (const [k, v] of jar(d)) jar(copy).set(k, v);
      expect((await copy.get('/staff')).status).to.equal(200);
      expect((await sameBrowser(d, second.url).post('/logout', {}, { from: '/staff' })).status).to.equal(302);
      await sleep(SESSION_CACHE_MS + 200);
      expect((await copy.get('/staff')).status).to.equal(302);
    } finally {
      await second.close();
    }
  });

  it('shows a flash message set by another process on the next page, once', async () => {
    const c = new Client(app.url);
    await c.login('bureau');
    await c.get('/staff/account');
    const second = await startApp({ testDb: app.testDb, seed: false });
    const change = async (client: Client, from: string, to: string) => {
      const res = await client.post('/staff/account/password', { current: from, password: to, confirm: to }, { from: '/staff/account' });
      expect(res.status).to.equal(302);
    };
    try {
      const there = sameBrowser(c, second.url);
      await change(there, DEMO_PASSWORD, 'changed-pass-2026');
      const shown = await c.get('/staff/account');
      expect(textOf(shown.text)).to.contain('密码已修改');
      expect(textOf((await there.get('/staff/account')).text)).to.not.contain('密码已修改');
      expect(textOf((await c.get('/staff/account')).text)).to.not.contain('密码已修改');
    } finally {
      await change(sameBrowser(c, app.url), 'changed-pass-2026', DEMO_PASSWORD);
      await second.close();
    }
  });

  it('still answers 403 to a POST without a valid CSRF token, served from the caches', async () => {
    const c = new Client(app.url);
    await c.login('admin');
    for (let i = 0; i < 3; i++) expect((await c.get('/staff')).status).to.equal(200);
    const before = await app.db('users').count({ n: '*' });
    const form = { username: 'mallory2', display_name: 'x', role: 'admin', password: 'password-12345' };
    expect((await c.post('/staff/users', form, { csrf: false })).status).to.equal(403);
    expect((await c.request('POST', '/staff/users', { form: { ...form, _csrf: 'abc.def' } })).status).to.equal(403);
    const other = new Client(app.url);
    await other.login('admin');
    expect((await c.request('POST', '/staff/users', { form: { ...form, _csrf: other.csrf } })).status).to.equal(403, "another session's token");
    expect((await app.db('users').count({ n: '*' }))[0].n).to.equal(before[0].n);
  });

  it('sends the CSRF cookie only when it changes, and one token per page however many forms it has', async () => {
    const c = new Client(app.url);
    await c.login('admin'); // the first page after login binds a new token to the session
    const again = await c.get('/staff/users');
    expect(again.headers.getSetCookie().some((h) => h.startsWith('shian.csrf='))).to.equal(false);
    const tokens = new Set([...again.text.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]));
    expect(tokens.size).to.equal(1);
    expect([...tokens][0]).to.equal(c.csrf);
    const stranger = new Client(app.url);
    const first = await stranger.get('/login');
    expect(first.headers.getSetCookie().some((h) => h.startsWith('shian.csrf='))).to.equal(true);
    expect(textOf(first.text)).to.contain('工作人员登录');
  });
});

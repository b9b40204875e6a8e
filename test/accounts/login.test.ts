// Login, lockout, the per-IP limit, logout, CSRF, and sessions shared between app processes.
import { expect } from 'chai';
import { startApp, dialect, DEMO_PASSWORD, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';

describe(`accounts: login and sessions (${dialect})`, () => {
  let app: TestApp;
  before(async () => { app = await startApp(); });
  after(() => app.close());

  it('logs in with the right password and lands on the dashboard', async () => {
    const c = new Client(app.url);
    const res = await c.post('/login', { username: 'bureau', password: DEMO_PASSWORD }, { from: '/login' });
    expect(res.status).to.equal(302);
    expect(res.location).to.equal('/staff');
    const page = await c.get('/staff');
    expect(page.status).to.equal(200);
    expect(textOf(page.text)).to.contain('市民政局殡葬管理科，您好');
    const row = await app.db('audit_log').where({ action: 'login', actor_name: 'bureau' }).first();
    expect(row).to.exist;
  });

  it('follows a same-site next path after login but never an outside one', async () => {
    const c = new Client(app.url);
    let res = await c.post('/login', { username: 'admin', password: DEMO_PASSWORD, next: '/staff/users' }, { from: '/login' });
    expect(res.location).to.equal('/staff/users');
    const d = new Client(app.url);
    res = await d.post('/login', { username: 'admin', password: DEMO_PASSWORD, next: '//evil.example/' }, { from: '/login' });
    expect(res.location).to.equal('/staff');
  });

  it('refuses a wrong password with a message in Chinese and keeps the username', async () => {
    const c = new Client(app.url);
    const res = await c.post('/login', { username: 'frontdesk', password: 'wrong-password-1' }, { from: '/login' });
    expect(res.status).to.equal(401);
    expect(textOf(res.text)).to.contain('用户名或密码不正确。');
    expect(res.text).to.match(/name="username"[^>]*value="frontdesk"/);
    expect(c.hasCookie('shian.sid')).to.equal(false);
  });

  it('gives the same answer for an unknown user as for a wrong password', async () => {
    const c = new Client(app.url);
    const res = await c.post('/login', { username: 'nobody', password: 'whatever-123' }, { from: '/login' });
    expect(res.status).to.equal(401);
    expect(textOf(res.text)).to.contain('用户名或密码不正确。');
  });

  it('locks the account after the allowed failures, even for the right password, until an admin unlocks it', async () => {
    const c = new Client(app.url);
    // testConfig allows 3 failures
    for (let i = 0; i < 2; i++) {
      expect((await c.post('/login', { username: 'cemetery', password: 'bad-password-9' }, { from: '/login' })).status).to.equal(401);
    }
    const third = await c.post('/login', { username: 'cemetery', password: 'bad-password-9' }, { from: '/login' });
    expect(third.status).to.equal(423);
    expect(textOf(third.text)).to.match(/账户已锁定至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    const right = await c.post('/login', { username: 'cemetery', password: DEMO_PASSWORD }, { from: '/login' });
    expect(right.status).to.equal(423);
    const lockRow = await app.db('audit_log').where({ action: 'lock', entity: 'user' }).first();
    expect(lockRow).to.exist;

    const admin = new Client(app.url);
    await admin.login('admin');
    const user = await app.db('users').where({ username: 'cemetery' }).first();
    const res = await admin.post(`/staff/users/${user.id}`, { display_name: user.display_name, role: 'cemetery_staff', facility_id: String(user.facility_id), unlock: 'on' }, { from: `/staff/users/${user.id}` });
    expect(res.status).to.equal(302);
    expect((await c.post('/login', { username: 'cemetery', password: DEMO_PASSWORD }, { from: '/login' })).status).to.equal(302);
  });

  it('counts concurrent failures without losing any', async () => {
    const user = await app.db('users').where({ username: 'bureau' }).first();
    const clients = Array.from({ length: 8 }, () => new Client(app.url));
    await Promise.all(clients.map((c) => c.get('/login')));
    await Promise.all(clients.map((c) => c.post('/login', { username: 'bureau', password: 'bad-password-1' })));
    const after = await app.db('users').where({ id: user.id }).first();
    expect(Number(after.failed_logins)).to.equal(8);
    expect(after.locked_until).to.not.equal(null);
    await app.db('users').where({ id: user.id }).update({ failed_logins: 0, locked_until: null });
  });

  it('logs out: the session row is gone and staff pages ask for login again', async () => {
    const c = new Client(app.url);
    await c.login('frontdesk');
    const before = await app.db('sessions').count({ n: '*' });
    const res = await c.post('/logout', {});
    expect(res.status).to.equal(302);
    expect(res.location).to.equal('/login?bye=1');
    const after = await app.db('sessions').count({ n: '*' });
    expect(Number(after[0].n)).to.equal(Number(before[0].n) - 1);
    expect((await c.get('/staff')).status).to.equal(302);
    expect(textOf((await c.get('/login?bye=1')).text)).to.contain('您已安全退出。');
  });

  it('rejects a state-changing form without a valid CSRF token with 403 and changes nothing', async () => {
    const c = new Client(app.url);
    await c.login('admin');
    const before = await app.db('users').count({ n: '*' });
    const missing = await c.post('/staff/users', { username: 'mallory', display_name: 'x', role: 'admin', password: 'password-12345' }, { csrf: false });
    expect(missing.status).to.equal(403);
    expect(textOf(missing.text)).to.contain('页面已过期或来源无法验证');
    const forged = await c.request('POST', '/staff/users', { form: { _csrf: 'abc.def', username: 'mallory', display_name: 'x', role: 'admin', password: 'password-12345' } });
    expect(forged.status).to.equal(403);
    // A token issued to another visitor does not fit this session.
    const other = new Client(app.url);
    await other.get('/login');
    const stolen = await c.request('POST', '/staff/users', { form: { _csrf: other.csrf, username: 'mallory', display_name: 'x', role: 'admin', password: 'password-12345' } });
    expect(stolen.status).to.equal(403);
    const after = await app.db('users').count({ n: '*' });
    expect(after[0].n).to.equal(before[0].n);
  });

  it('keeps a session valid on a second app process over the same database', async () => {
    const second = await startApp({ testDb: app.testDb, seed: false });
    try {
      const c = new Client(app.url);
      await c.login('bureau');
      const onSecond = new Client(second.url);
      // carry the cookies over, as a load balancer switching processes would
      (onSecond as unknown as { cookies: Map<string, string> }).cookies = (c as unknown as { cookies: Map<string, string> }).cookies;
      const page = await onSecond.get('/staff');
      expect(page.status).to.equal(200);
      expect(textOf(page.text)).to.contain('市民政局殡葬管理科');
    } finally {
      await second.close();
    }
  });
});

describe(`accounts: login rate limit per address (${dialect})`, () => {
  let app: TestApp;
  before(async () => { app = await startApp({ config: { login: { maxFailures: 100, lockMinutes: 15, ipLimitPer15Min: 4 } } }); });
  after(() => app.close());

  it('answers 429 with a Retry-After once an address has used its attempts', async () => {
    const c = new Client(app.url);
    for (let i = 0; i < 4; i++) {
      expect((await c.post('/login', { username: 'admin', password: 'nope-123456' }, { from: '/login' })).status).to.equal(401);
    }
    const res = await c.post('/login', { username: 'admin', password: DEMO_PASSWORD }, { from: '/login' });
    expect(res.status).to.equal(429);
    expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(textOf(res.text)).to.match(/登录尝试过于频繁，请 \d+ 分钟后再试。/);
  });
});

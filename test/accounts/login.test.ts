// Login, lockout, the per-IP limit, logout, CSRF, and sessions shared between app processes.
import { expect } from 'chai';
import { startApp, dialect, DEMO_PASSWORD, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

describe(`accounts: login and sessions (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp();
  });
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
    let res = await c.post(
      '/login',
      { username: 'admin', password: DEMO_PASSWORD, next: '/staff/users' },
      { from: '/login' },
    );
    expect(res.location).to.equal('/staff/users');
    const d = new Client(app.url);
    res = await d.post(
      '/login',
      { username: 'admin', password: DEMO_PASSWORD, next: '//evil.example/' },
      { from: '/login' },
    );
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
      expect(
        (await c.post('/login', { username: 'cemetery', password: 'bad-password-9' }, { from: '/login' })).status,
      ).to.equal(401);
    }
    const third = await c.post('/login', { username: 'cemetery', password: 'bad-password-9' }, { from: '/login' });
    expect(third.status).to.equal(423);
    expect(textOf(third.text)).to.match(/账户已锁定至 \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    const right = await c.post('/login', { username: 'cemetery', password: DEMO_PASSWORD }, { from: '/login' });
    expect(right.status).to.equal(423);
    const lockRow = await app.db('audit_log').where({ action: 'lock', entity: 'user' }).first();
    expect(lockRow).to.exist;

    const admin = await signedIn(app, 'admin');
    const user = await app.db('users').where({ username: 'cemetery' }).first();
    const res = await admin.post(
      `/staff/users/${user.id}`,
      { display_name: user.display_name, role: 'cemetery_staff', facility_id: String(user.facility_id), unlock: 'on' },
      { from: `/staff/users/${user.id}` },
    );
    expect(res.status).to.equal(302);
    expect(
      (await c.post('/login', { username: 'cemetery', password: DEMO_PASSWORD }, { from: '/login' })).status,
    ).to.equal(302);
  });

  it('counts concurrent failures without losing any', async () => {
    const clients = Array.from({ length: 8 }, () => new Client(app.url));
    await Promise.all(clients.map((c) => c.get('/login')));
    const answers = await Promise.all(
      clients.map((c) => c.post('/login', { username: 'bureau', password: 'bad-password-1' })),
    );
    expect(answers.map((r) => r.status).every((s) => s === 401 || s === 423)).to.equal(true);
    const row = await app.db('rate_limits').where({ key: 'login-name:bureau' }).first();
    expect(Number(row.points)).to.equal(8);
    await app.db('rate_limits').where('key', 'like', 'login-%').delete();
  });

  it('logs out: the session row is gone and staff pages ask for login again', async () => {
    const c = await signedIn(app, 'front_desk');
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
    const c = await signedIn(app, 'admin');
    const before = await app.db('users').count({ n: '*' });
    const missing = await c.post(
      '/staff/users',
      { username: 'mallory', display_name: 'x', role: 'admin', password: 'password-12345' },
      { csrf: false },
    );
    expect(missing.status).to.equal(403);
    expect(textOf(missing.text)).to.contain('页面已过期或来源无法验证');
    const forged = await c.request('POST', '/staff/users', {
      form: { _csrf: 'abc.def', username: 'mallory', display_name: 'x', role: 'admin', password: 'password-12345' },
    });
    expect(forged.status).to.equal(403);
    // A token issued to another visitor does not fit this session.
    const other = new Client(app.url);
    await other.get('/login');
    const stolen = await c.request('POST', '/staff/users', {
      form: { _csrf: other.csrf, username: 'mallory', display_name: 'x', role: 'admin', password: 'password-12345' },
    });
    expect(stolen.status).to.equal(403);
    const after = await app.db('users').count({ n: '*' });
    expect(after[0].n).to.equal(before[0].n);
  });

  it('keeps a session valid on a second app process over the same database', async () => {
    const second = await startApp({ testDb: app.testDb, seed: false });
    try {
      const c = await signedIn(app, 'bureau');
      const onSecond = new Client(second.url);
      // carry the cookies over, as a load balancer switching processes would
      (onSecond as unknown as { cookies: Map<string, string> }).cookies = (
        c as unknown as { cookies: Map<string, string> }
      ).cookies;
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
  before(async () => {
    app = await startApp({ config: { login: { maxFailures: 100, lockMinutes: 15, ipLimitPer15Min: 4 } } });
  });
  after(() => app.close());

  it('answers 429 with a Retry-After once an address has used its attempts', async () => {
    const c = new Client(app.url);
    for (let i = 0; i < 4; i++) {
      expect(
        (await c.post('/login', { username: 'admin', password: 'nope-123456' }, { from: '/login' })).status,
      ).to.equal(401);
    }
    const res = await c.post('/login', { username: 'admin', password: DEMO_PASSWORD }, { from: '/login' });
    expect(res.status).to.equal(429);
    expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(textOf(res.text)).to.match(/登录尝试过于频繁，请 \d+ 分钟后再试。/);
  });
});

/** Posts the login form as a client behind the proxy at `from` (X-Forwarded-For), on an app that trusts one hop. */
async function loginFrom(c: Client, from: string, username: string, password: string) {
  if (!c.csrf) await c.get('/login');
  return c.request('POST', '/login', {
    form: { _csrf: c.csrf, username, password },
    headers: { 'x-forwarded-for': from },
  });
}

describe(`accounts: login locks follow the account name and the address (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({
      config: { trustProxy: 1, login: { maxFailures: 3, lockMinutes: 15, ipLimitPer15Min: 1000 } },
    });
  });
  after(() => app.close());
  afterEach(() => app.db('rate_limits').where('key', 'like', 'login-%').delete());

  it('locks a name from the address that failed, never from another one', async () => {
    const attacker = new Client(app.url);
    for (let i = 0; i < 2; i++)
      expect((await loginFrom(attacker, '198.51.100.7', 'admin', 'bad-password-9')).status).to.equal(401);
    expect((await loginFrom(attacker, '198.51.100.7', 'admin', 'bad-password-9')).status).to.equal(423);
    expect((await loginFrom(attacker, '198.51.100.7', 'admin', DEMO_PASSWORD)).status).to.equal(423);
    const owner = new Client(app.url);
    expect((await loginFrom(owner, '203.0.113.20', 'admin', DEMO_PASSWORD)).status).to.equal(
      302,
      'the owner elsewhere still signs in',
    );
  });

  it('answers an unknown name exactly as a known one, lock included', async () => {
    const answers = async (username: string) => {
      const c = new Client(app.url);
      const out = [];
      for (let i = 0; i < 4; i++) {
        const res = await loginFrom(c, '198.51.100.8', username, 'bad-password-9');
        out.push(
          `${res.status} ${textOf(res.text)
            .replace(/\d{4}年.*?\d{2}:\d{2}/, 'T')
            .replace(/.*(用户名或密码不正确。|账户已锁定至 T).*/, '$1')}`,
        );
      }
      return out;
    };
    const known = await answers('bureau');
    expect(known).to.deep.equal([
      '401 用户名或密码不正确。',
      '401 用户名或密码不正确。',
      '423 账户已锁定至 T',
      '423 账户已锁定至 T',
    ]);
    expect(await answers('nobody-here')).to.deep.equal(known);
  });

  it('slows a name failing from many addresses: 429 with Retry-After, even for the right password', async () => {
    const c = new Client(app.url);
    // Ten addresses, one failure each: no pair is locked, but the name has now failed ten times in the hour.
    for (let i = 0; i < 10; i++)
      expect((await loginFrom(c, `192.0.2.${i + 1}`, 'cemetery', 'bad-password-9')).status).to.equal(401);
    expect(Number((await app.db('rate_limits').where({ key: 'login-name:cemetery' }).first()).points)).to.equal(10);
    // Four failures later (set directly: each waits its turn), the fifteenth waits 2^5 = 32 s.
    await app.ctx.loginLimits.perName.set('cemetery', 14, 3600);
    await app.ctx.loginLimits.nameWait.delete('cemetery');
    expect((await loginFrom(c, '192.0.2.100', 'cemetery', 'bad-password-9')).status).to.equal(401);
    const res = await loginFrom(c, '192.0.2.200', 'cemetery', DEMO_PASSWORD);
    expect(res.status).to.equal(429);
    expect(Number(res.headers.get('retry-after'))).to.be.within(25, 32);
    const other = await loginFrom(c, '192.0.2.200', 'admin', DEMO_PASSWORD);
    expect(other.status).to.equal(302, 'other names are not slowed');
  });

  it('lets an administrator clear every lock of a name', async () => {
    for (let i = 0; i < 3; i++) await loginFrom(new Client(app.url), '198.51.100.9', 'frontdesk', 'bad-password-9');
    const admin = await signedIn(app, 'admin');
    const user = await app.db('users').where({ username: 'frontdesk' }).first();
    const page = await admin.get(`/staff/users/${user.id}`);
    expect(page.text).to.contain('name="unlock"');
    const res = await admin.post(`/staff/users/${user.id}`, {
      display_name: user.display_name,
      role: 'front_desk',
      facility_id: String(user.facility_id),
      unlock: 'on',
    });
    expect(res.status).to.equal(302);
    expect((await loginFrom(new Client(app.url), '198.51.100.9', 'frontdesk', DEMO_PASSWORD)).status).to.equal(302);
  });
});

describe(`accounts: the client address behind a proxy (${dialect})`, () => {
  const signInFrom = async (app: TestApp) => {
    const c = new Client(app.url);
    expect((await loginFrom(c, '203.0.113.9', 'bureau', DEMO_PASSWORD)).status).to.equal(302);
    const row = await app
      .db('audit_log')
      .where({ action: 'login', actor_name: 'bureau' })
      .orderBy('id', 'desc')
      .first();
    return row.ip as string;
  };

  it('takes the address from X-Forwarded-For with SHIAN_TRUST_PROXY=1', async () => {
    const app = await startApp({ config: { trustProxy: 1 } });
    try {
      expect(await signInFrom(app)).to.equal('203.0.113.9');
    } finally {
      await app.close();
    }
  });

  it('ignores X-Forwarded-For without it', async () => {
    const app = await startApp();
    try {
      expect(await signInFrom(app)).to.match(/127\.0\.0\.1$/);
    } finally {
      await app.close();
    }
  });
});

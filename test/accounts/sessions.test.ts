// When a session ends: a new id at every login; a password reset, an own password change or a disabled account ends
// every other session of the user at once, on every process; 12 hours after login whatever the use.
import { expect } from 'chai';
import { DEMO_PASSWORD, ManualClock, dialect, startApp, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

const jar = (c: Client) => (c as unknown as { cookies: Map<string, string> }).cookies;
const sid = (c: Client) => jar(c).get('shian.sid');

/** The same browser on another process: its cookies and token, as a load balancer switching processes would. */
function sameBrowser(c: Client, url: string): Client {
  const other = new Client(url);
  (other as unknown as { cookies: Map<string, string> }).cookies = jar(c);
  other.csrf = c.csrf;
  return other;
}

const signedInPage = async (c: Client) => {
  const res = await c.get('/staff');
  return res.status === 200 ? 'in' : `out (${res.status} ${res.location})`;
};

describe(`accounts: sessions end when they should (${dialect})`, () => {
  let app: TestApp;
  let second: TestApp;
  before(async () => {
    app = await startApp();
    second = await startApp({ testDb: app.testDb, seed: false });
  });
  after(async () => {
    await second.close();
    await app.close();
  });

  const userOf = (username: string) => app.db('users').where({ username }).first();

  it('gives the session a new id at login, and the id from before it no longer signs anyone in', async () => {
    const c = await signedIn(app, 'bureau');
    const before = sid(c)!;
    expect(before).to.match(/^s%3A/);
    expect(
      (await c.post('/login', { username: 'bureau', password: DEMO_PASSWORD }, { from: '/login' })).status,
    ).to.equal(302);
    const after = sid(c)!;
    expect(after).to.not.equal(before);
    expect(await signedInPage(c)).to.equal('in');
    const replay = new Client(app.url);
    jar(replay).set('shian.sid', before);
    expect(await signedInPage(replay)).to.match(/^out/);
  });

  for (const where of ['this process', 'another process'] as const) {
    it(`ends the user's other sessions at once when an admin resets the password (${where})`, async () => {
      const a = await signedIn(app, 'front_desk');
      const b = await signedIn(app, 'front_desk');
      const user = await userOf('frontdesk');
      const admin = await signedIn(where === 'this process' ? app : second, 'admin');
      const res = await admin.post(
        `/staff/users/${user.id}/password`,
        { password: 'reset-pass-2026', confirm: 'reset-pass-2026' },
        { from: `/staff/users/${user.id}` },
      );
      expect(res.status).to.equal(302);
      expect(await signedInPage(a)).to.match(/^out/);
      expect(await signedInPage(sameBrowser(b, second.url))).to.match(/^out/);
      await new Client(app.url).login('frontdesk', 'reset-pass-2026');
      await admin.post(
        `/staff/users/${user.id}/password`,
        { password: DEMO_PASSWORD, confirm: DEMO_PASSWORD },
        { from: `/staff/users/${user.id}` },
      );
    });

    it(`ends the user's sessions at once when an admin disables the account (${where})`, async () => {
      const a = await signedIn(app, 'cemetery_staff');
      const b = await signedIn(second, 'cemetery_staff');
      const user = await userOf('cemetery');
      const admin = await signedIn(where === 'this process' ? app : second, 'admin');
      const form = { display_name: user.display_name, role: 'cemetery_staff', facility_id: String(user.facility_id) };
      expect(
        (await admin.post(`/staff/users/${user.id}`, { ...form, disabled: 'on' }, { from: `/staff/users/${user.id}` }))
          .status,
      ).to.equal(302);
      expect(await signedInPage(sameBrowser(a, second.url))).to.match(/^out/);
      await admin.post(`/staff/users/${user.id}`, form, { from: `/staff/users/${user.id}` });
      expect(await signedInPage(b)).to.match(/^out/, 'enabling the account again does not bring its sessions back');
    });
  }

  it('ends the other sessions of a user who changes their own password, and re-issues the one that changed it', async () => {
    const here = await signedIn(app, 'bureau');
    const sameProcess = await signedIn(app, 'bureau');
    const elsewhere = await signedIn(second, 'bureau');
    const before = sid(here);
    const res = await here.post(
      '/staff/account/password',
      { current: DEMO_PASSWORD, password: 'changed-pass-2026', confirm: 'changed-pass-2026' },
      { from: '/staff/account' },
    );
    expect(res.status).to.equal(302);
    expect(sid(here)).to.not.equal(before, 'a new session id');
    const page = await here.get('/staff/account');
    expect(page.status).to.equal(200);
    expect(textOf(page.text)).to.contain('密码已修改');
    expect(await signedInPage(sameBrowser(here, second.url))).to.equal(
      'in',
      'the re-issued session holds on every process',
    );
    expect(await signedInPage(sameProcess)).to.match(/^out/);
    expect(await signedInPage(elsewhere)).to.match(/^out/);
    const replay = new Client(app.url);
    jar(replay).set('shian.sid', before!);
    expect(await signedInPage(replay)).to.match(/^out/);
    const back = await here.post(
      '/staff/account/password',
      { current: 'changed-pass-2026', password: DEMO_PASSWORD, confirm: DEMO_PASSWORD },
      { from: '/staff/account' },
    );
    expect(back.status).to.equal(302);
  });

  it('shows a role given on another process on the very next request', async () => {
    const c = await signedIn(app, 'bureau');
    expect((await c.get('/staff/users')).status).to.equal(403);
    const user = await userOf('bureau');
    const admin = await signedIn(second, 'admin');
    await admin.post(
      `/staff/users/${user.id}`,
      { display_name: user.display_name, role: 'admin' },
      { from: `/staff/users/${user.id}` },
    );
    expect((await c.get('/staff/users')).status).to.equal(200);
    await admin.post(
      `/staff/users/${user.id}`,
      { display_name: user.display_name, role: 'bureau' },
      { from: `/staff/users/${user.id}` },
    );
    expect((await c.get('/staff/users')).status).to.equal(403);
  });

  it('drops a session logged out on another process at once, for a copy of its cookie too', async () => {
    const c = await signedIn(app, 'admin');
    const copy = new Client(app.url);
    for (const [k, v] of jar(c)) jar(copy).set(k, v);
    expect((await sameBrowser(c, second.url).post('/logout', {}, { from: '/staff' })).status).to.equal(302);
    expect(await signedInPage(copy)).to.match(/^out/);
  });

  it('still answers 403 to a POST without a valid CSRF token', async () => {
    const c = await signedIn(app, 'admin');
    const before = await app.db('users').count({ n: '*' });
    const form = { username: 'mallory2', display_name: 'x', role: 'admin', password: 'password-12345' };
    expect((await c.post('/staff/users', form, { csrf: false })).status).to.equal(403);
    const other = await signedIn(app, 'admin');
    expect((await c.request('POST', '/staff/users', { form: { ...form, _csrf: other.csrf } })).status).to.equal(
      403,
      "another session's token",
    );
    expect((await app.db('users').count({ n: '*' }))[0].n).to.equal(before[0].n);
  });

  it('sends the CSRF cookie only when it changes, and one token per page however many forms it has', async () => {
    const c = await signedIn(app, 'admin');
    const again = await c.get('/staff/users');
    expect(again.headers.getSetCookie().some((h) => h.startsWith('shian.csrf='))).to.equal(false);
    const tokens = new Set([...again.text.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]));
    expect(tokens.size).to.equal(1);
    expect([...tokens][0]).to.equal(c.csrf);
  });

  it('writes the expiry of a session only when it is minutes behind, not on every page', async () => {
    const c = await signedIn(app, 'admin');
    const id = decodeURIComponent(sid(c)!).slice(2).split('.')[0];
    const expiry = async () => String((await app.db('sessions').where({ sid: id }).first('expired')).expired);
    const first = await expiry();
    await c.get('/staff');
    expect(await expiry()).to.equal(first);
    await app
      .db('sessions')
      .where({ sid: id })
      .update({ expired: new Date(Date.now() + 3_600_000).toISOString() });
    await c.get('/staff');
    expect(Date.parse(await expiry())).to.be.greaterThan(Date.now() + 7 * 3_600_000, 'pushed back to the idle limit');
  });

  it('sends no UPDATE of the session when its expiry is not behind: the read that finds it tells', async () => {
    const c = await signedIn(app, 'admin');
    await c.get('/staff');
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql);
    app.db.on('query', listen);
    try {
      await c.get('/staff');
    } finally {
      app.db.off('query', listen);
    }
    expect(statements.filter((s) => /\bsessions\b/.test(s)).map((s) => s.split(' ')[0].toLowerCase())).to.deep.equal([
      'select',
    ]);
  });
});

describe(`accounts: the absolute lifetime of a session (${dialect})`, () => {
  const clock = new ManualClock();
  let app: TestApp;
  before(async () => {
    app = await startApp({ clock });
  });
  after(() => app.close());

  it('ends a session 12 hours after login however busy it is', async () => {
    const c = await signedIn(app, 'admin');
    clock.advance(12 * 3_600_000 - 60_000);
    expect(await signedInPage(c)).to.equal('in');
    clock.advance(60_000);
    expect(await signedInPage(c)).to.match(/^out \(302 \/login/);
    await c.login('admin');
    expect(await signedInPage(c)).to.equal('in', 'a new login starts a new lifetime');
  });
});

// Admin pages for users and API tokens: validation per field with nothing written, audit rows, bearer tokens.
import { expect } from 'chai';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

describe(`accounts: users and tokens (${dialect})`, () => {
  let app: TestApp;
  let admin: Client;
  let funeralHomeId: number;
  before(async () => {
    app = await startApp();
    admin = await signedIn(app, 'admin');
    funeralHomeId = (await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id')).id;
  });
  after(() => app.close());

  const count = async (table: string) => Number((await app.db(table).count({ n: '*' }))[0].n);

  it('creates a front-desk user scoped to a funeral home and audits it without the password', async () => {
    const res = await admin.post(
      '/staff/users',
      {
        username: 'zhang.wei',
        display_name: '张伟',
        role: 'front_desk',
        facility_id: String(funeralHomeId),
        password: 'Qingming2026',
      },
      { from: '/staff/users/new' },
    );
    expect(res.status).to.equal(302);
    const user = await app.db('users').where({ username: 'zhang.wei' }).first();
    expect(user.role).to.equal('front_desk');
    expect(user.facility_id).to.equal(funeralHomeId);
    expect(user.password_hash).to.match(/^scrypt\$/);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'user', action: 'create', entity_id: String(user.id) })
      .first();
    expect(audit.actor_name).to.equal('admin');
    expect(audit.after).to.contain('zhang.wei').and.not.contain(user.password_hash);
    const fresh = new Client(app.url);
    await fresh.login('zhang.wei', 'Qingming2026');
  });

  it('returns the form with a message per field, keeps the values, and writes nothing on bad input', async () => {
    const users = await count('users'),
      audits = await count('audit_log');
    const res = await admin.post(
      '/staff/users',
      { username: '9bad name', display_name: '', role: 'front_desk', facility_id: '', password: 'short' },
      { from: '/staff/users/new' },
    );
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('请修改以下问题后再提交');
    expect(text).to.contain('用户名须以小写字母开头');
    expect(text).to.contain('此项必填。');
    expect(text).to.contain('密码至少 10 位。');
    expect(res.text).to.match(/name="username"[^>]*value="9bad name"/);
    expect(res.text).to.not.match(/name="password"[^>]*value="short"/);
    expect(await count('users')).to.equal(users);
    expect(await count('audit_log')).to.equal(audits);
  });

  it('requires a facility for a front-desk account', async () => {
    const res = await admin.post(
      '/staff/users',
      { username: 'li.na', display_name: '李娜', role: 'front_desk', facility_id: '', password: 'Qingming2026' },
      { from: '/staff/users/new' },
    );
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('该角色必须选择所属单位。');
  });

  it('ties a county bureau to an existing county, and refuses a city code, an unknown code or a region on a front desk', async () => {
    const post = (fields: Record<string, string>) =>
      admin.post(
        '/staff/users',
        { username: 'wang.fang', display_name: '王芳', role: 'county_bureau', password: 'Qingming2026', ...fields },
        { from: '/staff/users/new' },
      );
    const users = await count('users');
    for (const [fields, message] of [
      [{ region_code: '' }, '县民政局必须填写所辖县（区）的6位区划代码。'],
      [{ region_code: '5202' }, '县民政局必须填写所辖县（区）的6位区划代码。'],
      [{ region_code: '529999' }, '该区划代码不存在，请先导入区划。'],
      [{ region_code: '52a201' }, '区划代码应为2位、4位或6位数字。'],
      [
        { role: 'front_desk', facility_id: String(funeralHomeId), region_code: '520201' },
        '只有民政局账号可以设置所辖区域。',
      ],
    ] as const) {
      const res = await post(fields);
      expect(res.status, JSON.stringify(fields)).to.equal(400);
      expect(textOf(res.text)).to.contain(message);
    }
    expect(await count('users')).to.equal(users);

    expect((await post({ region_code: '520201' })).status).to.equal(302);
    const user = await app.db('users').where({ username: 'wang.fang' }).first();
    expect([user.role, user.region_code]).to.deep.equal(['county_bureau', '520201']);
    const list = textOf((await admin.get('/staff/users?q=wang.fang')).text);
    expect(list).to.contain('县民政局');
  });

  it('refuses a username already taken with 409 and a message on the field', async () => {
    const res = await admin.post(
      '/staff/users',
      { username: 'bureau', display_name: '重复', role: 'bureau', facility_id: '', password: 'Qingming2026' },
      { from: '/staff/users/new' },
    );
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('该用户名已被使用。');
  });

  it('lists users with search and masks nothing it should not show', async () => {
    const res = await admin.get('/staff/users?q=front');
    expect(res.status).to.equal(200);
    expect(textOf(res.text)).to.contain('frontdesk');
    expect(textOf(res.text)).to.not.contain('cemetery');
  });

  it('resets a password only when both entries match', async () => {
    const user = await app.db('users').where({ username: 'frontdesk' }).first();
    const bad = await admin.post(
      `/staff/users/${user.id}/password`,
      { password: 'Newpassword1', confirm: 'Newpassword2' },
      { from: `/staff/users/${user.id}` },
    );
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('两次输入的密码不一致。');
    const ok = await admin.post(
      `/staff/users/${user.id}/password`,
      { password: 'Newpassword1', confirm: 'Newpassword1' },
      { from: `/staff/users/${user.id}` },
    );
    expect(ok.status).to.equal(302);
    const c = new Client(app.url);
    await c.login('frontdesk', 'Newpassword1');
    expect(
      await app
        .db('audit_log')
        .where({ action: 'reset_password', entity_id: String(user.id) })
        .first(),
    ).to.exist;
  });

  it('names the signed-in admin in the header while editing another user', async () => {
    const other = await app.db('users').where({ username: 'frontdesk' }).first();
    const res = await admin.get(`/staff/users/${other.id}`);
    expect(res.text).to.match(/data-testid="user-name">系统管理员</);
    expect(textOf(res.text)).to.contain('编辑用户：frontdesk');
  });

  it('does not let an admin remove their own admin role', async () => {
    const me = await app.db('users').where({ username: 'admin' }).first();
    const res = await admin.post(
      `/staff/users/${me.id}`,
      { display_name: me.display_name, role: 'bureau', facility_id: '' },
      { from: `/staff/users/${me.id}` },
    );
    expect(res.status).to.equal(400);
    expect((await app.db('users').where({ id: me.id }).first()).role).to.equal('admin');
  });

  it('a user changes their own password after giving the current one', async () => {
    const c = await signedIn(app, 'bureau');
    const wrong = await c.post(
      '/staff/account/password',
      { current: 'not-it-123', password: 'Anotherpass9', confirm: 'Anotherpass9' },
      { from: '/staff/account' },
    );
    expect(wrong.status).to.equal(400);
    expect(textOf(wrong.text)).to.contain('当前密码不正确。');
    const ok = await c.post(
      '/staff/account/password',
      { current: 'demo-pass-2026', password: 'Anotherpass9', confirm: 'Anotherpass9' },
      { from: '/staff/account' },
    );
    expect(ok.status).to.equal(302);
    await new Client(app.url).login('bureau', 'Anotherpass9');
  });

  it('creates an API token shown once, which authenticates the API until revoked', async () => {
    const bureau = await app.db('users').where({ username: 'bureau' }).first();
    const res = await admin.post(
      '/staff/tokens',
      { user_id: String(bureau.id), label: '医院死亡通报' },
      { from: '/staff/tokens' },
    );
    expect(res.status).to.equal(201);
    const token = /data-testid="token">([^<]+)</.exec(res.text)![1];
    expect(token).to.match(/^shian_[0-9a-f]{8}_/);
    const row = await app.db('api_tokens').where({ label: '医院死亡通报' }).first();
    expect(row.token_hash).to.not.equal(token);
    expect((await admin.get('/staff/tokens')).text).to.not.contain(token);

    const me = await fetch(`${app.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).to.equal(200);
    expect((await me.json()).username).to.equal('bureau');

    const confirm = await admin.get(`/staff/tokens/${row.id}/revoke`);
    expect(textOf(confirm.text)).to.contain('确定吊销令牌');
    expect((await admin.post(`/staff/tokens/${row.id}/revoke`, {})).status).to.equal(302);
    const after = await fetch(`${app.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).to.equal(401);
    expect((await after.json()).error).to.equal('token_invalid');
  });

  it('answers the API without a token with 401 JSON, and ignores session cookies there', async () => {
    const res = await admin.request('GET', '/api/v1/me');
    expect(res.status).to.equal(401);
    expect(res.json()).to.include({ error: 'login_required' });
  });

  it('shows the audit log to the admin, newest first', async () => {
    const res = await admin.get('/staff/audit?entity=user');
    expect(res.status).to.equal(200);
    expect(textOf(res.text)).to.contain('重置密码');
  });
});

// Holds: one conditional UPDATE decides who holds a place; a second hold while the first lives is a 409 naming until
// when; a lapsed hold is free again without any job; release, block and unblock; 50 at once → exactly one; the
// JSON inventory and hold.
import { expect } from 'chai';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf } from '../helpers/client.js';
import { api, userWithToken } from '../cremation/fixtures.js';
import { inShanghai } from '../../server/time.js';
import { CEMETERY, COLUMBARIUM, facilityNamed, placeCoded } from './fixtures.js';

describe(`resting: holds (${dialect})`, () => {
  let app: TestApp;
  let columbarium: number;
  let cemetery: number;

  before(async () => {
    app = await startApp();
    columbarium = await facilityNamed(app.db, COLUMBARIUM);
    cemetery = await facilityNamed(app.db, CEMETERY);
  });
  after(() => app.close());

  it('holds a free plot for the facility’s hours, audited with its region, and shows it held', async () => {
    const staff = await signedIn(app, 'cemetery_staff');
    await staff.post(
      `/staff/resting/${cemetery}/settings`,
      { hold_hours: '48' },
      { from: `/staff/resting/${cemetery}` },
    );
    const plot = await placeCoded(app.db, cemetery, 'D1-05-05');
    const before = Date.now();
    const res = await staff.post(
      `/staff/resting/places/${plot.id}/hold`,
      {},
      { from: `/staff/resting/places/${plot.id}` },
    );
    expect(res.status).to.equal(302);
    const row = await app.db('resting_places').where({ id: plot.id }).first('status', 'hold_expires_at', 'held_by');
    expect(row.status).to.equal('held');
    const hours = (Date.parse(new Date(row.hold_expires_at).toISOString()) - before) / 3_600_000;
    expect(hours).to.be.within(47.9, 48.1);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'resting_place', entity_id: String(plot.id) })
      .first();
    expect(audit.action).to.equal('hold');
    expect(audit.region_code).to.equal('520201101');
    const page = textOf((await staff.get(`/staff/resting/places/${plot.id}`)).text);
    expect(page).to.contain('已预定');
    expect(page).to.contain('公墓管理员');
  });

  it('refuses a second hold while the first lives with 409 and a message naming until when', async () => {
    const admin = await signedIn(app, 'admin');
    const plot = await placeCoded(app.db, cemetery, 'D1-05-05');
    const res = await admin.post(
      `/staff/resting/places/${plot.id}/hold`,
      {},
      { from: `/staff/resting/places/${plot.id}` },
    );
    expect(res.status).to.equal(409);
    const row = await app.db('resting_places').where({ id: plot.id }).first('hold_expires_at');
    const until = inShanghai(new Date(row.hold_expires_at).toISOString()).toFormat('yyyy-MM-dd HH:mm');
    expect(textOf(res.text)).to.contain(`D1-05-05 已被预定，保留至 ${until}（北京时间）`);
  });

  it('lets a hold lapse by itself: shown free, counted free, and held again by another', async () => {
    const plot = await placeCoded(app.db, cemetery, 'D1-05-05');
    await app
      .db('resting_places')
      .where({ id: plot.id })
      .update({ hold_expires_at: new Date(Date.now() - 1000).toISOString() });
    const admin = await signedIn(app, 'admin');
    const page = textOf((await admin.get(`/staff/resting/places/${plot.id}`)).text);
    expect(page).to.contain('状态 空 空闲');
    const { token } = await userWithToken(app.db, 'admin', 'admin', null);
    const inv = await (await api(app.url, token).get(`/api/v1/facilities/${cemetery}/inventory`)).json();
    expect(inv.by_type.find((t: { type: string }) => t.type === 'single').by_status.held).to.equal(1); // the demo one
    const res = await admin.post(
      `/staff/resting/places/${plot.id}/hold`,
      {},
      { from: `/staff/resting/places/${plot.id}` },
    );
    expect(res.status).to.equal(302);
    const row = await app.db('resting_places').where({ id: plot.id }).first('held_by');
    expect(row.held_by).to.equal((await app.db('users').where({ username: 'admin' }).first('id')).id);
  });

  it('releases a hold, then blocks with a reason and unblocks, each in the place’s history', async () => {
    const staff = await signedIn(app, 'cemetery_staff');
    const plot = await placeCoded(app.db, cemetery, 'D1-05-05');
    expect(
      (await staff.post(`/staff/resting/places/${plot.id}/release`, {}, { from: `/staff/resting/places/${plot.id}` }))
        .status,
    ).to.equal(302);
    expect((await placeCoded(app.db, cemetery, 'D1-05-05')).status).to.equal('free');
    const empty = await staff.post(
      `/staff/resting/places/${plot.id}/block`,
      { reason: '' },
      { from: `/staff/resting/places/${plot.id}/block` },
    );
    expect(empty.status).to.equal(400);
    const res = await staff.post(
      `/staff/resting/places/${plot.id}/block`,
      { reason: '地基下沉' },
      { from: `/staff/resting/places/${plot.id}/block` },
    );
    expect(res.status).to.equal(302);
    const blocked = await staff.post(
      `/staff/resting/places/${plot.id}/hold`,
      {},
      { from: `/staff/resting/places/${plot.id}` },
    );
    expect(blocked.status).to.equal(409);
    expect(textOf(blocked.text)).to.contain('D1-05-05 已停用');
    expect(
      (await staff.post(`/staff/resting/places/${plot.id}/unblock`, {}, { from: `/staff/resting/places/${plot.id}` }))
        .status,
    ).to.equal(302);
    const actions = await app
      .db('audit_log')
      .where({ entity: 'resting_place', entity_id: String(plot.id) })
      .orderBy('id')
      .pluck('action');
    expect(actions).to.deep.equal(['hold', 'hold', 'release', 'block', 'unblock']);
    const page = textOf((await staff.get(`/staff/resting/places/${plot.id}`)).text);
    expect(page).to.contain('地基下沉');
    expect(page).to.contain('恢复使用');
  });

  it('gives 50 simultaneous API holds of one niche exactly one 201 and 49 × 409 place_held', async () => {
    const { token } = await userWithToken(app.db, 'admin', 'admin', null);
    const client = api(app.url, token);
    const niche = await placeCoded(app.db, columbarium, 'A-05-05-05');
    const replies = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const res = await client.post(`/api/v1/niches/${niche.id}/hold`, {});
        return { status: res.status, body: await res.json() };
      }),
    );
    const created = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status === 409);
    console.log(
      `      ${dialect}: ${created.length} × 201, ${refused.length} × 409, other: ${50 - created.length - refused.length}`,
    );
    expect(created).to.have.length(1);
    expect(refused).to.have.length(49);
    expect(refused.every((r) => r.body.error === 'place_held')).to.equal(true);
    expect(refused[0].body.message).to.match(/^A-05-05-05 已被预定，保留至 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）/);
    expect(created[0].body.hold_expires_at).to.equal(
      new Date(
        (await app.db('resting_places').where({ id: niche.id }).first('hold_expires_at')).hold_expires_at,
      ).toISOString(),
    );
    expect(
      await app
        .db('audit_log')
        .where({ entity: 'resting_place', entity_id: String(niche.id) })
        .count({ n: '*' }),
    ).to.deep.equal([{ n: 1 }]);
  });

  it('holds a plot over the API, and answers a niche id on the plots path as missing', async () => {
    const { token } = await userWithToken(app.db, 'cemetery', 'cemetery_staff', cemetery);
    const client = api(app.url, token);
    const plot = await placeCoded(app.db, cemetery, 'S1-01-01');
    const res = await client.post(`/api/v1/plots/${plot.id}/hold`, {});
    expect(res.status).to.equal(201);
    expect((await res.json()).code).to.equal('S1-01-01');
    expect((await client.post(`/api/v1/plots/${plot.id}/hold`, {})).status).to.equal(409);
    expect((await client.post(`/api/v1/niches/${plot.id}/hold`, {})).status).to.equal(404);
    const niche = await placeCoded(app.db, columbarium, 'A-06-01-01');
    expect((await client.post(`/api/v1/niches/${niche.id}/hold`, {})).status).to.equal(404); // another facility
  });

  it('answers the JSON inventory by type and status, and 404 for another facility’s', async () => {
    const { token } = await userWithToken(app.db, 'cemetery', 'cemetery_staff', cemetery);
    const client = api(app.url, token);
    const inv = await (await client.get(`/api/v1/facilities/${cemetery}/inventory`)).json();
    expect(inv.total).to.equal(590);
    const tree = inv.by_type.find((t: { type: string }) => t.type === 'tree');
    expect(tree).to.deep.include({ total: 100 });
    expect(tree.by_status).to.deep.include({ free: 99, held: 1 });
    expect(inv.by_status).to.have.keys('free', 'held', 'occupied', 'expiring', 'expired', 'blocked');
    expect((await client.get(`/api/v1/facilities/${columbarium}/inventory`)).status).to.equal(404);
  });
});

// The JSON API: availability of a day (shape and states) and booking, with facility access checks.
import { expect } from 'chai';
import * as cremation from '../../server/cremation/service.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { api, at, dayAhead, facilityId, insertCase, OTHER_HOME, resourceId, userWithToken } from './fixtures.js';

describe(`cremation: JSON API (${dialect})`, () => {
  let app: TestApp;
  let home: number;
  let other: number;
  let tokens: Record<'frontdesk' | 'other' | 'bureau' | 'admin' | 'cemetery', string>;
  const day = dayAhead(7); // the demo data closes 2号炉 all day then

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db);
    other = await facilityId(app.db, OTHER_HOME);
    tokens = {
      frontdesk: (await userWithToken(app.db, 'frontdesk', 'front_desk', home)).token,
      other: (await userWithToken(app.db, 'panzhou', 'front_desk', other)).token,
      bureau: (await userWithToken(app.db, 'bureau', 'bureau', null)).token,
      admin: (await userWithToken(app.db, 'admin', 'admin', null)).token,
      cemetery: (await userWithToken(app.db, 'cemetery', 'cemetery_staff', null)).token,
    };
  });
  after(() => app.close());

  it('lists every slot of the active cremators with free, taken and closed states, instants in UTC', async () => {
    const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
    const c2 = await resourceId(app.db, 'cremators', home, '2号炉');
    const c3 = await resourceId(app.db, 'cremators', home, '3号炉');
    const caseId = await insertCase(app.db, home, { deceased_name: '李四' });
    await cremation.book(
      app.db,
      { id: 1, username: 'admin', role: 'admin', facility_id: null },
      { kind: 'cremator', case_id: caseId, resource_id: c1, starts_at: at(day, '08:00') },
      null,
    );
    const res = await api(app.url, tokens.frontdesk).get(`/api/v1/cremation/availability?facility=${home}&date=${day}`);
    expect(res.status).to.equal(200);
    const slots: { cremator_id: number; starts_at: string; ends_at: string; state: string }[] = await res.json();
    expect(Object.keys(slots[0]).sort()).to.deep.equal(['cremator_id', 'ends_at', 'starts_at', 'state']);
    // 07:00–17:00: ten 60-minute slots on 1号炉 and 2号炉, six 90-minute ones on 3号炉
    expect(slots.filter((s) => s.cremator_id === c1)).to.have.length(10);
    expect(slots.filter((s) => s.cremator_id === c3)).to.have.length(6);
    expect(slots.find((s) => s.cremator_id === c1 && s.starts_at === at(day, '07:00'))).to.deep.equal({
      cremator_id: c1,
      starts_at: at(day, '07:00'),
      ends_at: at(day, '08:00'),
      state: 'free',
    });
    expect(slots.find((s) => s.cremator_id === c1 && s.starts_at === at(day, '08:00'))!.state).to.equal('taken');
    expect(slots.filter((s) => s.cremator_id === c2).map((s) => s.state)).to.deep.equal(Array(10).fill('closed'));
    expect(slots.find((s) => s.cremator_id === c3 && s.starts_at === at(day, '08:30'))!.ends_at).to.equal(
      at(day, '10:00'),
    );
    // the taken slot does not say whose it is: the API's callers need the state only
    expect(JSON.stringify(slots)).to.not.contain('李四');
  });

  it('marks the slots of a day gone by as closed', async () => {
    const res = await api(app.url, tokens.admin).get(
      `/api/v1/cremation/availability?facility=${home}&date=${dayAhead(-1)}`,
    );
    expect(res.status).to.equal(200);
    const slots: { state: string }[] = await res.json();
    expect(slots.length).to.be.greaterThan(0);
    expect(slots.filter((s) => s.state !== 'closed')).to.deep.equal([]);
  });

  it('lets the bureau read any home, a front desk only its own, and cemetery staff none', async () => {
    const path = `/api/v1/cremation/availability?facility=${home}&date=${day}`;
    expect((await api(app.url, tokens.bureau).get(path)).status).to.equal(200);
    // another home's day answers as a missing home does; cemetery staff may not use this API at all
    expect((await api(app.url, tokens.other).get(path)).status).to.equal(404);
    expect((await api(app.url, tokens.cemetery).get(path)).status).to.equal(403);
    expect((await fetch(app.url + path)).status).to.equal(401);
  });

  it('answers 404 for a facility that is not a funeral home, and 400 naming a bad date', async () => {
    const columbarium = await facilityId(app.db, '钟山区公益性骨灰堂（示例）');
    expect(
      (await api(app.url, tokens.admin).get(`/api/v1/cremation/availability?facility=${columbarium}&date=${day}`))
        .status,
    ).to.equal(404);
    const res = await api(app.url, tokens.admin).get(`/api/v1/cremation/availability?facility=${home}&date=2026-13-01`);
    expect(res.status).to.equal(400);
    expect((await res.json()).fields.date.code).to.equal('date_format');
  });

  it("refuses bookings by the bureau (403), by another home's front desk (404) and without a token (401)", async () => {
    const caseId = await insertCase(app.db, home);
    const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
    const body = { case_id: caseId, cremator_id: c1, starts_at: at(day, '10:00') };
    const bureau = await api(app.url, tokens.bureau).post('/api/v1/cremation/bookings', body);
    expect(bureau.status).to.equal(403);
    expect((await bureau.json()).error).to.equal('forbidden');
    expect((await api(app.url, tokens.other).post('/api/v1/cremation/bookings', body)).status).to.equal(404);
    expect(
      (
        await fetch(`${app.url}/api/v1/cremation/bookings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status,
    ).to.equal(401);
    expect(await app.db('cremation_bookings').where({ case_id: caseId })).to.have.length(0);
  });

  it('answers 400 with a message per field for a malformed booking', async () => {
    const res = await api(app.url, tokens.frontdesk).post('/api/v1/cremation/bookings', {
      case_id: 'x',
      starts_at: '明天上午',
    });
    expect(res.status).to.equal(400);
    const body = await res.json();
    expect(body.error).to.equal('invalid_input');
    expect(Object.keys(body.fields).sort()).to.deep.equal(['case_id', 'cremator_id', 'starts_at']);
    expect(body.fields.starts_at.code).to.equal('instant_format');
    const unknown = await api(app.url, tokens.frontdesk).post('/api/v1/cremation/bookings', {
      case_id: 1,
      cremator_id: 99999,
      starts_at: at(day, '10:00'),
    });
    expect((await unknown.json()).fields.cremator_id.code).to.equal('resource_unknown');
  });
});

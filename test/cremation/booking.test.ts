// Booking rules over HTTP (the JSON API and the service behind the pages): hours, grid, past, closures, one
// active booking per case, cancelling frees the slot, rescheduling is all or nothing.
import { expect } from 'chai';
import * as cremation from '../../server/cremation/service.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import {
  activeBookings,
  api,
  at,
  dayAhead,
  facilityId,
  insertCase,
  OTHER_HOME,
  refusal,
  resourceId,
  userWithToken,
} from './fixtures.js';

describe(`cremation: booking rules (${dialect})`, () => {
  let app: TestApp;
  let home: number;
  let cremator: number;
  let client: ReturnType<typeof api>;
  let frontdesk: { id: number; username: string; role: 'front_desk'; facility_id: number };
  const day = dayAhead(3);

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db);
    cremator = await resourceId(app.db, 'cremators', home, '1号炉');
    const fd = await userWithToken(app.db, 'frontdesk', 'front_desk', home);
    client = api(app.url, fd.token);
    frontdesk = { id: fd.id, username: 'frontdesk', role: 'front_desk', facility_id: home };
  });
  after(() => app.close());

  const book = async (caseId: number, startsAt: string, crematorId = cremator) =>
    client.post('/api/v1/cremation/bookings', { case_id: caseId, cremator_id: crematorId, starts_at: startsAt });

  it('books a free slot and answers with the booking, instants in UTC', async () => {
    const caseId = await insertCase(app.db, home);
    const res = await book(caseId, `${day}T08:00:00+08:00`);
    expect(res.status).to.equal(201);
    const body = await res.json();
    expect(body).to.deep.include({
      case_id: caseId,
      cremator_id: cremator,
      starts_at: at(day, '08:00'),
      ends_at: at(day, '09:00'),
      status: 'booked',
    });
    expect(body.id).to.be.a('number');
    const audit = await app
      .db('audit_log')
      .where({ entity: 'cremation_booking', entity_id: String(body.id) })
      .first();
    expect(audit.action).to.equal('create');
  });

  it('refuses a slot outside the working hours, off the grid or in the past, naming the field', async () => {
    const caseId = await insertCase(app.db, home);
    for (const [startsAt, code] of [
      [`${day}T06:00:00+08:00`, 'slot_outside_hours'],
      [`${day}T17:00:00+08:00`, 'slot_outside_hours'],
      [`${day}T08:30:00+08:00`, 'slot_not_aligned'],
      [`${dayAhead(-1)}T09:00:00+08:00`, 'slot_in_past'],
    ]) {
      const res = await book(caseId, startsAt);
      expect(res.status, startsAt).to.equal(400);
      const body = await res.json();
      expect(body.error).to.equal('invalid_input');
      expect(body.fields.starts_at.code, startsAt).to.equal(code);
      expect(body.fields.starts_at.message).to.be.a('string').and.not.equal(code);
    }
    expect(await activeBookings(app.db, 'cremation_bookings', { case_id: caseId })).to.have.length(0);
  });

  it('refuses a slot under a closure, with its reason, and accepts the slot where the closure ends', async () => {
    const caseId = await insertCase(app.db, home);
    const other = await resourceId(app.db, 'cremators', home, '3号炉');
    await cremation.addClosure(
      app.db,
      frontdesk,
      home,
      {
        target: { kind: 'cremator', id: other },
        starts_at: at(day, '07:00'),
        ends_at: at(day, '10:00'),
        reason: '更换耐火砖',
      },
      null,
    );
    const closed = await book(caseId, at(day, '08:30'), other);
    expect(closed.status).to.equal(400);
    const body = await closed.json();
    expect(body.fields.starts_at.code).to.equal('slot_closed');
    expect(body.fields.starts_at.message).to.contain('更换耐火砖');
    // 3号炉 has 90-minute slots from 07:00: 10:00 starts exactly when the closure ends (half-open)
    expect((await book(caseId, at(day, '10:00'), other)).status).to.equal(201);
  });

  it('refuses a closure over an existing booking until the booking is moved', async () => {
    const caseId = await insertCase(app.db, home);
    expect((await book(caseId, at(day, '11:00'))).status).to.equal(201);
    const err = await refusal(
      cremation.addClosure(
        app.db,
        frontdesk,
        home,
        { target: 'all', starts_at: at(day, '10:30'), ends_at: at(day, '12:00'), reason: '停电' },
        null,
      ),
    );
    // In the way: this booking at 11:00 on 1号炉, and 3号炉's 10:00–11:30 booked by the test before.
    expect(err).to.deep.include({ status: 409, code: 'closure_has_bookings', params: { count: 2 } });
    expect(await app.db('resource_closures').where({ reason: '停电' })).to.have.length(0);
  });

  it('gives a case one active cremation booking: a second slot is a 409 case_already_booked', async () => {
    const caseId = await insertCase(app.db, home);
    expect((await book(caseId, at(day, '12:00'))).status).to.equal(201);
    const res = await book(caseId, at(day, '13:00'));
    expect(res.status).to.equal(409);
    expect((await res.json()).error).to.equal('case_already_booked');
  });

  it('gives the same booking back when the same user sends it again, without a second row', async () => {
    const caseId = await insertCase(app.db, home);
    const first = await book(caseId, at(day, '14:00'));
    expect(first.status).to.equal(201);
    const again = await book(caseId, at(day, '14:00'));
    expect(again.status).to.equal(200);
    expect((await again.json()).id).to.equal((await first.json()).id);
    expect(await activeBookings(app.db, 'cremation_bookings', { case_id: caseId })).to.have.length(1);
  });

  it('refuses a taken slot with 409 slot_taken and a Chinese message', async () => {
    const [a, b] = [await insertCase(app.db, home), await insertCase(app.db, home)];
    expect((await book(a, at(day, '15:00'))).status).to.equal(201);
    const res = await book(b, at(day, '15:00'));
    expect(res.status).to.equal(409);
    expect(await res.json()).to.deep.include({ error: 'slot_taken', message: '该时段已被预约，请选择其他时段。' });
  });

  it('frees the slot when the booking is cancelled, so it can be booked again', async () => {
    const [a, b] = [await insertCase(app.db, home), await insertCase(app.db, home)];
    const first = await (await book(a, at(day, '16:00'))).json();
    await cremation.cancel(app.db, frontdesk, 'cremator', first.id, '家属改期', null);
    const row = await app.db('cremation_bookings').where({ id: first.id }).first();
    expect(row).to.include({ status: 'cancelled', cancel_reason: '家属改期' });
    expect((await book(b, at(day, '16:00'))).status).to.equal(201);
    // and the first case may book again, its one active booking having gone
    expect((await book(a, at(dayAhead(4), '16:00'))).status).to.equal(201);
  });

  it('reschedules in one step, and leaves the old booking in place when the new slot is taken', async () => {
    const d = dayAhead(5);
    const [a, b] = [await insertCase(app.db, home), await insertCase(app.db, home)];
    const mine = await (await book(a, at(d, '08:00'))).json();
    expect((await book(b, at(d, '09:00'))).status).to.equal(201);
    const err = await refusal(
      cremation.reschedule(
        app.db,
        frontdesk,
        'cremator',
        mine.id,
        { resource_id: cremator, starts_at: at(d, '09:00') },
        null,
      ),
    );
    expect(err).to.include({ status: 409, code: 'slot_taken' });
    expect(await activeBookings(app.db, 'cremation_bookings', { case_id: a })).to.deep.equal([
      { id: mine.id, case_id: a, starts_at: at(d, '08:00'), status: 'booked' },
    ]);
    const moved = await cremation.reschedule(
      app.db,
      frontdesk,
      'cremator',
      mine.id,
      { resource_id: cremator, starts_at: at(d, '10:00') },
      null,
    );
    expect(moved.booking.starts_at).to.equal(at(d, '10:00'));
    const rows = await app
      .db('cremation_bookings')
      .where({ case_id: a })
      .orderBy('id')
      .select('status', 'cancel_reason', 'starts_at');
    expect(rows).to.deep.equal([
      { status: 'cancelled', cancel_reason: 'rescheduled', starts_at: at(d, '08:00') },
      { status: 'booked', cancel_reason: null, starts_at: at(d, '10:00') },
    ]);
    // 08:00 is free again
    expect((await book(await insertCase(app.db, home), at(d, '08:00'))).status).to.equal(201);
  });

  it('refuses inactive cremators, cases of another home and closed cases', async () => {
    const d = dayAhead(6);
    const other = await facilityId(app.db, OTHER_HOME);
    const foreignCase = await insertCase(app.db, other);
    let res = await book(foreignCase, at(d, '08:00'));
    expect(res.status).to.equal(400);
    expect((await res.json()).fields.case_id.code).to.equal('case_other_facility');
    const cremated = await insertCase(app.db, home, { status: 'cremated' });
    res = await book(cremated, at(d, '08:00'));
    expect((await res.json()).fields.case_id.code).to.equal('case_closed');
    res = await book(999999, at(d, '08:00'));
    expect((await res.json()).fields.case_id.code).to.equal('case_unknown');
    const c2 = await resourceId(app.db, 'cremators', home, '2号炉');
    await app.db('cremators').where({ id: c2 }).update({ active: false });
    res = await book(await insertCase(app.db, home), at(d, '08:00'), c2);
    expect(res.status).to.equal(400);
    expect((await res.json()).fields.cremator_id.code).to.equal('resource_inactive');
    await app.db('cremators').where({ id: c2 }).update({ active: true });
  });

  it('refuses changing hours or slot length that would strand a future booking', async () => {
    const d = dayAhead(8);
    const c3 = await resourceId(app.db, 'cremators', home, '3号炉');
    expect((await book(await insertCase(app.db, home), at(d, '08:30'), c3)).status).to.equal(201);
    const input = { name: '3号炉（拣灰炉）', slot_minutes: 60, day_start: '07:00', day_end: '17:00', active: true };
    const err = await refusal(cremation.updateResource(app.db, frontdesk, home, 'cremator', c3, input, null));
    expect(err).to.deep.include({ status: 409, code: 'resource_has_bookings', params: { count: 1 } });
    expect((await app.db('cremators').where({ id: c3 }).first()).slot_minutes).to.equal(90);
    // the same grid with later closing hours keeps every booking on it
    await cremation.updateResource(
      app.db,
      frontdesk,
      home,
      'cremator',
      c3,
      { ...input, slot_minutes: 90, day_end: '18:00' },
      null,
    );
    expect((await app.db('cremators').where({ id: c3 }).first()).day_end).to.equal('18:00');
  });

  it("lists a case's bookings of both kinds, active first, for the case page", async () => {
    const d = dayAhead(9);
    const caseId = await insertCase(app.db, home);
    const hall = await resourceId(app.db, 'farewell_halls', home, '福寿厅');
    await cremation.book(
      app.db,
      frontdesk,
      { kind: 'hall', case_id: caseId, resource_id: hall, starts_at: at(d, '08:00') },
      null,
    );
    const first = await cremation.book(
      app.db,
      frontdesk,
      { kind: 'cremator', case_id: caseId, resource_id: cremator, starts_at: at(d, '10:00') },
      null,
    );
    await cremation.reschedule(
      app.db,
      frontdesk,
      'cremator',
      first.booking.id,
      { resource_id: cremator, starts_at: at(d, '11:00') },
      null,
    );
    const list = await cremation.bookingsForCase(app.db, caseId);
    expect(list.map((b) => [b.kind, b.resource_name, b.status, b.rescheduled, b.date])).to.deep.equal([
      ['hall', '福寿厅', 'booked', false, d],
      ['cremator', '1号炉（平板炉）', 'booked', false, d],
      ['cremator', '1号炉（平板炉）', 'cancelled', true, d],
    ]);
  });
});

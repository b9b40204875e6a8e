// Issue 15 items 1 and 3: a cremation is recorded against its booking (not before its slot, with the actual times,
// cremator and operator), the case becomes cremated only that way, a farewell completes its hall booking, a
// withdrawn case cancels its bookings and their charges, bookings charge their resource's price item, and the
// certificate prints what was recorded.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import * as cremation from '../../server/cremation/service.js';
import { dateOf, timeOf } from '../../server/cremation/slots.js';
import { nowIso } from '../../server/db.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { type Client, signedIn, textOf } from '../helpers/client.js';
import { pdfText } from '../documents/pdf-tools.js';
import {
  api,
  at,
  dayAhead,
  facilityId,
  insertCase,
  localField,
  pastBooking,
  recordForm,
  resourceId,
  userWithToken,
} from './fixtures.js';

const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

describe(`cremation: recorded against the booking (${dialect})`, function () {
  this.timeout(60_000);
  let app: TestApp;
  let home: number;
  let c1: number, c3: number, bigHall: number, smallHall: number;
  let desk: Client;
  let frontdesk: { id: number; username: string; role: 'front_desk'; facility_id: number };

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db);
    c1 = await resourceId(app.db, 'cremators', home, '1号炉');
    c3 = await resourceId(app.db, 'cremators', home, '3号炉');
    bigHall = await resourceId(app.db, 'farewell_halls', home, '福寿厅');
    smallHall = await resourceId(app.db, 'farewell_halls', home, '思源厅');
    desk = await signedIn(app, 'front_desk');
    const u = await app.db('users').where({ username: 'frontdesk' }).first('id');
    frontdesk = { id: u.id, username: 'frontdesk', role: 'front_desk', facility_id: home };
  });
  after(() => app.close());

  const caseStatus = async (id: number) => (await app.db('funeral_cases').where({ id }).first('status')).status;
  const bookingRow = (table: string, id: number) => app.db(table).where({ id }).first();
  const pdf = async (url: string) => {
    const cookie = (desk as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + url, { headers: { cookie } });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()) };
  };

  it('refuses a recording before the booked slot starts, in the future, or ending before it starts, and changes nothing', async () => {
    const caseId = await insertCase(app.db, home);
    const past = await pastBooking(app.db, 'cremator', caseId, c1);
    const early = await recordForm(desk, past.id, {
      started_at: localField(past.starts_at, -10),
      ended_at: localField(past.starts_at, 40),
      cremator_id: c1,
    });
    expect(early.status).to.equal(400);
    expect(textOf(early.text)).to.contain('开始时间不能早于预约时段的开始');
    const backwards = await recordForm(desk, past.id, {
      started_at: localField(past.starts_at, 30),
      ended_at: localField(past.starts_at, 20),
      cremator_id: c1,
    });
    expect(backwards.status).to.equal(400);
    expect(textOf(backwards.text)).to.contain('结束时间须晚于开始时间');
    const future = await recordForm(desk, past.id, {
      started_at: localField(past.starts_at, 5),
      ended_at: localField(new Date(Date.now() + 3_600_000).toISOString()),
      cremator_id: c1,
    });
    expect(future.status).to.equal(400);
    expect(textOf(future.text)).to.contain('时间不能晚于现在');
    // A slot still to come cannot be recorded at all: its start would be in the future.
    const later = await insertCase(app.db, home);
    const { booking } = await cremation.book(
      app.db,
      frontdesk,
      { kind: 'cremator', case_id: later, resource_id: c1, starts_at: at(dayAhead(2), '08:00') },
      null,
    );
    const ahead = await recordForm(desk, booking.id, {
      started_at: localField(booking.starts_at),
      ended_at: localField(booking.starts_at, 50),
      cremator_id: c1,
    });
    expect(ahead.status).to.equal(400);
    expect((await bookingRow('cremation_bookings', past.id)).status).to.equal('booked');
    expect((await bookingRow('cremation_bookings', booking.id)).status).to.equal('booked');
    expect(await caseStatus(caseId)).to.equal('stored');
    expect(await caseStatus(later)).to.equal('stored');
  });

  it('marks the booking done with the actual times, cremator and operator, the case cremated and the body’s place ended, in one transaction', async () => {
    const caseId = await insertCase(app.db, home);
    const past = await pastBooking(app.db, 'cremator', caseId, c1);
    // The body waits in the cremation room (custody): recording the cremation ends its place there.
    await app.db('custody_moves').insert({
      case_id: caseId,
      facility_id: home,
      place_kind: 'cremation_room',
      slot_id: null,
      moved_at: past.starts_at,
      moved_by: frontdesk.id,
    });
    const form = await desk.get(`/staff/cremation/bookings/cremator/${past.id}/record`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(`<option value="${c1}" selected>`); // the booked cremator by default
    expect(form.text).to.contain(`href="/staff/cases/${caseId}"`);
    const res = await recordForm(desk, past.id, {
      started_at: localField(past.starts_at, 5),
      ended_at: localField(past.starts_at, 58),
      cremator_id: c3,
      operator_name: '刘师傅',
    });
    expect(res.status, textOf(res.text).slice(0, 300)).to.equal(302);
    expect(res.location).to.equal(`/staff/cases/${caseId}`);
    const row = await bookingRow('cremation_bookings', past.id);
    expect(row).to.include({
      status: 'done',
      actual_cremator_id: c3,
      operator_name: '刘师傅',
      done_by: frontdesk.id,
    });
    expect(new Date(row.actual_started_at).toISOString()).to.equal(
      new Date(Date.parse(past.starts_at) + 5 * 60_000).toISOString(),
    );
    expect(new Date(row.actual_ended_at).toISOString()).to.equal(
      new Date(Date.parse(past.starts_at) + 58 * 60_000).toISOString(),
    );
    expect(await caseStatus(caseId)).to.equal('cremated');
    expect(await app.db('custody_moves').where({ case_id: caseId }).whereNull('ended_at')).to.deep.equal([]);
    const event = await app.db('case_events').where({ case_id: caseId }).orderBy('id', 'desc').first();
    expect(event).to.include({ from_status: 'stored', to_status: 'cremated', actor_id: frontdesk.id });
    const audit = await app
      .db('audit_log')
      .where({ action: 'record_cremation', entity: 'cremation_booking', entity_id: String(past.id) })
      .first();
    expect(audit, 'audit row').to.not.equal(undefined);
    const page = await desk.get(res.location!);
    expect(textOf(page.text)).to.contain('已记录火化').and.contain('已火化');
    // Done is done: no recording again, no moving or cancelling it.
    for (const path of ['record', 'reschedule', 'cancel'])
      expect((await desk.get(`/staff/cremation/bookings/cremator/${past.id}/${path}`)).status, path).to.equal(404);

    // The case cannot move (its body was never received): the booking is not left done on its own.
    const early = await insertCase(app.db, home, { status: 'registered' });
    const held = await pastBooking(app.db, 'cremator', early, c1);
    const refused = await recordForm(desk, held.id, {
      started_at: localField(held.starts_at, 5),
      ended_at: localField(held.starts_at, 50),
      cremator_id: c1,
    });
    expect(refused.status).to.equal(400);
    expect(textOf(refused.text)).to.contain('当前状态不能进行这一步');
    expect((await bookingRow('cremation_bookings', held.id)).status).to.equal('booked');
    expect(await caseStatus(early)).to.equal('registered');
  });

  it('refuses another home’s cremator and answers another home’s booking 404', async () => {
    const caseId = await insertCase(app.db, home);
    const past = await pastBooking(app.db, 'cremator', caseId, c1);
    const other = await facilityId(app.db, '盘州市殡仪馆（示例）');
    const foreign = await resourceId(app.db, 'cremators', other, '1号炉');
    const res = await recordForm(desk, past.id, {
      started_at: localField(past.starts_at, 5),
      ended_at: localField(past.starts_at, 50),
      cremator_id: foreign,
    });
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('请选择本馆的火化炉');
    const theirCase = await insertCase(app.db, other);
    const theirs = await pastBooking(app.db, 'cremator', theirCase, foreign);
    expect((await desk.get(`/staff/cremation/bookings/cremator/${theirs.id}/record`)).status).to.equal(404);
    const post = await recordForm(desk, theirs.id, {
      started_at: localField(theirs.starts_at, 5),
      ended_at: localField(theirs.starts_at, 50),
      cremator_id: foreign,
    });
    expect(post.status).to.equal(404);
    expect((await bookingRow('cremation_bookings', theirs.id)).status).to.equal('booked');
  });

  it('lets one of many simultaneous recordings of one booking through; the others get 409', async () => {
    const caseId = await insertCase(app.db, home);
    const past = await pastBooking(app.db, 'cremator', caseId, c1);
    const clients = await Promise.all(Array.from({ length: 8 }, () => signedIn(app, 'front_desk')));
    // Each client reads the form first (its CSRF token), then all post at once.
    await Promise.all(clients.map((c) => c.get(`/staff/cremation/bookings/cremator/${past.id}/record`)));
    const replies = await Promise.all(
      clients.map((c, i) =>
        c.post(`/staff/cremation/bookings/cremator/${past.id}/record`, {
          started_at: localField(past.starts_at, 5 + i),
          ended_at: localField(past.starts_at, 50),
          cremator_id: String(c1),
          operator_name: `操作员${i}`,
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(
      statuses.filter((s) => s === 302),
      statuses.join(','),
    ).to.have.length(1);
    expect(
      statuses.filter((s) => s === 409),
      statuses.join(','),
    ).to.have.length(7);
    const lost = replies.find((r) => r.status === 409)!;
    expect(textOf(lost.text)).to.contain('这次火化已经记录');
    expect(await app.db('case_events').where({ case_id: caseId, to_status: 'cremated' })).to.have.length(1);
    expect(await app.db('audit_log').where({ action: 'record_cremation', entity_id: String(past.id) })).to.have.length(
      1,
    );
  });

  it('takes cremated off the status form; a farewell still booked must be held or cancelled first, and is held only once its slot began', async () => {
    const caseId = await insertCase(app.db, home);
    const page = await desk.get(`/staff/cases/${caseId}`);
    expect(page.text).to.not.contain('<option value="cremated"');
    const byForm = await desk.post(
      `/staff/cases/${caseId}/status`,
      { from: 'stored', to: 'cremated' },
      { from: `/staff/cases/${caseId}` },
    );
    expect(byForm.status).to.equal(400);
    expect(textOf(byForm.text)).to.contain('火化完成须在火化预约上“记录火化”');
    const crem = await pastBooking(app.db, 'cremator', caseId, c1);
    const { booking: hall } = await cremation.book(
      app.db,
      frontdesk,
      { kind: 'hall', case_id: caseId, resource_id: smallHall, starts_at: at(dayAhead(1), '09:00') },
      null,
    );
    const skip = await recordForm(desk, crem.id, {
      started_at: localField(crem.starts_at, 5),
      ended_at: localField(crem.starts_at, 50),
      cremator_id: c1,
    });
    expect(skip.status).to.equal(409);
    expect(textOf(skip.text)).to.contain('还有未完成的告别厅预约');
    const tooSoon = await desk.post(
      `/staff/cases/${caseId}/status`,
      { from: 'stored', to: 'farewell_done' },
      { from: `/staff/cases/${caseId}` },
    );
    expect(tooSoon.status).to.equal(400);
    expect(textOf(tooSoon.text)).to.contain('告别厅预约的时段尚未开始');
    expect(await caseStatus(caseId)).to.equal('stored');
    // The farewell moved to a slot that has begun: marking it held completes that booking with the case's move.
    await cremation.cancel(app.db, frontdesk, 'hall', hall.id, '家属提前', null);
    const held = await pastBooking(app.db, 'hall', caseId, smallHall);
    const done = await desk.post(
      `/staff/cases/${caseId}/status`,
      { from: 'stored', to: 'farewell_done' },
      { from: `/staff/cases/${caseId}` },
    );
    expect(done.status).to.equal(302);
    const row = await bookingRow('hall_bookings', held.id);
    expect(row).to.include({ status: 'done', done_by: frontdesk.id });
    expect(row.done_at).to.be.a('string');
    expect(await caseStatus(caseId)).to.equal('farewell_done');
    const recorded = await recordForm(desk, crem.id, {
      started_at: localField(crem.starts_at, 5),
      ended_at: localField(crem.starts_at, 50),
      cremator_id: c1,
    });
    expect(recorded.status).to.equal(302);
    expect(await caseStatus(caseId)).to.equal('cremated');
  });

  it('prints the certificate with the recorded start, end and cremator, and offers it only once it can be printed', async function () {
    const caseId = await insertCase(app.db, home);
    const before = await desk.get(`/staff/cases/${caseId}`);
    expect(before.text).to.not.contain('data-certificate');
    expect(textOf(before.text)).to.contain('在火化预约上记录火化后可打印');
    const refused = await desk.get(`/staff/cases/${caseId}/certificate.pdf`);
    expect(refused.status).to.equal(409);
    expect(textOf(refused.text)).to.contain('记录火化后才能出具火化证明');
    expect(refused.text).to.contain(`href="/staff/cases/${caseId}"`);
    const past = await pastBooking(app.db, 'cremator', caseId, c1);
    const res = await recordForm(desk, past.id, {
      started_at: localField(past.starts_at, 7),
      ended_at: localField(past.starts_at, 52),
      cremator_id: c3,
    });
    expect(res.status).to.equal(302);
    const after = await desk.get(`/staff/cases/${caseId}`);
    expect(after.text).to.contain('data-certificate');
    const printed = await pdf(`/staff/cases/${caseId}/certificate.pdf`);
    expect(printed.status).to.equal(200);
    if (!havePdftotext) this.skip();
    const text = pdfText(printed.body);
    const start = new Date(Date.parse(past.starts_at) + 7 * 60_000).toISOString();
    const end = new Date(Date.parse(past.starts_at) + 52 * 60_000).toISOString();
    const [y, m, d] = dateOf(start).split('-').map(Number);
    const endText = dateOf(end) === dateOf(start) ? timeOf(end) : '';
    expect(text).to.contain(`${y}年${m}月${d}日${timeOf(start)}–${endText}`);
    expect(text).to.contain('3号炉');
    expect(text).to.not.contain('1号炉');
  });

  it('charges a hall booking with its price item, replaces the line when moved to another price, removes it when cancelled, and says so', async () => {
    const caseId = await insertCase(app.db, home);
    const day = dayAhead(4);
    const res = await desk.post(
      '/staff/cremation/bookings',
      { kind: 'hall', resource_id: String(bigHall), starts_at: at(day, '09:00'), case_id: String(caseId) },
      { from: `/staff/cremation?facility=${home}&date=${day}` },
    );
    expect(res.status).to.equal(302);
    const grid = await desk.get(res.location!);
    expect(textOf(grid.text)).to.contain('已添加费用：告别厅（大厅） ¥800.00');
    const booking = await app.db('hall_bookings').where({ case_id: caseId, status: 'booked' }).first();
    const lines = () => app.db('case_lines').where({ case_id: caseId }).orderBy('id');
    expect(await lines()).to.have.length(1);
    expect((await lines())[0]).to.include({
      name_zh: '告别厅（大厅）',
      quantity: 1,
      unit_price_fen: 80000,
      amount_fen: 80000,
      booking_kind: 'hall',
      booking_id: booking.id,
    });
    const page = await desk.get(`/staff/cases/${caseId}`);
    expect(textOf(page.text)).to.contain('由预约生成');
    expect(page.text).to.not.contain(`/lines/${(await lines())[0].id}/delete`); // goes with the booking only

    const moved = await desk.post(
      `/staff/cremation/bookings/hall/${booking.id}/reschedule`,
      { slot: `${smallHall}@${at(day, '10:00')}` },
      { from: `/staff/cremation/bookings/hall/${booking.id}/reschedule?date=${day}` },
    );
    expect(moved.status).to.equal(302);
    expect(textOf((await desk.get(moved.location!)).text))
      .to.contain('已移除费用：告别厅（大厅） ¥800.00')
      .and.contain('已添加费用：告别厅（小厅） ¥300.00');
    const now = await app.db('hall_bookings').where({ case_id: caseId, status: 'booked' }).first();
    expect((await lines()).map((l) => [l.name_zh, l.amount_fen, l.booking_id])).to.deep.equal([
      ['告别厅（小厅）', 30000, now.id],
    ]);

    const cancelled = await desk.post(
      `/staff/cremation/bookings/hall/${now.id}/cancel`,
      { reason: '家属取消告别仪式' },
      { from: `/staff/cremation/bookings/hall/${now.id}/cancel` },
    );
    expect(cancelled.status).to.equal(302);
    expect(textOf((await desk.get(cancelled.location!)).text)).to.contain('已移除费用：告别厅（小厅） ¥300.00');
    expect(await lines()).to.deep.equal([]);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'funeral_case', entity_id: String(caseId) })
      .whereIn('action', ['add_line', 'remove_line'])
      .orderBy('id')
      .pluck('action');
    expect(audit).to.deep.equal(['add_line', 'remove_line', 'add_line', 'remove_line']);
  });

  it('lets a cremator name one of its own home’s price items, offered on its form, and refuses another home’s', async () => {
    const path = `/staff/funeral-homes/${home}/cremators/${c1}`;
    const form = await desk.get(path);
    const own = await app.db('price_items').where({ facility_id: home, code: 'OPT_CREMATOR_PREMIUM' }).first('id');
    expect(form.text).to.contain(`<option value="${own.id}"`).and.contain('不收费');
    const other = await facilityId(app.db, '盘州市殡仪馆（示例）');
    const theirs = await app.db('price_items').where({ facility_id: other }).first('id');
    const fields = { name: '1号炉（平板炉）', slot_minutes: '60', day_start: '07:00', day_end: '17:00', active: 'on' };
    const refused = await desk.post(path, { ...fields, price_item_id: String(theirs.id) }, { from: path });
    expect(refused.status).to.equal(400);
    expect(textOf(refused.text)).to.contain('请选择本馆价目表中的项目');
    expect((await app.db('cremators').where({ id: c1 }).first('price_item_id')).price_item_id).to.equal(null);
    const saved = await desk.post(path, { ...fields, price_item_id: String(own.id) }, { from: path });
    expect(saved.status).to.equal(302);
    expect((await app.db('cremators').where({ id: c1 }).first('price_item_id')).price_item_id).to.equal(own.id);
    const cleared = await desk.post(path, { ...fields, price_item_id: '' }, { from: path });
    expect(cleared.status).to.equal(302);
    expect((await app.db('cremators').where({ id: c1 }).first('price_item_id')).price_item_id).to.equal(null);
  });

  it('tells the API client what a cremator booking charged', async () => {
    const { token } = await userWithToken(app.db, 'frontdesk', 'front_desk', home);
    const caseId = await insertCase(app.db, home);
    const res = await api(app.url, token).post('/api/v1/cremation/bookings', {
      case_id: caseId,
      cremator_id: c3,
      starts_at: at(dayAhead(6), '08:30'),
    });
    expect(res.status).to.equal(201);
    expect((await res.json()).charge).to.deep.equal({ item: '高档火化炉（拣灰炉）', amount_fen: 120000 });
    expect(await app.db('case_lines').where({ case_id: caseId }).pluck('booking_kind')).to.deep.equal(['cremator']);
  });

  it('charges the price valid on the booking’s date, not today’s', async () => {
    const today = dayAhead(0);
    const change = dayAhead(6);
    const made = nowIso();
    const item = {
      facility_id: home,
      code: `T_HALL_${process.pid}`,
      name_zh: '测试厅',
      name_en: 'Test hall',
      category: 'optional',
      basic_kind: null,
      unit: 'time',
      created_at: made,
      updated_at: made,
    };
    const [first] = await app
      .db('price_items')
      .insert({ ...item, price_fen: 10000, valid_from: today, valid_to: dayAhead(5) })
      .returning('id');
    await app.db('price_items').insert({ ...item, price_fen: 15000, valid_from: change, valid_to: null });
    const [hall] = await app
      .db('farewell_halls')
      .insert({
        facility_id: home,
        name: `测试厅${process.pid}`,
        capacity: 20,
        slot_minutes: 60,
        day_start: '08:00',
        day_end: '16:00',
        active: true,
        price_item_id: typeof first === 'object' ? first.id : first,
        created_at: made,
        updated_at: made,
      })
      .returning('id');
    const hallId = typeof hall === 'object' ? hall.id : hall;
    const soon = await insertCase(app.db, home);
    const later = await insertCase(app.db, home);
    const a = await cremation.book(
      app.db,
      frontdesk,
      { kind: 'hall', case_id: soon, resource_id: hallId, starts_at: at(dayAhead(2), '09:00') },
      null,
    );
    const b = await cremation.book(
      app.db,
      frontdesk,
      { kind: 'hall', case_id: later, resource_id: hallId, starts_at: at(dayAhead(7), '09:00') },
      null,
    );
    expect(a.charges.added).to.include({ amount_fen: 10000 });
    expect(b.charges.added).to.include({ amount_fen: 15000 });
    expect(await app.db('case_lines').where({ case_id: later }).pluck('unit_price_fen')).to.deep.equal([15000]);
  });

  it('withdraws a case only with a reason and a confirmation, cancelling every booking and its charge with the move', async () => {
    const caseId = await insertCase(app.db, home);
    const day = dayAhead(5);
    await cremation.book(
      app.db,
      frontdesk,
      { kind: 'hall', case_id: caseId, resource_id: bigHall, starts_at: at(day, '08:00') },
      null,
    );
    await cremation.book(
      app.db,
      frontdesk,
      { kind: 'cremator', case_id: caseId, resource_id: c3, starts_at: at(day, '10:00') },
      null,
    );
    expect(await app.db('case_lines').where({ case_id: caseId })).to.have.length(2);
    const path = `/staff/cases/${caseId}/status`;
    const page = await desk.get(`/staff/cases/${caseId}`);
    expect(textOf(page.text)).to.contain('撤销/转出');
    const noReason = await desk.post(path, { from: 'stored', to: 'withdrawn', confirm: 'yes' });
    expect(noReason.status).to.equal(400);
    expect(textOf(noReason.text)).to.contain('撤销/转出须填写原因');
    const unconfirmed = await desk.post(path, { from: 'stored', to: 'withdrawn', note: '遗体转往外地' });
    expect(unconfirmed.status).to.equal(400);
    expect(textOf(unconfirmed.text)).to.contain('请勾选确认');
    expect(await caseStatus(caseId)).to.equal('stored');
    const res = await desk.post(path, { from: 'stored', to: 'withdrawn', note: '遗体转往外地', confirm: 'yes' });
    expect(res.status).to.equal(302);
    expect(textOf((await desk.get(res.location!)).text)).to.contain('已移除费用');
    expect(await caseStatus(caseId)).to.equal('withdrawn');
    for (const table of ['hall_bookings', 'cremation_bookings'])
      expect(await app.db(table).where({ case_id: caseId }).select('status', 'cancel_reason')).to.deep.equal([
        { status: 'cancelled', cancel_reason: '遗体转往外地' },
      ]);
    expect(await app.db('case_lines').where({ case_id: caseId })).to.deep.equal([]);
    // A withdrawn case is booked no more.
    const again = await cremation
      .book(
        app.db,
        frontdesk,
        { kind: 'cremator', case_id: caseId, resource_id: c1, starts_at: at(day, '11:00') },
        null,
      )
      .then(
        () => null,
        (e: { status: number }) => e.status,
      );
    expect(again).to.equal(400);
  });

  it('shows each booking’s case status on the day board, and a done cremation as done with its actual times', async () => {
    const open = await insertCase(app.db, home, { deceased_name: '孙看板' });
    const doneCase = await insertCase(app.db, home, { deceased_name: '周看板' });
    const waiting = await pastBooking(app.db, 'cremator', open, c1);
    const past = await pastBooking(app.db, 'cremator', doneCase, c1);
    const recorded = await recordForm(desk, past.id, {
      started_at: localField(past.starts_at, 3),
      ended_at: localField(past.starts_at, 48),
      cremator_id: c1,
    });
    expect(recorded.status).to.equal(302);
    const day = dateOf(waiting.starts_at);
    const board = await desk.get(`/staff/cremation/board?facility=${home}&date=${day}`);
    const rowOf = (name: string) => {
      const i = board.text.indexOf(name, board.text.indexOf('<table')); // past the flash, which names the case too
      return textOf(board.text.slice(board.text.lastIndexOf('<tr', i), board.text.indexOf('</tr>', i)));
    };
    expect(rowOf('孙看板')).to.contain('冷藏保存').and.contain('记录火化');
    expect(board.text).to.contain(`/staff/cremation/bookings/cremator/${waiting.id}/record`);
    if (dateOf(past.starts_at) === day) {
      const start = new Date(Date.parse(past.starts_at) + 3 * 60_000).toISOString();
      const end = new Date(Date.parse(past.starts_at) + 48 * 60_000).toISOString();
      expect(rowOf('周看板'))
        .to.contain('已火化')
        .and.contain(`实际 ${timeOf(start)}–${timeOf(end)}`);
      expect(rowOf('周看板')).to.not.contain('记录火化');
    }
  });
});

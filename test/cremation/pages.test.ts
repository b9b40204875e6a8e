// The staff pages: resources and closures, the availability grid, booking, rescheduling and cancelling through
// forms, the day board.
import { expect } from 'chai';
import * as cremation from '../../server/cremation/service.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import {
  activeBookings,
  at,
  dayAhead,
  facilityId,
  insertCase,
  OTHER_HOME,
  resourceId,
  userWithToken,
} from './fixtures.js';

describe(`cremation: staff pages (${dialect})`, () => {
  let app: TestApp;
  let home: number;
  let desk: Client;
  let bureau: Client;
  const admin = { id: 1, username: 'admin', role: 'admin' as const, facility_id: null };

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db);
    desk = await signedIn(app, 'front_desk');
    bureau = await signedIn(app, 'bureau');
  });
  after(() => app.close());

  describe('resources and closures', () => {
    it("lists the home's cremators, halls and the coming maintenance day", async () => {
      const res = await desk.get(`/staff/funeral-homes/${home}/resources`);
      expect(res.status).to.equal(200);
      const text = textOf(res.text);
      expect(text)
        .to.contain('1号炉（平板炉）')
        .and.contain('3号炉（拣灰炉）')
        .and.contain('福寿厅')
        .and.contain('思源厅')
        .and.contain('年度检修');
      expect(text).to.contain('07:00–17:00');
      expect(res.text).to.contain(`/staff/funeral-homes/${home}/cremators/new`);
    });

    it('shows the bureau the resources without the forms, and refuses it the forms', async () => {
      const res = await bureau.get(`/staff/funeral-homes/${home}/resources`);
      expect(res.status).to.equal(200);
      expect(res.text).to.not.contain('/cremators/new');
      expect((await bureau.get(`/staff/funeral-homes/${home}/cremators/new`)).status).to.equal(403);
    });

    it("answers a front desk 404 for another home's resources, as for a facility that is no funeral home", async () => {
      const other = await facilityId(app.db, OTHER_HOME);
      expect((await desk.get(`/staff/funeral-homes/${other}/resources`)).status).to.equal(404);
      expect(
        (
          await desk.post(`/staff/funeral-homes/${other}/cremators`, {
            name: 'x',
            slot_minutes: '60',
            day_start: '07:00',
            day_end: '17:00',
            active: 'on',
          })
        ).status,
      ).to.equal(404);
      const cemetery = await facilityId(app.db, '大河镇农村公益性公墓（示例）');
      expect((await bureau.get(`/staff/funeral-homes/${cemetery}/resources`)).status).to.equal(404);
    });

    it('keeps the values and names each problem in Chinese when a cremator form is wrong', async () => {
      const res = await desk.post(`/staff/funeral-homes/${home}/cremators`, {
        name: '4号炉',
        slot_minutes: '50',
        day_start: '7点',
        day_end: '17:00',
        active: 'on',
      });
      expect(res.status).to.equal(400);
      const text = textOf(res.text);
      expect(text).to.contain('请填写 15 到 480 之间、15 的整数倍的分钟数').and.contain('请填写整刻钟的时间');
      expect(res.text).to.contain('value="4号炉"');
      const short = await desk.post(`/staff/funeral-homes/${home}/cremators`, {
        name: '4号炉',
        slot_minutes: '90',
        day_start: '07:00',
        day_end: '08:00',
      });
      expect(textOf(short.text)).to.contain('工作时间至少要容纳一整场');
    });

    it('adds and edits a cremator with a flash message and audit rows; a duplicate name is refused', async () => {
      let res = await desk.post(`/staff/funeral-homes/${home}/cremators`, {
        name: '4号炉',
        slot_minutes: '120',
        day_start: '08:00',
        day_end: '16:00',
        active: 'on',
      });
      expect(res.status).to.equal(302);
      expect(res.location).to.equal(`/staff/funeral-homes/${home}/resources`);
      expect(textOf((await desk.get(res.location!)).text)).to.contain('已新增“4号炉”');
      const row = await app.db('cremators').where({ facility_id: home, name: '4号炉' }).first();
      expect(row).to.include({ slot_minutes: 120, day_start: '08:00', day_end: '16:00' });
      res = await desk.post(`/staff/funeral-homes/${home}/cremators`, {
        name: '4号炉',
        slot_minutes: '60',
        day_start: '08:00',
        day_end: '16:00',
        active: 'on',
      });
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain('本馆已有同名的火化炉或告别厅');
      expect((await desk.get(`/staff/funeral-homes/${home}/cremators/${row.id}`)).text).to.contain('value="120"');
      res = await desk.post(`/staff/funeral-homes/${home}/cremators/${row.id}`, {
        name: '4号炉',
        slot_minutes: '120',
        day_start: '08:00',
        day_end: '16:00',
      });
      expect(res.status).to.equal(302);
      expect(Boolean((await app.db('cremators').where({ id: row.id }).first()).active)).to.equal(false);
      const audit = await app
        .db('audit_log')
        .where({ entity: 'cremator', entity_id: String(row.id) })
        .orderBy('id')
        .select('action');
      expect(audit.map((a) => a.action)).to.deep.equal(['create', 'update']);
    });

    it('adds a hall with its capacity', async () => {
      const res = await desk.post(`/staff/funeral-homes/${home}/halls`, {
        name: '永安厅',
        capacity: '120',
        slot_minutes: '90',
        day_start: '07:30',
        day_end: '16:30',
        active: 'on',
      });
      expect(res.status).to.equal(302);
      expect(await app.db('farewell_halls').where({ facility_id: home, name: '永安厅' }).first()).to.include({
        capacity: 120,
        slot_minutes: 90,
      });
    });

    it('adds a closure for whole days, then removes it after a confirmation page', async () => {
      const d = dayAhead(20);
      const c3 = await resourceId(app.db, 'cremators', home, '3号炉');
      let res = await desk.post(`/staff/funeral-homes/${home}/closures`, {
        target: `cremator:${c3}`,
        start_date: d,
        end_date: dayAhead(21),
        reason: '更换炉膛',
      });
      expect(res.status).to.equal(302);
      const closure = await app.db('resource_closures').where({ reason: '更换炉膛' }).first();
      expect(closure).to.include({
        resource_type: 'cremator',
        resource_id: c3,
        starts_at: at(d, '00:00'),
        ends_at: at(dayAhead(22), '00:00'),
      });
      expect(textOf((await desk.get(`/staff/funeral-homes/${home}/resources`)).text)).to.contain('更换炉膛');
      res = await desk.get(`/staff/funeral-homes/${home}/closures/${closure.id}/remove`);
      expect(res.status).to.equal(200);
      expect(textOf(res.text)).to.contain('确定删除“3号炉（拣灰炉）”的这条停用安排吗');
      res = await desk.post(`/staff/funeral-homes/${home}/closures/${closure.id}/remove`, {});
      expect(res.status).to.equal(302);
      expect(await app.db('resource_closures').where({ id: closure.id })).to.have.length(0);
      expect(
        await app
          .db('audit_log')
          .where({ entity: 'resource_closure', entity_id: String(closure.id) })
          .orderBy('id')
          .pluck('action'),
      ).to.deep.equal(['create', 'delete']);
    });

    it('closes every active resource at once for a time range, and refuses an end before the start', async () => {
      const d = dayAhead(25);
      let res = await desk.post(`/staff/funeral-homes/${home}/closures`, {
        target: 'all',
        start_date: d,
        start_time: '12:00',
        end_date: d,
        end_time: '13:30',
        reason: '停电检修',
      });
      expect(res.status).to.equal(302);
      const rows = await app.db('resource_closures').where({ reason: '停电检修' });
      const active =
        (await app.db('cremators').where({ facility_id: home, active: true })).length +
        (await app.db('farewell_halls').where({ facility_id: home, active: true })).length;
      expect(rows).to.have.length(active);
      expect(rows[0]).to.include({ starts_at: at(d, '12:00'), ends_at: at(d, '13:30') });
      res = await desk.post(`/staff/funeral-homes/${home}/closures`, {
        target: 'all',
        start_date: d,
        start_time: '12:00',
        end_date: d,
        end_time: '11:00',
        reason: 'x',
      });
      expect(res.status).to.equal(400);
      expect(textOf(res.text)).to.contain('结束时间须晚于开始时间');
    });
  });

  describe('availability grid and bookings', () => {
    const day = dayAhead(7);

    it("opens on the front desk's own home and shows free, taken and closed slots, linking to the case", async () => {
      const caseId = await insertCase(app.db, home, { deceased_name: '王五' });
      const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
      await cremation.book(
        app.db,
        admin,
        { kind: 'cremator', case_id: caseId, resource_id: c1, starts_at: at(day, '09:00') },
        null,
      );
      const res = await desk.get(`/staff/cremation?date=${day}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.contain(`href="/staff/cases/${caseId}"`);
      const text = textOf(res.text);
      expect(text)
        .to.contain('六盘水市殡仪馆（示例）')
        .and.contain('王五')
        .and.contain('年度检修')
        .and.contain('福寿厅');
      expect(res.text).to.match(/class="slot slot-taken"[^>]*data-starts-at="[^"]*"/);
      expect(res.text).to.contain('/staff/cremation/bookings/new?kind=cremator');
      const html = res.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
      expect(html)
        .to.contain(`/staff/cremation?facility=${home}&date=${dayAhead(6)}`)
        .and.contain(`/staff/cremation?facility=${home}&date=${dayAhead(8)}`);
    });

    it("shows the bureau any home, read only, and answers another home's front desk 404", async () => {
      const other = await facilityId(app.db, OTHER_HOME);
      const res = await bureau.get(`/staff/cremation?facility=${other}&date=${day}`);
      expect(res.status).to.equal(200);
      expect(textOf(res.text)).to.contain('盘州市殡仪馆（示例）');
      expect(res.text).to.not.contain('/staff/cremation/bookings/new');
      expect((await desk.get(`/staff/cremation?facility=${other}&date=${day}`)).status).to.equal(404);
    });

    it("books a free slot from the form, offering only the home's open cases without a booking", async () => {
      const d = dayAhead(10);
      const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
      const open = await insertCase(app.db, home, { deceased_name: '赵六' });
      const done = await insertCase(app.db, home, { status: 'ashes_released', deceased_name: '已办结' });
      const foreign = await insertCase(app.db, await facilityId(app.db, OTHER_HOME), { deceased_name: '外馆' });
      const form = await desk.get(
        `/staff/cremation/bookings/new?kind=cremator&resource=${c1}&starts_at=${encodeURIComponent(at(d, '10:00'))}`,
      );
      expect(form.status).to.equal(200);
      expect(form.text).to.contain(`<option value="${open}"`);
      expect(form.text).to.not.contain(`<option value="${done}"`).and.not.contain(`<option value="${foreign}"`);
      expect(textOf(form.text)).to.contain('10:00–11:00');
      const missing = await desk.post('/staff/cremation/bookings', {
        kind: 'cremator',
        resource_id: String(c1),
        starts_at: at(d, '10:00'),
        case_id: '',
      });
      expect(missing.status).to.equal(400);
      expect(textOf(missing.text)).to.contain('请选择逝者（案件）');
      const res = await desk.post('/staff/cremation/bookings', {
        kind: 'cremator',
        resource_id: String(c1),
        starts_at: at(d, '10:00'),
        case_id: String(open),
      });
      expect(res.status).to.equal(302);
      // The case stays in hand: the grid opens for it, with the way back and its next step (a farewell hall).
      expect(res.location).to.equal(`/staff/cremation?facility=${home}&date=${d}&case=${open}`);
      const grid = await desk.get(res.location!);
      expect(textOf(grid.text)).to.contain('已为').and.contain('赵六');
      expect(grid.text).to.contain(`href="/staff/cases/${open}"`);
      expect(textOf(grid.text)).to.contain('已预约火化').and.contain('下一步：为同一逝者预约告别厅');
      expect(grid.text).to.match(
        new RegExp(`kind=hall&amp;resource=\\d+&amp;starts_at=[^"]+&amp;case(=|&#x3D;)${open}"`),
      );
      // now booked, the case is no longer offered
      const again = await desk.get(
        `/staff/cremation/bookings/new?kind=cremator&resource=${c1}&starts_at=${encodeURIComponent(at(d, '11:00'))}`,
      );
      expect(again.text).to.not.contain(`<option value="${open}"`);
    });

    it('warns on the form when the slot is no longer bookable', async () => {
      const c2 = await resourceId(app.db, 'cremators', home, '2号炉');
      const res = await desk.get(
        `/staff/cremation/bookings/new?kind=cremator&resource=${c2}&starts_at=${encodeURIComponent(at(day, '10:00'))}`,
      );
      expect(textOf(res.text)).to.contain('该时段停用（年度检修）');
    });

    it('cancels with a required reason, freeing the slot', async () => {
      const d = dayAhead(11);
      const hall = await resourceId(app.db, 'farewell_halls', home, '福寿厅');
      const caseId = await insertCase(app.db, home);
      const { booking } = await cremation.book(
        app.db,
        admin,
        { kind: 'hall', case_id: caseId, resource_id: hall, starts_at: at(d, '08:00') },
        null,
      );
      const page = await desk.get(`/staff/cremation/bookings/hall/${booking.id}/cancel`);
      expect(page.status).to.equal(200);
      const empty = await desk.post(`/staff/cremation/bookings/hall/${booking.id}/cancel`, { reason: ' ' });
      expect(empty.status).to.equal(400);
      expect(textOf(empty.text)).to.contain('此项必填');
      const res = await desk.post(`/staff/cremation/bookings/hall/${booking.id}/cancel`, {
        reason: '家属取消告别仪式',
      });
      expect(res.status).to.equal(302);
      expect(
        await activeBookings(app.db, 'hall_bookings', { hall_id: hall, starts_at: at(d, '08:00') }),
      ).to.have.length(0);
      expect((await desk.get(`/staff/cremation/bookings/hall/${booking.id}/cancel`)).status).to.equal(404);
    });

    it("answers another home's front desk 404 for a booking, a cremator and a closure, as for ids that do not exist, and changes nothing", async () => {
      const d = dayAhead(13);
      const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
      const { booking } = await cremation.book(
        app.db,
        admin,
        { kind: 'cremator', case_id: await insertCase(app.db, home), resource_id: c1, starts_at: at(d, '08:00') },
        null,
      );
      const [row] = await app
        .db('resource_closures')
        .insert({
          resource_type: 'cremator',
          resource_id: c1,
          cremator_id: c1,
          starts_at: at(d, '12:00'),
          ends_at: at(d, '13:00'),
          reason: '检修',
          created_at: new Date().toISOString(),
        })
        .returning('id');
      const closure = { id: Number(typeof row === 'object' ? row.id : row) };
      expect((await desk.get(`/staff/funeral-homes/${home}/closures/${closure.id}/remove`)).status).to.equal(200);
      const other = await facilityId(app.db, OTHER_HOME);
      await userWithToken(app.db, 'panzhou-pages', 'front_desk', other);
      const stranger = new Client(app.url);
      await stranger.login('panzhou-pages');
      const missing = 2_147_483_647;
      expect((await desk.get(`/staff/cremation/bookings/cremator/${booking.id}/cancel`)).status).to.equal(200);
      expect((await desk.get(`/staff/funeral-homes/${home}/cremators/${c1}`)).status).to.equal(200);
      for (const [theirs, none] of [
        [
          `/staff/cremation/bookings/cremator/${booking.id}/cancel`,
          `/staff/cremation/bookings/cremator/${missing}/cancel`,
        ],
        [
          `/staff/cremation/bookings/cremator/${booking.id}/reschedule`,
          `/staff/cremation/bookings/cremator/${missing}/reschedule`,
        ],
        [`/staff/funeral-homes/${home}/cremators/${c1}`, `/staff/funeral-homes/${home}/cremators/${missing}`],
        [`/staff/funeral-homes/${other}/cremators/${c1}`, `/staff/funeral-homes/${other}/cremators/${missing}`],
        [
          `/staff/funeral-homes/${home}/closures/${closure.id}/remove`,
          `/staff/funeral-homes/${other}/closures/${missing}/remove`,
        ],
      ]) {
        const [a, b] = [await stranger.get(theirs), await stranger.get(none)];
        expect([a.status, b.status], theirs).to.deep.equal([404, 404]);
        expect(textOf(a.text), theirs).to.equal(textOf(b.text));
      }
      const post = await stranger.post(
        `/staff/cremation/bookings/cremator/${booking.id}/cancel`,
        { reason: '越权' },
        { from: '/staff/cremation' },
      );
      expect(post.status).to.equal(404);
      expect(
        await activeBookings(app.db, 'cremation_bookings', { cremator_id: c1, starts_at: at(d, '08:00') }),
      ).to.have.length(1);
    });

    it('reschedules to a free slot chosen on the reschedule page', async () => {
      const d = dayAhead(12);
      const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
      const caseId = await insertCase(app.db, home);
      const { booking } = await cremation.book(
        app.db,
        admin,
        { kind: 'cremator', case_id: caseId, resource_id: c1, starts_at: at(d, '08:00') },
        null,
      );
      const page = await desk.get(`/staff/cremation/bookings/cremator/${booking.id}/reschedule`);
      expect(page.status).to.equal(200);
      const value = `${c1}@${at(d, '13:00')}`;
      expect(page.text).to.contain(`value="${value}"`);
      expect(page.text).to.not.contain(`value="${c1}@${at(d, '08:00')}"`);
      const res = await desk.post(`/staff/cremation/bookings/cremator/${booking.id}/reschedule`, { slot: value });
      expect(res.status).to.equal(302);
      const active = await activeBookings(app.db, 'cremation_bookings', { case_id: caseId });
      expect(active.map((b) => b.starts_at)).to.deep.equal([at(d, '13:00')]);
      const none = await desk.post(`/staff/cremation/bookings/cremator/${booking.id}/reschedule`, {});
      expect(none.status).to.be.oneOf([400, 409]);
    });
  });

  describe('day board', () => {
    it("lists the day's cremations and farewells by cremator and hall with times, case numbers and names, no ID numbers", async () => {
      const d = dayAhead(14);
      const c3 = await resourceId(app.db, 'cremators', home, '3号炉');
      const hall = await resourceId(app.db, 'farewell_halls', home, '思源厅');
      const caseId = await insertCase(app.db, home, { deceased_name: '孙七' });
      await cremation.book(
        app.db,
        admin,
        { kind: 'hall', case_id: caseId, resource_id: hall, starts_at: at(d, '09:00') },
        null,
      );
      await cremation.book(
        app.db,
        admin,
        { kind: 'cremator', case_id: caseId, resource_id: c3, starts_at: at(d, '10:00') },
        null,
      );
      const res = await desk.get(`/staff/cremation/board?date=${d}`);
      expect(res.status).to.equal(200);
      const text = textOf(res.text);
      expect(text)
        .to.contain('孙七')
        .and.contain('10:00–11:30')
        .and.contain('09:00–10:00')
        .and.contain('火化 1 场 · 告别 1 场');
      expect(text).to.contain('思源厅 09:00–10:00'); // the cremation row names the farewell before it
      expect(text).to.not.contain('520201195001011234');
      expect(res.text).to.contain('data-print').and.contain('/static/js/print.js');
      expect(res.text).to.not.match(/<script(?![^>]*src=)/);
    });

    it('is readable by the bureau for any home and refused to cemetery staff', async () => {
      expect((await bureau.get(`/staff/cremation/board?facility=${home}`)).status).to.equal(200);
      const cemetery = await signedIn(app, 'cemetery_staff');
      expect((await cemetery.get(`/staff/cremation/board?facility=${home}`)).status).to.equal(403);
    });
  });

  it('shows the nav entry to the front desk and the bureau, not to cemetery staff', async () => {
    expect((await desk.get('/staff')).text).to.contain('href="/staff/cremation"');
    expect((await bureau.get('/staff')).text).to.contain('href="/staff/cremation"');
    const cemetery = await (await signedIn(app, 'cemetery_staff')).get('/staff');
    expect(cemetery.status).to.equal(200);
    expect(cemetery.text).to.not.contain('href="/staff/cremation"');
  });
});

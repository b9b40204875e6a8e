// The staff's visit pages over HTTP: scope (another facility is 403, a bureau reads and changes nothing), windows made
// through the form with a message per field and a confirm step, capacity never below what is booked, a closed window
// refusing the public, 代约 audited with the staff member and its slip, cancelling for a caller once, the gate
// admitting a code once and on its day only, and the day summary's numbers.
import { expect } from 'chai';
import type { Knex } from 'knex';
import * as visits from '../../server/visits/service.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import {
  addWindow,
  awayFromMidnight,
  CEMETERY,
  COLUMBARIUM,
  dayFromToday,
  facilityNamed,
  nextPhone,
  outcome,
  reservationInput,
} from './fixtures.js';
import { allDayWindow } from './staff-fixtures.js';
import { nowIso } from '../../server/db.js';

const pub = { channel: 'public' as const };

const input = reservationInput;

describe(`visits: the staff's pages (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let cemetery: number;
  let columbarium: number;
  let staff: Client;
  let bureau: Client;
  let staffId: number;

  before(async () => {
    app = await startApp();
    db = app.db;
    cemetery = await facilityNamed(db, CEMETERY);
    columbarium = await facilityNamed(db, COLUMBARIUM);
    staff = await signedIn(app, 'cemetery_staff');
    bureau = await signedIn(app, 'bureau');
    staffId = (await db('users').where({ username: 'cemetery' }).first('id')).id;
  });
  after(() => app.close());

  const lastAudit = (action: string) => db('audit_log').where({ action }).orderBy('id', 'desc').first();

  describe('scope', () => {
    it("shows the cemetery staff their own facility's windows and settings", async () => {
      const res = await staff.get('/staff/visits');
      expect(res.status).to.equal(200);
      const text = textOf(res.text);
      expect(text).to.contain(CEMETERY).and.contain('08:00–10:00').and.contain('保存预约规则');
    });

    it("refuses the cemetery staff another facility's pages with 403", async () => {
      const w = await addWindow(db, columbarium, { offset: 1 });
      for (const path of [
        `/staff/visits?facility=${columbarium}`,
        `/staff/visits/generate?facility=${columbarium}`,
        `/staff/visits/gate?facility=${columbarium}`,
        `/staff/visits/day?facility=${columbarium}`,
        `/staff/visits/book?facility=${columbarium}`,
        `/staff/visits/windows/${w}`,
        `/staff/visits/windows/${w}/reservations`,
        `/staff/visits/windows/${w}/book`,
      ])
        expect((await staff.get(path)).status, path).to.equal(403);
      const post = await staff.post(`/staff/visits/windows/${w}/status`, { status: 'closed' });
      expect(post.status).to.equal(403);
      expect((await visits.window(db, w))!.status).to.equal('open');
    });

    it('lets the administrator choose a facility and keep its windows', async () => {
      const admin = await signedIn(app, 'admin');
      const choose = await admin.get('/staff/visits');
      expect(choose.status).to.equal(200);
      expect(choose.text).to.contain(`href="/staff/visits?facility=${columbarium}"`);
      const page = await admin.get(`/staff/visits?facility=${columbarium}`);
      expect(textOf(page.text)).to.contain(COLUMBARIUM).and.contain('保存预约规则');
      expect((await admin.get(`/staff/visits/gate`)).text).to.contain(`href="/staff/visits/gate?facility=${cemetery}"`);
    });

    it('serves the gate camera its QR reader from the package', async () => {
      const res = await fetch(`${app.url}/static/vendor/jsqr/jsQR.js`);
      expect(res.status).to.equal(200);
      expect(await res.text()).to.contain('jsQR');
    });

    it('lets a bureau read the windows and the day summary but not change them', async () => {
      const page = await bureau.get(`/staff/visits?facility=${cemetery}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.not.contain('保存预约规则');
      expect((await bureau.get(`/staff/visits/day?facility=${cemetery}`)).status).to.equal(200);
      expect(
        (await bureau.post(`/staff/visits/settings?facility=${cemetery}`, { open_percent: '50' })).status,
      ).to.equal(403);
    });
  });

  describe('settings and windows made in bulk', () => {
    it('saves the settings through the form, audited, and refuses a bad one per field', async () => {
      const form = {
        open_percent: '75',
        book_ahead_days: '7',
        max_per_phone_day: '2',
        max_per_id_day: '1',
        max_party_size: '5',
      };
      const bad = await staff.post('/staff/visits/settings', { ...form, open_percent: '150', max_party_size: 'x' });
      expect(bad.status).to.equal(400);
      expect(textOf(bad.text)).to.contain('开放比例为 1% 至 100%。').and.contain('请填写 1 至 20 之间的整数。');
      const ok = await staff.post('/staff/visits/settings', form);
      expect(ok.status).to.equal(302);
      expect((await visits.settings(db, cemetery)).open_percent).to.equal(75);
      const a = await lastAudit('visit_settings.update');
      expect(a.actor_name).to.equal('cemetery');
      expect(a.region_code).to.match(/^5202/);
    });

    it('refuses a generation with a message per field', async () => {
      const res = await staff.post('/staff/visits/generate', {
        from: dayFromToday(60),
        to: dayFromToday(58),
        times: '09:00-08:00',
        capacity: '-3',
      });
      expect(res.status).to.equal(400);
      const text = textOf(res.text);
      expect(text)
        .to.contain('时段格式应为 08:00-10:00，结束须晚于开始。')
        .and.contain('请填写 0 至 100000 之间的整数。');
      expect(res.text).to.match(/id="times"[^>]*aria-invalid="true"/);
      const backwards = await staff.post('/staff/visits/generate', {
        from: dayFromToday(60),
        to: dayFromToday(58),
        times: '08:00-09:00',
        capacity: '10',
      });
      expect(backwards.status).to.equal(400);
      expect(textOf(backwards.text)).to.contain('结束日期不能早于开始日期。');
      expect(backwards.text).to.match(/id="to"[^>]*aria-invalid="true"/);
      const tooLong = await staff.post('/staff/visits/generate', {
        from: dayFromToday(60),
        to: dayFromToday(200),
        times: '08:00-09:00',
        capacity: '10',
      });
      expect(tooLong.status).to.equal(400);
      expect(textOf(tooLong.text)).to.contain('一次最多生成 120 天的时段。');
    });

    it('shows how many windows will be made before making them, then says added and skipped', async () => {
      const from = dayFromToday(60);
      const to = dayFromToday(62);
      const s = await visits.settings(db, cemetery);
      await visits.saveSettings(db, { ...s, open_percent: 75 }, { id: staffId, username: 'cemetery' }, '520201');
      const form = {
        from,
        to,
        times: '06:00-07:00\n07:00-08:00',
        capacity: '100',
        peak_dates: to,
        peak_capacity: '400',
      };
      const preview = await staff.post('/staff/visits/generate', form);
      expect(preview.status).to.equal(200);
      const text = textOf(preview.text);
      expect(text).to.contain('共 6 个时段：将新增 6 个，已存在 0 个');
      expect(text).to.contain('场地 100 人 × 75% → 可预约 75 人').and.contain('场地 400 人 × 75% → 可预约 300 人');
      expect(await db('visit_windows').where({ facility_id: cemetery, visit_date: from })).to.have.length(0);

      const made = await staff.post('/staff/visits/generate', { ...form, confirm: 'yes' });
      expect(made.status).to.equal(302);
      const page = await staff.get(made.location!);
      expect(textOf(page.text)).to.contain('已新增 6 个时段，跳过 0 个（已存在）。');
      const rows = await visits.windowsBetween(db, cemetery, from, to);
      expect(rows.map((w) => w.capacity)).to.deep.equal([75, 75, 75, 75, 300, 300]);
      expect(rows.filter((w) => w.is_peak)).to.have.length(2);
      expect((await lastAudit('visit_windows.generate')).actor_name).to.equal('cemetery');

      const again = await staff.post('/staff/visits/generate', { ...form, to: dayFromToday(63) });
      expect(textOf(again.text)).to.contain('共 8 个时段：将新增 2 个，已存在 6 个');
      const twice = await staff.post('/staff/visits/generate', { ...form, to: dayFromToday(63), confirm: 'yes' });
      expect(textOf((await staff.get(twice.location!)).text)).to.contain('已新增 2 个时段，跳过 6 个（已存在）。');
    });

    it('suggests the coming Qingming period as the peak dates', async () => {
      const res = await staff.get('/staff/visits/generate');
      const m = /<textarea id="peak_dates"[^>]*>([^<]*)</.exec(res.text);
      const dates = m![1].trim().split(/\s+/);
      expect(dates).to.have.length(7);
      expect(visits.qingmingDay(Number(dates[3].slice(0, 4)))).to.equal(dates[3]);
      expect(dates[0] > dayFromToday(0)).to.equal(true);
    });
  });

  describe('a window', () => {
    it('refuses a capacity below what is booked, saying how many are booked', async () => {
      const w = await addWindow(db, cemetery, { offset: 1, capacity: 10 });
      await visits.reserve(db, w, input({ party_size: 3 }), pub);
      const res = await staff.post(`/staff/visits/windows/${w}/capacity`, { capacity: '2' });
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain('这个时段已预约 3 人，容量不能少于已预约人数。');
      expect((await visits.window(db, w))!.capacity).to.equal(10);
      const ok = await staff.post(`/staff/visits/windows/${w}/capacity`, { capacity: '3' });
      expect(ok.status).to.equal(302);
      expect((await visits.window(db, w))!.capacity).to.equal(3);
      expect((await lastAudit('visit_window.capacity')).entity_id).to.equal(String(w));
    });

    it('closes after a confirmation page, then the public booking is refused; reopened, it books again', async () => {
      const w = await addWindow(db, cemetery, { offset: 1 });
      const confirm = await staff.get(`/staff/visits/windows/${w}/status`);
      expect(textOf(confirm.text)).to.contain('关闭这个时段？').and.contain('确认关闭');
      expect((await staff.post(`/staff/visits/windows/${w}/status`, { status: 'closed' })).status).to.equal(302);
      expect(await outcome(visits.reserve(db, w, input(), pub))).to.equal('409 closed');
      expect((await lastAudit('visit_window.close')).entity_id).to.equal(String(w));
      expect(textOf((await staff.get(`/staff/visits/windows/${w}/status`)).text)).to.contain('重新开放这个时段？');
      expect((await staff.post(`/staff/visits/windows/${w}/status`, { status: 'open' })).status).to.equal(302);
      expect(await outcome(visits.reserve(db, w, input(), pub))).to.equal('ok');
    });

    it("prints the window's reservations with masked phones, channels and totals", async () => {
      const w = await addWindow(db, cemetery, { offset: 1 });
      await visits.reserve(db, w, input({ name: '示例甲', phone: '13912345678', party_size: 2 }), pub);
      await staff.post(`/staff/visits/windows/${w}/book`, { name: '示例乙', phone: nextPhone(), party_size: '3' });
      const res = await staff.get(`/staff/visits/windows/${w}/reservations`);
      const text = textOf(res.text);
      expect(text).to.contain('139****5678').and.not.contain('13912345678');
      expect(text).to.contain('网上预约').and.contain('代约');
      expect(text).to.contain('有效预约 2 个，共 5 人');
    });
  });

  describe('代约 and cancelling for a caller', () => {
    it('books for a caller under the same rules, audited as visit.reserve_for with the staff member, and shows the slip', async () => {
      const w = await addWindow(db, cemetery, { offset: 2 });
      const bad = await staff.post(`/staff/visits/windows/${w}/book`, { name: '', phone: '123', party_size: '9' });
      expect(bad.status).to.equal(400);
      expect(textOf(bad.text)).to.contain('请填写 11 位中国大陆手机号码。');
      const over = await staff.post(`/staff/visits/windows/${w}/book`, {
        name: '示例',
        phone: nextPhone(),
        party_size: '9',
      });
      expect(over.status).to.equal(400);
      expect(textOf(over.text)).to.contain('每个预约最多 5 人。');

      const phone = nextPhone();
      const res = await staff.post(`/staff/visits/windows/${w}/book`, { name: '示例老人', phone, party_size: '2' });
      expect(res.status).to.equal(302);
      const code = res.location!.split('/').pop()!;
      const r = (await visits.reservationByCode(db, code))!;
      expect(r).to.include({ channel: 'staff', booked_by: staffId, party_size: 2, phone });
      const a = await lastAudit('visit.reserve_for');
      expect(a).to.include({ actor_id: staffId, actor_name: 'cemetery', entity_id: String(r.id) });
      expect(a.region_code).to.match(/^5202/);

      const slip = await staff.get(res.location!);
      expect(slip.status).to.equal(200);
      expect(slip.text).to.contain(`data-testid="slip-code">${code}<`).and.contain('<svg');
      expect(textOf(slip.text)).to.contain(visits.maskPhone(phone)).and.not.contain(phone);
    });

    it('cancels for a caller after a confirm step, once, audited', async () => {
      const w = await addWindow(db, cemetery, { offset: 2 });
      const { reservation } = await visits.reserve(db, w, input({ party_size: 4 }), pub);
      const found = await staff.get(`/staff/visits/lookup?code=${reservation.code.toLowerCase()}`);
      expect(found.location).to.equal(`/staff/visits/reservations/${reservation.code}`);
      const page = await staff.get(`/staff/visits/reservations/${reservation.code}/cancel`);
      expect(textOf(page.text)).to.contain('取消后 4 个名额立即释放');
      const res = await staff.post(`/staff/visits/reservations/${reservation.code}/cancel`, {});
      expect(res.status).to.equal(302);
      expect((await visits.window(db, w))!.booked).to.equal(0);
      expect((await lastAudit('visit.cancel_for')).entity_id).to.equal(String(reservation.id));
      const again = await staff.post(`/staff/visits/reservations/${reservation.code}/cancel`, {});
      expect(again.status).to.equal(409);
      expect(textOf(again.text)).to.contain('这个预约已经取消过了。');
      expect((await visits.window(db, w))!.booked).to.equal(0);
    });

    it("does not find another facility's code", async () => {
      const w = await addWindow(db, columbarium, { offset: 1 });
      const { reservation } = await visits.reserve(db, w, input(), pub);
      const res = await staff.get(`/staff/visits/lookup?code=${reservation.code}`);
      expect(res.status).to.equal(400);
      expect(textOf(res.text)).to.contain('本园没有这个预约码');
      expect((await staff.get(`/staff/visits/reservations/${reservation.code}`)).status).to.equal(403);
    });
  });

  describe('the gate', () => {
    it('admits a code once, scanned or typed in any case, and refuses another day, a cancelled and an unknown code', async () => {
      const today = await allDayWindow(db, cemetery);
      const { reservation: r } = await visits.reserve(db, today, input({ name: '王示例兰', party_size: 3 }), pub);
      const ok = await staff.post('/staff/visits/gate', { code: `SHIAN-VISIT:${r.code.toLowerCase()}` });
      expect(ok.status).to.equal(200);
      const text = textOf(ok.text);
      expect(text).to.contain('准许入园').and.contain('3 人').and.contain('王**兰').and.not.contain('王示例兰');
      expect((await visits.reservationByCode(db, r.code))!.arrived_at).to.be.a('string');
      expect((await lastAudit('visit.check_in')).entity_id).to.equal(String(r.id));

      const again = await staff.post('/staff/visits/gate', { code: `${r.code.slice(0, 4)} ${r.code.slice(4)}` });
      expect(again.status).to.equal(409);
      expect(textOf(again.text))
        .to.contain('不予入园')
        .and.match(/这个预约已于 .+ 签到，不能重复使用。/);

      const tomorrow = await addWindow(db, cemetery, { offset: 1 });
      const { reservation: t } = await visits.reserve(db, tomorrow, input(), pub);
      const other = await staff.post('/staff/visits/gate', { code: t.code });
      expect(other.status).to.equal(409);
      const [y, m, d] = t.visit_date.split('-').map(Number);
      expect(textOf(other.text)).to.contain(`这个预约是 ${y}年${m}月${d}日 的，不是今天的。`);
      expect((await visits.reservationByCode(db, t.code))!.arrived_at).to.equal(null);

      const { reservation: c } = await visits.reserve(db, today, input(), pub);
      await visits.cancel(db, c.code, { phone: c.phone });
      expect(textOf((await staff.post('/staff/visits/gate', { code: c.code })).text)).to.contain('这个预约已取消');

      const unknown = await staff.post('/staff/visits/gate', { code: 'ZZZZ2222' });
      expect(unknown.status).to.equal(404);
      expect(textOf(unknown.text)).to.contain('不予入园');
      const garbage = await staff.post('/staff/visits/gate', { code: '??' });
      expect(garbage.status).to.equal(400);
      expect(textOf(garbage.text)).to.contain('预约码是 8 位字母和数字');
    });
  });

  describe('the day summary', () => {
    it('counts per window the reservations, people, arrivals and, once a window has ended, the no-shows', async function () {
      this.timeout(300_000);
      await awayFromMidnight();
      const date = dayFromToday(0);
      // A window of today that has ended (00:00–00:01 in Shanghai), booked before it began.
      const times = visits.windowInstants(date, '00:00', '00:01');
      const [row] = await db('visit_windows')
        .insert({
          facility_id: cemetery,
          visit_date: date,
          ...times,
          capacity: 20,
          booked: 0,
          status: 'open',
          is_peak: false,
          created_at: nowIso(),
          updated_at: nowIso(),
        })
        .returning('id');
      const ended = typeof row === 'object' ? row.id : row;
      const before = new Date(Date.parse(times.starts_at) - 60_000);
      const a = await visits.reserve(db, ended, input({ party_size: 2 }), pub, before);
      await visits.reserve(db, ended, input({ party_size: 3 }), pub, before);
      await visits.checkIn(db, cemetery, a.reservation.code, { id: staffId, username: 'cemetery' });
      const later = await allDayWindow(db, cemetery, 41);
      await visits.reserve(db, later, input({ party_size: 4 }), pub);

      const res = await staff.get(`/staff/visits/day?date=${date}`);
      expect(res.status).to.equal(200);
      const text = textOf(res.text);
      // window, capacity, reservations, people, arrived, people arrived, no-shows
      expect(text).to.contain('00:00–00:01 20 2 5 1 2 1');
      expect(text).to.contain('00:00–23:59 41 1 4 0 0 0');
      const summary = await visits.daySummary(db, cemetery, date);
      const sum = (k: 'reservations' | 'people' | 'arrived' | 'noShows') => summary.reduce((n, r) => n + r[k], 0);
      expect(text).to.contain(
        `合计 ${summary.reduce((n, r) => n + r.window.capacity, 0)} ${sum('reservations')} ${sum('people')} ${sum('arrived')}`,
      );
    });
  });
});

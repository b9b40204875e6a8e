// The families' booking pages over HTTP against the real server: facility → day → window → form → ticket with its QR;
// every refusal back on its form in Chinese; look up and cancel once by code and phone; CSRF; no session for readers.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { qingmingDay } from '../../server/visits/service.js';
import { todayInShanghai, zone } from '../../server/time.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { Client, textOf, type Reply } from '../helpers/client.js';
import { addWindow, CEMETERY, COLUMBARIUM, dayFromToday, facilityNamed, nextPhone } from './fixtures.js';

const zhDate = (iso: string) => DateTime.fromISO(iso, { zone }).toFormat('yyyy年M月d日');
const noSession = (res: Reply) =>
  expect(res.headers.getSetCookie().some((c) => c.startsWith('shian.sid='))).to.equal(false);

describe(`visits: public booking pages (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let cemetery: number;
  let columbarium: number;

  before(async () => {
    app = await startApp();
    db = app.db;
    cemetery = await facilityNamed(db, CEMETERY);
    columbarium = await facilityNamed(db, COLUMBARIUM);
  });
  after(() => app.close());

  /** A visitor on the booking form of a window: the CSRF token comes from the form page. */
  async function visitor(facility: number, windowId: number) {
    const w = await db('visit_windows').where({ id: windowId }).first('visit_date');
    const path = `/visits/${facility}/${w.visit_date}/${windowId}`;
    const c = new Client(app.url);
    const page = await c.get(path);
    // A window that cannot be booked shows no form: the token comes from the look-up form then (a stale page's POST).
    if (!c.csrf) await c.get('/visits/lookup');
    return { c, path, page };
  }

  const form = (over: Record<string, string> = {}) => ({
    name: '示例家属丁',
    phone: nextPhone(),
    party_size: '2',
    visiting: '示例逝者',
    ...over,
  });

  it('lists the facilities that take bookings, with address and phone, linked from the home page and the nav', async () => {
    const c = new Client(app.url);
    const res = await c.get('/visits');
    expect(res.status).to.equal(200);
    noSession(res);
    const text = textOf(res.text);
    expect(text).to.contain('祭扫预约').and.contain(CEMETERY).and.contain(COLUMBARIUM);
    expect(res.text).to.contain(`href="/visits/${cemetery}"`).and.contain(`href="/visits/${columbarium}"`);
    expect(res.text).to.contain('name="viewport"').and.contain('/static/css/visits-public.css');
    expect(res.text).to.contain('href="/visits/lookup"');
    // A funeral home keeps no windows: not listed.
    expect(text).to.not.contain('殡仪馆（示例）');
    const home = await c.get('/');
    expect(home.text).to.contain('href="/visits"');
    expect(textOf(home.text)).to.contain('祭扫预约');
  });

  it('shows the bookable days with places left, and the days not open yet greyed with the day they open', async () => {
    const res = await new Client(app.url).get(`/visits/${cemetery}`);
    expect(res.status).to.equal(200);
    noSession(res);
    const text = textOf(res.text);
    const tomorrow = dayFromToday(1);
    expect(res.text).to.contain(`href="/visits/${cemetery}/${tomorrow}"`);
    // Tomorrow's four windows of 60 with one reservation of 4: 236 places left.
    const label = DateTime.fromISO(tomorrow, { zone }).setLocale('zh-CN').toFormat('M月d日 ccc');
    expect(text).to.match(new RegExp(`${label} 可预约 · 余 236 位`));
    // Day 8 (booking opens 7 days ahead) is listed under the days not open yet, saying when it opens, not linked.
    const day8 = dayFromToday(8);
    expect(text).to.contain('尚未开放的日期');
    expect(text).to.contain(`未开放 · ${zhDate(dayFromToday(1))} 起可预约`);
    expect(res.text).to.not.contain(`href="/visits/${cemetery}/${day8}"`);
    // The coming Qingming, peak days marked.
    const year = Number(todayInShanghai().slice(0, 4));
    const qm = todayInShanghai() > qingmingDay(year) ? qingmingDay(year + 1) : qingmingDay(year);
    if (DateTime.fromISO(qm).diff(DateTime.fromISO(todayInShanghai()), 'days').days < 170)
      expect(text)
        .to.contain(DateTime.fromISO(qm, { zone }).setLocale('zh-CN').toFormat('M月d日 ccc'))
        .and.contain('高峰日');
  });

  it("shows a day's windows with places left and their state in words", async () => {
    const tomorrow = dayFromToday(1);
    const full = await addWindow(db, cemetery, { offset: 1, capacity: 3 });
    await db('visit_windows').where({ id: full }).update({ booked: 3 });
    const closed = await addWindow(db, cemetery, { offset: 1, status: 'closed' });
    const res = await new Client(app.url).get(`/visits/${cemetery}/${tomorrow}`);
    expect(res.status).to.equal(200);
    noSession(res);
    const text = textOf(res.text);
    expect(text).to.contain('08:00–10:00').and.contain('15:00–17:00');
    expect(text).to.contain('可预约 · 余 56 位').and.contain('已约满').and.contain('已关闭');
    expect(res.text).to.not.contain(`/${full}"`).and.not.contain(`/${closed}"`);
    // A day not open yet says when booking opens.
    const later = textOf((await new Client(app.url).get(`/visits/${cemetery}/${dayFromToday(9)}`)).text);
    expect(later)
      .to.contain(`${zhDate(dayFromToday(2))} 起可以预约`)
      .and.contain('未开放');
    // Unknown facility, a funeral home, a bad date: 404.
    expect((await new Client(app.url).get('/visits/999999')).status).to.equal(404);
    const home = (await db('facilities').where({ kind: 'funeral_home' }).first('id')).id;
    expect((await new Client(app.url).get(`/visits/${home}`)).status).to.equal(404);
    expect((await new Client(app.url).get(`/visits/${cemetery}/2026-13-40`)).status).to.equal(404);
  });

  it('asks for a car plate only where the facility has parking, and an ID number only where it asks for one', async () => {
    const w1 = await addWindow(db, cemetery, { offset: 2 });
    const { page: p1 } = await visitor(cemetery, w1);
    expect(p1.status).to.equal(200);
    noSession(p1);
    expect(p1.text).to.contain('name="_csrf"').and.contain('name="phone"').and.contain('name="visiting"');
    expect(p1.text).to.not.contain('name="car_plate"').and.not.contain('name="id_number"');
    expect(textOf(p1.text)).to.contain('祭扫对象（选填）');
    // Party sizes 1..5 (the facility's maximum).
    expect(p1.text).to.contain('<option value="5"').and.not.contain('<option value="6"');
    const w2 = await addWindow(db, columbarium, { offset: 2 });
    const { page: p2 } = await visitor(columbarium, w2);
    expect(p2.text).to.contain('name="car_plate"').and.not.contain('name="id_number"');
  });

  it('books: POST → 303 → the ticket with the code grouped 4+4, a server-made QR, masked name and phone, its day', async () => {
    const w = await addWindow(db, columbarium, { offset: 1, capacity: 10 });
    const { c, path } = await visitor(columbarium, w);
    const phone = nextPhone();
    const res = await c.post(path, form({ phone, name: '示例家属戊', car_plate: '贵B 12345' }));
    expect(res.status).to.equal(303);
    noSession(res);
    const code = /^\/visits\/r\/([A-Z0-9]{8})$/.exec(res.location!)![1];
    const r = await db('visit_reservations').where({ code }).first();
    expect(r).to.include({ phone, party_size: 2, channel: 'public', car_plate: '贵B12345', visiting: '示例逝者' });
    expect((await db('visit_windows').where({ id: w }).first('booked')).booked).to.equal(2);
    const ticket = await c.get(res.location!);
    expect(ticket.status).to.equal(200);
    expect(ticket.headers.get('cache-control')).to.contain('no-store');
    const text = textOf(ticket.text);
    expect(text)
      .to.contain('预约成功')
      .and.contain(`${code.slice(0, 4)} ${code.slice(4)}`);
    expect(text).to.contain(COLUMBARIUM).and.contain('2 人').and.contain('示*');
    expect(text)
      .to.contain(`${phone.slice(0, 3)}****${phone.slice(7)}`)
      .and.not.contain(phone);
    expect(text)
      .to.contain(`仅限 ${zhDate(dayFromToday(1))}`)
      .and.contain('当天有效');
    expect(text).to.contain('查询或取消预约');
    expect(ticket.text).to.match(/<svg class="visit-qr" role="img" aria-label="[^"]+"/);
    expect(ticket.text).to.contain('<path').and.not.contain('<img');
    // Anyone typing the code in lower case reaches the same ticket.
    expect((await new Client(app.url).get(`/visits/r/${code.toLowerCase()}`)).status).to.equal(200);
    expect((await new Client(app.url).get('/visits/r/ZZZZZZZZ')).status).to.equal(404);
    expect((await new Client(app.url).get('/visits/r/not-a-code')).status).to.equal(404);
  });

  it('refuses bad fields with a Chinese message per field, and keeps what was typed', async () => {
    const w = await addWindow(db, cemetery, { offset: 1 });
    const { c, path } = await visitor(cemetery, w);
    const res = await c.post(path, form({ name: '', phone: '12345', party_size: '9' }));
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('请填写 11 位中国大陆手机号码');
    expect(res.text).to.contain('value="12345"').and.contain('aria-invalid="true"');
    const over = await c.post(path, form({ party_size: '6' }));
    expect(over.status).to.equal(400);
    expect(textOf(over.text)).to.contain('每个预约最多 5 人');
    expect((await db('visit_windows').where({ id: w }).first('booked')).booked).to.equal(0);
  });

  it('says clearly when the window is full, closed, not open yet or over', async () => {
    const full = await addWindow(db, cemetery, { offset: 1, capacity: 1 });
    let v = await visitor(cemetery, full);
    let res = await v.c.post(v.path, form({ party_size: '2' }));
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('这个时段已约满，请选择其他时段或日期');

    const closing = await addWindow(db, cemetery, { offset: 1 });
    v = await visitor(cemetery, closing);
    await db('visit_windows').where({ id: closing }).update({ status: 'closed' });
    res = await v.c.post(v.path, form());
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('这个时段已停止预约');

    const later = await addWindow(db, cemetery, { offset: 10 });
    v = await visitor(cemetery, later);
    expect(textOf(v.page.text)).to.contain(`${zhDate(dayFromToday(3))} 起可以预约`);
    expect(v.page.text).to.not.contain('name="phone"');
    res = await v.c.post(v.path, form());
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain(`这个日期还未开放预约，${zhDate(dayFromToday(3))} 起可以预约`);

    const past = await addWindow(db, cemetery, { startsPast: true });
    v = await visitor(cemetery, past);
    res = await v.c.post(v.path, form());
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('这个时段已经结束');

    // A window of another facility or day under this path: 404.
    const other = await addWindow(db, columbarium, { offset: 1 });
    res = await v.c.post(`/visits/${cemetery}/${dayFromToday(1)}/${other}`, form());
    expect(res.status).to.equal(404);
  });

  it("holds the facility's limits: a third booking of one phone on a day is refused (429) on the form", async () => {
    const phone = nextPhone();
    for (let i = 0; i < 2; i++) {
      const w = await addWindow(db, cemetery, { offset: 3 });
      const v = await visitor(cemetery, w);
      expect((await v.c.post(v.path, form({ phone }))).status).to.equal(303);
    }
    const w = await addWindow(db, cemetery, { offset: 3 });
    const v = await visitor(cemetery, w);
    const res = await v.c.post(v.path, form({ phone }));
    expect(res.status).to.equal(429);
    expect(textOf(res.text)).to.contain('这个手机号当天在本园的预约已达上限');
    expect(res.text).to.contain('name="phone"').and.contain(`value="${phone}"`);
  });

  it('asks for the ID number where the facility requires it and holds its limit', async () => {
    const before = await db('visit_settings').where({ facility_id: columbarium }).first();
    await db('visit_settings').where({ facility_id: columbarium }).update({ id_required: true, max_per_id_day: 1 });
    try {
      const w = await addWindow(db, columbarium, { offset: 4 });
      const v = await visitor(columbarium, w);
      expect(v.page.text).to.contain('name="id_number"');
      let res = await v.c.post(v.path, form());
      expect(res.status).to.equal(400);
      expect(textOf(res.text)).to.contain('本园预约须填写身份证号');
      const id = nextIdNumber();
      res = await v.c.post(v.path, form({ id_number: id }));
      expect(res.status).to.equal(303);
      res = await v.c.post(v.path, form({ id_number: id }));
      expect(res.status).to.equal(429);
      expect(textOf(res.text)).to.contain('这个身份证号当天在本园的预约已达上限');
    } finally {
      await db('visit_settings')
        .where({ facility_id: columbarium })
        .update({ id_required: before.id_required, max_per_id_day: before.max_per_id_day });
    }
  });

  it('refuses a form without its CSRF token (403)', async () => {
    const w = await addWindow(db, cemetery, { offset: 1 });
    const v = await visitor(cemetery, w);
    expect((await v.c.post(v.path, form(), { csrf: false })).status).to.equal(403);
    expect(
      (await v.c.post('/visits/lookup', { code: 'ABCD2345', phone: nextPhone() }, { csrf: false })).status,
    ).to.equal(403);
    expect(
      (await v.c.post('/visits/cancel', { code: 'ABCD2345', phone: nextPhone() }, { csrf: false })).status,
    ).to.equal(403);
    expect((await db('visit_windows').where({ id: w }).first('booked')).booked).to.equal(0);
  });

  it('looks a reservation up by code and phone, the same message for either wrong; cancels once after a confirmation', async () => {
    const w = await addWindow(db, cemetery, { offset: 2, capacity: 5 });
    const v = await visitor(cemetery, w);
    const phone = nextPhone();
    const booked = await v.c.post(v.path, form({ phone, party_size: '3' }));
    const code = booked.location!.split('/').pop()!;

    const c = new Client(app.url);
    const page = await c.get(`/visits/lookup?code=${code}`);
    expect(page.status).to.equal(200);
    noSession(page);
    expect(page.text).to.contain(`value="${code}"`);
    const wrongPhone = await c.post('/visits/lookup', { code, phone: nextPhone() });
    const wrongCode = await c.post('/visits/lookup', { code: code === 'ABCD2345' ? 'ABCD2346' : 'ABCD2345', phone });
    expect(wrongPhone.status).to.equal(404);
    expect(wrongCode.status).to.equal(404);
    const msg = '预约码或手机号不正确，请核对后再试。';
    expect(textOf(wrongPhone.text)).to.contain(msg);
    expect(textOf(wrongCode.text)).to.contain(msg);
    const badForm = await c.post('/visits/lookup', { code: 'AB', phone });
    expect(badForm.status).to.equal(400);
    expect(textOf(badForm.text)).to.contain('预约码是 8 位字母和数字');

    // Typed with a space and in lower case, as read aloud.
    const found = await c.post('/visits/lookup', { code: `${code.slice(0, 4).toLowerCase()} ${code.slice(4)}`, phone });
    expect(found.status).to.equal(200);
    expect(found.headers.get('cache-control')).to.contain('no-store');
    expect(textOf(found.text)).to.contain('您的预约').and.contain('已预约').and.contain('3 人');
    expect(found.text).to.contain(`href="/visits/r/${code}"`).and.contain('action="/visits/cancel"');

    const ask = await c.post('/visits/cancel', { code, phone });
    expect(ask.status).to.equal(200);
    expect(textOf(ask.text)).to.contain('确认取消预约').and.contain('确认取消');
    expect((await db('visit_reservations').where({ code }).first('status')).status).to.equal('booked');

    const done = await c.post('/visits/cancel', { code, phone, confirm: 'yes' });
    expect(done.status).to.equal(303);
    expect(done.location).to.equal(`/visits/r/${code}`);
    const after = await c.get(done.location!);
    expect(textOf(after.text)).to.contain('预约已取消').and.contain('重新预约');
    expect(after.text).to.not.contain('<svg');
    expect((await db('visit_windows').where({ id: w }).first('booked')).booked).to.equal(0);

    const again = await c.post('/visits/cancel', { code, phone, confirm: 'yes' });
    expect(again.status).to.equal(409);
    expect(textOf(again.text)).to.contain('这个预约已经取消过了');
    const askAgain = await c.post('/visits/cancel', { code, phone });
    expect(askAgain.status).to.equal(409);
    expect(textOf(askAgain.text)).to.contain('这个预约已经取消过了');
    expect((await db('visit_windows').where({ id: w }).first('booked')).booked).to.equal(0);
    const wrong = await c.post('/visits/cancel', { code, phone: nextPhone(), confirm: 'yes' });
    expect(wrong.status).to.equal(404);
    expect(textOf(wrong.text)).to.contain(msg);
  });

  it('shows an arrived reservation without its QR and refuses to cancel it', async () => {
    const code = 'DEMQA2X7'; // the demo's: today, checked in
    const ticket = await new Client(app.url).get(`/visits/r/${code}`);
    expect(ticket.status).to.equal(200);
    expect(textOf(ticket.text)).to.contain('已入园');
    expect(ticket.text).to.not.contain('<svg');
    const c = new Client(app.url);
    await c.get('/visits/lookup');
    const res = await c.post('/visits/cancel', { code, phone: '13900000001' });
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('已入园签到的预约不能取消');
  });
});

describe(`visits: public booking pages under a per-address limit (${dialect})`, () => {
  let app: TestApp;
  let cemetery: number;

  before(async () => {
    app = await startApp({ config: { publicRatePerMinute: 3 } });
    cemetery = await facilityNamed(app.db, CEMETERY);
  });
  after(() => app.close());

  it('answers the fourth booking, look-up or cancel of a minute with 429 on its form, with the message', async () => {
    const w = await addWindow(app.db, cemetery, { offset: 1 });
    const path = `/visits/${cemetery}/${dayFromToday(1)}/${w}`;
    const c = new Client(app.url);
    await c.get(path);
    const bad = { name: '示例家属己', phone: '1', party_size: '1' };
    for (let i = 0; i < 3; i++) expect((await c.post(path, bad)).status).to.equal(400);
    const res = await c.post(path, { ...bad, phone: nextPhone() });
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    expect(textOf(res.text)).to.contain('操作过于频繁');
    expect(res.text).to.contain('name="phone"').and.contain('value="示例家属己"');
    expect((await app.db('visit_windows').where({ id: w }).first('booked')).booked).to.equal(0);

    await c.get('/visits/lookup');
    for (let i = 0; i < 3; i++)
      expect((await c.post('/visits/lookup', { code: 'ABCD2345', phone: nextPhone() })).status).to.equal(404);
    const look = await c.post('/visits/lookup', { code: 'ABCD2345', phone: nextPhone() });
    expect(look.status).to.equal(429);
    expect(textOf(look.text)).to.contain('操作过于频繁').and.contain('查询或取消预约');
    expect(look.text).to.contain('value="ABCD2345"');

    for (let i = 0; i < 3; i++)
      expect((await c.post('/visits/cancel', { code: 'ABCD2345', phone: nextPhone() })).status).to.equal(404);
    const cancel = await c.post('/visits/cancel', { code: 'ABCD2345', phone: nextPhone(), confirm: 'yes' });
    expect(cancel.status).to.equal(429);
    expect(textOf(cancel.text)).to.contain('操作过于频繁');
    // Reading pages is never limited.
    expect((await c.get(`/visits/${cemetery}`)).status).to.equal(200);
  });
});

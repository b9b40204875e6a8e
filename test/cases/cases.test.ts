// Funeral cases over HTTP: intake with validation, numbering under concurrency, states, services, payments,
// masking and revealing personal data, facility scope, and the JSON intake.
import { expect } from 'chai';
import { hashPassword } from '../../server/accounts/password.js';
import { createToken } from '../../server/accounts/tokens.js';
import { checkCharacter } from '../../server/cases/id-number.js';
import { nowIso } from '../../server/db.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf, type Reply } from '../helpers/client.js';
import { localField, pastBooking, recordForm } from '../cremation/fixtures.js';
import { insertCase } from '../custody/fixtures.js';
import { receiveBody, releaseAshes, storeBody } from '../custody/steps.js';

const id = (first17: string) => first17 + checkCharacter(first17);
// Check digits worked out by hand, not by the code under test.
const ZHANG = '520201194003150010'; // male, 1940-03-15
const ZHANG_WRONG_DIGIT = '520201194003150019';
const LI = '520201194507070022'; // female, 1945-07-07

describe(`cases: funeral cases (${dialect})`, () => {
  let app: TestApp;
  let desk: Client;
  let homeId: number, otherHomeId: number, token: string;

  const form = (over: Record<string, string> = {}) => ({
    facility_id: String(homeId),
    deceased_name: '张德明',
    id_number: ZHANG,
    sex: '',
    birth_date: '',
    death_at: '2026-11-20T06:30',
    death_place: '钟山区人民医院',
    death_certificate_no: 'GZ2026-0099',
    household_region__county: '520201',
    household_region__township: '520201101',
    household_region__village: '520201101201',
    contact_name: '张丽',
    contact_phone: '13908581234',
    contact_relationship: '女儿',
    pickup_address: '钟山区人民医院太平间',
    pickup_at: '',
    ...over,
  });
  const count = async (t: string) => Number((await app.db(t).count({ n: '*' }))[0].n);

  before(async () => {
    app = await startApp();
    const homes = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').select('id');
    [homeId, otherHomeId] = homes.map((h) => h.id);
    desk = await signedIn(app, 'front_desk');
    const now = nowIso();
    await app.db('users').insert({
      username: 'panzhou',
      display_name: '盘州前台',
      role: 'front_desk',
      facility_id: otherHomeId,
      password_hash: await hashPassword('Panzhou-2026'),
      created_at: now,
      updated_at: now,
    });
    const me = await app.db('users').where({ username: 'frontdesk' }).first('id');
    token = (await createToken(app.db, null, me.id, 'hospital', null)).token;
    await app.db('price_items').insert([
      {
        facility_id: homeId,
        code: 'CREMATION',
        name_zh: '遗体火化',
        name_en: 'Cremation',
        category: 'basic',
        basic_kind: 'cremation',
        unit: 'time',
        price_fen: 40000,
        valid_from: '2026-01-01',
        valid_to: null,
        created_at: now,
        updated_at: now,
      },
      {
        facility_id: homeId,
        code: 'COLD',
        name_zh: '遗体冷藏',
        name_en: 'Refrigeration',
        category: 'basic',
        basic_kind: 'refrigeration',
        unit: 'day',
        price_fen: 10000,
        valid_from: '2026-01-01',
        valid_to: null,
        created_at: now,
        updated_at: now,
      },
    ]);
  });
  after(() => app.close());

  it('registers a death from the form with a case number of the year, derived sex and birth date', async () => {
    const res = await desk.post('/staff/cases', form(), { from: '/staff/cases/new' });
    expect(res.status).to.equal(302);
    const c = await app.db('funeral_cases').orderBy('id', 'desc').first();
    // The demo case (db/seeds/demo-family.ts) holds the home's first number of the year.
    expect(c.case_number).to.match(/^\d{4}-000002$/);
    expect([c.sex, c.birth_date, c.status, c.household_region_code]).to.deep.equal([
      'male',
      '1940-03-15',
      'registered',
      '520201101201',
    ]);
    expect(c.death_at).to.equal('2026-11-19T22:30:00.000Z'); // 06:30 in Shanghai
    expect(await app.db('case_events').where({ case_id: c.id, to_status: 'registered' }).first()).to.exist;
    const audit = await app
      .db('audit_log')
      .where({ entity: 'funeral_case', action: 'create', entity_id: String(c.id) })
      .first();
    expect(audit.after).to.not.contain(ZHANG).and.not.contain('13908581234');
  });

  it('returns the form with a message per field and writes nothing on bad input', async () => {
    const before = await count('funeral_cases');
    const res = await desk.post(
      '/staff/cases',
      form({ id_number: ZHANG_WRONG_DIGIT, contact_phone: '0851-1234', deceased_name: '' }),
      { from: '/staff/cases/new' },
    );
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('此项必填。').and.contain('请填写手机号码（11 位）或带区号的固定电话');
    expect(res.text).to.match(/name="contact_phone"[^>]*value="0851-1234"/);
    const check = await desk.post('/staff/cases', form({ sex: 'female', birth_date: '1941-01-01' }), {
      from: '/staff/cases/new',
    });
    expect(check.status).to.equal(400);
    expect(textOf(check.text))
      .to.contain('性别与身份证号不符。')
      .and.contain('出生日期与身份证号不符（身份证号为 1940-03-15）。');
    const digit = await desk.post('/staff/cases', form({ id_number: ZHANG_WRONG_DIGIT }), { from: '/staff/cases/new' });
    expect(digit.status).to.equal(400);
    expect(textOf(digit.text)).to.contain('身份证号：校验位不正确');
    const future = await desk.post('/staff/cases', form({ death_at: '2099-01-01T00:00' }), {
      from: '/staff/cases/new',
    });
    expect(future.status).to.equal(400);
    expect(textOf(future.text)).to.contain('死亡时间不能晚于现在。');
    expect(await count('funeral_cases')).to.equal(before);
  });

  it('opens one case when the same form is submitted twice', async () => {
    const before = await count('funeral_cases');
    await desk.get('/staff/cases/new');
    const f = { ...form({ deceased_name: '李秀英', id_number: LI }), request_id: 'form-abc-1', _csrf: desk.csrf };
    const [a, b] = await Promise.all([
      desk.request('POST', '/staff/cases', { form: f }),
      desk.request('POST', '/staff/cases', { form: f }),
    ]);
    expect([a.status, b.status]).to.deep.equal([302, 302]);
    expect(a.location).to.equal(b.location);
    expect(await count('funeral_cases')).to.equal(before + 1);
  });

  it('gives 20 concurrent API intakes 20 distinct consecutive numbers', async () => {
    const before = await count('funeral_cases');
    const bodies = Array.from({ length: 20 }, (_, i) => ({
      facility_id: homeId,
      deceased: { name: `测试${i}`, id_number: id(`52020119500101${100 + i}`), death_at: '2026-11-21T08:00:00+08:00' },
      contact: { name: '家属', phone: '13800000000', relationship: '子女' },
    }));
    const replies = await Promise.all(
      bodies.map((b) =>
        fetch(`${app.url}/api/v1/cases`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(b),
        }),
      ),
    );
    expect(replies.map((r) => r.status)).to.deep.equal(Array(20).fill(201));
    const numbers = (await Promise.all(replies.map((r) => r.json())))
      .map((j) => Number(j.case_number.split('-')[1]))
      .sort((x, y) => x - y);
    expect(new Set(numbers).size).to.equal(20);
    expect(numbers[19] - numbers[0]).to.equal(19);
    expect(await count('funeral_cases')).to.equal(before + 20);
  });

  it('answers the JSON intake with 400 and field errors named as sent', async () => {
    const res = await fetch(`${app.url}/api/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        facility_id: homeId,
        deceased: { name: '王', id_number: '123', death_at: 'yesterday' },
        contact: { name: '王', phone: '1', relationship: '子' },
      }),
    });
    expect(res.status).to.equal(400);
    const body = await res.json();
    expect(body.fields).to.include.keys('deceased.id_number', 'deceased.death_at', 'contact.phone');
  });

  it('moves a case only step by step, the custody steps by their forms; a stale step is a 409', async () => {
    const c = await app.db('funeral_cases').where({ deceased_name: '张德明' }).first();
    const path = `/staff/cases/${c.id}/status`;
    const skip = await desk.post(path, { from: 'registered', to: 'farewell_done' }, { from: `/staff/cases/${c.id}` });
    expect(skip.status).to.equal(400);
    expect(textOf(skip.text)).to.contain('当前状态不能进行这一步。');
    const step = async (res: Promise<Reply>, label: string) => {
      const r = await res;
      expect(r.status, `${label}: ${textOf(r.text).slice(0, 300)}`).to.equal(302);
    };
    await step(receiveBody(desk, c.id), '接收遗体');
    await step(storeBody(desk, c.id), '入柜冷藏');
    await step(desk.post(path, { from: 'stored', to: 'farewell_done' }, { from: `/staff/cases/${c.id}` }), '告别');
    // Cremated is recorded against the cremation booking, not by the status form.
    const byForm = await desk.post(path, { from: 'farewell_done', to: 'cremated' }, { from: `/staff/cases/${c.id}` });
    expect(byForm.status).to.equal(400);
    expect(textOf(byForm.text)).to.contain('火化完成须在火化预约上“记录火化”');
    const cremator = (await app.db('cremators').where({ facility_id: homeId }).orderBy('id').first('id')).id;
    const booking = await pastBooking(app.db, 'cremator', c.id, cremator);
    const recorded = await recordForm(desk, booking.id, {
      started_at: localField(booking.starts_at, 5),
      ended_at: localField(booking.starts_at, 50),
      cremator_id: cremator,
    });
    expect(recorded.status).to.equal(302);
    // No papers are recorded for this case: closing it needs the reason (test/cases/papers.test.ts).
    await step(releaseAshes(desk, app.db, c.id, { closing_reason_documents_missing: '家属稍后补交材料' }), '骨灰领取');
    const stale = await desk.post(path, { from: 'stored', to: 'farewell_done' }, { from: `/staff/cases/${c.id}` });
    expect(stale.status).to.equal(409);
    expect(textOf(stale.text)).to.contain('案件状态已被他人更新');
    const events = await app.db('case_events').where({ case_id: c.id }).orderBy('id').pluck('to_status');
    expect(events).to.deep.equal([
      'registered',
      'body_received',
      'stored',
      'farewell_done',
      'cremated',
      'ashes_released',
    ]);
  });

  it('refuses the custody steps on the status form, naming the custody form to use, and leaves the case as it was', async () => {
    const steps = [
      ['registered', 'body_received', '接收遗体须在案件页“遗体监管”中点“接收遗体”', 'receive'],
      ['body_received', 'stored', '入柜冷藏须在案件页“遗体监管”中点“入柜冷藏”', 'move'],
      ['cremated', 'ashes_released', '骨灰领取须在案件页“遗体监管”中点“骨灰领取”', 'release'],
    ] as const;
    for (const [from, to, message, form] of steps) {
      // A body in custody, as the custody forms would leave it, so that the form the message names is offered.
      const c = await insertCase(app.db, homeId);
      if (from !== 'registered') expect((await receiveBody(desk, c)).status).to.equal(302);
      if (from === 'cremated') {
        expect((await storeBody(desk, c)).status).to.equal(302);
        await app.db('funeral_cases').where({ id: c }).update({ status: 'cremated' }); // the cremation domain's step
      }
      const audited = await app
        .db('audit_log')
        .where({ entity_id: String(c) })
        .count({ n: '*' });
      const res = await desk.post(
        `/staff/cases/${c}/status`,
        { from, to, closing_reason_documents_missing: '家属稍后补交材料' },
        { from: `/staff/cases/${c}` },
      );
      expect(res.status, `${from}→${to}`).to.equal(400);
      expect(textOf(res.text), `${from}→${to}`).to.contain(message).and.contain('不能直接改状态');
      // The page shown again still offers the form it names.
      expect(res.text).to.contain(`/staff/cases/${c}/custody/${form}`);
      expect((await app.db('funeral_cases').where({ id: c }).first('status')).status).to.equal(from);
      expect(await app.db('case_events').where({ case_id: c, to_status: to })).to.have.length(0);
      expect(
        await app
          .db('audit_log')
          .where({ entity_id: String(c) })
          .count({ n: '*' }),
      ).to.deep.equal(audited);
    }
    // The admin of every home is refused the same way.
    const admin = await signedIn(app, 'admin');
    const c = await insertCase(app.db, homeId, 'registered');
    const res = await admin.post(
      `/staff/cases/${c}/status`,
      { from: 'registered', to: 'body_received' },
      { from: `/staff/cases/${c}` },
    );
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('接收遗体须在案件页“遗体监管”中点“接收遗体”');
    // Placing the ashes in a columbarium stays on the status form.
    const placed = await insertCase(app.db, homeId, 'cremated');
    const ok = await desk.post(
      `/staff/cases/${placed}/status`,
      { from: 'cremated', to: 'ashes_placed', closing_reason_documents_missing: '家属稍后补交材料' },
      { from: `/staff/cases/${placed}` },
    );
    expect(ok.status, textOf(ok.text).slice(0, 300)).to.equal(302);
    expect((await app.db('funeral_cases').where({ id: placed }).first('status')).status).to.equal('ashes_placed');
  });

  it('adds services at today’s price, records payments once, and shows the balance', async () => {
    const c = await app.db('funeral_cases').where({ deceased_name: '李秀英' }).first();
    const items = await app.db('price_items').where({ facility_id: homeId }).orderBy('code');
    await desk.post(
      `/staff/cases/${c.id}/lines`,
      { price_item_id: String(items.find((i) => i.code === 'COLD').id), quantity: '3' },
      { from: `/staff/cases/${c.id}` },
    );
    await desk.post(
      `/staff/cases/${c.id}/lines`,
      { price_item_id: String(items.find((i) => i.code === 'CREMATION').id), quantity: '1' },
      { from: `/staff/cases/${c.id}` },
    );
    await desk.get(`/staff/cases/${c.id}`);
    const pay = { method: 'wechat', amount: '500.50', request_id: 'pay-1', _csrf: desk.csrf };
    await Promise.all([
      desk.request('POST', `/staff/cases/${c.id}/payments`, { form: pay }),
      desk.request('POST', `/staff/cases/${c.id}/payments`, { form: pay }),
    ]);
    expect(
      await app
        .db('case_payments')
        .where({ case_id: c.id })
        .count({ n: '*' })
        .then((r) => Number(r[0].n)),
    ).to.equal(1);
    const page = await desk.get(`/staff/cases/${c.id}`);
    expect(page.text).to.match(/data-testid="balance"><strong>¥199\.50</);
    const bad = await desk.post(`/staff/cases/${c.id}/payments`, { method: 'cash', amount: '12.345' });
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('请填写金额');
  });

  it('lets two funeral homes use the same request id, each opening its own case; a second user of the same home gets 409', async () => {
    const panzhou = new Client(app.url);
    await panzhou.login('panzhou', 'Panzhou-2026');
    const shared = { request_id: 'shared-request-1', deceased_name: '同号甲', id_number: id('52020119500505003') };
    const mine = await desk.post('/staff/cases', form(shared), { from: '/staff/cases/new' });
    // Another person (one person has one open case, wherever it is).
    const theirsForm = {
      ...shared,
      facility_id: String(otherHomeId),
      deceased_name: '同号乙',
      id_number: id('52020119500505011'),
    };
    const theirs = await panzhou.post('/staff/cases', form(theirsForm), { from: '/staff/cases/new' });
    expect([mine.status, theirs.status]).to.deep.equal([302, 302]);
    const rows = await app
      .db('funeral_cases')
      .where({ request_id: 'shared-request-1' })
      .orderBy('facility_id')
      .select('facility_id', 'deceased_name');
    expect(rows).to.deep.equal(
      [
        { facility_id: homeId, deceased_name: '同号甲' },
        { facility_id: otherHomeId, deceased_name: '同号乙' },
      ].sort((a, b) => a.facility_id - b.facility_id),
    );
    // Each home's retry finds its own case, never the other's.
    const again = await panzhou.post('/staff/cases', form(theirsForm), { from: '/staff/cases/new' });
    expect(again.location).to.equal(theirs.location);
    const admin = await signedIn(app, 'admin');
    const other = await admin.post('/staff/cases', form(shared), { from: '/staff/cases/new' });
    expect(other.status).to.equal(409);
  });

  it('records a payment whose request id another case used already', async () => {
    // Nothing is owed on these cases: the money is taken as a deposit (a payment beyond the balance is refused).
    const [a, b] = await app
      .db('funeral_cases')
      .whereIn('deceased_name', ['同号甲', '张德明'])
      .orderBy('id')
      .pluck('id');
    for (const caseId of [a, b]) {
      const res = await desk.post(
        `/staff/cases/${caseId}/payments`,
        { method: 'cash', amount: '10', kind: 'deposit', request_id: 'pay-shared' },
        { from: `/staff/cases/${caseId}` },
      );
      expect(res.status).to.equal(302);
    }
    expect(await app.db('case_payments').where({ request_id: 'pay-shared' }).pluck('case_id')).to.have.members([a, b]);
  });

  it('searches by full ID number through a posted form: the number is in no URL, link, form action or Location', async () => {
    const list = await desk.get('/staff/cases');
    expect(list.text).to.match(/<form class="filters" method="post" action="\/staff\/cases\/search">/);
    const res = await desk.post('/staff/cases/search', { q: ZHANG, from: '', to: '', status: '' });
    expect(res.status).to.equal(200);
    expect(res.location).to.equal(null);
    expect(textOf(res.text)).to.contain('张德明');
    const urls = [...res.text.matchAll(/(?:href|action|src)="([^"]*)"/g)].map((m) => m[1]);
    expect(urls.length).to.be.greaterThan(5);
    expect(urls.filter((u) => /\d{17}[\dX]/.test(u))).to.deep.equal([]);
    // the number typed into a URL by hand is not searched (nor echoed back into the page's links)
    const typed = await desk.get(`/staff/cases?q=${ZHANG}&status=registered`);
    expect(typed.status).to.equal(303);
    expect(typed.location).to.equal('/staff/cases?status=registered');
  });

  it('pages a posted search with buttons that post the same filters', async () => {
    const many = Array.from({ length: 31 }, (_, i) => ({
      facility_id: homeId,
      case_number: `P-${i}`,
      status: 'ashes_placed', // closed: one person may have many of these, and one open case only
      deceased_name: `翻页${i}`,
      id_number: ZHANG,
      sex: 'male',
      birth_date: '1940-03-15',
      death_at: nowIso(),
      created_at: nowIso(),
      updated_at: nowIso(),
    }));
    await app.db('funeral_cases').insert(many);
    const first = await desk.post('/staff/cases/search', { q: '翻页' }, { from: '/staff/cases' });
    expect(textOf(first.text)).to.contain('第 1 / 2 页');
    expect(first.text).to.match(
      /<input type="hidden" name="q" value="翻页"><input type="hidden" name="from" value=""><input type="hidden" name="to" value=""><input type="hidden" name="status" value=""><input type="hidden" name="page" value="2">/,
    );
    const second = await desk.post('/staff/cases/search', { q: '翻页', page: '2' });
    expect(textOf(second.text)).to.contain('第 2 / 2 页');
    expect((textOf(second.text).match(/翻页\d+/g) ?? []).length).to.equal(1);
    await app.db('funeral_cases').where('case_number', 'like', 'P-%').delete();
  });

  it('sends Cache-Control: no-store with the case list, search results, the case page, the JSON intake and the documents', async () => {
    const c = await app.db('funeral_cases').where({ deceased_name: '张德明' }).first();
    const answers = [
      await desk.get('/staff/cases'),
      await desk.post('/staff/cases/search', { q: '张德明' }, { from: '/staff/cases' }),
      await desk.get(`/staff/cases/${c.id}`),
      await desk.get(`/staff/cases/${c.id}/receipt.pdf`),
      await desk.get(`/staff/cases/${c.id}/certificate.pdf`),
    ];
    const api = await fetch(`${app.url}/api/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    for (const r of [...answers, { status: api.status, headers: api.headers }])
      expect(r.headers.get('cache-control'), String(r.status)).to.equal('no-store');
    expect(answers.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200]);
  });

  it('finds cases by name, last four of the ID number and case number; lists mask ID and phone', async () => {
    // Every search must leave out 李秀英's case, so a search that ignored its term would fail.
    const byName = await desk.get('/staff/cases?q=张德明');
    expect(textOf(byName.text)).to.not.contain('李秀英');
    expect(textOf(byName.text))
      .to.contain('张德明')
      .and.contain('520201********' + ZHANG.slice(-4))
      .and.contain('139****1234');
    expect(byName.text).to.not.contain(ZHANG).and.not.contain('13908581234');
    const byLastFour = textOf((await desk.get(`/staff/cases?q=${ZHANG.slice(-4)}`)).text);
    expect(byLastFour).to.contain('张德明').and.not.contain('李秀英');
    const c = await app.db('funeral_cases').where({ deceased_name: '张德明' }).first();
    const byNumber = textOf((await desk.get(`/staff/cases?q=${c.case_number}`)).text);
    expect(byNumber).to.contain('张德明').and.not.contain('李秀英');
    expect(textOf((await desk.get('/staff/cases?q=nobody-here')).text)).to.contain('没有符合条件的案件。');
  });

  it('reveals the full ID number to the funeral home’s staff and audits it; the bureau reads masked only', async () => {
    const c = await app.db('funeral_cases').where({ deceased_name: '张德明' }).first();
    const shown = await desk.post(`/staff/cases/${c.id}/reveal`, {}, { from: `/staff/cases/${c.id}` });
    expect(shown.status).to.equal(200);
    expect(shown.text).to.contain(ZHANG);
    expect(
      await app
        .db('audit_log')
        .where({ action: 'reveal_id_number', entity_id: String(c.id) })
        .first(),
    ).to.exist;
    const bureau = await signedIn(app, 'bureau');
    const page = await bureau.get(`/staff/cases/${c.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.not.contain(ZHANG).and.not.contain('13908581234');
    expect(textOf(page.text)).to.contain('520201********' + ZHANG.slice(-4));
  });

  it('keeps each funeral home’s cases to its own front desk: another home’s case answers as a missing one (404)', async () => {
    const c = await app.db('funeral_cases').where({ deceased_name: '张德明' }).first();
    const [{ max }] = await app.db('funeral_cases').max({ max: 'id' });
    const other = new Client(app.url);
    await other.login('panzhou', 'Panzhou-2026');
    const theirs = await other.get(`/staff/cases/${c.id}`);
    const missing = await other.get(`/staff/cases/${Number(max) + 1000}`);
    expect(theirs.status).to.equal(404);
    expect(missing.status).to.equal(404);
    expect(textOf(theirs.text)).to.equal(textOf(missing.text).replace(String(Number(max) + 1000), String(c.id)));
    expect(
      (await other.post(`/staff/cases/${c.id}/payments`, { method: 'cash', amount: '1' }, { from: '/staff/cases' }))
        .status,
    ).to.equal(404);
    expect(textOf((await other.get('/staff/cases')).text)).to.not.contain('张德明');
    const post = await other.post('/staff/cases', form(), { from: '/staff/cases/new' });
    expect(post.status).to.equal(404);
  });
});

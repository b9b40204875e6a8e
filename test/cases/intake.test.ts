// Intake of a death against the person's other cases (one person, one case under way), ID numbers as clerks type
// them (full-width, spaced, hyphenated), and the error summary naming each field, on the form and in the JSON API.
import { expect } from 'chai';
import { hashPassword } from '../../server/accounts/password.js';
import { createToken } from '../../server/accounts/tokens.js';
import { checkCharacter } from '../../server/cases/id-number.js';
import { nowIso } from '../../server/db.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

const id = (first17: string) => first17 + checkCharacter(first17);
/** The full-width form of an ASCII string, as a Chinese input method types it (０–９, Ｘ). */
const fullWidth = (s: string) => s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe(`cases: intake against the person's other cases (${dialect})`, () => {
  let app: TestApp;
  let desk: Client, panzhou: Client;
  let homeId: number, otherHomeId: number, otherHomeName: string, token: string;

  const form = (over: Record<string, string> = {}) => ({
    facility_id: String(homeId),
    deceased_name: '周桂兰',
    id_number: '',
    sex: '',
    birth_date: '',
    death_at: '2026-11-20T06:30',
    death_place: '',
    death_certificate_no: '',
    contact_name: '周明',
    contact_phone: '13908581234',
    contact_relationship: '儿子',
    pickup_address: '',
    pickup_at: '',
    ...over,
  });
  const apiBody = (idNumber: string, over: Record<string, unknown> = {}) => ({
    facility_id: homeId,
    deceased: { name: '周桂兰', id_number: idNumber, death_at: '2026-11-21T08:00:00+08:00' },
    contact: { name: '周明', phone: '13908581234', relationship: '儿子' },
    ...over,
  });
  const api = (body: unknown) =>
    fetch(`${app.url}/api/v1/cases`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const casesOf = (idNumber: string) => app.db('funeral_cases').where({ id_number: idNumber }).orderBy('id');
  /** The errors summary of a page, as text. */
  const summary = (html: string) => textOf(/<div class="errors-summary"[\s\S]*?<\/div>/.exec(html)?.[0] ?? '');
  /** The warning listing the person's other cases, as HTML. */
  const existingBlock = (html: string) =>
    /<div class="warning" role="status" data-testid="existing-cases">[\s\S]*?<\/div>/.exec(html)?.[0] ?? '';

  before(async () => {
    app = await startApp();
    const homes = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').select('id', 'name');
    [homeId, otherHomeId] = homes.map((h) => h.id);
    otherHomeName = homes[1].name;
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
    panzhou = new Client(app.url);
    await panzhou.login('panzhou', 'Panzhou-2026');
    const me = await app.db('users').where({ username: 'frontdesk' }).first('id');
    token = (await createToken(app.db, null, me.id, 'hospital', null)).token;
  });
  after(() => app.close());

  it('refuses a second case while the first is under way at the same home, linking to it; nothing is written', async () => {
    const person = id('52020119380506002');
    const first = await desk.post('/staff/cases', form({ id_number: person }), { from: '/staff/cases/new' });
    expect(first.status).to.equal(302);
    const [open] = await casesOf(person);
    const again = await desk.post('/staff/cases', form({ id_number: person, deceased_name: '周桂兰（重复）' }), {
      from: '/staff/cases/new',
    });
    expect(again.status).to.equal(409);
    expect(summary(again.text)).to.contain('身份证号：此人已有办理中的案件。');
    const block = existingBlock(again.text);
    expect(block).to.contain(`<a href="/staff/cases/${open.id}">${open.case_number}</a>`);
    expect(textOf(block)).to.contain('此身份证号已有办理中的案件，不能再登记一次').and.contain('已登记');
    // No confirmation is offered: an open case is not overridden.
    expect(again.text).to.not.contain('name="confirm_duplicate"');
    expect(again.text).to.match(/name="deceased_name"[^>]*value="周桂兰（重复）"/);
    expect(await casesOf(person)).to.have.length(1);
    // Forcing the confirmation changes nothing.
    const forced = await desk.post(
      '/staff/cases',
      form({ id_number: person, confirm_duplicate: person, request_id: 'forced-1' }),
      { from: '/staff/cases/new' },
    );
    expect(forced.status).to.equal(409);
    expect(await casesOf(person)).to.have.length(1);
  });

  it('refuses a case whose person has one under way at another home, naming that home without a link', async () => {
    const person = id('52020119410202003');
    const theirs = await panzhou.post('/staff/cases', form({ facility_id: String(otherHomeId), id_number: person }), {
      from: '/staff/cases/new',
    });
    expect(theirs.status).to.equal(302);
    const [other] = await casesOf(person);
    const mine = await desk.post('/staff/cases', form({ id_number: person }), { from: '/staff/cases/new' });
    expect(mine.status).to.equal(409);
    const block = existingBlock(mine.text);
    expect(textOf(block)).to.contain(`${otherHomeName}的案件（其他殡仪馆，不能查看）`);
    expect(block).to.not.contain('href=').and.not.contain(other.case_number);
    expect(await casesOf(person)).to.have.length(1);
    // In English too, the summary names the field and the other home is named.
    const english = await signedIn(app, 'front_desk');
    await english.get('/lang/en');
    const en = await english.post('/staff/cases', form({ id_number: person }), { from: '/staff/cases/new' });
    expect(en.status).to.equal(409);
    expect(summary(en.text)).to.contain('ID number: This person already has a case under way.');
    expect(textOf(existingBlock(en.text))).to.contain(
      `a case at ${otherHomeName} (another funeral home; you cannot open it), Registered`,
    );

    const res = await api(apiBody(person));
    expect(res.status).to.equal(409);
    const body = await res.json();
    expect(body.code).to.equal('case_exists');
    expect(body.existing).to.deep.equal({
      status: 'registered',
      open: true,
      facility: { id: otherHomeId, name: otherHomeName },
    });
  });

  it('asks to confirm when the person has closed cases only, with links to them, and saves when confirmed', async () => {
    const person = id('52020119300101004');
    const made = await desk.post('/staff/cases', form({ id_number: person }), { from: '/staff/cases/new' });
    expect(made.status).to.equal(302);
    const [closed] = await casesOf(person);
    await app.db('funeral_cases').where({ id: closed.id }).update({ status: 'ashes_placed' });

    const ask = await desk.post('/staff/cases', form({ id_number: person, request_id: 'closed-1' }), {
      from: '/staff/cases/new',
    });
    expect(ask.status).to.equal(409);
    expect(summary(ask.text)).to.contain('身份证号：此人已有办理结束的案件，请核对后确认。');
    const block = existingBlock(ask.text);
    expect(block).to.contain(`<a href="/staff/cases/${closed.id}">${closed.case_number}</a>`);
    expect(textOf(block)).to.contain('骨灰已安放');
    expect(ask.text).to.match(
      new RegExp(`<input type="checkbox" id="confirm_duplicate" name="confirm_duplicate" value="${person}">`),
    );
    expect(await casesOf(person)).to.have.length(1);

    // A confirmation given for another ID number does not count for this one.
    const wrong = await desk.post(
      '/staff/cases',
      form({ id_number: person, request_id: 'closed-1', confirm_duplicate: id('52020119300101012') }),
      { from: '/staff/cases/new' },
    );
    expect(wrong.status).to.equal(409);

    const confirmed = await desk.post(
      '/staff/cases',
      form({ id_number: person, request_id: 'closed-1', confirm_duplicate: person }),
      { from: '/staff/cases/new' },
    );
    expect(confirmed.status).to.equal(302);
    const rows = await casesOf(person);
    expect(rows.map((r) => r.status)).to.deep.equal(['ashes_placed', 'registered']);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'funeral_case', action: 'create', entity_id: String(rows[1].id) })
      .first();
    expect(JSON.parse(audit.after).confirmed_despite_cases).to.deep.equal([closed.id]);
  });

  it('answers the JSON intake with 409 case_exists and the open case, or case_exists_closed until confirm_duplicate is true', async () => {
    const person = id('52020119350303005');
    const first = await api(apiBody(person));
    expect(first.status).to.equal(201);
    const made = await first.json();

    const open = await api(apiBody(person, { confirm_duplicate: true }));
    expect(open.status).to.equal(409);
    const openBody = await open.json();
    expect(openBody.code).to.equal('case_exists');
    expect(openBody.error).to.equal('case_exists');
    expect(openBody.message).to.be.a('string').and.not.equal('');
    expect(openBody.existing).to.deep.equal({
      id: made.id,
      case_number: made.case_number,
      status: 'registered',
      open: true,
      facility: { id: homeId, name: (await app.db('facilities').where({ id: homeId }).first('name')).name },
    });

    await app.db('funeral_cases').where({ id: made.id }).update({ status: 'ashes_released' });
    const closed = await api(apiBody(person));
    expect(closed.status).to.equal(409);
    const closedBody = await closed.json();
    expect(closedBody.code).to.equal('case_exists_closed');
    expect(closedBody.existing).to.include({ id: made.id, status: 'ashes_released', open: false });
    expect(closedBody.cases).to.have.length(1);
    // Only a JSON true confirms: the string "true" is not a confirmation.
    expect((await api(apiBody(person, { confirm_duplicate: 'true' }))).status).to.equal(409);
    const confirmed = await api(apiBody(person, { confirm_duplicate: true }));
    expect(confirmed.status).to.equal(201);
    expect(await casesOf(person)).to.have.length(2);
  });

  it('opens exactly one case for 20 concurrent intakes of one person; the other 19 get 409 case_exists', async () => {
    const person = id('52020119450909006');
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api(apiBody(person, { request_id: `race-${i}` })).then(async (r) => ({
          status: r.status,
          body: await r.json(),
        })),
      ),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).to.deep.equal([201, ...Array(19).fill(409)]);
    const winner = replies.find((r) => r.status === 201)!.body;
    for (const r of replies.filter((x) => x.status === 409)) {
      expect(r.body.code).to.equal('case_exists');
      expect(r.body.existing.id).to.equal(winner.id);
    }
    expect(await casesOf(person)).to.have.length(1);
    expect(
      await app.db('audit_log').where({ entity: 'funeral_case', action: 'create', entity_id: String(winner.id) }),
    ).to.have.length(1);
  });

  it('stores an ID number typed full-width, with spaces and hyphens, or with a lower-case x, as the 18 characters', async () => {
    const plain = id('52020119460606007');
    const typed = `${fullWidth(plain.slice(0, 6))}\u3000${plain.slice(6, 14)}－${fullWidth(plain.slice(14))}`;
    expect(typed).to.not.equal(plain);
    const res = await desk.post('/staff/cases', form({ id_number: typed }), { from: '/staff/cases/new' });
    expect(res.status).to.equal(302);
    expect(await casesOf(plain)).to.have.length(1);

    const withX = id('11010519491231002'); // ends in X
    expect(withX.endsWith('X')).to.equal(true);
    const spaced = `${withX.slice(0, 6)} ${withX.slice(6, 14)}-${withX.slice(14, 17)} x`;
    const viaApi = await api(apiBody(spaced));
    expect(viaApi.status).to.equal(201);
    expect((await casesOf(withX)).map((c) => c.sex)).to.deep.equal(['female']);

    // Typed another way, the same person is still the same person.
    const again = await api(apiBody(fullWidth(withX)));
    expect(again.status).to.equal(409);
    expect((await again.json()).code).to.equal('case_exists');

    // Still checked after normalising: a wrong check digit typed full-width is refused.
    const wrong = await desk.post('/staff/cases', form({ id_number: fullWidth('520201194003150019') }), {
      from: '/staff/cases/new',
    });
    expect(wrong.status).to.equal(400);
    expect(summary(wrong.text)).to.contain('身份证号：校验位不正确，请核对。');
  });

  it('finds a case by an ID number typed full-width or with spaces and hyphens, in full or its last four', async () => {
    const plain = id('52020119460606007'); // stored by the test above
    const byFull = await desk.post(
      '/staff/cases/search',
      { q: `${fullWidth(plain.slice(0, 9))} ${plain.slice(9)}` },
      {
        from: '/staff/cases',
      },
    );
    expect(byFull.status).to.equal(200);
    expect(textOf(byFull.text))
      .to.contain('周桂兰')
      .and.contain(`520201********${plain.slice(-4)}`);
    expect(textOf(byFull.text)).to.not.contain('没有符合条件的案件');
    const byLastFour = await desk.post('/staff/cases/search', { q: fullWidth(plain.slice(-4)) });
    expect(textOf(byLastFour.text)).to.contain(`520201********${plain.slice(-4)}`);
    // A full number typed into the list's URL, in any width, is dropped from it at once.
    const typed = await desk.get(
      `/staff/cases?q=${encodeURIComponent(`${fullWidth(plain.slice(0, 6))}-${plain.slice(6)}`)}`,
    );
    expect(typed.status).to.equal(303);
    expect(typed.location).to.equal('/staff/cases');
  });

  it('names each field in the error summary, linked to the field, on the intake form', async () => {
    const res = await desk.post(
      '/staff/cases',
      form({ deceased_name: '', id_number: '520201194003150019', contact_phone: '0851', household_region: '999999' }),
      { from: '/staff/cases/new' },
    );
    expect(res.status).to.equal(400);
    const text = summary(res.text);
    expect(text)
      .to.contain('逝者姓名：此项必填。')
      .and.contain('身份证号：校验位不正确，请核对。')
      .and.contain('手机号码：请填写 11 位手机号码。');
    // Each line links to an element of the page with that id.
    const links = [
      ...(/<div class="errors-summary"[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '').matchAll(/href="#([^"]+)"/g),
    ].map((m) => m[1]);
    expect(links).to.include.members(['deceased_name', 'id_number', 'contact_phone']);
    for (const l of links) expect(res.text, l).to.contain(`id="${l}"`);
  });

  it('names each field in the error summary on another form (a new user account)', async () => {
    const admin = await signedIn(app, 'admin');
    const res = await admin.post(
      '/staff/users',
      { username: '', display_name: '', role: 'front_desk', facility_id: '', password: 'x' },
      { from: '/staff/users/new' },
    );
    expect(res.status).to.equal(400);
    const text = summary(res.text);
    expect(text)
      .to.match(/用户名：\S/)
      .and.to.match(/姓名\/称呼：\S/);
    expect(res.text).to.match(/<a href="#username">用户名：/);
  });
});

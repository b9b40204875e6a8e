// The front desk's day on /staff: pickups due, bodies in storage, farewells and cremations by hour with their cases'
// status, balances owed, papers missing and the week's bookings, all of the user's own funeral home on today's date in Asia/Shanghai; admin picks a
// home, the bureau and cemetery staff keep their dashboards. Dates are built with luxon in Shanghai, so the suite
// holds at any hour.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { facilityId, HOME, insertCase, OTHER_HOME, resourceId, userWithToken } from '../cremation/fixtures.js';
import { casesOwing, papersMissing } from '../../server/cases/service.js';
import { OWING_SHOWN, PAPERS_SHOWN } from '../../server/staff/service.js';
import { zone } from '../../server/time.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';

const today = () => DateTime.now().setZone(zone).startOf('day');
/** The UTC instant of a Shanghai wall-clock time some days from today. */
const at = (days: number, hhmm: string) =>
  DateTime.fromISO(`${today().plus({ days }).toISODate()}T${hhmm}`, { zone })
    .toUTC()
    .toISO()!;

/** The text of one dashboard section (views/partials/today/<name>.hbs), or '' when the page has none. */
function section(html: string, name: string): string {
  const start = html.indexOf(`aria-labelledby="today-${name}"`);
  if (start < 0) return '';
  return textOf(html.slice(start, html.indexOf('</section>', start)));
}

describe(`staff: today's work on the dashboard (${dialect})`, () => {
  let app: TestApp;
  let desk: Client;
  let home: number, other: number;

  const book = async (
    kind: 'hall' | 'cremator',
    caseId: number,
    resource: number,
    starts: string,
    status = 'booked',
  ) => {
    const now = new Date().toISOString();
    await app.db(kind === 'hall' ? 'hall_bookings' : 'cremation_bookings').insert({
      case_id: caseId,
      [kind === 'hall' ? 'hall_id' : 'cremator_id']: resource,
      starts_at: starts,
      ends_at: DateTime.fromISO(starts).plus({ hours: 1 }).toUTC().toISO(),
      status,
      created_at: now,
      updated_at: now,
    });
  };
  const pickup = (id: number, address: string, when: string) =>
    app.db('funeral_cases').where({ id }).update({ pickup_at: when, pickup_address: address });
  /** Lines, deductions and payments of a case so that its balance is `owed` fen (of a total of owed + paid + waived). */
  const account = async (caseId: number, facility: number, owed: number, paid = 0, waived = 0) => {
    const now = new Date().toISOString();
    const item = await app.db('price_items').where({ facility_id: facility }).first('id', 'code', 'name_zh');
    const total = owed + paid + waived;
    await app.db('case_lines').insert({
      case_id: caseId,
      price_item_id: item.id,
      code: item.code,
      name_zh: item.name_zh,
      category: 'basic',
      unit: 'time',
      quantity: 1,
      unit_price_fen: total,
      amount_fen: total,
      created_at: now,
    });
    if (paid) await app.db('case_payments').insert({ case_id: caseId, method: 'cash', amount_fen: paid, paid_at: now });
    if (waived)
      await app
        .db('case_deductions')
        .insert({ case_id: caseId, source: 'waiver', label: '惠民减免', amount_fen: waived, created_at: now });
  };

  let tags = 0;
  /** The body of a case in a home's custody, received at `received`, with its places in order (the last current). */
  const keep = async (
    caseId: number,
    facility: number,
    received: string,
    places: { kind: string; slot?: [fridge: string, number: number]; at: string }[] = [],
    status = 'in_custody',
  ) => {
    const clerk = (await app.db('users').where({ username: 'frontdesk' }).first('id')).id;
    tags += 1;
    await app.db('body_custody').insert({
      case_id: caseId,
      facility_id: facility,
      status,
      tag_number: `TAG-${process.pid}-${tags}`,
      received_at: received,
      received_by: clerk,
      handed_over_by: '接运司机',
      recorded_by: clerk,
      created_at: received,
      updated_at: received,
    });
    for (const [i, p] of places.entries()) {
      const slot = p.slot
        ? (
            await app
              .db('fridge_slots as s')
              .join('fridges as f', 'f.id', 's.fridge_id')
              .where({ 'f.facility_id': facility, 'f.name': p.slot[0], 's.number': p.slot[1] })
              .first('s.id')
          ).id
        : null;
      const last = i === places.length - 1 && status === 'in_custody';
      await app.db('custody_moves').insert({
        case_id: caseId,
        facility_id: facility,
        place_kind: p.kind,
        slot_id: slot,
        moved_at: p.at,
        ended_at: last ? null : (places[i + 1]?.at ?? p.at),
        moved_by: clerk,
      });
    }
  };
  /** Sets a paper's state on a case. */
  const paper = async (caseId: number, kind: string, state = 'received') => {
    const clerk = (await app.db('users').where({ username: 'frontdesk' }).first('id')).id;
    await app
      .db('case_documents')
      .insert({ case_id: caseId, kind, state, updated_by: clerk, updated_at: new Date().toISOString() });
  };

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db, HOME);
    other = await facilityId(app.db, OTHER_HOME);
    desk = await signedIn(app, 'front_desk');
  });
  after(() => app.close());

  it("shows today's date in Chinese with its weekday", async () => {
    const d = today();
    const weekday = ['星期一', '星期二', '星期三', '星期四', '星期五', '星期六', '星期日'][d.weekday - 1];
    const text = textOf((await desk.get('/staff')).text);
    expect(text).to.contain(`今日工作 · ${HOME}`);
    expect(text).to.contain(`${d.year}年${d.month}月${d.day}日 ${weekday}`);
  });

  it('lists pickups due today and overdue ones not yet received, never later, received or other homes’ ones', async () => {
    const dueLate = await insertCase(app.db, home, { status: 'registered', deceased_name: '接运甲' });
    await pickup(dueLate, '钟山区人民医院太平间', at(0, '23:30'));
    const dueEarly = await insertCase(app.db, home, { status: 'registered', deceased_name: '接运乙' });
    await pickup(dueEarly, '凤凰社区 12 栋', at(0, '00:10'));
    const overdue = await insertCase(app.db, home, { status: 'registered', deceased_name: '接运丙' });
    await pickup(overdue, '水城区医院', at(-2, '16:30'));
    const tomorrow = await insertCase(app.db, home, { status: 'registered', deceased_name: '接运丁' });
    await pickup(tomorrow, '明天的地址', at(1, '00:00'));
    const received = await insertCase(app.db, home, { status: 'body_received', deceased_name: '接运戊' });
    await pickup(received, '已接收的地址', at(0, '09:00'));
    const elsewhere = await insertCase(app.db, other, { status: 'registered', deceased_name: '接运己' });
    await pickup(elsewhere, '盘州的地址', at(0, '09:00'));

    const res = await desk.get('/staff');
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const text = section(res.text, 'pickups');
    expect(text).to.contain('接运甲').and.contain('23:30').and.contain('钟山区人民医院太平间');
    expect(text).to.contain('接运乙').and.contain('00:10');
    expect(text)
      .to.contain('接运丙')
      .and.contain(`${today().minus({ days: 2 }).toISODate()} 16:30 逾期未接`);
    expect(text).to.not.contain('接运丁').and.not.contain('接运戊').and.not.contain('接运己');
    // Overdue first, then today's in time order; each links to its case.
    expect(text.indexOf('接运丙')).to.be.below(text.indexOf('接运乙'));
    expect(text.indexOf('接运乙')).to.be.below(text.indexOf('接运甲'));
    expect(res.text).to.contain(`href="/staff/cases/${dueLate}"`);
  });

  it('groups today’s farewells and cremations by hour with each case’s number, deceased and status', async () => {
    const hall = await resourceId(app.db, 'farewell_halls', home, '福寿厅');
    const cremator = await resourceId(app.db, 'cremators', home, '1号炉');
    const a = await insertCase(app.db, home, { status: 'stored', deceased_name: '日程甲' });
    const b = await insertCase(app.db, home, { status: 'farewell_done', deceased_name: '日程乙' });
    const cancelled = await insertCase(app.db, home, { status: 'stored', deceased_name: '日程丙' });
    const tomorrow = await insertCase(app.db, home, { status: 'stored', deceased_name: '日程丁' });
    await book('hall', a, hall, at(0, '08:00'));
    await book('cremator', a, cremator, at(0, '10:00'));
    await book('cremator', b, cremator, at(0, '08:00'));
    await book('cremator', cancelled, cremator, at(0, '11:00'), 'cancelled');
    await book('cremator', tomorrow, cremator, at(1, '08:00'));
    const otherHall = await resourceId(app.db, 'farewell_halls', other, '福寿厅');
    const elsewhere = await insertCase(app.db, other, { status: 'stored', deceased_name: '日程戊' });
    await book('hall', elsewhere, otherHall, at(0, '09:00'));

    const res = await desk.get('/staff');
    const text = section(res.text, 'schedule');
    const number = async (id: number) => (await app.db('funeral_cases').where({ id }).first('case_number')).case_number;
    // 08:00: the farewell before the cremation at the same hour.
    expect(text).to.match(
      new RegExp(
        `08:00 时段 08:00 告别 福寿厅 ${await number(a)} 日程甲 冷藏保存 08:00 火化 1号炉（平板炉） ${await number(b)} 日程乙 告别完成`,
      ),
    );
    expect(text).to.match(new RegExp(`10:00 时段 10:00 火化 1号炉（平板炉） ${await number(a)} 日程甲 冷藏保存`));
    expect(text).to.not.contain('日程丙').and.not.contain('日程丁').and.not.contain('日程戊');
    expect(res.text).to.contain(`href="/staff/cases/${b}"`);
  });

  // The demo data may leave money owed at the home already (a closed case with 挂账): counted on top of it.
  const yuan = (fen: number) => (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2 });

  it('lists cases with a balance owed, largest first, with their count and sum, never other homes’ cases', async () => {
    const before = await casesOwing(app.db, home, 1);
    const big = await insertCase(app.db, home, { deceased_name: '欠费甲' });
    await account(big, home, 380000, 50000, 10000);
    const small = await insertCase(app.db, home, { deceased_name: '欠费乙' });
    await account(small, home, 30000);
    const settled = await insertCase(app.db, home, { deceased_name: '结清丙' });
    await account(settled, home, 0, 60000, 20000);
    const overpaid = await insertCase(app.db, home, { deceased_name: '多付丁' });
    await account(overpaid, home, -10000, 70000);
    const elsewhere = await insertCase(app.db, other, { deceased_name: '欠费戊' });
    await account(elsewhere, other, 99900);

    const text = section((await desk.get('/staff')).text, 'owing');
    expect(text).to.contain(`共 ${before.count + 2} 件欠费，合计 ¥${yuan(before.total_fen + 410000)}。`);
    expect(text).to.match(/欠费甲 冷藏保存 ¥3,800\.00 .*欠费乙 冷藏保存 ¥300\.00/);
    expect(text).to.not.contain('结清丙').and.not.contain('多付丁').and.not.contain('欠费戊');
  });

  it(`lists only the ${OWING_SHOWN} largest balances but counts and sums them all`, async () => {
    const before = await casesOwing(app.db, home, 1);
    for (let i = 1; i <= OWING_SHOWN; i += 1) {
      const id = await insertCase(app.db, home, { deceased_name: `小额${i}` });
      await account(id, home, 100 * i); // ¥1 … ¥10, all smaller than the two above
    }
    const text = section((await desk.get('/staff')).text, 'owing');
    const n = before.count + OWING_SHOWN;
    const sum = before.total_fen + (100 * OWING_SHOWN * (OWING_SHOWN + 1)) / 2;
    expect(text).to.contain(`共 ${n} 件欠费，合计 ¥${yuan(sum)}。`);
    expect(text).to.contain(`按金额列出前 ${OWING_SHOWN} 件。`);
    expect(text).to.contain('欠费甲').and.contain(`小额${OWING_SHOWN}`);
    expect(text).to.not.contain('小额1 ').and.not.contain('小额2 ');
  });

  it('shows a week of bookings from today by day, time and resource, nothing from the eighth day on', async () => {
    const hall = await resourceId(app.db, 'farewell_halls', home, '思源厅');
    const cremator = await resourceId(app.db, 'cremators', home, '3号炉');
    const last = await insertCase(app.db, home, { deceased_name: '一周甲' });
    const beyond = await insertCase(app.db, home, { deceased_name: '一周乙' });
    await book('hall', last, hall, at(6, '15:00'));
    await book('cremator', beyond, cremator, at(7, '07:00'));
    const text = section((await desk.get('/staff')).text, 'week');
    const day = (n: number) => today().plus({ days: n });
    const label = (n: number) => `${day(n).year}年${day(n).month}月${day(n).day}日`;
    expect(text)
      .to.contain(`${label(0)} 周`)
      .and.contain('今天');
    expect(text).to.match(new RegExp(`${label(6)} 周. 15:00 告别 思源厅 · \\S+ 一周甲`));
    expect(text).to.contain('08:00 告别 福寿厅'); // today's, from the test before
    expect(text).to.match(new RegExp(`${label(1)} 周. 08:00 火化 1号炉（平板炉） · \\S+ 日程丁`));
    expect(text).to.not.contain(label(7)).and.not.contain('一周乙');
  });

  it('lists the bodies in storage longest first, with tag, place, since when and days, never other homes’ or gone ones', async () => {
    const fridged = await insertCase(app.db, home, { deceased_name: '在馆甲' });
    // Received four days ago, into a fridge three days ago, now in the dressing room: stored from the fridge on.
    await keep(fridged, home, at(-4, '09:00'), [
      { kind: 'fridge_slot', slot: ['A柜', 5], at: at(-3, '10:00') },
      { kind: 'dressing_room', at: at(0, '00:05') },
    ]);
    const cold = await insertCase(app.db, home, { deceased_name: '在馆乙' });
    await keep(cold, home, at(-1, '23:50'), [{ kind: 'fridge_slot', slot: ['B柜', 3], at: at(-1, '23:55') }]);
    const unplaced = await insertCase(app.db, home, { status: 'body_received', deceased_name: '在馆丙' });
    await keep(unplaced, home, at(0, '00:01'));
    const farewell = await insertCase(app.db, home, { status: 'farewell_done', deceased_name: '在馆丁' });
    await keep(farewell, home, at(-2, '08:00'), [
      { kind: 'fridge_slot', slot: ['A柜', 6], at: at(-2, '08:30') },
      { kind: 'farewell_hall', at: at(0, '00:02') },
    ]);
    // Gone: released, cremated (its ashes wait; the body is no longer kept), withdrawn, and another home's.
    const released = await insertCase(app.db, home, { status: 'ashes_released', deceased_name: '离馆甲' });
    await keep(
      released,
      home,
      at(-9, '08:00'),
      [{ kind: 'fridge_slot', slot: ['A柜', 7], at: at(-9, '09:00') }],
      'released',
    );
    const cremated = await insertCase(app.db, home, { status: 'cremated', deceased_name: '离馆乙' });
    await keep(
      cremated,
      home,
      at(-8, '08:00'),
      [{ kind: 'fridge_slot', slot: ['A柜', 8], at: at(-8, '09:00') }],
      'released',
    );
    await app.db('body_custody').where({ case_id: cremated }).update({ status: 'in_custody' });
    const withdrawn = await insertCase(app.db, home, { status: 'withdrawn', deceased_name: '离馆丙' });
    await keep(withdrawn, home, at(-7, '08:00'));
    const elsewhere = await insertCase(app.db, other, { deceased_name: '他馆甲' });
    await keep(elsewhere, other, at(-5, '08:00'), [{ kind: 'dressing_room', at: at(-5, '08:10') }]);

    const res = await desk.get('/staff');
    const text = section(res.text, 'storage');
    const number = async (id: number) => (await app.db('funeral_cases').where({ id }).first('case_number')).case_number;
    const day = (n: number) => today().plus({ days: n }).toISODate();
    expect(text).to.contain('在馆遗体 4').and.contain('共 4 具，存放最久的在前。');
    expect(text).to.contain(
      `${await number(fridged)} 在馆甲 TAG-${process.pid}-1 整容室 ${day(-3)!.slice(5)} 10:00 4 天`,
    );
    expect(text).to.contain(`在馆丁 TAG-${process.pid}-4 告别厅 ${day(-2)!.slice(5)} 08:30 3 天`);
    expect(text).to.contain(`在馆乙 TAG-${process.pid}-2 B柜 3 号格 ${day(-1)!.slice(5)} 23:55 2 天`);
    expect(text).to.contain(`在馆丙 TAG-${process.pid}-3 尚未安置 ${day(0)!.slice(5)} 00:01 1 天`);
    const order = ['在馆甲', '在馆丁', '在馆乙', '在馆丙'].map((n) => text.indexOf(n));
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(text).to.not.contain('离馆').and.not.contain('他馆甲');
    expect(res.text).to.contain(`href="/staff/cases/${fridged}"`);
    expect(res.text).to.contain(`href="/staff/funeral-homes/${home}/fridges"`);
  });

  it('lists open and cremated cases missing a required paper, newest first, with the papers, never other homes’ or closed ones', async () => {
    const stamp = (id: number, seconds: number) =>
      app
        .db('funeral_cases')
        .where({ id })
        .update({ created_at: new Date(Date.now() + seconds * 1000).toISOString() });
    const none = await insertCase(app.db, home, { status: 'registered', deceased_name: '缺材甲' });
    await stamp(none, 1);
    const some = await insertCase(app.db, home, { deceased_name: '缺材乙' });
    await paper(some, 'death_certificate');
    await paper(some, 'id_copy', 'missing');
    await paper(some, 'household_cancellation');
    await stamp(some, 2);
    const cremated = await insertCase(app.db, home, { status: 'cremated', deceased_name: '缺材丙' });
    for (const k of ['death_certificate', 'id_copy']) await paper(cremated, k);
    await stamp(cremated, 3);
    // All required papers received (the household cancellation is not required): not listed.
    const complete = await insertCase(app.db, home, { deceased_name: '齐全丁' });
    for (const k of ['death_certificate', 'id_copy', 'authorisation']) await paper(complete, k);
    await stamp(complete, 4);
    const closed = await insertCase(app.db, home, { status: 'ashes_released', deceased_name: '结案戊' });
    const withdrawn = await insertCase(app.db, home, { status: 'withdrawn', deceased_name: '撤销己' });
    await stamp(closed, 5);
    await stamp(withdrawn, 5);
    const elsewhere = await insertCase(app.db, other, { deceased_name: '他馆缺材' });
    await stamp(elsewhere, 6);

    const expected = await papersMissing(app.db, home, 1);
    const text = section((await desk.get('/staff')).text, 'papers');
    expect(text).to.contain(`共 ${expected.count} 件在办案件缺少结案必需材料。`);
    expect(text).to.match(
      /缺材丙 已火化 委托书（签字） .*缺材乙 冷藏保存 身份证复印件 、 委托书（签字） .*缺材甲 已登记/,
    );
    expect(text).to.match(/缺材甲 已登记 死亡医学证明 、 身份证复印件 、 委托书（签字）/);
    expect(text)
      .to.not.contain('齐全丁')
      .and.not.contain('结案戊')
      .and.not.contain('撤销己')
      .and.not.contain('他馆缺材');
    expect(text).to.not.contain('户口注销证明');
  });

  it(`lists only the newest ${PAPERS_SHOWN} cases missing papers but counts them all`, async () => {
    for (let i = 0; i < PAPERS_SHOWN; i += 1) {
      const id = await insertCase(app.db, home, { deceased_name: `补材${i}` });
      await app
        .db('funeral_cases')
        .where({ id })
        .update({ created_at: new Date(Date.now() + (10 + i) * 1000).toISOString() });
    }
    const { count } = await papersMissing(app.db, home, 1);
    expect(count).to.be.above(PAPERS_SHOWN);
    const res = await desk.get('/staff');
    const text = section(res.text, 'papers');
    expect(text).to.contain(`共 ${count} 件在办案件缺少结案必需材料。 仅列出最新的 ${PAPERS_SHOWN} 件。`);
    const rows = res.text.slice(res.text.indexOf('aria-labelledby="today-papers"')).split('</section>')[0];
    expect(rows.match(/<tr>/g)).to.have.length(PAPERS_SHOWN + 1); // the header row and the cases
    expect(text).to.not.contain('缺材甲');
  });

  it('says so when a home has nothing to do today', async () => {
    const empty = await app.db('facilities').where({ name: OTHER_HOME }).first();
    const [row] = await app
      .db('facilities')
      .insert({ ...empty, id: undefined, name: '空闲殡仪馆（测试）' })
      .returning('id');
    const idle = typeof row === 'object' ? row.id : row;
    await userWithToken(app.db, 'idle-desk', 'front_desk', idle);
    const c = new Client(app.url);
    await c.login('idle-desk');
    const res = await c.get('/staff');
    expect(section(res.text, 'pickups')).to.contain('今日无待接运。');
    expect(section(res.text, 'schedule')).to.contain('今日没有告别厅或火化炉预约。');
    expect(section(res.text, 'owing')).to.contain('没有欠费案件。');
    expect(section(res.text, 'storage')).to.contain('目前没有在馆遗体。');
    expect(section(res.text, 'papers')).to.contain('在办案件的结案必需材料均已收齐。');
    expect(section(res.text, 'week').match(/无预约/g)).to.have.length(7);
  });

  it('lets admin pick a funeral home to see its day, and answers 404 for anything but a funeral home', async () => {
    const admin = await signedIn(app, 'admin');
    const plain = await admin.get('/staff');
    expect(plain.status).to.equal(200);
    expect(plain.text).to.not.contain('aria-labelledby="today-pickups"');
    expect(plain.text).to.contain('设施登记情况'); // the registry overview stays
    expect(plain.text).to.match(new RegExp(`<option value="${other}">${OTHER_HOME}</option>`));
    const picked = await admin.get(`/staff?home=${other}`);
    expect(picked.status).to.equal(200);
    expect(textOf(picked.text)).to.contain(`今日工作 · ${OTHER_HOME}`);
    expect(section(picked.text, 'pickups')).to.contain('接运己').and.not.contain('接运甲');
    expect(section(picked.text, 'owing')).to.contain('欠费戊');
    expect(section(picked.text, 'storage')).to.contain('他馆甲').and.not.contain('在馆甲');
    expect(section(picked.text, 'papers')).to.contain('他馆缺材').and.not.contain('缺材甲');
    expect(picked.text).to.match(new RegExp(`<option value="${other}" selected>`));
    const columbarium = await app.db('facilities').where({ kind: 'columbarium' }).first('id');
    expect((await admin.get(`/staff?home=${columbarium.id}`)).status).to.equal(404);
    expect((await admin.get('/staff?home=')).status).to.equal(200);
  });

  it('shows the front desk its own home whatever home is asked for', async () => {
    const res = await desk.get(`/staff?home=${other}`);
    expect(res.status).to.equal(200);
    expect(textOf(res.text)).to.contain(`今日工作 · ${HOME}`);
    expect(section(res.text, 'pickups')).to.not.contain('接运己');
  });

  it('keeps the bureau’s and cemetery staff’s dashboards without a day, even when a home is asked for', async () => {
    for (const role of ['bureau', 'cemetery_staff'] as const) {
      const c = await signedIn(app, role);
      const res = await c.get(`/staff?home=${home}`);
      expect(res.status, role).to.equal(200);
      expect(res.text, role).to.not.contain('today-pickups').and.not.contain('接运甲').and.not.contain('欠费甲');
      expect(res.text, role).to.not.contain('name="home"');
    }
  });
});

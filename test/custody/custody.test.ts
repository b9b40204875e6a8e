// Body custody over HTTP: receiving a body, one body per slot under concurrent requests, moves in order on the
// timeline, the fridge board, release to a recipient with a checked ID number, other homes and roles refused.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import {
  BAD_CHECK_ID,
  facilityId,
  freshTag,
  insertCase,
  localIn,
  OTHER_HOME,
  RECIPIENT_ID,
  userId,
} from './fixtures.js';

describe(`custody: receiving, storing, moving and releasing a body (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let desk: Client;
  let home: number;
  let other: number;
  let clerk: number;

  before(async () => {
    app = await startApp();
    db = app.db;
    desk = await signedIn(app, 'front_desk');
    home = await facilityId(db);
    other = await facilityId(db, OTHER_HOME);
    clerk = await userId(db, 'frontdesk');
  });
  after(() => app.close());

  const slotId = async (fridge: string, number: number, facility = home): Promise<number> =>
    (
      await db('fridge_slots as s')
        .join('fridges as f', 'f.id', 's.fridge_id')
        .where({ 'f.facility_id': facility, 'f.name': fridge, 's.number': number })
        .first('s.id')
    ).id;

  const receiveForm = (over: Record<string, string> = {}) => ({
    received_by: String(clerk),
    received_at: localIn(-60),
    handed_over_by: '接运司机 李师傅',
    tag_number: freshTag(),
    condition_note: '',
    ...over,
  });

  async function receive(caseId: number, over: Record<string, string> = {}) {
    return desk.post(`/staff/cases/${caseId}/custody/receive`, receiveForm(over), {
      from: `/staff/cases/${caseId}/custody/receive`,
    });
  }

  async function move(caseId: number, place: string, client = desk) {
    const page = await client.get(`/staff/cases/${caseId}/custody/move`);
    const current = /name="current" value="(\d*)"/.exec(page.text)?.[1] ?? '';
    return client.post(`/staff/cases/${caseId}/custody/move`, { place, current, note: '' });
  }

  const openMove = (caseId: number) => db('custody_moves').where({ case_id: caseId }).whereNull('ended_at').first();

  it('receives a body: who, when, from whom and the tag are recorded and the case moves to body received', async () => {
    const c = await insertCase(db, home);
    const tag = freshTag();
    const res = await receive(c, { tag_number: tag.toLowerCase(), condition_note: '面部有擦伤' });
    expect(res.status, textOf(res.text).slice(0, 400)).to.equal(302);
    expect(res.location).to.equal(`/staff/cases/${c}`);
    const row = await db('body_custody').where({ case_id: c }).first();
    expect(row).to.include({ tag_number: tag, handed_over_by: '接运司机 李师傅', status: 'in_custody' });
    expect(row.received_by).to.equal(clerk);
    expect((await db('funeral_cases').where({ id: c }).first('status')).status).to.equal('body_received');
    const page = textOf((await desk.get(`/staff/cases/${c}`)).text);
    expect(page).to.contain('遗体监管').and.contain(tag).and.contain('面部有擦伤').and.contain('接收遗体');
  });

  it('refuses a receiving time in the future and a tag already on a body in this home’s custody', async () => {
    const c = await insertCase(db, home);
    const future = await receive(c, { received_at: localIn(120) });
    expect(future.status).to.equal(400);
    expect(textOf(future.text)).to.contain('接收时间不能晚于现在。');

    const first = await insertCase(db, home);
    const tag = freshTag();
    expect((await receive(first, { tag_number: tag })).status).to.equal(302);
    const dup = await receive(c, { tag_number: tag });
    expect(dup.status).to.equal(409);
    expect(textOf(dup.text)).to.contain('本馆在馆遗体中已有这个标识牌号。');
    expect(await db('body_custody').where({ case_id: c }).first()).to.equal(undefined);
    expect((await db('funeral_cases').where({ id: c }).first('status')).status).to.equal('registered');
    // Another home may use the same tag.
    const elsewhere = await insertCase(db, other);
    const admin = await signedIn(app, 'admin');
    const there = await admin.post(
      `/staff/cases/${elsewhere}/custody/receive`,
      { ...receiveForm({ tag_number: tag }), received_by: String(await userId(db, 'admin')) },
      { from: `/staff/cases/${elsewhere}/custody/receive` },
    );
    expect(there.status, textOf(there.text).slice(0, 300)).to.equal(302);
  });

  it('gives a slot to one body only when several are sent to it at once: the others get 409', async () => {
    const slot = await slotId('B柜', 8);
    const cases: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const c = await insertCase(db, home);
      expect((await receive(c)).status).to.equal(302);
      cases.push(c);
    }
    await desk.get(`/staff/cases/${cases[0]}/custody/move`);
    const answers = await Promise.all(
      cases.map((c) => desk.post(`/staff/cases/${c}/custody/move`, { place: `slot:${slot}`, current: '', note: '' })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).to.deep.equal([302, 409, 409, 409, 409, 409]);
    const lost = answers.find((a) => a.status === 409)!;
    expect(textOf(lost.text)).to.contain('该格位刚被占用，请选择其他格位。');
    expect(await db('custody_moves').where({ slot_id: slot }).whereNull('ended_at').count({ n: '*' })).to.deep.equal([
      { n: 1 },
    ]);
    const stored = await db('funeral_cases').whereIn('id', cases).where({ status: 'stored' }).pluck('id');
    expect(stored).to.have.length(1);
  });

  it('records every move in order with who and when; the last is the current place, and 火化间 frees the slot', async () => {
    const c = await insertCase(db, home);
    expect((await receive(c)).status).to.equal(302);
    const a3 = await slotId('A柜', 3);
    const a4 = await slotId('A柜', 4);
    expect((await move(c, `slot:${a3}`)).status).to.equal(302);
    expect((await db('funeral_cases').where({ id: c }).first('status')).status).to.equal('stored');
    expect((await move(c, 'dressing_room')).status).to.equal(302);
    expect((await move(c, `slot:${a4}`)).status).to.equal(302);
    expect((await move(c, 'farewell_hall')).status).to.equal(302);
    expect((await move(c, 'cremation_room')).status).to.equal(302);
    const moves = await db('custody_moves').where({ case_id: c }).orderBy('id');
    expect(moves.map((m) => m.place_kind)).to.deep.equal([
      'fridge_slot',
      'dressing_room',
      'fridge_slot',
      'farewell_hall',
      'cremation_room',
    ]);
    expect(moves.map((m) => m.moved_by)).to.deep.equal([clerk, clerk, clerk, clerk, clerk]);
    expect(moves.slice(0, -1).every((m) => m.ended_at !== null)).to.equal(true);
    expect((await openMove(c)).place_kind).to.equal('cremation_room');
    expect(await db('custody_moves').whereIn('slot_id', [a3, a4]).whereNull('ended_at').first()).to.equal(undefined);

    const page = textOf((await desk.get(`/staff/cases/${c}`)).text);
    const timeline = page.slice(page.indexOf('办理进度'));
    const order = [
      '接收遗体',
      '遗体已接收',
      '遗体移至 A柜 3 号格',
      '冷藏保存',
      '遗体移至 整容室',
      '遗体移至 A柜 4 号格',
      '遗体移至 告别厅',
      '遗体移至 火化间',
    ].map((s) => timeline.indexOf(s));
    expect(
      order.every((i) => i >= 0),
      JSON.stringify(order),
    ).to.equal(true);
    expect([...order].sort((x, y) => x - y)).to.deep.equal(order);
    expect(page).to.contain('当前位置 火化间');
  });

  it('refuses a stale move form: the body was moved meanwhile (409)', async () => {
    const c = await insertCase(db, home);
    expect((await receive(c)).status).to.equal(302);
    const page = await desk.get(`/staff/cases/${c}/custody/move`);
    expect((await move(c, `slot:${await slotId('A柜', 5)}`)).status).to.equal(302);
    const stale = await desk.post(`/staff/cases/${c}/custody/move`, {
      place: 'dressing_room',
      current: /name="current" value="(\d*)"/.exec(page.text)![1],
      note: '',
    });
    expect(stale.status).to.equal(409);
    expect(textOf(stale.text)).to.contain('遗体位置已被他人更新');
  });

  it('draws the fridge board: occupied slots with case, name, since when and days; free and out-of-service slots', async () => {
    const c = await insertCase(db, home);
    expect((await receive(c)).status).to.equal(302);
    const b2 = await slotId('B柜', 2);
    expect((await move(c, `slot:${b2}`)).status).to.equal(302);
    const { case_number, deceased_name } = await db('funeral_cases').where({ id: c }).first();
    const res = await desk.get(`/staff/funeral-homes/${home}/fridges`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const cards = [...res.text.matchAll(/<li class="fs-slot fs-(\w+)">([\s\S]*?)<\/li>/g)];
    const mine = cards.find((m) => m[2].includes(`/staff/cases/${c}"`));
    expect(mine, 'the occupied slot').to.not.equal(undefined);
    expect(mine![1]).to.equal('occupied');
    expect(textOf(mine![2]))
      .to.contain('2 号格')
      .and.contain('占用')
      .and.contain(case_number)
      .and.contain(deceased_name);
    expect(textOf(mine![2])).to.contain('冷藏第 1 天').and.contain('入格时间');
    const out = cards.find((m) => m[1] === 'out_of_service');
    expect(textOf(out![2])).to.contain('停用').and.contain('压缩机检修');
    expect(cards.some((m) => m[1] === 'free' && textOf(m[2]).includes('空闲'))).to.equal(true);
    expect(textOf(res.text)).to.contain('图例');
    // Each slot's settings link names its fridge and slot for a screen reader ("格位设置 B柜 2 号格").
    expect(mine![2]).to.match(/格位设置<span class="visually-hidden"> B柜 2 号格<\/span>/);
    expect(res.text).not.to.include('[object Object]');
  });

  it('counts days in storage from the first day in a fridge (Shanghai calendar days)', async () => {
    const { daysInStorage } = await import('../../server/custody/service.js');
    expect(daysInStorage('2026-12-01T15:59:00.000Z', '2026-12-01')).to.equal(1); // 23:59 that day in Shanghai
    expect(daysInStorage('2026-12-01T16:00:00.000Z', '2026-12-02')).to.equal(1); // 00:00 the next day
    expect(daysInStorage('2026-12-01T02:00:00.000Z', '2026-12-03')).to.equal(3);
  });

  it('never takes an occupied slot out of service, and refuses a body in a slot out of service', async () => {
    const c = await insertCase(db, home);
    expect((await receive(c)).status).to.equal(302);
    const a6 = await slotId('A柜', 6);
    const a7 = await slotId('A柜', 7);
    const fridge = (await db('fridge_slots').where({ id: a6 }).first('fridge_id')).fridge_id;
    expect((await move(c, `slot:${a6}`)).status).to.equal(302);
    const busy = await desk.post(
      `/staff/funeral-homes/${home}/fridges/${fridge}/slots/${a6}`,
      { out_of_service: 'on', reason: '除霜' },
      { from: `/staff/funeral-homes/${home}/fridges/${fridge}/slots/${a6}` },
    );
    expect(busy.status).to.equal(409);
    expect(textOf(busy.text)).to.contain('格位中有遗体，不能停用。');
    const noReason = await desk.post(`/staff/funeral-homes/${home}/fridges/${fridge}/slots/${a7}`, {
      out_of_service: 'on',
      reason: '',
    });
    expect(noReason.status).to.equal(400);
    expect(textOf(noReason.text)).to.contain('停用格位须填写原因。');
    const off = await desk.post(`/staff/funeral-homes/${home}/fridges/${fridge}/slots/${a7}`, {
      out_of_service: 'on',
      reason: '除霜',
    });
    expect(off.status).to.equal(302);
    const refused = await desk.post(`/staff/cases/${c}/custody/move`, {
      place: `slot:${a7}`,
      current: String((await openMove(c)).id),
      note: '',
    });
    expect(refused.status).to.equal(409);
    expect(textOf(refused.text)).to.contain('该格位已停用');
    expect((await desk.post(`/staff/funeral-homes/${home}/fridges/${fridge}/slots/${a7}`, {})).status).to.equal(302);
    expect((await db('fridge_slots').where({ id: a7 }).first()).status).to.equal('in_service');
  });

  it('never ends with a body in a slot out of service when the two are asked at once', async () => {
    const fridge = (await db('fridges').where({ facility_id: home, name: 'B柜' }).first('id')).id;
    for (const n of [3, 4, 5]) {
      const slot = await slotId('B柜', n);
      const c = await insertCase(db, home);
      expect((await receive(c)).status).to.equal(302);
      const [put, off] = await Promise.all([
        desk.post(`/staff/cases/${c}/custody/move`, { place: `slot:${slot}`, current: '', note: '' }),
        desk.post(`/staff/funeral-homes/${home}/fridges/${fridge}/slots/${slot}`, {
          out_of_service: 'on',
          reason: '检修',
        }),
      ]);
      const row = await db('fridge_slots').where({ id: slot }).first();
      const held = await db('custody_moves').where({ slot_id: slot }).whereNull('ended_at').first();
      if (held) expect([row.status, put.status, off.status]).to.deep.equal(['in_service', 302, 409]);
      else expect([row.status, put.status, off.status]).to.deep.equal(['out_of_service', 409, 302]);
      await db('custody_moves').where({ slot_id: slot }).update({ ended_at: new Date().toISOString() });
      await db('fridge_slots').where({ id: slot }).update({ status: 'in_service', out_of_service_reason: null });
    }
  });

  it('adds a fridge with numbered slots, refusing a second of the same name', async () => {
    const made = await desk.post(
      `/staff/funeral-homes/${home}/fridges`,
      { name: 'C柜', slots: '4' },
      { from: `/staff/funeral-homes/${home}/fridges/new` },
    );
    expect(made.status).to.equal(302);
    const f = await db('fridges').where({ facility_id: home, name: 'C柜' }).first();
    expect(await db('fridge_slots').where({ fridge_id: f.id }).orderBy('number').pluck('number')).to.deep.equal([
      1, 2, 3, 4,
    ]);
    const again = await desk.post(`/staff/funeral-homes/${home}/fridges`, { name: 'C柜', slots: '2' });
    expect(again.status).to.equal(400);
    expect(textOf(again.text)).to.contain('本馆已有同名的冷藏柜。');
    const tooMany = await desk.post(`/staff/funeral-homes/${home}/fridges`, { name: 'D柜', slots: '0' });
    expect(textOf(tooMany.text)).to.contain('请填写 1 到 60 之间的格数。');
  });

  it('releases the ashes only to a recipient with a valid ID number and the original checked, freeing the tag', async () => {
    const c = await insertCase(db, home);
    const tag = freshTag();
    expect((await receive(c, { tag_number: tag })).status).to.equal(302);
    const a8 = await slotId('A柜', 8);
    expect((await move(c, `slot:${a8}`)).status).to.equal(302);
    await db('funeral_cases').where({ id: c }).update({ status: 'cremated' }); // the cremation domain's step
    const form = {
      recipient_name: '张小华',
      recipient_relationship: '女儿',
      recipient_id_number: BAD_CHECK_ID,
      original_verified: 'on',
      note: '',
    };
    const bad = await desk.post(`/staff/cases/${c}/custody/release`, form, {
      from: `/staff/cases/${c}/custody/release`,
    });
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('领取人身份证号：校验位不正确');
    const unchecked = await desk.post(`/staff/cases/${c}/custody/release`, {
      ...form,
      recipient_id_number: RECIPIENT_ID,
      original_verified: '',
    });
    expect(unchecked.status).to.equal(400);
    expect(textOf(unchecked.text)).to.contain('请核验领取人身份证原件后勾选。');
    expect((await db('funeral_cases').where({ id: c }).first('status')).status).to.equal('cremated');

    // The form is filled from the recipient the family named; another person is refused, as is another ID number.
    await db('case_contacts')
      .where({ case_id: c, is_ashes_recipient: true })
      .update({ name: '张小华', relationship: '女儿', id_number: RECIPIENT_ID });
    const OTHER_ID = '110105195001010012';
    const filled = (await desk.get(`/staff/cases/${c}/custody/release`)).text;
    expect(filled).to.contain('value="张小华"').and.contain(`value="${RECIPIENT_ID}"`);
    const someoneElse = await desk.post(`/staff/cases/${c}/custody/release`, {
      ...form,
      recipient_name: '王某',
      recipient_id_number: OTHER_ID,
    });
    expect(someoneElse.status).to.equal(400);
    expect(textOf(someoneElse.text))
      .to.contain('骨灰只交给案件登记的领取人（张小华）')
      .and.contain('与案件登记的领取人身份证号不一致');
    // No papers are in: closing the case (which the release does) needs the reason.
    const noReason = await desk.post(`/staff/cases/${c}/custody/release`, {
      ...form,
      recipient_id_number: RECIPIENT_ID,
    });
    expect(noReason.status).to.equal(400);
    expect(textOf(noReason.text)).to.contain('尚缺 3 项结案必需材料');
    const ok = await desk.post(`/staff/cases/${c}/custody/release`, {
      ...form,
      recipient_id_number: RECIPIENT_ID.toLowerCase(),
      closing_reason_documents_missing: '家属三日内补交材料',
    });
    expect(ok.status, textOf(ok.text).slice(0, 300)).to.equal(302);
    expect(await db('case_closing_reasons').where({ case_id: c, problem: 'documents_missing' })).to.have.length(1);
    expect((await db('funeral_cases').where({ id: c }).first('status')).status).to.equal('ashes_released');
    const rel = await db('custody_releases').where({ case_id: c }).first();
    expect(rel).to.include({ recipient_name: '张小华', recipient_id_number: RECIPIENT_ID, released_by: clerk });
    expect(await openMove(c)).to.equal(undefined);
    expect((await db('body_custody').where({ case_id: c }).first()).status).to.equal('released');
    const page = textOf((await desk.get(`/staff/cases/${c}`)).text);
    expect(page).to.contain('骨灰交付').and.contain('领取人 张小华（女儿）').and.contain('骨灰已领取');
    expect(page).to.not.contain(RECIPIENT_ID);
    // The tag is free again for the next body.
    expect((await receive(await insertCase(db, home), { tag_number: tag })).status).to.equal(302);
    // Released once: the form is gone and a second post is refused.
    const twice = await desk.post(`/staff/cases/${c}/custody/release`, { ...form, recipient_id_number: RECIPIENT_ID });
    expect(twice.status).to.equal(409);
  });

  it('lets the body leave with a withdrawn case: its place and the custody end, the slot and tag are free again', async () => {
    const c = await insertCase(db, home);
    const tag = freshTag();
    expect((await receive(c, { tag_number: tag })).status).to.equal(302);
    const a9 = await slotId('A柜', 9);
    expect((await move(c, `slot:${a9}`)).status).to.equal(302);
    const withdrawn = await desk.post(
      `/staff/cases/${c}/status`,
      { from: 'stored', to: 'withdrawn', note: '家属将遗体转往外地安葬', confirm: 'yes' },
      { from: `/staff/cases/${c}` },
    );
    expect(withdrawn.status).to.equal(302);
    expect(await openMove(c)).to.equal(undefined);
    expect((await db('body_custody').where({ case_id: c }).first()).status).to.equal('released');
    const next = await insertCase(db, home);
    expect((await receive(next, { tag_number: tag })).status).to.equal(302);
    expect((await move(next, `slot:${a9}`)).status).to.equal(302);
  });

  it('no longer offers body received, stored or ashes released on the generic status form', async () => {
    const c = await insertCase(db, home);
    const registered = await desk.get(`/staff/cases/${c}`);
    expect(registered.text).to.not.match(/<option value="body_received"/);
    expect(registered.text).to.contain(`/staff/cases/${c}/custody/receive`);
    const stored = await insertCase(db, home, 'stored');
    const page = await desk.get(`/staff/cases/${stored}`);
    expect(page.text).to.match(/<option value="farewell_done"/);
    const cremated = await insertCase(db, home, 'cremated');
    const last = await desk.get(`/staff/cases/${cremated}`);
    expect(last.text).to.not.match(/<option value="ashes_released"/);
    expect(last.text).to.match(/<option value="ashes_placed"/);
    expect(last.text).to.contain(`/staff/cases/${cremated}/custody/release`);
  });

  it("answers 404 for another home's case, fridge board and slot, as for missing ones", async () => {
    const theirs = await insertCase(db, other);
    expect((await desk.get(`/staff/cases/${theirs}/custody/receive`)).status).to.equal(404);
    expect((await receive(theirs)).status).to.equal(404);
    expect((await desk.get(`/staff/funeral-homes/${other}/fridges`)).status).to.equal(404);
    const admin = await signedIn(app, 'admin');
    expect(
      (
        await admin.post(
          `/staff/funeral-homes/${other}/fridges`,
          { name: '甲柜', slots: '2' },
          { from: `/staff/funeral-homes/${other}/fridges/new` },
        )
      ).status,
    ).to.equal(302);
    const fridge = await db('fridges').where({ facility_id: other, name: '甲柜' }).first();
    const slot = await db('fridge_slots').where({ fridge_id: fridge.id }).first();
    expect((await desk.get(`/staff/funeral-homes/${other}/fridges/${fridge.id}/slots/${slot.id}`)).status).to.equal(
      404,
    );
    // Their slot through our home's path is no slot of ours either.
    expect((await desk.get(`/staff/funeral-homes/${home}/fridges/${fridge.id}/slots/${slot.id}`)).status).to.equal(404);
    // Nor can our body go into their slot.
    const ours = await insertCase(db, home);
    expect((await receive(ours)).status).to.equal(302);
    const into = await desk.post(`/staff/cases/${ours}/custody/move`, { place: `slot:${slot.id}`, current: '' });
    expect(into.status).to.equal(400);
  });

  it('lets the bureau read the fridge board but change nothing (403); cemetery staff may not open it', async () => {
    const bureau = await signedIn(app, 'bureau');
    const board = await bureau.get(`/staff/funeral-homes/${home}/fridges`);
    expect(board.status).to.equal(200);
    expect(board.text).to.not.contain('格位设置');
    const c = await insertCase(db, home);
    expect((await bureau.get(`/staff/cases/${c}/custody/receive`)).status).to.equal(403);
    expect((await bureau.post(`/staff/cases/${c}/custody/receive`, receiveForm())).status).to.equal(403);
    expect((await bureau.post(`/staff/funeral-homes/${home}/fridges`, { name: 'X', slots: '1' })).status).to.equal(403);
    const cemetery = await signedIn(app, 'cemetery_staff');
    expect((await cemetery.get(`/staff/funeral-homes/${home}/fridges`)).status).to.equal(403);
    // The bureau sees the custody section of a case, without its forms.
    const page = await bureau.get(`/staff/cases/${c}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('遗体监管').and.not.contain('/custody/receive');
  });
});

describe('custody: one timeline of status and custody events', () => {
  it('sorts status and custody events by time, the custody event first at the same instant', async () => {
    const { mergeTimeline } = await import('../../server/custody/service.js');
    const status = [
      { at: '2026-12-01T01:00:00.000Z', to_status: 'registered' },
      { at: '2026-12-01T03:00:00.000Z', to_status: 'stored' },
    ];
    const custody = [
      { at: '2026-12-01T02:00:00.000Z', custody_kind: 'received' as const, actor_name: null, note: null },
      { at: '2026-12-01T03:00:00.000Z', custody_kind: 'moved' as const, actor_name: null, note: null },
    ];
    const merged = mergeTimeline(status, custody).map((e) => ('to_status' in e ? e.to_status : e.custody_kind));
    expect(merged).to.deep.equal(['registered', 'received', 'moved', 'stored']);
  });

  it('puts the registration before a body received in the same minute (custody times are typed to the minute)', async () => {
    const { mergeTimeline } = await import('../../server/custody/service.js');
    const status = [
      { at: '2026-12-01T01:00:41.250Z', from_status: null, to_status: 'registered' },
      { at: '2026-12-01T01:01:05.000Z', from_status: 'registered', to_status: 'body_received' },
    ];
    const custody = [
      { at: '2026-12-01T01:00:00.000Z', custody_kind: 'received' as const, actor_name: null, note: null },
    ];
    const merged = mergeTimeline(status, custody).map((e) => ('to_status' in e ? e.to_status : e.custody_kind));
    expect(merged).to.deep.equal(['registered', 'received', 'body_received']);
  });
});

// Fee waivers through the app: policies kept by the bureau in versions, waivers following a case's lines, group lists
// imported and matched, declarations to verify, the statement of charges, and who may do what.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { addLine, removeLine } from '../../server/cases/lines-service.js';
import { ConflictError } from '../../server/http/errors.js';
import { editPolicy } from '../../server/waivers/policy-service.js';
import { PolicyInput } from '../../server/waivers/schemas.js';
import { addDays, todayInShanghai } from '../../server/time.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { at, facilityId } from '../cremation/fixtures.js';

const today = todayInShanghai();
let serial = 0;

/** A valid ID number with a given 6-digit region start, unique per call. */
function idNumber(): string {
  return nextIdNumber();
}

describe(`fee waivers (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let home: number;
  let otherHome: number;
  let clerk: { id: number; username: string; role: 'front_desk'; facility_id: number };
  let bureau: Client;
  let front: Client;
  const item = async (code: string, facility = home) =>
    (await db('price_items').where({ facility_id: facility, code }).orderBy('valid_from', 'desc').first('id'))
      .id as number;

  async function makeCase(over: { death: string; household: string | null; id?: string; facility?: number }) {
    serial += 1;
    const now = new Date().toISOString();
    const [row] = await db('funeral_cases')
      .insert({
        facility_id: over.facility ?? home,
        case_number: `W-${process.pid}-${serial}`,
        status: 'stored',
        deceased_name: `减免${serial}`,
        id_number: over.id ?? idNumber(),
        sex: 'male',
        birth_date: '1950-01-01',
        death_at: at(over.death, '10:00'),
        household_region_code: over.household,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    return typeof row === 'object' ? (row.id as number) : (row as number);
  }
  const waiverRows = (caseId: number) =>
    db('case_waiver_lines')
      .where({ case_id: caseId })
      .orderBy('case_line_id')
      .select('case_line_id', 'amount_fen', 'basis');
  const deducted = async (caseId: number) =>
    Number((await db('case_deductions').where({ case_id: caseId }).sum({ s: 'amount_fen' }).first())?.s ?? 0);

  function policyForm(over: Record<string, string> = {}): Record<string, string> {
    return {
      name: '钟山区户籍居民减免',
      region_code: '520201',
      valid_from: '2026-01-01',
      valid_to: '',
      total_cap_fen: '1540',
      green_reward_fen: '1000',
      group_residents: '1',
      match_by_0: 'basic_kind',
      match_value_0: 'cremation',
      cap_0: '300',
      quantity_cap_0: '',
      match_by_1: 'basic_kind',
      match_value_1: 'refrigeration',
      cap_1: '',
      quantity_cap_1: '3',
      ...over,
    };
  }

  before(async () => {
    app = await startApp();
    db = app.db;
    home = await facilityId(db);
    otherHome = await facilityId(db, '盘州市殡仪馆（示例）');
    const u = await db('users').where({ username: 'frontdesk' }).first('id', 'username', 'role', 'facility_id');
    clerk = u;
    bureau = await signedIn(app, 'bureau');
    front = await signedIn(app, 'front_desk');
  });
  after(() => app.close());

  let residentsPolicy: number;

  it('lets the bureau create a policy and refuses the front desk (403)', async () => {
    await front.get('/staff/waivers');
    expect((await front.post('/staff/waivers', policyForm())).status).to.equal(403);
    await bureau.get('/staff/waivers/new');
    const bad = await bureau.post('/staff/waivers', policyForm({ region_code: '520201101', group_residents: '' }));
    expect(bad.status).to.equal(400);
    const res = await bureau.post('/staff/waivers', policyForm());
    expect(res.status).to.equal(302);
    residentsPolicy = Number(/\/staff\/waivers\/(\d+)/.exec(res.location!)![1]);
    const v = await db('waiver_policy_versions').where({ policy_id: residentsPolicy });
    expect(v).to.have.length(1);
    expect([Number(v[0].total_cap_fen), Number(v[0].green_reward_fen), v[0].effective_from]).to.deep.equal([
      154_000,
      100_000,
      '2026-01-01',
    ]);
    expect((await front.get(`/staff/waivers/${residentsPolicy}/edit`)).status).to.equal(403);
    expect((await front.get(`/staff/waivers/${residentsPolicy}`)).status).to.equal(200);
  });

  it('waives a resident’s lines as they change, in the same transaction, and never a non-resident’s', async () => {
    const resident = await makeCase({ death: addDays(today, -2), household: '520201' });
    const outsider = await makeCase({ death: addDays(today, -2), household: '520281' });
    for (const c of [resident, outsider]) {
      await addLine(db, clerk, c, await item('BASIC_CREMATION'), 1, null);
      await addLine(db, clerk, c, await item('BASIC_COLD'), 5, null);
      await addLine(db, clerk, c, await item('OPT_DRESSING'), 1, null);
    }
    // Cremation ¥400 capped at ¥300; refrigeration 5 days × ¥100 capped at 3 days; dressing is not waived.
    expect((await waiverRows(resident)).map((w) => Number(w.amount_fen))).to.deep.equal([30_000, 30_000]);
    expect(await deducted(resident)).to.equal(60_000);
    expect(await deducted(outsider)).to.equal(0);
    const page = textOf((await front.get(`/staff/cases/${outsider}`)).text);
    expect(page).to.contain('非本地户籍');
    const cremation = (await db('case_lines').where({ case_id: resident, code: 'BASIC_CREMATION' }).first('id')).id;
    await removeLine(db, clerk, resident, cremation, null);
    expect(await deducted(resident)).to.equal(30_000);
    expect(await db('case_deductions').where({ case_id: resident, source: 'waiver' })).to.have.length(1);
  });

  it('chooses the version by the date of death: an edit in force makes a new version from today', async () => {
    const page = await bureau.get(`/staff/waivers/${residentsPolicy}/edit`);
    expect(page.status).to.equal(200);
    const past = await bureau.post(
      `/staff/waivers/${residentsPolicy}`,
      policyForm({ cap_0: '400', effective_from: addDays(today, -1), base_version: '1' }),
    );
    expect(past.status).to.equal(400);
    const res = await bureau.post(`/staff/waivers/${residentsPolicy}`, policyForm({ cap_0: '400', base_version: '1' }));
    expect(res.status).to.equal(302);
    const stale = await bureau.post(
      `/staff/waivers/${residentsPolicy}`,
      policyForm({ cap_0: '380', base_version: '1' }),
    );
    expect(stale.status).to.equal(409);
    const versions = await db('waiver_policy_versions').where({ policy_id: residentsPolicy }).orderBy('version');
    expect(versions.map((v) => [v.version, v.effective_from])).to.deep.equal([
      [1, '2026-01-01'],
      [2, today],
    ]);
    const before = await makeCase({ death: addDays(today, -1), household: '520201' });
    const on = await makeCase({ death: today, household: '520201' });
    for (const c of [before, on]) await addLine(db, clerk, c, await item('BASIC_CREMATION'), 1, null);
    expect(await deducted(before)).to.equal(30_000);
    expect(await deducted(on)).to.equal(40_000);
    expect(textOf((await bureau.get(`/staff/waivers/${residentsPolicy}`)).text)).to.contain('第 2 版');
  });

  it('imports a group list with a preview naming each bad row, then matches the deceased at intake', async () => {
    const listed = idNumber();
    const badCheck = listed.slice(0, 17) + (listed[17] === '0' ? '1' : '0');
    const csv = [
      '身份证号,开始日期,结束日期',
      `${listed},2026-01-01,`,
      `${badCheck},2026-01-01,`,
      `${idNumber()},2026-13-01,`,
      `${listed},2026-01-01,2026-12-31`,
    ].join('\n');
    await bureau.get('/staff/waivers/lists');
    expect((await front.get('/staff/waivers/lists')).status).to.equal(403);
    const preview = await bureau.post('/staff/waivers/lists', { group_code: 'dibao', csv });
    expect(preview.status).to.equal(200);
    const text = textOf(preview.text);
    expect(text).to.contain('共 4 行：1 行可导入，3 行有误将被跳过');
    expect(text).to.contain('身份证号校验位不正确');
    expect(text).to.contain('日期不正确');
    expect(text).to.contain('与前面的行重复');
    expect(await db('waiver_list_members').where({ id_number: listed })).to.have.length(0);
    const done = await bureau.post('/staff/waivers/lists', { group_code: 'dibao', csv, confirm: '1' });
    expect(done.status).to.equal(302);
    const imp = await db('waiver_list_imports').orderBy('id', 'desc').first();
    expect([imp.status, Number(imp.rows_total), Number(imp.rows_done), Number(imp.rows_added)]).to.deep.equal([
      'done',
      1,
      1,
      1,
    ]);
    // The same list again adds nobody.
    await bureau.post('/staff/waivers/lists', { group_code: 'dibao', csv, confirm: '1' });
    expect(await db('waiver_list_members').where({ id_number: listed })).to.have.length(1);

    // A 低保 policy of another county: everything basic, no caps.
    const res = await bureau.post(
      '/staff/waivers',
      policyForm({
        name: '水城区低保救助',
        region_code: '520204',
        group_residents: '',
        group_dibao: '1',
        total_cap_fen: '',
        cap_0: '',
        match_value_1: 'transport',
        quantity_cap_1: '',
      }),
    );
    expect(res.status).to.equal(302);
    const onList = await makeCase({ death: today, household: '520204', id: listed });
    const declared = await makeCase({ death: today, household: '520204' });
    const neither = await makeCase({ death: today, household: '520204' });
    for (const c of [onList, declared, neither]) await addLine(db, clerk, c, await item('BASIC_CREMATION'), 1, null);
    expect((await waiverRows(onList)).map((w) => [Number(w.amount_fen), w.basis])).to.deep.equal([[40_000, 'list']]);
    expect(await deducted(neither)).to.equal(0);
    expect(textOf((await front.get(`/staff/cases/${neither}`)).text)).to.contain('不属于享受对象');
    await front.get(`/staff/cases/${declared}`);
    const missing = await front.post(`/staff/cases/${declared}/waivers/declarations`, {
      group_code: 'dibao',
      certificate_no: '',
    });
    expect(missing.status).to.equal(302);
    expect(await deducted(declared)).to.equal(0);
    await front.post(`/staff/cases/${declared}/waivers/declarations`, {
      group_code: 'dibao',
      certificate_no: '低保证2026-001',
    });
    expect((await waiverRows(declared)).map((w) => w.basis)).to.deep.equal(['declared']);
    const page = textOf((await front.get(`/staff/cases/${declared}`)).text);
    expect(page).to.contain('待核实');
    expect(page).to.contain('低保证2026-001');
    expect(textOf((await front.get(`/staff/cases/${onList}`)).text)).to.contain('名单核对：在低保对象名单中');
  });

  it('never waives a line twice where two policies apply: the larger wins', async () => {
    // A resident of 钟山区 on the 低保 list, with a 低保 policy for the whole city that waives transport in full.
    const person = idNumber();
    await bureau.post('/staff/waivers/lists', {
      group_code: 'dibao',
      csv: `id_number,valid_from,valid_to\n${person},2026-01-01,2026-12-31`,
      confirm: '1',
    });
    await bureau.post(
      '/staff/waivers',
      policyForm({
        name: '全市低保救助',
        region_code: '5202',
        group_residents: '',
        group_dibao: '1',
        total_cap_fen: '',
        cap_0: '350',
        match_value_1: 'transport',
        quantity_cap_1: '',
      }),
    );
    const c = await makeCase({ death: today, household: '520201', id: person });
    await addLine(db, clerk, c, await item('BASIC_CREMATION'), 1, null);
    await addLine(db, clerk, c, await item('BASIC_TRANSPORT'), 1, null);
    await addLine(db, clerk, c, await item('BASIC_COLD'), 2, null);
    const rows = await db('case_waiver_lines as w')
      .join('waiver_policy_versions as v', 'v.id', 'w.policy_version_id')
      .where('w.case_id', c)
      .orderBy('w.case_line_id')
      .select('w.case_line_id', 'w.amount_fen', 'v.name');
    // Cremation: residents' v2 waives ¥400, 低保 ¥350 → residents; transport only 低保; refrigeration only residents.
    expect(rows.map((r) => [r.name, Number(r.amount_fen)])).to.deep.equal([
      ['钟山区户籍居民减免', 40_000],
      ['全市低保救助', 30_000],
      ['钟山区户籍居民减免', 20_000],
    ]);
    expect(new Set(rows.map((r) => r.case_line_id)).size).to.equal(3);
    expect(await deducted(c)).to.equal(90_000);
  });

  it('prints each line as charged, waived and to pay on the statement of charges', async function () {
    if (spawnSync('pdftotext', ['-v']).error) this.skip();
    const c = await makeCase({ death: today, household: '520201' });
    await addLine(db, clerk, c, await item('BASIC_CREMATION'), 1, null);
    const res = await fetch(`${app.url}/staff/cases/${c}/receipt.pdf`, {
      headers: { cookie: (front as unknown as { cookieHeader(): string }).cookieHeader() },
    });
    expect(res.status).to.equal(200);
    const pdf = Buffer.from(await res.arrayBuffer());
    const out = spawnSync('pdftotext', ['-', '-'], { input: pdf }).stdout.toString('utf8').replace(/\s+/g, '');
    expect(out).to.contain('收费');
    expect(out).to.contain('自付');
    expect(out).to.contain('-¥400.00');
  });

  it('hides another home’s case from the front desk (404) and refuses a declaration on it', async () => {
    const c = await makeCase({ death: today, household: '520201', facility: otherHome });
    expect((await front.get(`/staff/cases/${c}`)).status).to.equal(404);
    await front.get('/staff/cases');
    const res = await front.post(`/staff/cases/${c}/waivers/declarations`, {
      group_code: 'dibao',
      certificate_no: 'X1',
    });
    expect(res.status).to.equal(404);
    expect(await db('case_waiver_declarations').where({ case_id: c })).to.have.length(0);
  });

  it('keeps history: the first version of an edited policy is unchanged', async () => {
    const v1 = await db('waiver_policy_versions').where({ policy_id: residentsPolicy, version: 1 }).first('id');
    const items = await db('waiver_policy_items').where({ version_id: v1.id }).orderBy('sort');
    expect(items.map((i) => [i.match_value, i.cap_fen === null ? null : Number(i.cap_fen)])).to.deep.equal([
      ['cremation', 30_000],
      ['refrigeration', null],
    ]);
  });

  it('lets a county bureau keep its county’s policies only', async () => {
    const county = await signedIn(app, 'county_bureau');
    await county.get('/staff/waivers/new');
    const city = await county.post('/staff/waivers', policyForm({ name: '全市（县局无权）', region_code: '5202' }));
    expect(city.status).to.equal(403);
    const own = await county.post('/staff/waivers', policyForm({ name: '钟山区特困补充', region_code: '520201' }));
    expect(own.status).to.equal(302);
    // It reads the city's policies but cannot edit them.
    const cityPolicy = (await db('waiver_policy_versions').where({ name: '全市低保救助' }).first('policy_id'))
      .policy_id;
    expect((await county.get(`/staff/waivers/${cityPolicy}`)).status).to.equal(200);
    expect((await county.get(`/staff/waivers/${cityPolicy}/edit`)).status).to.equal(403);
  });

  it('makes one new version of eight edits of the same version saved at once; the others are told 409', async () => {
    const bureauUser = await db('users').where({ username: 'bureau' }).first('id', 'username', 'role', 'region_code');
    const latest = Number(
      (await db('waiver_policy_versions').where({ policy_id: residentsPolicy }).max({ v: 'version' }).first())?.v,
    );
    const form = (cap: string) => {
      const f = policyForm({ cap_0: cap, base_version: String(latest) });
      return PolicyInput.parse({
        ...f,
        groups: ['residents'],
        items: [
          { match_by: 'basic_kind', match_value: 'cremation', cap_fen: f.cap_0 },
          { match_by: 'basic_kind', match_value: 'refrigeration', quantity_cap: '3' },
        ],
      });
    };
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => editPolicy(db, bureauUser, residentsPolicy, form(String(300 + i)), null)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).to.have.length(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason, String(r.reason)).to.be.instanceOf(ConflictError);
    const versions = await db('waiver_policy_versions').where({ policy_id: residentsPolicy });
    expect(versions).to.have.length(latest + 1);
  });

  it('keeps a case’s waiver equal to its deductions when lines are added at once', async () => {
    const c = await makeCase({ death: today, household: '520201' });
    const cold = await item('BASIC_COLD');
    await Promise.all(Array.from({ length: 6 }, () => addLine(db, clerk, c, cold, 1, null)));
    const rows = await waiverRows(c);
    // Refrigeration capped at 3 days: three of the six one-day lines are waived, never more.
    expect(rows.map((w) => Number(w.amount_fen))).to.deep.equal([10_000, 10_000, 10_000]);
    expect(await deducted(c)).to.equal(30_000);
  });
});

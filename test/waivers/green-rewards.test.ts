// Green-burial rewards (生态安葬奖补, issue 19 item 1): the engine's choice (the version on the date of death, the same
// eligibility as a waiver, the largest reward, one per placement), and through the app: a green placement made with
// its contract gets its reward in the same transaction, audited and shown on the contract page; a traditional one gets
// none; a list match wins a larger group reward; an edit in force rewards later deaths only; the reports, the CSV and
// the API count rewards beside the claims, to the fen.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { greenReward, type EngineVersion } from '../../server/waivers/engine.js';
import { editPolicy } from '../../server/waivers/policy-service.js';
import { waiverSummary } from '../../server/waivers/report-service.js';
import { PolicyInput } from '../../server/waivers/schemas.js';
import { todayInShanghai, zone } from '../../server/time.js';
import { pdfText } from '../documents/pdf-tools.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { api, userWithToken } from '../cremation/fixtures.js';
import { CEMETERY, facilityNamed, placeCoded } from '../resting/fixtures.js';

const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

function version(over: Partial<EngineVersion> = {}): EngineVersion {
  return {
    id: 1,
    policy_id: 1,
    version: 1,
    name: '居民',
    region_code: '520201',
    effective_from: '2026-01-01',
    valid_from: '2026-01-01',
    valid_to: null,
    total_cap_fen: null,
    green_reward_fen: 100_000,
    groups: [{ code: 'residents', all_residents: true }],
    items: [],
    ...over,
  };
}

describe('green-burial reward: the engine', () => {
  const resident = { death_date: '2026-06-01', household_region_code: '520201101' };

  it('takes the version on the date of death and pays nothing without a reward or outside the region', () => {
    const v1 = version();
    const v2 = version({ id: 2, version: 2, effective_from: '2026-07-01', green_reward_fen: 150_000 });
    const policies = new Map([[1, [v1, v2]]]);
    expect(greenReward(resident, policies, new Map())?.amount_fen).to.equal(100_000);
    expect(greenReward({ ...resident, death_date: '2026-07-01' }, policies, new Map())?.amount_fen).to.equal(150_000);
    expect(greenReward({ ...resident, death_date: '2025-12-31' }, policies, new Map())).to.equal(null);
    expect(greenReward({ ...resident, household_region_code: '520221001' }, policies, new Map())).to.equal(null);
    expect(greenReward({ ...resident, household_region_code: null }, policies, new Map())).to.equal(null);
    expect(greenReward(resident, new Map([[1, [version({ green_reward_fen: 0 })]]]), new Map())).to.equal(null);
  });

  it('pays the largest reward of the policies that cover the deceased, the older one on a tie, and one only', () => {
    const residents = version();
    const dibao = version({
      id: 7,
      policy_id: 2,
      name: '低保',
      green_reward_fen: 200_000,
      groups: [{ code: 'dibao', all_residents: false }],
    });
    const policies = new Map([
      [1, [residents]],
      [2, [dibao]],
    ]);
    const plain = greenReward(resident, policies, new Map());
    expect([plain?.version.id, plain?.group_code, plain?.basis]).to.deep.equal([1, 'residents', 'residence']);
    const listed = greenReward(resident, policies, new Map([['dibao', 'list']]));
    expect([listed?.version.id, listed?.amount_fen, listed?.basis]).to.deep.equal([7, 200_000, 'list']);
    const tie = new Map([
      [2, [{ ...dibao, green_reward_fen: 100_000 }]],
      [1, [residents]],
    ]);
    expect(greenReward(resident, tie, new Map([['dibao', 'declared']]))?.version.id).to.equal(1);
  });
});

describe(`green-burial rewards through the app (${dialect})`, function () {
  this.timeout(60_000);
  let app: TestApp;
  let db: Knex;
  let cemetery: number;
  let staff: Client;
  let bureau: Client;
  let today: string;
  let yesterday: string;
  let residentsPolicy: number;
  let n = 0;

  const policyForm = (over: Record<string, string> = {}): Record<string, string> => ({
    name: '钟山区居民生态安葬奖补',
    region_code: '520201',
    valid_from: '2026-01-01',
    valid_to: '',
    total_cap_fen: '',
    green_reward_fen: '1000',
    group_residents: '1',
    match_by_0: 'basic_kind',
    match_value_0: 'cremation',
    cap_0: '100',
    quantity_cap_0: '',
    ...over,
  });

  async function createPolicy(form: Record<string, string>): Promise<number> {
    await bureau.get('/staff/waivers/new');
    const res = await bureau.post('/staff/waivers', form);
    expect(res.status, textOf(res.text)).to.equal(302);
    return Number(/\/staff\/waivers\/(\d+)/.exec(res.location!)![1]);
  }

  /** Holds a place of the demo cemetery and makes its contract for a deceased typed by hand; the contract's id. */
  async function contract(code: string, deceased: Record<string, string> = {}): Promise<number> {
    n += 1;
    const place = await placeCoded(db, cemetery, code);
    const held = await staff.post(
      `/staff/resting/places/${place.id}/hold`,
      {},
      { from: `/staff/resting/places/${place.id}` },
    );
    expect(held.status, `hold ${code}`).to.equal(302);
    const res = await staff.post(
      `/staff/resting/places/${place.id}/contract`,
      {
        holder_name: '王某某',
        holder_phone: '13985801234',
        holder_relationship: '子女',
        holder_address: '钟山区某街道',
        deceased_name: `奖补${n}`,
        id_number: nextIdNumber(),
        death_date: yesterday,
        household_region: '520201101',
        request_id: `green-${n}-${Date.now()}`,
        ...deceased,
      },
      { from: `/staff/resting/places/${place.id}/contract/new` },
    );
    expect(res.status, textOf(res.text)).to.equal(302);
    return (await db('resting_contracts').where({ place_id: place.id, status: 'active' }).first('id')).id as number;
  }

  const rewardOf = async (contractId: number) => {
    const p = await db('resting_placements').where({ contract_id: contractId }).first('id');
    const r = await db('waiver_green_rewards').where({ placement_id: p.id }).first();
    return r ? { ...r, amount_fen: Number(r.amount_fen), placement_id: p.id as number } : null;
  };

  before(async () => {
    app = await startApp();
    db = app.db;
    cemetery = await facilityNamed(db, CEMETERY);
    staff = await signedIn(app, 'cemetery_staff');
    bureau = await signedIn(app, 'bureau');
    today = todayInShanghai();
    yesterday = DateTime.fromISO(today, { zone }).minus({ days: 1 }).toISODate()!;
    residentsPolicy = await createPolicy(policyForm());
  });
  after(() => app.close());

  it('rewards a resident’s tree burial with its contract, audited and shown on the contract page', async () => {
    const id = await contract('S1-03-01');
    const r = await rewardOf(id);
    expect(r, 'reward').to.not.equal(null);
    expect([r!.amount_fen, r!.group_code, r!.basis, r!.burial_method]).to.deep.equal([
      100_000,
      'residents',
      'residence',
      'tree',
    ]);
    const audit = await db('audit_log').where({
      action: 'green_reward',
      entity: 'resting_placement',
      entity_id: String(r!.placement_id),
    });
    expect(audit).to.have.length(1);
    const page = textOf((await staff.get(`/staff/resting/contracts/${id}`)).text);
    expect(page).to.contain('生态安葬奖补 ¥1,000.00（钟山区居民生态安葬奖补）');
  });

  it('rewards nothing for a traditional single grave, nor a deceased from outside the policy’s region', async () => {
    expect(await rewardOf(await contract('D1-05-01'))).to.equal(null);
    const outside = await createPolicy(
      policyForm({ name: '盘州市奖补', region_code: '520281', green_reward_fen: '3000' }),
    );
    expect(outside).to.be.a('number');
    // Household in 钟山区: the 盘州市 policy's larger reward does not concern it; the 钟山区 one does.
    expect((await rewardOf(await contract('M1-02-01')))?.amount_fen).to.equal(100_000);
  });

  it('pays a listed 低保 deceased the larger group reward, once, with the list as its ground', async () => {
    await createPolicy(
      policyForm({ name: '低保对象生态安葬奖补', group_residents: '', group_dibao: '1', green_reward_fen: '2000' }),
    );
    const idNumber = nextIdNumber();
    const [imp] = await db('waiver_list_imports')
      .insert({ group_code: 'dibao', status: 'done', rows_total: 1, started_at: new Date().toISOString() })
      .returning('id');
    await db('waiver_list_members').insert({
      group_code: 'dibao',
      id_number: idNumber,
      valid_from: '2026-01-01',
      valid_to: null,
      import_id: typeof imp === 'object' ? imp.id : imp,
      created_at: new Date().toISOString(),
    });
    const r = await rewardOf(await contract('C1-03-01', { id_number: idNumber }));
    expect([r?.amount_fen, r?.group_code, r?.basis]).to.deep.equal([200_000, 'dibao', 'list']);
    const all = await db('waiver_green_rewards').where({ placement_id: r!.placement_id });
    expect(all).to.have.length(1);
  });

  it('keeps a death before an edit in force at the old reward and gives a death from today the new one', async () => {
    const bureauUser = await db('users').where({ username: 'bureau' }).first('id', 'username', 'role', 'region_code');
    const latest = (
      await db('waiver_policy_versions').where({ policy_id: residentsPolicy }).max({ v: 'version' }).first()
    )?.v;
    const input = PolicyInput.parse({
      ...policyForm({ green_reward_fen: '1500', base_version: String(latest) }),
      groups: ['residents'],
      items: [{ match_by: 'basic_kind', match_value: 'cremation', cap_fen: '100' }],
    });
    await editPolicy(db, { ...bureauUser, facility_id: null }, residentsPolicy, input, null);
    expect((await rewardOf(await contract('S1-03-02')))?.amount_fen, 'died yesterday').to.equal(100_000);
    expect((await rewardOf(await contract('S1-03-03', { death_date: today })))?.amount_fen, 'died today').to.equal(
      150_000,
    );
  });

  it('counts the rewards beside the claims in the report, its CSV and PDF and the API, to the fen', async () => {
    const rows = await db('waiver_green_rewards').select('amount_fen', 'household_region_code');
    const sum = rows.reduce((s, r) => s + Number(r.amount_fen), 0);
    expect(rows).to.have.length(5);
    expect(sum).to.equal(100_000 * 3 + 200_000 + 150_000);
    const s = await waiverSummary(db, { region: '5202', from: '2026-01-01', to: today, lang: 'zh-CN' });
    expect([s.green.people, s.green.amount_fen, s.people, s.amount_fen]).to.deep.equal([5, sum, 0, 0]);
    expect(s.green.by_county.find((c) => c.key === '520201')).to.include({ people: 5, amount_fen: sum });
    expect(s.green.by_county.filter((c) => c.key !== '520201').every((c) => c.amount_fen === 0)).to.equal(true);

    const page = await bureau.get(`/staff/waiver-reports?region=5202&from=2026-01-01&to=${today}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain(`data-green-fen="${sum}"`);
    expect(textOf(page.text)).to.contain('生态安葬奖补 5 人，金额 ¥6,500.00');

    const csv = await bureau.get(`/staff/waiver-reports.csv?region=5202&from=2026-01-01&to=${today}&table=green`);
    expect(csv.status).to.equal(200);
    expect(csv.text).to.match(/钟山区,520201,5,6500\.00/);
    expect(csv.text).to.match(/合计,,5,6500\.00/);

    const { token } = await userWithToken(db, 'bureau', 'bureau', null);
    const res = await api(app.url, token).get(`/api/v1/waivers/summary?region=5202&from=2026-01-01&to=${today}`);
    expect(res.status).to.equal(200);
    const body = (await res.json()) as { amount_fen: number; green_rewards: { people: number; amount_fen: number } };
    expect(body.green_rewards).to.deep.include({ people: 5, amount_fen: sum });
    expect(body.amount_fen).to.equal(0);

    if (havePdftotext) {
      const cookie = (bureau as unknown as { cookieHeader(): string }).cookieHeader();
      const pdf = await fetch(`${app.url}/staff/waiver-reports.pdf?region=5202&from=2026-01-01&to=${today}`, {
        headers: { cookie },
      });
      expect(pdfText(Buffer.from(await pdf.arrayBuffer()))).to.contain('生态安葬奖补5人，金额¥6,500.00');
    }
  });
});

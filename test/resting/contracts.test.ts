// Contracts of resting places: from a held place to a contract (numbered per facility and year, term dates, the
// first fee line from the price list and the first placement, audited), a form sent twice, 50 allocations at once,
// validation per field, the deceased from a funeral case, a double plot's second placement, renewal, removal and the
// end of a contract behind confirm steps, scopes, the place page and history, the PDF's text, and the demo data.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { pdfText } from '../documents/pdf-tools.js';
import { createContract, priceItemFor, termEnd } from '../../server/resting/contract-service.js';
import type { ContractInput } from '../../server/resting/contract-schemas.js';
import type { PriceItem } from '../../server/prices/service.js';
import { AppError } from '../../server/http/errors.js';
import { todayInShanghai, zone } from '../../server/time.js';
import { CEMETERY, COLUMBARIUM, facilityNamed, placeCoded } from './fixtures.js';

const havePdftotext = spawnSync('pdftotext', ['-v']).status === 0;

const holder = {
  holder_name: '王某某',
  holder_phone: '139 8580 1234',
  holder_relationship: '子女',
  holder_address: '钟山区某街道',
};

describe(`resting: contracts (${dialect})`, function () {
  this.timeout(60_000);
  let app: TestApp;
  let cemetery: number;
  let columbarium: number;
  let staff: Client;
  let today: string;
  let n = 0;

  /** The deceased typed by hand: a valid ID number, died yesterday, household in the sample township. */
  const byHand = () => ({
    deceased_name: '李某',
    id_number: nextIdNumber(),
    death_date: DateTime.fromISO(today, { zone }).minus({ days: 1 }).toISODate()!,
    household_region: '520201101',
  });

  async function hold(code: string, client = staff, facility = cemetery): Promise<number> {
    const p = await placeCoded(app.db, facility, code);
    const res = await client.post(`/staff/resting/places/${p.id}/hold`, {}, { from: `/staff/resting/places/${p.id}` });
    expect(res.status, `hold ${code}`).to.equal(302);
    return p.id;
  }

  async function contractFor(placeId: number, form: Record<string, string> = {}, client = staff) {
    n += 1;
    return client.post(
      `/staff/resting/places/${placeId}/contract`,
      { ...holder, ...byHand(), request_id: `req-${n}-${Date.now()}`, ...form },
      { from: `/staff/resting/places/${placeId}/contract/new` },
    );
  }

  const contractOfPlace = (placeId: number) =>
    app.db('resting_contracts').where({ place_id: placeId, status: 'active' }).first();

  before(async () => {
    app = await startApp();
    cemetery = await facilityNamed(app.db, CEMETERY);
    columbarium = await facilityNamed(app.db, COLUMBARIUM);
    staff = await signedIn(app, 'cemetery_staff');
    today = todayInShanghai();
  });
  after(() => app.close());

  describe('rules', () => {
    it('ends a term the day before its anniversary', () => {
      expect(termEnd('2026-12-04', 20)).to.equal('2046-12-03');
      expect(termEnd('2026-01-01', 1)).to.equal('2026-12-31');
      expect(termEnd('2024-03-01', 5)).to.equal('2029-02-28');
    });

    it('prices a place by RP_<TYPE>, a tier by the item naming it in brackets, else the untiered one', () => {
      const item = (code: string, name_zh: string) => ({ code, name_zh }) as PriceItem;
      const items = [item('RP_NICHE', '骨灰格位（普通）'), item('RP_NICHE_PREMIUM', '骨灰格位（优选）')];
      expect(priceItemFor(items, { place_type: 'niche', tier: '优选' })!.code).to.equal('RP_NICHE_PREMIUM');
      expect(priceItemFor(items, { place_type: 'niche', tier: '普通' })!.code).to.equal('RP_NICHE');
      expect(priceItemFor(items, { place_type: 'niche', tier: '特选' })!.code).to.equal('RP_NICHE');
      expect(priceItemFor(items, { place_type: 'single', tier: null })).to.equal(undefined);
    });
  });

  it('turns a held plot occupied with a numbered contract, term dates, the fee line and the first placement', async () => {
    const placeId = await hold('D1-05-01');
    const form = await staff.get(`/staff/resting/places/${placeId}/contract/new`);
    expect(form.status).to.equal(200);
    expect(textOf(form.text)).to.contain('单穴墓位使用费');
    const res = await contractFor(placeId);
    expect(res.status).to.equal(302);
    const c = await contractOfPlace(placeId);
    expect(res.location).to.equal(`/staff/resting/contracts/${c.id}`);
    const year = today.slice(0, 4);
    expect(c.contract_number).to.match(new RegExp(`^${year}-\\d{6}$`));
    expect(String(c.term_starts_on).slice(0, 10)).to.equal(today);
    expect(String(c.term_ends_on).slice(0, 10)).to.equal(termEnd(today, 20));
    expect(c.holder_phone).to.equal('13985801234');
    const place = await app.db('resting_places').where({ id: placeId }).first();
    expect(place.status).to.equal('occupied');
    expect(String(place.term_ends_on).slice(0, 10)).to.equal(termEnd(today, 20));
    expect(place.hold_expires_at).to.equal(null);
    const fees = await app.db('resting_fee_lines').where({ contract_id: c.id });
    expect(fees).to.have.length(1);
    expect(fees[0]).to.deep.include({ kind: 'initial', code: 'RP_SINGLE', quantity: 20, unit_price_fen: 30000 });
    expect(fees[0].amount_fen).to.equal(600000);
    const [p] = await app.db('resting_placements').where({ contract_id: c.id });
    expect(p).to.deep.include({ slot: 1, burial_method: 'single', deceased_name: '李某' });
    expect(p.household_region_code).to.equal('520201101');
    expect(Boolean(p.green)).to.equal(false);
    const audits = await app
      .db('audit_log')
      .whereIn('entity', ['resting_contract', 'resting_place'])
      .where((w) => {
        w.where({ entity: 'resting_contract', entity_id: String(c.id) }).orWhere({
          entity: 'resting_place',
          entity_id: String(placeId),
          action: 'contract',
        });
      });
    expect(audits.map((a) => a.action).sort()).to.deep.equal(['contract', 'create']);

    // The next contract of the facility this year takes the next number.
    const second = await hold('D1-05-02');
    expect((await contractFor(second)).status).to.equal(302);
    const c2 = await contractOfPlace(second);
    const seq = (s: string) => Number(s.slice(5));
    expect(c2.contract_number.slice(0, 4)).to.equal(year);
    expect(seq(c2.contract_number)).to.equal(seq(c.contract_number) + 1);
  });

  it('shows the contract on the place page, its events in the history, and the phone in full on the contract page', async () => {
    const place = await placeCoded(app.db, cemetery, 'D1-05-01');
    const c = await contractOfPlace(place.id);
    const page = await staff.get(`/staff/resting/places/${place.id}`);
    expect(page.text).to.contain(`/staff/resting/contracts/${c.id}`);
    const text = textOf(page.text);
    expect(text).to.contain(`合同 ${c.contract_number}`);
    expect(text).to.contain('签订合同');
    const contract = textOf((await staff.get(`/staff/resting/contracts/${c.id}`)).text);
    expect(contract).to.contain('13985801234');
    expect(contract).to.contain('李某');
    expect(contract).to.contain('¥6,000.00');
    expect(
      await app
        .db('audit_log')
        .where({ entity: 'resting_contract', entity_id: String(c.id), action: 'reveal' })
        .first(),
    ).to.not.equal(undefined);
  });

  it('makes one contract of a form submitted twice', async () => {
    const placeId = await hold('D1-05-03');
    const form = { ...byHand(), request_id: `twice-${Date.now()}` };
    const first = await contractFor(placeId, form);
    const again = await contractFor(placeId, form);
    expect(first.status).to.equal(302);
    expect(again.status).to.equal(302);
    expect(again.location).to.equal(first.location);
    expect(await app.db('resting_contracts').where({ place_id: placeId }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });

  it('refuses a place whose hold has lapsed (hold it again) and one never held', async () => {
    const placeId = await hold('D1-05-04');
    await app
      .db('resting_places')
      .where({ id: placeId })
      .update({ hold_expires_at: new Date(Date.now() - 1000).toISOString() });
    const res = await contractFor(placeId);
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('D1-05-04 没有有效的预定（预定可能已过期），请先重新预定');
    const free = await placeCoded(app.db, cemetery, 'D1-05-09');
    expect((await contractFor(free.id)).status).to.equal(409);
    expect((await staff.get(`/staff/resting/places/${free.id}/contract/new`)).status).to.equal(409);
    expect(await app.db('resting_contracts').whereIn('place_id', [placeId, free.id]).first()).to.equal(undefined);
  });

  it('answers 50 allocations of one place at once with exactly one contract, the rest 409', async () => {
    const placeId = await hold('D1-06-01');
    const actor = await app.db('users').where({ username: 'cemetery' }).first();
    const input = (i: number): ContractInput => ({
      ...holder,
      holder_phone: '13985801234',
      holder_id_number: undefined,
      deceased_name: '赵某',
      id_number: nextIdNumber(),
      death_date: DateTime.fromISO(today, { zone }).minus({ days: 2 }).toISODate()!,
      household_region: '520201101',
      request_id: `race-${i}-${Date.now()}`,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => createContract(app.db, actor, placeId, input(i), null)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(won).to.have.length(1);
    expect(lost.map((r) => (r.reason instanceof AppError ? r.reason.status : String(r.reason)))).to.deep.equal(
      Array(49).fill(409),
    );
    expect(await app.db('resting_contracts').where({ place_id: placeId }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    expect(await app.db('resting_placements').where({ place_id: placeId }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });

  it('answers 50 contract forms for one place posted at once over HTTP with one 302 and 49 × 409', async () => {
    const placeId = await hold('D1-06-04');
    await staff.get(`/staff/resting/places/${placeId}/contract/new`);
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        staff.post(`/staff/resting/places/${placeId}/contract`, {
          ...holder,
          ...byHand(),
          request_id: `http-race-${i}-${Date.now()}`,
        }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).to.deep.equal([302, ...Array(49).fill(409)]);
    expect(textOf(answers.find((a) => a.status === 409)!.text)).to.contain('D1-06-04 已签订合同，不能再次分配');
    expect(await app.db('resting_contracts').where({ place_id: placeId }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });

  it('re-renders the form with a message per field', async () => {
    const placeId = await hold('D1-06-02');
    const bad = nextIdNumber().slice(0, 17) + 'Y';
    const res = await contractFor(placeId, {
      holder_name: '',
      holder_phone: '0858-8221234',
      holder_id_number: '123',
      deceased_name: '',
      id_number: bad,
      death_date: DateTime.fromISO(today, { zone }).plus({ days: 2 }).toISODate()!,
      household_region: '123',
    });
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('请输入中国大陆手机号码');
    expect(text).to.contain('应为 18 位');
    expect(res.text).to.match(/id="holder_name"[^>]*aria-invalid="true"/);
    expect(res.text).to.match(/id="deceased_name"[^>]*aria-invalid="true"/);
    expect(res.text).to.match(/id="household_region"[^>]*aria-invalid="true"/);

    const id = nextIdNumber();
    const future = await contractFor(placeId, {
      id_number: id,
      death_date: DateTime.fromISO(today, { zone }).plus({ days: 2 }).toISODate()!,
      household_region: '520201999999',
    });
    expect(future.status).to.equal(400);
    expect(textOf(future.text)).to.contain('死亡时间不能晚于现在');
    expect(future.text).to.match(/id="household_region"[^>]*aria-invalid="true"/);
    const wrongCheck = id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
    const beforeBirth = await contractFor(placeId, { id_number: wrongCheck });
    expect(textOf(beforeBirth.text)).to.contain('校验位不正确');
    const born = await contractFor(placeId, { id_number: id, death_date: '1920-01-01' });
    expect(textOf(born.text)).to.contain('死亡时间不能早于出生日期');
    expect((await app.db('resting_places').where({ id: placeId }).first()).status).to.equal('held');
  });

  it('takes the deceased from a funeral case found by its number', async () => {
    const fc = await app.db('funeral_cases').orderBy('id').first();
    // A household in 大河镇, which the sample rural cemetery serves whole (eligibility.test.ts tests the refusals).
    await app.db('funeral_cases').where({ id: fc.id }).update({ household_region_code: '520201101' });
    const placeId = await hold('D1-06-03');
    const found = textOf((await staff.get(`/staff/resting/places/${placeId}/contract/new?q=${fc.case_number}`)).text);
    expect(found).to.contain(fc.deceased_name);
    const res = await contractFor(placeId, {
      case_id: String(fc.id),
      deceased_name: '',
      id_number: '',
      death_date: '',
    });
    expect(res.status).to.equal(302);
    const c = await contractOfPlace(placeId);
    const [p] = await app.db('resting_placements').where({ contract_id: c.id });
    expect(p.case_id).to.equal(fc.id);
    expect(p.deceased_name).to.equal(fc.deceased_name);
    expect(p.id_number).to.equal(fc.id_number);
  });

  it('gives a double plot a second placement (slot 2) and refuses a third; a single plot refuses a second', async () => {
    const placeId = await hold('D2-03-01');
    await contractFor(placeId);
    const c = await contractOfPlace(placeId);
    const second = await staff.post(`/staff/resting/contracts/${c.id}/placements`, byHand(), {
      from: `/staff/resting/contracts/${c.id}/placements/new`,
    });
    expect(second.status).to.equal(302);
    const slots = await app.db('resting_placements').where({ contract_id: c.id }).orderBy('slot').pluck('slot');
    expect(slots.map(Number)).to.deep.equal([1, 2]);
    const third = await staff.post(`/staff/resting/contracts/${c.id}/placements`, byHand(), {
      from: `/staff/resting/contracts/${c.id}`,
    });
    expect(third.status).to.equal(409);
    expect(textOf(third.text)).to.contain('此双穴墓的两个穴位都已安放');

    const single = await contractOfPlace((await placeCoded(app.db, cemetery, 'D1-05-01')).id);
    const refused = await staff.post(`/staff/resting/contracts/${single.id}/placements`, byHand(), {
      from: `/staff/resting/contracts/${single.id}`,
    });
    expect(refused.status).to.equal(409);
    expect(textOf(refused.text)).to.contain('此位置只能安放一位逝者；只有双穴墓可以安放第二位');
  });

  it('renews a contract by N years with a renewal fee line; the place’s term follows; a resubmit is refused', async () => {
    const place = await placeCoded(app.db, cemetery, 'D1-05-02');
    const c = await contractOfPlace(place.id);
    const end = String(c.term_ends_on).slice(0, 10);
    const res = await staff.post(
      `/staff/resting/contracts/${c.id}/renew`,
      { years: '5', expected_end: end },
      { from: `/staff/resting/contracts/${c.id}/renew` },
    );
    expect(res.status).to.equal(302);
    const newEnd = DateTime.fromISO(end, { zone }).plus({ days: 1 }).plus({ years: 5 }).minus({ days: 1 }).toISODate();
    const after = await app.db('resting_contracts').where({ id: c.id }).first();
    expect(String(after.term_ends_on).slice(0, 10)).to.equal(newEnd);
    const p = await app.db('resting_places').where({ id: place.id }).first();
    expect(String(p.term_ends_on).slice(0, 10)).to.equal(newEnd);
    const line = await app.db('resting_fee_lines').where({ contract_id: c.id, kind: 'renewal' }).first();
    expect(line).to.deep.include({ code: 'RP_SINGLE', quantity: 5, amount_fen: 150000 });
    expect(String(line.term_to).slice(0, 10)).to.equal(newEnd);
    const again = await staff.post(`/staff/resting/contracts/${c.id}/renew`, { years: '5', expected_end: end });
    expect(again.status).to.equal(409);
    const history = textOf((await staff.get(`/staff/resting/places/${place.id}`)).text);
    expect(history).to.contain('续期');
  });

  it('records a removal after a confirm step, refuses to end a contract with placements, then ends it and frees the place', async () => {
    const place = await placeCoded(app.db, cemetery, 'D1-05-02');
    const c = await contractOfPlace(place.id);
    const [p] = await app.db('resting_placements').where({ contract_id: c.id });
    const ending = await staff.post(
      `/staff/resting/contracts/${c.id}/end`,
      { reason: '家属迁往外地', date: today, confirm: '1' },
      { from: `/staff/resting/contracts/${c.id}/end` },
    );
    expect(ending.status).to.equal(409);
    expect(textOf(ending.text)).to.contain('还有在位的安放记录');

    const path = `/staff/resting/contracts/${c.id}/placements/${p.id}/remove`;
    const ask = await staff.post(path, { reason: '迁回原籍', date: today }, { from: path });
    expect(ask.status).to.equal(200);
    expect(textOf(ask.text)).to.contain('确认迁出');
    expect((await app.db('resting_placements').where({ id: p.id }).first()).removed_on).to.equal(null);
    const done = await staff.post(path, { reason: '迁回原籍', date: today, confirm: '1' });
    expect(done.status).to.equal(302);
    const removed = await app.db('resting_placements').where({ id: p.id }).first();
    expect(String(removed.removed_on).slice(0, 10)).to.equal(today);
    expect(removed.removal_reason).to.equal('迁回原籍');

    const ended = await staff.post(
      `/staff/resting/contracts/${c.id}/end`,
      { reason: '家属迁往外地', date: today, confirm: '1' },
      { from: `/staff/resting/contracts/${c.id}/end` },
    );
    expect(ended.status).to.equal(302);
    const row = await app.db('resting_contracts').where({ id: c.id }).first();
    expect(row.status).to.equal('ended');
    expect(row.end_reason).to.equal('家属迁往外地');
    const free = await app.db('resting_places').where({ id: place.id }).first();
    expect(free).to.deep.include({ status: 'free', term_ends_on: null });
    expect(await app.db('resting_placements').where({ contract_id: c.id }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    expect(await app.db('resting_fee_lines').where({ contract_id: c.id }).count({ n: '*' })).to.deep.equal([{ n: 2 }]);
  });

  it('lets cemetery staff work on their own facility only; the bureau reads; the front desk reads none', async () => {
    const niche = await app.db('resting_places').where({ facility_id: columbarium, code: 'A-01-01-03' }).first();
    const nicheContract = await contractOfPlace(niche.id);
    expect((await staff.get(`/staff/resting/contracts/${nicheContract.id}`)).status).to.equal(404);
    expect((await staff.get(`/staff/resting/contracts/${nicheContract.id}/contract.pdf`)).status).to.equal(404);
    expect((await staff.get(`/staff/resting/places/${niche.id}/contract/new`)).status).to.equal(404);
    const desk = await signedIn(app, 'front_desk');
    expect((await desk.get(`/staff/resting/contracts/${nicheContract.id}`)).status).to.equal(403);
    const bureau = await signedIn(app, 'bureau');
    expect((await bureau.get(`/staff/resting/contracts/${nicheContract.id}`)).status).to.equal(200);
    const renew = await bureau.post(
      `/staff/resting/contracts/${nicheContract.id}/renew`,
      { years: '1', expected_end: String(nicheContract.term_ends_on).slice(0, 10) },
      { from: `/staff/resting/contracts/${nicheContract.id}` },
    );
    expect(renew.status).to.equal(403);
  });

  it('prints the contract as a PDF whose text names the contract, the place, the holder and the fees', async function () {
    const place = await placeCoded(app.db, cemetery, 'D1-05-01');
    const c = await contractOfPlace(place.id);
    const pdf = await staff.request('GET', `/staff/resting/contracts/${c.id}/contract.pdf`);
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    if (!havePdftotext) this.skip();
    const buf = Buffer.from(await (await fetchPdf(c.id)).arrayBuffer());
    const text = pdfText(buf);
    for (const s of [
      '安放使用合同',
      c.contract_number,
      'D1-05-01',
      '王某某',
      '13985801234',
      '李某',
      '单穴墓位使用费',
      '¥6,000.00',
    ])
      expect(text).to.contain(s);
  });

  /** The PDF's bytes (the test client keeps text only). */
  async function fetchPdf(id: number): Promise<Response> {
    const cookies = (staff as unknown as { cookies: Map<string, string> }).cookies;
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(`${app.url}/staff/resting/contracts/${id}/contract.pdf`, { headers: { cookie } });
  }

  it('seeds demo contracts: expiring and expired niches, a double plot with one placement, green placements', async () => {
    const contractOfCode = async (facility: number, code: string) =>
      contractOfPlace((await placeCoded(app.db, facility, code)).id);
    const expiring = await contractOfCode(columbarium, 'A-01-01-03');
    const days = DateTime.fromISO(String(expiring.term_ends_on).slice(0, 10), { zone }).diff(
      DateTime.fromISO(today, { zone }),
      'days',
    ).days;
    expect(days).to.be.within(0, 90);
    const expired = await contractOfCode(columbarium, 'A-01-01-04');
    expect(String(expired.term_ends_on).slice(0, 10) < today).to.equal(true);
    const double = await contractOfCode(cemetery, 'D2-01-01');
    expect(await app.db('resting_placements').where({ contract_id: double.id }).count({ n: '*' })).to.deep.equal([
      { n: 1 },
    ]);
    const green = await app
      .db('resting_placements')
      .where({ facility_id: cemetery })
      .whereIn('burial_method', ['lawn', 'tree', 'flower_bed', 'scattering']);
    expect(green.length).to.be.at.least(3);
    expect(green.every((g) => Boolean(g.green))).to.equal(true);
  });
});

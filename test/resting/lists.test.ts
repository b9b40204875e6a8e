// The lists staff work from: contracts expiring within 90/30/7 days (Shanghai's date at any hour), masked phones and
// the audited reveal, the clearing guard (no notice, too recent a notice, then allowed; one winner of many), holds
// about to lapse, the capacity forecast's month from a fixed dataset, and the bureau's capacity per county.
import { expect } from 'chai';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf } from '../helpers/client.js';
import type { Actor } from '../../server/resting/service.js';
import * as lists from '../../server/resting/list-service.js';
import { ConflictError } from '../../server/http/errors.js';
import { addDays, todayInShanghai } from '../../server/time.js';
import { CEMETERY, COLUMBARIUM, facilityNamed, placeCoded } from './fixtures.js';
import { contractOn, noticeOn, scattering, sectionOf } from './list-fixtures.js';

const URBAN = '水城区城市公益性公墓（示例）';

describe(`resting: lists staff work from (${dialect})`, () => {
  let app: TestApp;
  let columbarium: number;
  let cemetery: number;
  let admin: Actor;
  let staffActor: Actor;

  before(async () => {
    app = await startApp();
    columbarium = await facilityNamed(app.db, COLUMBARIUM);
    cemetery = await facilityNamed(app.db, CEMETERY);
    admin = await app
      .db('users')
      .where({ username: 'admin' })
      .first('id', 'username', 'role', 'facility_id', 'region_code');
    staffActor = await app
      .db('users')
      .where({ username: 'cemetery' })
      .first('id', 'username', 'role', 'facility_id', 'region_code');
  });
  after(() => app.close());

  describe('expiring within 90, 30 and 7 days', () => {
    // Hall B of the columbarium: one contract per boundary around a fixed Shanghai date.
    const ends = { expired: -1, today: 0, d7: 7, d8: 8, d30: 30, d31: 31, d90: 90, d91: 91 } as const;
    const made = new Map<string, number>();

    async function seed(base: string, prefix: string) {
      let col = 1;
      for (const [name, d] of Object.entries(ends)) {
        const c = await contractOn(app.db, {
          facility: columbarium,
          code: `B-${prefix}-01-${String(col).padStart(2, '0')}`,
          termEndsOn: addDays(base, d),
          holderName: `持有人${prefix}${name}`,
        });
        made.set(`${prefix}${name}`, c.id);
        col += 1;
      }
    }

    const names = (rows: { holder_name: string }[], prefix: string) =>
      rows.map((r) => r.holder_name.replace(`持有人${prefix}`, '')).filter((n) => !n.startsWith('持有人'));

    for (const [label, now, shanghai, prefix] of [
      ['before 16:00 UTC (same date as UTC)', '2030-03-10T15:59:00Z', '2030-03-10', '11'],
      ['from 16:00 UTC (Shanghai is a day ahead)', '2030-03-10T16:00:00Z', '2030-03-11', '12'],
    ] as const) {
      it(`counts a term's last day in Shanghai, ${label}`, async () => {
        await seed(shanghai, prefix);
        const at = new Date(now);
        const q = (within: 90 | 30 | 7) =>
          lists.expiringList(app.db, admin, columbarium, { within, page: 1, q: `持有人${prefix}` }, { now: at });
        const d7 = await q(7);
        expect(d7.today).to.equal(shanghai);
        expect(names(d7.rows, prefix)).to.deep.equal(['today', 'd7']);
        expect(names((await q(30)).rows, prefix)).to.deep.equal(['today', 'd7', 'd8', 'd30']);
        const d90 = await q(90);
        expect(names(d90.rows, prefix)).to.deep.equal(['today', 'd7', 'd8', 'd30', 'd31', 'd90']);
        expect(d90.counts).to.deep.equal([
          { within: 90, n: 6 },
          { within: 30, n: 4 },
          { within: 7, n: 2 },
        ]);
        const expired = await lists.expiredList(
          app.db,
          admin,
          columbarium,
          { page: 1, q: `持有人${prefix}` },
          { now: at },
        );
        expect(names(expired.rows, prefix)).to.deep.equal(['expired']);
        expect(expired.rows[0].days).to.equal(1);
      });
    }

    it('lists the tabs over HTTP with today’s Shanghai date, masked phones, search and pages', async () => {
      const today = todayInShanghai();
      // The demo's own contracts at the cemetery, counted before these 22 are added.
      const demo = Object.fromEntries(
        (await lists.expiringList(app.db, admin, cemetery, { within: 90, page: 1 })).counts.map((c) => [c.within, c.n]),
      ) as Record<90 | 30 | 7, number>;
      for (let i = 1; i <= 22; i += 1)
        await contractOn(app.db, {
          facility: cemetery,
          code: i <= 20 ? `D1-09-${String(i).padStart(2, '0')}` : `D1-08-${String(i - 20).padStart(2, '0')}`,
          termEndsOn: addDays(today, i % 2 === 0 ? 20 : 60),
          holderName: `家属${i}`,
          holderPhone: `139000000${String(i).padStart(2, '0')}`,
          deceased: [`逝者${i}`],
        });
      const staff = await signedIn(app, 'cemetery_staff');
      const page1 = await staff.get(`/staff/resting/${cemetery}/expiring`);
      expect(page1.status).to.equal(200);
      expect(page1.headers.get('cache-control')).to.equal('no-store');
      const text = textOf(page1.text);
      expect(text).to.contain(`90 天内 ${22 + demo[90]}`);
      expect(text).to.contain(`30 天内 ${11 + demo[30]}`);
      expect(text).to.contain('139****0002');
      expect(page1.text).to.not.contain('13900000002');
      expect(page1.text).to.contain('/staff/resting/contracts/');
      expect(text).to.contain(`第 1 / ${Math.ceil((22 + demo[90]) / lists.PER_PAGE)} 页`);
      const page2 = textOf((await staff.get(`/staff/resting/${cemetery}/expiring?page=2`)).text);
      expect(page2).to.contain('家属');
      const d30 = await staff.get(`/staff/resting/${cemetery}/expiring?within=30`);
      expect((d30.text.match(/data-contract=/g) ?? []).length).to.equal(Math.min(11 + demo[30], lists.PER_PAGE));
      const searched = await staff.get(`/staff/resting/${cemetery}/expiring?q=${encodeURIComponent('逝者7')}`);
      expect(textOf(searched.text)).to.contain('家属7');
      expect((searched.text.match(/data-contract=/g) ?? []).length).to.equal(1);
    });
  });

  describe('the holder’s phone', () => {
    it('shows 138****1234 and reveals the full number on POST, with an audit row of who and which contract', async () => {
      const c = await contractOn(app.db, {
        facility: cemetery,
        code: 'D1-10-01',
        termEndsOn: addDays(todayInShanghai(), 5),
        holderName: '赵某某',
        holderPhone: '13812341234',
      });
      const staff = await signedIn(app, 'cemetery_staff');
      const list = await staff.get(`/staff/resting/${cemetery}/expiring?within=7`);
      expect(textOf(list.text)).to.contain('138****1234');
      expect(list.text).to.not.contain('13812341234');
      const res = await staff.post(`/staff/resting/${cemetery}/expiring/reveal`, {
        contract_id: String(c.id),
        within: '7',
      });
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      const row = new RegExp(`data-contract="${c.id}"[\\s\\S]*?</tr>`).exec(res.text)![0];
      expect(row).to.contain('13812341234');
      expect(textOf(res.text)).to.contain('已显示完整号码，此次查看已记入审计日志。');
      const audit = await app
        .db('audit_log')
        .where({ action: 'reveal_holder_phone', entity: 'resting_contract', entity_id: String(c.id) })
        .first('actor_name', 'region_code');
      expect(audit).to.deep.equal({ actor_name: 'cemetery', region_code: '520201101' });
    });

    it('refuses the reveal to the bureau (403) and answers another facility’s contract as missing', async () => {
      const other = await contractOn(app.db, {
        facility: columbarium,
        code: 'A-09-01-01',
        termEndsOn: addDays(todayInShanghai(), 5),
      });
      const staff = await signedIn(app, 'cemetery_staff');
      await staff.get(`/staff/resting/${cemetery}/expiring`);
      const res = await staff.post(`/staff/resting/${cemetery}/expiring/reveal`, { contract_id: String(other.id) });
      expect(res.status).to.equal(404);
      const county = await signedIn(app, 'county_bureau');
      const page = await county.get(`/staff/resting/${cemetery}/expiring`);
      expect(page.status).to.equal(200);
      expect(page.text).to.not.contain('显示完整号码');
      const refused = await county.post(`/staff/resting/${cemetery}/expiring/reveal`, {
        contract_id: String(other.id),
      });
      expect(refused.status).to.equal(403);
      expect(
        await app.db('audit_log').where({ action: 'reveal_holder_phone', entity_id: String(other.id) }),
      ).to.have.length(0);
    });
  });

  describe('clearing an expired contract', () => {
    let c: { id: number; placeId: number; number: string };
    const clearUrl = () => `/staff/resting/${cemetery}/expired/${c.id}/clear`;

    before(async () => {
      c = await contractOn(app.db, {
        facility: cemetery,
        code: 'D2-06-01',
        termEndsOn: addDays(todayInShanghai(), -40),
        holderName: '钱某某',
        deceased: ['孙某某', '孙某'],
      });
    });

    it('lists it as expired and refuses to clear it without a notice, naming the rule', async () => {
      const staff = await signedIn(app, 'cemetery_staff');
      const list = textOf((await staff.get(`/staff/resting/${cemetery}/expired`)).text);
      expect(list).to.contain('D2-06-01');
      expect(list).to.contain('孙某某、孙某');
      expect(list).to.contain('未通知');
      const res = await staff.post(
        clearUrl(),
        { ended_on: todayInShanghai(), reason: '期满未续', confirm: '1' },
        { from: clearUrl() },
      );
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain(
        '不能清理：尚未记录对持有人的通知。规定：清理前须已通知持有人，且通知日期至少在清理日 30 天之前。',
      );
      expect((await app.db('resting_contracts').where({ id: c.id }).first('status')).status).to.equal('active');
    });

    it('records a notice (audited) and still refuses while it is less than 30 days old', async () => {
      const staff = await signedIn(app, 'cemetery_staff');
      const page = `/staff/resting/${cemetery}/expired/${c.id}`;
      const future = await staff.post(
        `${page}/notices`,
        { method: 'phone', sent_on: addDays(todayInShanghai(), 1) },
        { from: page },
      );
      expect(future.status).to.equal(400);
      expect(textOf(future.text)).to.contain('通知日期不能晚于今天。');
      const sent = addDays(todayInShanghai(), -29);
      const res = await staff.post(
        `${page}/notices`,
        { method: 'phone', sent_on: sent, note: '电话告知' },
        { from: page },
      );
      expect(res.status).to.equal(302);
      const again = await staff.post(
        `${page}/notices`,
        { method: 'phone', sent_on: sent, note: '电话告知' },
        { from: page },
      );
      expect(again.status).to.equal(302);
      expect(await app.db('resting_notices').where({ contract_id: c.id })).to.have.length(1);
      expect(await app.db('audit_log').where({ action: 'record_notice', entity_id: String(c.id) })).to.have.length(1);
      const refused = await staff.post(
        clearUrl(),
        { ended_on: todayInShanghai(), reason: '期满未续', confirm: '1' },
        { from: clearUrl() },
      );
      expect(refused.status).to.equal(409);
      const text = textOf(refused.text);
      expect(text).to.contain(`最近一次通知于 ${sent} 发出，距清理日不足 30 天`);
      expect(text).to.contain(`最早可于 ${addDays(sent, 30)} 清理`);
    });

    it('clears it after a notice 30 days before: confirm first, then contract ended, place free, placements removed', async () => {
      await noticeOn(app.db, c.id, addDays(todayInShanghai(), -30), 'letter');
      const staff = await signedIn(app, 'cemetery_staff');
      const today = todayInShanghai();
      const confirm = await staff.post(
        clearUrl(),
        { ended_on: today, reason: '期满未续，已通知' },
        { from: clearUrl() },
      );
      expect(confirm.status).to.equal(200);
      expect(textOf(confirm.text)).to.contain('确认清理');
      expect((await app.db('resting_contracts').where({ id: c.id }).first('status')).status).to.equal('active');
      const res = await staff.post(clearUrl(), { ended_on: today, reason: '期满未续，已通知', confirm: '1' });
      expect(res.status).to.equal(302);
      const contract = await app.db('resting_contracts').where({ id: c.id }).first();
      expect(contract).to.deep.include({ status: 'ended', ended_on: today, end_reason: '期满未续，已通知' });
      expect(contract.ended_by).to.equal(staffActor.id);
      const place = await app.db('resting_places').where({ id: c.placeId }).first('status', 'term_ends_on');
      expect(place).to.deep.equal({ status: 'free', term_ends_on: null });
      const placements = await app.db('resting_placements').where({ contract_id: c.id }).orderBy('slot');
      expect(placements.map((p) => [p.removed_on, p.removal_reason])).to.deep.equal([
        [today, '期满未续，已通知'],
        [today, '期满未续，已通知'],
      ]);
      expect(await app.db('resting_notices').where({ contract_id: c.id })).to.have.length(2);
      const audit = await app
        .db('audit_log')
        .where({ action: 'clear_contract', entity_id: String(c.id) })
        .first();
      expect(JSON.parse(audit.after)).to.deep.include({ status: 'ended', place_status: 'free', placements_removed: 2 });
      expect(audit.region_code).to.equal('520201101');
      const again = await staff.post(
        clearUrl(),
        { ended_on: today, reason: '再次', confirm: '1' },
        { from: clearUrl() },
      );
      expect(again.status).to.equal(409);
      expect(textOf(again.text)).to.contain(`合同 ${c.number} 已终止`);
    });

    it('refuses to clear a contract whose term has not ended', async () => {
      const live = await contractOn(app.db, {
        facility: cemetery,
        code: 'D2-06-02',
        termEndsOn: addDays(todayInShanghai(), 3),
      });
      await noticeOn(app.db, live.id, addDays(todayInShanghai(), -60));
      await expectConflict(
        lists.clearContract(
          app.db,
          staffActor,
          cemetery,
          live.id,
          { ended_on: todayInShanghai(), reason: 'x', confirm: true },
          null,
        ),
        'clear_not_expired',
      );
    });

    it('lets exactly one of 20 simultaneous clearings of one contract win; the others get 409', async () => {
      const one = await contractOn(app.db, {
        facility: cemetery,
        code: 'D2-06-03',
        termEndsOn: addDays(todayInShanghai(), -100),
      });
      await noticeOn(app.db, one.id, addDays(todayInShanghai(), -60));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () =>
          lists.clearContract(
            app.db,
            staffActor,
            cemetery,
            one.id,
            { ended_on: todayInShanghai(), reason: '期满未续', confirm: true },
            null,
          ),
        ),
      );
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      const lost = outcomes.filter((o) => o.status === 'rejected') as PromiseRejectedResult[];
      expect(won).to.have.length(1);
      expect(lost).to.have.length(19);
      expect(lost.every((o) => o.reason instanceof ConflictError && o.reason.code === 'contract_not_active')).to.equal(
        true,
      );
      expect(await app.db('audit_log').where({ action: 'clear_contract', entity_id: String(one.id) })).to.have.length(
        1,
      );
    });
  });

  describe('holds about to lapse', () => {
    it('lists holds lapsing within 24 hours with who holds them, not later or lapsed ones', async () => {
      const cem = staffActor.id;
      const set = async (code: string, ms: number) => {
        const p = await placeCoded(app.db, cemetery, code);
        await app
          .db('resting_places')
          .where({ id: p.id })
          .update({ status: 'held', held_by: cem, hold_expires_at: new Date(Date.now() + ms).toISOString() });
      };
      await set('S1-05-01', 2 * 3_600_000);
      await set('S1-05-02', 30 * 3_600_000);
      await set('S1-05-03', -60_000);
      const staff = await signedIn(app, 'cemetery_staff');
      const res = await staff.get(`/staff/resting/${cemetery}/holds`);
      const text = textOf(res.text);
      expect(text).to.contain('S1-05-01');
      expect(text).to.contain('公墓管理员');
      expect(text).to.match(/剩余 (1 小时 5\d|2 小时 0) 分/);
      expect(text).to.not.contain('S1-05-02');
      expect(text).to.not.contain('S1-05-03');
      expect(text).to.not.contain('D1-03-01'); // the demo hold lives 48 hours
    });
  });

  describe('capacity forecast', () => {
    let urban: number;
    before(async () => {
      urban = await facilityNamed(app.db, URBAN);
      const codes = await sectionOf(app.db, urban, 'U1', 100);
      // Today in Shanghai is 2026-06-15: the window is 2025-06-16 … 2026-06-15 (365 days).
      const dates = [
        '2025-06-15',
        '2025-06-16',
        ...Array.from({ length: 8 }, (_, i) => `2025-${10 + (i % 3)}-0${i + 1}`),
        '2026-06-15',
      ];
      for (const [i, placedOn] of dates.entries())
        await contractOn(app.db, { facility: urban, code: codes[i], termEndsOn: '2045-01-01', placedOn });
      await scattering(app.db, urban, '2026-01-10');
      // One more, ten days ago: after the fixed window, but in today's, so that the pages have a rate to show.
      await contractOn(app.db, {
        facility: urban,
        code: codes[dates.length],
        termEndsOn: '2045-01-01',
        placedOn: addDays(todayInShanghai(), -10),
      });
    });

    it('forecasts the month a facility is full from a fixed dataset at the last 12 months’ rate', async () => {
      const now = new Date('2026-06-15T02:00:00Z');
      const cap = (await lists.capacitiesOf(app.db, [urban], now)).get(urban)!;
      expect(cap.window).to.deep.equal({ from: '2025-06-16', to: '2026-06-15', days: 365 });
      expect(cap.placed).to.equal(10); // 2025-06-15 and the one of ten days ago are outside; the scattering has no place
      expect(cap.inventory.byStatus.free).to.equal(88);
      // 88 free at 10 per 365 days: ⌈88 × 365 / 10⌉ = 3,212 days after 2026-06-15 is 2035-04-01.
      expect(cap.forecast).to.deep.equal({ kind: 'month', year: 2035, month: 4, month_key: '2035-04' });
    });

    it('says 无法预测 when nothing was placed, 已满位 when nothing is free', () => {
      expect(lists.forecastFull('2026-06-15', 10, 0, 365)).to.deep.equal({ kind: 'unknown' });
      expect(lists.forecastFull('2026-06-15', 0, 5, 365)).to.deep.equal({ kind: 'full' });
      expect(lists.forecastFull('2026-06-15', 1, 365, 365)).to.deep.include({ year: 2026, month: 6 });
      expect(lists.forecastFull('2026-06-30', 1, 365, 365)).to.deep.include({ year: 2026, month: 7 });
    });

    it('shows the forecast on the facility’s capacity page', async () => {
      const staff = await signedIn(app, 'cemetery_staff');
      const page = await staff.get(`/staff/resting/${cemetery}/capacity`);
      const own = (await lists.capacitiesOf(app.db, [cemetery])).get(cemetery)!.forecast;
      expect(page.text).to.contain(`data-forecast="${own.kind === 'month' ? own.month_key : own.kind}"`);
      const admin = await signedIn(app, 'admin');
      const res = await admin.get(`/staff/resting/${urban}/capacity`);
      const expected = (await lists.capacitiesOf(app.db, [urban])).get(urban)!.forecast;
      expect(expected.kind).to.equal('month');
      if (expected.kind === 'month')
        expect(textOf(res.text)).to.contain(`按近12个月安放速度，预计 ${expected.year}年${expected.month}月 满位`);
    });
  });

  describe('the bureau, per county', () => {
    it('shows a county bureau its county’s columbaria and cemeteries only', async () => {
      const county = await signedIn(app, 'county_bureau');
      const res = await county.get('/staff/resting/capacity/counties');
      expect(res.status).to.equal(200);
      const sections = [...res.text.matchAll(/data-county="(\d+)"/g)].map((m) => m[1]);
      expect(sections).to.deep.equal(['520201']);
      const text = textOf(res.text);
      expect(text).to.contain(COLUMBARIUM);
      expect(text).to.contain(CEMETERY);
      expect(text).to.not.contain(URBAN);
      expect(text).to.match(/钟山区：共 [\d,]+ 个位置，空闲 [\d,]+ 个/);
      const urban = await facilityNamed(app.db, URBAN);
      expect((await county.get(`/staff/resting/${urban}/expiring`)).status).to.equal(404);
    });

    it('shows the city bureau every county, each facility with free places and forecast', async () => {
      const bureau = await signedIn(app, 'bureau');
      const res = await bureau.get('/staff/resting/capacity/counties');
      const sections = [...res.text.matchAll(/data-county="(\d+)"/g)].map((m) => m[1]);
      expect(sections).to.include.members(['520201', '520203', '520204']);
      expect(sections).to.deep.equal([...sections].sort());
      const urban = await facilityNamed(app.db, URBAN);
      const row = new RegExp(`data-facility="${urban}"[\\s\\S]*?</tr>`).exec(res.text)![0];
      expect(row).to.match(/data-forecast="\d{4}-\d\d"/);
      expect(textOf(row)).to.contain('按近12个月安放速度');
    });

    it('refuses the county page to cemetery staff and every list to the front desk', async () => {
      const staff = await signedIn(app, 'cemetery_staff');
      expect((await staff.get('/staff/resting/capacity/counties')).status).to.equal(403);
      const desk = await signedIn(app, 'front_desk');
      for (const p of ['expiring', 'expired', 'holds', 'capacity'])
        expect((await desk.get(`/staff/resting/${cemetery}/${p}`)).status).to.equal(403);
      const other = await signedIn(app, 'cemetery_staff');
      expect((await other.get(`/staff/resting/${columbarium}/expiring`)).status).to.equal(404);
    });

    it('adds remaining capacity to the coverage page of facilities', async () => {
      const bureau = await signedIn(app, 'bureau');
      const res = await bureau.get(`/staff/coverage/facilities?region=520201&date=${todayInShanghai()}`);
      expect(res.status).to.equal(200);
      const row = new RegExp(`data-id="${columbarium}"[\\s\\S]*?</tr>`).exec(res.text)![0];
      expect(textOf(row)).to.match(/空闲 [\d,]+ \/ 6,0\d\d/);
    });
  });
});

async function expectConflict(p: Promise<unknown>, code: string) {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(ConflictError);
    expect((err as ConflictError).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

// The claims ledger of fee waivers: one claim per case, the review state machine, two reviewers at once, settlement in
// batches with confirmed totals, immutability once settled, corrections after a claim, and who may do what.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { addPayment } from '../../server/cases/money-service.js';
import { addLine, removeLine } from '../../server/cases/lines-service.js';
import { ConflictError } from '../../server/http/errors.js';
import { moveClaim, moves, settle, submitClaim, type ClaimMove } from '../../server/waivers/claim-service.js';
import { claimStatuses, type ClaimStatus } from '../../server/waivers/kinds.js';
import { waiverSummary } from '../../server/waivers/report-service.js';
import { addDays, todayInShanghai } from '../../server/time.js';
import { startApp, dialect, DEMO_PASSWORD, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { at, facilityId, userWithToken } from '../cremation/fixtures.js';

const today = todayInShanghai();
let serial = 0;

describe(`waiver claims (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let home: number;
  let clerk: { id: number; username: string; role: 'front_desk'; facility_id: number };
  let reviewer: { id: number; username: string; role: 'bureau'; facility_id: null; region_code: null };
  let bureau: Client;
  let admin: Client;
  let front: Client;
  const item = async (code: string) =>
    (await db('price_items').where({ facility_id: home, code }).orderBy('valid_from', 'desc').first('id')).id as number;

  async function makeCase(): Promise<number> {
    serial += 1;
    const now = new Date().toISOString();
    const [row] = await db('funeral_cases')
      .insert({
        facility_id: home,
        case_number: `CL-${process.pid}-${serial}`,
        status: 'stored',
        deceased_name: `申领${serial}`,
        id_number: nextIdNumber(),
        sex: 'male',
        birth_date: '1950-01-01',
        death_at: at(addDays(today, -2), '10:00'),
        household_region_code: '520201',
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    return typeof row === 'object' ? (row.id as number) : (row as number);
  }

  /** A case with ¥900 charged and ¥600 waived (cremation ¥300, refrigeration 3 of 5 days), its share paid. */
  async function paidCase(): Promise<number> {
    const c = await makeCase();
    await addLine(db, clerk, c, await item('BASIC_CREMATION'), 1, null);
    await addLine(db, clerk, c, await item('BASIC_COLD'), 5, null);
    await addPayment(db, clerk, c, { kind: 'payment', method: 'cash', amount_fen: 30_000 }, null);
    return c;
  }

  async function claimIn(status: ClaimStatus | 'fresh'): Promise<number> {
    const id = await submitClaim(db, clerk, await paidCase(), null);
    if (status !== 'fresh' && status !== 'submitted')
      await db('waiver_claims').where({ id }).update({ status, review_note: '测试' });
    return id;
  }

  const statusOf = async (id: number) => (await db('waiver_claims').where({ id }).first('status')).status as string;
  const codeOf = async (p: Promise<unknown>) => {
    try {
      await p;
      return 'ok';
    } catch (err) {
      return (err as ConflictError).code;
    }
  };

  before(async () => {
    app = await startApp();
    db = app.db;
    home = await facilityId(db);
    clerk = await db('users').where({ username: 'frontdesk' }).first('id', 'username', 'role', 'facility_id');
    reviewer = await db('users')
      .where({ username: 'bureau' })
      .first('id', 'username', 'role', 'facility_id', 'region_code');
    bureau = await signedIn(app, 'bureau');
    admin = await signedIn(app, 'admin');
    front = await signedIn(app, 'front_desk');
    await bureau.get('/staff/waivers/new');
    const res = await bureau.post('/staff/waivers', {
      name: '钟山区户籍居民减免',
      region_code: '520201',
      valid_from: '2026-01-01',
      total_cap_fen: '1540',
      group_residents: '1',
      match_by_0: 'basic_kind',
      match_value_0: 'cremation',
      cap_0: '300',
      match_by_1: 'basic_kind',
      match_value_1: 'refrigeration',
      quantity_cap_1: '3',
    });
    expect(res.status).to.equal(302);
  });
  after(() => app.close());

  it('refuses a claim while the family still owes, then submits one from the case page with its lines copied', async () => {
    const c = await makeCase();
    await addLine(db, clerk, c, await item('BASIC_CREMATION'), 1, null);
    await addLine(db, clerk, c, await item('BASIC_COLD'), 5, null);
    expect(await codeOf(submitClaim(db, clerk, c, null))).to.equal('waiver_claim_bill_unsettled');
    const page = textOf((await front.get(`/staff/cases/${c}`)).text);
    expect(page).to.contain('家属自付部分尚未结清');
    await addPayment(db, clerk, c, { kind: 'payment', method: 'cash', amount_fen: 30_000 }, null);
    await front.get(`/staff/cases/${c}`);
    const res = await front.post(`/staff/cases/${c}/waivers/claim`, {});
    expect(res.status).to.equal(302);
    const claim = await db('waiver_claims').where({ case_id: c }).first();
    expect([claim.status, Number(claim.amount_fen), claim.month]).to.deep.equal([
      'submitted',
      60_000,
      today.slice(0, 7),
    ]);
    expect(claim.claim_number).to.match(new RegExp(`^${today.slice(0, 4)}-\\d{6}$`));
    const lines = await db('waiver_claim_lines').where({ claim_id: claim.id }).orderBy('id');
    expect(lines.map((l) => [l.kind, l.item_name, Number(l.quantity), Number(l.amount_fen)])).to.deep.equal([
      ['waiver', '遗体火化（平板炉）', 1, 30_000],
      ['waiver', '遗体冷藏', 3, 30_000],
    ]);
    expect(await db('waiver_claim_events').where({ claim_id: claim.id })).to.have.length(1);
    expect(
      await db('audit_log').where({ action: 'waiver_claim_submitted', entity_id: String(claim.id) }),
    ).to.have.length(1);
    expect(await codeOf(submitClaim(db, clerk, c, null))).to.equal('waiver_claim_exists');
  });

  it('makes one claim of twenty submitted at once; the others are told 409', async () => {
    const c = await paidCase();
    const results = await Promise.all(Array.from({ length: 20 }, () => codeOf(submitClaim(db, clerk, c, null))));
    expect(results.filter((r) => r === 'ok')).to.have.length(1);
    expect(results.filter((r) => r === 'waiver_claim_exists')).to.have.length(19);
    expect(await db('waiver_claims').where({ case_id: c })).to.have.length(1);
  });

  it('allows each move only from its statuses and refuses every other, with an event and audit row per move', async () => {
    for (const move of Object.keys(moves) as ClaimMove[]) {
      for (const from of claimStatuses.filter((s) => s !== 'settled')) {
        const id = await claimIn(from);
        const actor = move === 'resubmit' ? clerk : reviewer;
        const allowed = (moves[move].from as readonly string[]).includes(from);
        const got = await codeOf(moveClaim(db, actor, id, move, '说明', null));
        expect(got, `${move} from ${from}`).to.equal(allowed ? 'ok' : 'waiver_claim_wrong_status');
        expect(await statusOf(id)).to.equal(allowed ? moves[move].to : from);
        const evs = await db('waiver_claim_events').where({ claim_id: id });
        expect(evs).to.have.length(allowed ? 2 : 1);
        if (allowed)
          expect(await db('audit_log').where({ action: `waiver_claim_${move}`, entity_id: String(id) })).to.have.length(
            1,
          );
      }
    }
  });

  it('lets only one of two reviewers approving at once win; the other is told 409 in Chinese', async () => {
    const id = await claimIn('submitted');
    await bureau.get(`/staff/waivers/claims/${id}`);
    await admin.get(`/staff/waivers/claims/${id}`);
    const replies = await Promise.all([
      bureau.post(`/staff/waivers/claims/${id}/approve`, {}),
      admin.post(`/staff/waivers/claims/${id}/approve`, {}),
      bureau.post(`/staff/waivers/claims/${id}/approve`, {}),
      admin.post(`/staff/waivers/claims/${id}/approve`, {}),
    ]);
    expect(replies.filter((r) => r.status === 302)).to.have.length(1);
    const lost = replies.filter((r) => r.status === 409);
    expect(lost).to.have.length(3);
    expect(textOf(lost[0].text)).to.contain('该申领的状态已不允许此操作');
    expect(await db('waiver_claim_events').where({ claim_id: id, to_status: 'approved' })).to.have.length(1);
  });

  it('asks for a reason to reject or ask for evidence, and takes the home’s re-submission with a note', async () => {
    const id = await claimIn('submitted');
    await bureau.get(`/staff/waivers/claims/${id}`);
    expect((await bureau.post(`/staff/waivers/claims/${id}/reject`, { note: '' })).status).to.equal(400);
    expect((await bureau.post(`/staff/waivers/claims/${id}/evidence`, { note: '请补充低保证复印件' })).status).to.equal(
      302,
    );
    await front.get(`/staff/waivers/claims/${id}`);
    expect((await front.post(`/staff/waivers/claims/${id}/resubmit`, { note: '已补充' })).status).to.equal(302);
    expect(await statusOf(id)).to.equal('submitted');
    const notes = (await db('waiver_claim_events').where({ claim_id: id }).orderBy('id')).map((e) => e.note);
    expect(notes).to.deep.equal([null, '请补充低保证复印件', '已补充']);
  });

  it('settles exactly the approved claims confirmed, refuses a changed count or total, and never changes them after', async () => {
    const month = today.slice(0, 7);
    // Settle whatever earlier tests approved first, so that this test counts its own.
    const earlier = await db('waiver_claims').where({ facility_id: home, month, status: 'approved' });
    if (earlier.length)
      await settle(
        db,
        reviewer,
        {
          facility_id: home,
          month,
          count: earlier.length,
          amount_fen: earlier.reduce((s, c) => s + Number(c.amount_fen), 0),
        },
        null,
      );
    const a = await claimIn('submitted');
    const b = await claimIn('submitted');
    for (const id of [a, b]) await moveClaim(db, reviewer, id, 'approve', undefined, null);
    const page = textOf((await bureau.get(`/staff/waivers/settlements?facility_id=${home}&month=${month}`)).text);
    expect(page).to.contain('¥1,200.00');
    // A third approved after the bureau looked: the confirmed count no longer matches, nothing is settled.
    const late = await claimIn('submitted');
    await moveClaim(db, reviewer, late, 'approve', undefined, null);
    const stale = await bureau.post('/staff/waivers/settlements', {
      facility_id: String(home),
      month,
      count: '2',
      amount_fen: '120000',
    });
    expect(stale.status).to.equal(409);
    expect(await statusOf(a)).to.equal('approved');
    expect(await db('waiver_settlement_batches').where({ facility_id: home, month, claims_count: 2 })).to.have.length(
      0,
    );
    const ok = await bureau.post('/staff/waivers/settlements', {
      facility_id: String(home),
      month,
      count: '3',
      amount_fen: '180000',
    });
    expect(ok.status).to.equal(302);
    const batchId = Number(/settlements\/(\d+)/.exec(ok.location!)![1]);
    const batch = await db('waiver_settlement_batches').where({ id: batchId }).first();
    const settled = await db('waiver_claims').where({ batch_id: batchId });
    expect([Number(batch.claims_count), Number(batch.amount_fen)]).to.deep.equal([3, 180_000]);
    expect(settled.map((c) => c.status)).to.deep.equal(['settled', 'settled', 'settled']);
    expect(settled.reduce((s, c) => s + Number(c.amount_fen), 0)).to.equal(Number(batch.amount_fen));
    expect(textOf((await bureau.get(`/staff/waivers/settlements/${batchId}`)).text)).to.contain(batch.batch_number);
    // Immutable: every move refused, the bill change refused, the batch unchanged.
    for (const move of Object.keys(moves) as ClaimMove[])
      expect(await codeOf(moveClaim(db, move === 'resubmit' ? clerk : reviewer, a, move, '说明', null))).to.equal(
        'waiver_claim_settled',
      );
    const caseId = (await db('waiver_claims').where({ id: a }).first('case_id')).case_id;
    const coldLine = (await db('case_lines').where({ case_id: caseId, code: 'BASIC_COLD' }).first('id')).id;
    expect(await codeOf(removeLine(db, clerk, caseId, coldLine, null))).to.equal('waiver_claim_settled_bill');
    expect(await db('case_lines').where({ case_id: caseId })).to.have.length(2);
    expect(await db('waiver_claim_lines').where({ claim_id: a })).to.have.length(2);
    expect(
      await codeOf(settle(db, reviewer, { facility_id: home, month, count: 3, amount_fen: 180_000 }, null)),
    ).to.equal('waiver_settlement_changed');
    expect(Number((await db('waiver_settlement_batches').where({ id: batchId }).first()).amount_fen)).to.equal(180_000);
  });

  it('copies a claim’s lines again when the bill changes before approval, and adds a correction line after', async () => {
    const early = await claimIn('submitted');
    const earlyCase = (await db('waiver_claims').where({ id: early }).first('case_id')).case_id;
    const cremation = (await db('case_lines').where({ case_id: earlyCase, code: 'BASIC_CREMATION' }).first('id')).id;
    await removeLine(db, clerk, earlyCase, cremation, null);
    const e = await db('waiver_claims').where({ id: early }).first();
    expect(Number(e.amount_fen)).to.equal(30_000);
    expect((await db('waiver_claim_lines').where({ claim_id: early })).map((l) => l.kind)).to.deep.equal(['waiver']);

    const approved = await claimIn('submitted');
    await moveClaim(db, reviewer, approved, 'approve', undefined, null);
    const c = (await db('waiver_claims').where({ id: approved }).first('case_id')).case_id;
    const cold = (await db('case_lines').where({ case_id: c, code: 'BASIC_COLD' }).first('id')).id;
    await removeLine(db, clerk, c, cold, null);
    const lines = await db('waiver_claim_lines').where({ claim_id: approved }).orderBy('id');
    expect(lines.map((l) => [l.kind, Number(l.amount_fen), l.reason])).to.deep.equal([
      ['waiver', 30_000, null],
      ['waiver', 30_000, null],
      ['correction', -30_000, 'bill_changed'],
    ]);
    const a = await db('waiver_claims').where({ id: approved }).first();
    expect([a.status, Number(a.amount_fen)]).to.deep.equal(['approved', 30_000]);
    expect(
      await db('audit_log').where({ action: 'waiver_claim_corrected', entity_id: String(approved) }),
    ).to.have.length(1);
  });

  it('keeps the front desk from approving (403), the bureau from the bill (403), and another home’s claims hidden (404)', async () => {
    const id = await claimIn('submitted');
    const c = (await db('waiver_claims').where({ id }).first('case_id')).case_id;
    await front.get(`/staff/waivers/claims/${id}`);
    expect((await front.post(`/staff/waivers/claims/${id}/approve`, {})).status).to.equal(403);
    await bureau.get(`/staff/cases/${c}`);
    expect(
      (await bureau.post(`/staff/cases/${c}/lines`, { price_item_id: String(await item('BASIC_URN')), quantity: '1' }))
        .status,
    ).to.equal(403);
    expect((await bureau.post(`/staff/cases/${c}/waivers/claim`, {})).status).to.equal(403);
    const other = await facilityId(db, '盘州市殡仪馆（示例）');
    await userWithToken(db, `pz-desk-${process.pid}`, 'front_desk', other);
    const stranger = new Client(app.url);
    await stranger.login(`pz-desk-${process.pid}`, DEMO_PASSWORD);
    expect((await stranger.get(`/staff/waivers/claims/${id}`)).status).to.equal(404);
    expect(textOf((await stranger.get('/staff/waivers/claims')).text)).to.not.contain('CL-');
    expect((await front.get('/staff/waivers/claims')).status).to.equal(200);
    const county = await signedIn(app, 'county_bureau');
    expect((await county.get(`/staff/waivers/claims/${id}`)).status).to.equal(200);
  });
});

describe(`waiver claims of the demo data (${dialect})`, () => {
  let app: TestApp;
  after(() => app?.close());

  it('seeds claims in each state whose amounts equal the sum of their lines and the batch its claims', async () => {
    app = await startApp({ seed: false });
    const { seedDemo } = await import('../../db/seeds/demo.js');
    await seedDemo(app.db, { password: DEMO_PASSWORD, waivers: true });
    const db = app.db;
    const rows = await db('waiver_claims').orderBy('id');
    expect(rows.map((r) => r.status)).to.deep.equal(['settled', 'approved', 'submitted', 'evidence_requested']);
    for (const r of rows) {
      const s = await db('waiver_claim_lines').where({ claim_id: r.id }).sum({ s: 'amount_fen' }).first();
      expect(Number(s?.s), r.claim_number).to.equal(Number(r.amount_fen));
      const w = await db('case_waiver_lines').where({ case_id: r.case_id }).sum({ s: 'amount_fen' }).first();
      expect(Number(w?.s)).to.equal(Number(r.amount_fen));
      expect(Number(r.amount_fen)).to.be.greaterThan(0);
    }
    const batch = await db('waiver_settlement_batches').first();
    expect([Number(batch.claims_count), Number(batch.amount_fen)]).to.deep.equal([1, Number(rows[0].amount_fen)]);
    expect(await db('waiver_claim_lines').where({ basis: 'declared' })).to.not.have.length(0);

    // The city's report over all time equals the counted claims (approved, settled) to the fen, in every breakdown.
    const counted = rows.filter((r) => r.status === 'approved' || r.status === 'settled');
    const pending = rows.filter((r) => r.status === 'submitted' || r.status === 'evidence_requested');
    const fen = (rs: { amount_fen: number | string }[]) => rs.reduce((a, r) => a + Number(r.amount_fen), 0);
    const report = await waiverSummary(db, { region: '5202', from: '1900-01-01', to: '2999-12-31', lang: 'zh-CN' });
    expect([report.people, report.amount_fen]).to.deep.equal([counted.length, fen(counted)]);
    expect(report.pending).to.deep.equal({ people: pending.length, amount_fen: fen(pending) });
    for (const rowsOf of [report.by_county, report.by_month, report.by_group, report.by_item])
      expect(fen(rowsOf)).to.equal(fen(counted));
  });
});

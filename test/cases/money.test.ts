// Money gates the case, over HTTP: closing with a balance owed needs a 挂账 reason; a closed case changes only by an
// audited correction; payments beyond the balance are refused unless taken as a deposit; voids and refunds keep
// every row; receipt numbers run per home and year under concurrency; the receipt PDF reads as it should.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { addPayment } from '../../server/cases/money-service.js';
import { nextReceiptNumber } from '../../server/cases/money-store.js';
import { nowIso } from '../../server/db.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import { facilityId, insertCase, OTHER_HOME } from '../cremation/fixtures.js';
import { requiredDocuments } from '../../server/cases/family-kinds.js';
import { pdfText } from '../documents/pdf-tools.js';
import { releaseAshes } from '../custody/steps.js';

describe(`cases: money (${dialect})`, () => {
  let app: TestApp;
  let desk: Client;
  let home: number;
  let cold: number; // ¥100.00 a day
  let urn: number; // ¥400.00 a piece
  let clerk: { id: number; display_name: string };
  const year = () => DateTime.now().setZone('Asia/Shanghai').year;

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db);
    desk = await signedIn(app, 'front_desk');
    clerk = await app.db('users').where({ username: 'frontdesk' }).first('id', 'display_name');
    const now = nowIso();
    const item = (code: string, name_zh: string, price_fen: number, unit: string) => ({
      facility_id: home,
      code,
      name_zh,
      name_en: code,
      category: 'optional',
      basic_kind: null,
      unit,
      price_fen,
      valid_from: '2020-01-01',
      valid_to: null,
      created_at: now,
      updated_at: now,
    });
    await app
      .db('price_items')
      .insert([item('MONEY_COLD', '测试冷藏', 10000, 'day'), item('MONEY_URN', '测试骨灰盒', 40000, 'piece')]);
    cold = (await app.db('price_items').where({ code: 'MONEY_COLD' }).first('id')).id;
    urn = (await app.db('price_items').where({ code: 'MONEY_URN' }).first('id')).id;
  });
  after(() => app.close());

  const page = (id: number) => `/staff/cases/${id}`;
  const post = (id: number, path: string, form: Record<string, string>) =>
    desk.post(`${page(id)}${path}`, form, { from: page(id) });
  const addLine = (id: number, item: number, quantity = 1) =>
    post(id, '/lines', { price_item_id: String(item), quantity: String(quantity) });
  const pay = (id: number, amount: string, over: Record<string, string> = {}) =>
    post(id, '/payments', { method: 'wechat', amount, ...over });
  const statusOf = async (id: number) => (await app.db('funeral_cases').where({ id }).first('status')).status;
  const balanceOn = (html: string) => /data-testid="balance"><strong>([^<]+)</.exec(html)?.[1];
  async function caseWith(status: string, lines: [number, number][] = []): Promise<number> {
    const id = await insertCase(app.db, home, { status: status === 'closed' ? 'cremated' : status });
    // The papers are in: only money stands between these cases and closing (papers: test/cases/papers.test.ts).
    const now = new Date().toISOString();
    await app
      .db('case_documents')
      .insert(requiredDocuments.map((kind) => ({ case_id: id, kind, state: 'received', updated_at: now })));
    for (const [item, q] of lines) expect((await addLine(id, item, q)).status).to.equal(302);
    return id;
  }

  // ## Closing
  it('refuses to close a case with a balance owed until a 挂账 reason is given, then records amount, who, when and why', async () => {
    const id = await caseWith('cremated', [[urn, 1]]);
    expect((await pay(id, '100')).status).to.equal(302);
    const form = await desk.get(page(id));
    expect(textOf(form.text)).to.contain('挂账原因（仍欠 ¥300.00）');

    // Placing the ashes (the status form) and releasing them (骨灰领取) both close the case: both ask the reason.
    const refused = await post(id, '/status', { from: 'cremated', to: 'ashes_placed' });
    expect(refused.status).to.equal(400);
    expect(textOf(refused.text)).to.contain('仍欠 ¥300.00，结案须填写挂账原因。');
    const notReleased = await releaseAshes(desk, app.db, id);
    expect(notReleased.status).to.equal(400);
    expect(textOf(notReleased.text)).to.contain('仍欠 ¥300.00，结案须填写挂账原因。');
    expect(await statusOf(id)).to.equal('cremated');
    expect(
      await app.db('case_events').where({ case_id: id }).whereIn('to_status', ['ashes_released', 'ashes_placed']),
    ).to.have.length(0);
    expect(await app.db('custody_releases').where({ case_id: id })).to.have.length(0);

    const closed = await releaseAshes(desk, app.db, id, { closing_reason_balance_owed: '家属月底前结清' });
    expect(closed.status, textOf(closed.text).slice(0, 300)).to.equal(302);
    expect(await statusOf(id)).to.equal('ashes_released');
    const event = await app.db('case_events').where({ case_id: id, to_status: 'ashes_released' }).first();
    const rows = await app.db('case_closing_reasons').where({ case_id: id }).select();
    expect(rows.map((r) => [r.problem, Number(r.amount_fen), r.reason, r.actor_id, r.event_id])).to.deep.equal([
      ['balance_owed', 30000, '家属月底前结清', clerk.id, event.id],
    ]);
    expect(rows[0].at).to.be.ok;
    const shown = textOf((await desk.get(page(id))).text);
    expect(shown).to.contain('挂账 ¥300.00：家属月底前结清').and.contain('挂账记录');
    const audit = await app
      .db('audit_log')
      .where({ entity_id: String(id), action: 'status' })
      .orderBy('id', 'desc')
      .first();
    expect(JSON.stringify(audit)).to.contain('家属月底前结清');
  });

  it('closes a case with nothing owed without asking for a reason, and asks none for a step that does not close', async () => {
    const id = await caseWith('cremated', [[cold, 2]]);
    expect((await pay(id, '200')).status).to.equal(302);
    expect(textOf((await desk.get(page(id))).text)).to.not.contain('挂账原因');
    expect((await post(id, '/status', { from: 'cremated', to: 'ashes_placed' })).status).to.equal(302);
    expect(await app.db('case_closing_reasons').where({ case_id: id })).to.have.length(0);
    const open = await caseWith('stored', [[urn, 1]]);
    expect((await post(open, '/status', { from: 'stored', to: 'farewell_done' })).status).to.equal(302);
  });

  // ## Closed cases
  it('refuses to add or remove services of a closed case; a correction with its reason adds or takes off, audited as a correction', async () => {
    const id = await caseWith('cremated', [[cold, 3]]);
    expect((await pay(id, '300')).status).to.equal(302);
    expect((await releaseAshes(desk, app.db, id)).status).to.equal(302);
    const [line] = await app.db('case_lines').where({ case_id: id }).select('id');

    const add = await addLine(id, urn);
    expect(add.status).to.equal(409);
    expect(textOf(add.text)).to.contain('本案已结案，不能再增删服务项目');
    expect((await post(id, `/lines/${line.id}/delete`, {})).status).to.equal(409);
    expect(await app.db('case_lines').where({ case_id: id })).to.have.length(1);
    const shown = (await desk.get(page(id))).text;
    expect(shown).to.not.contain(`/lines/${line.id}/delete`);
    expect(shown).to.contain('/corrections');

    const noReason = await post(id, '/corrections', { correction_target: `line:${line.id}`, correction_quantity: '1' });
    expect(noReason.status).to.equal(400);
    const tooMany = await post(id, '/corrections', {
      correction_target: `line:${line.id}`,
      correction_quantity: '4',
      correction_reason: '多记',
    });
    expect(tooMany.status).to.equal(400);
    expect(textOf(tooMany.text)).to.contain('冲减数量不能超过该项目剩余数量 3');

    const off = await post(id, '/corrections', {
      correction_target: `line:${line.id}`,
      correction_quantity: '1',
      correction_reason: '冷藏多记一天',
    });
    expect(off.status).to.equal(302);
    const added = await post(id, '/corrections', {
      correction_target: `item:${urn}`,
      correction_quantity: '1',
      correction_reason: '漏记骨灰盒',
    });
    expect(added.status).to.equal(302);
    const lines = await app.db('case_lines').where({ case_id: id }).orderBy('id');
    expect(
      lines.map((l) => [l.kind, Number(l.quantity), Number(l.amount_fen), l.corrects_line_id, l.reason]),
    ).to.deep.equal([
      ['charge', 3, 30000, null, null],
      ['correction', -1, -10000, line.id, '冷藏多记一天'],
      ['correction', 1, 40000, null, '漏记骨灰盒'],
    ]);
    const audits = await app.db('audit_log').where({ entity_id: String(id), action: 'correction' });
    expect(audits).to.have.length(2);
    expect(balanceOn((await desk.get(page(id))).text)).to.equal('¥300.00');

    const open = await caseWith('stored');
    const refused = await post(open, '/corrections', {
      correction_target: `item:${urn}`,
      correction_quantity: '1',
      correction_reason: '测试',
    });
    expect(refused.status).to.equal(409);
  });

  // ## Payments
  it('refuses a payment beyond the balance, naming the balance, and takes the excess as a deposit', async () => {
    const id = await caseWith('stored', [[urn, 1]]);
    const over = await pay(id, '500');
    expect(over.status).to.equal(400);
    expect(textOf(over.text)).to.contain('收款金额超过应收余额 ¥400.00');
    expect(await app.db('case_payments').where({ case_id: id })).to.have.length(0);
    const deposit = await pay(id, '500', { kind: 'deposit', payer: '王小明' });
    expect(deposit.status).to.equal(302);
    const [row] = await app.db('case_payments').where({ case_id: id }).select();
    expect([row.kind, Number(row.amount_fen), row.payer, row.facility_id]).to.deep.equal([
      'deposit',
      50000,
      '王小明',
      home,
    ]);
    expect(row.receipt_number).to.match(new RegExp(`^${year()}-\\d{6}$`));
    expect(balanceOn((await desk.get(page(id))).text)).to.equal('-¥100.00');
    const nothingOwed = await pay(id, '1');
    expect(nothingOwed.status).to.equal(400);
    expect(textOf(nothingOwed.text)).to.contain('目前没有应收余额');
  });

  it('voids a payment with a reason: the row stays, marked, out of the totals; a second void is a 409', async () => {
    const id = await caseWith('stored', [[urn, 1]]);
    expect((await pay(id, '300')).status).to.equal(302);
    const p = await app.db('case_payments').where({ case_id: id }).first();
    expect((await post(id, `/payments/${p.id}/void`, { void_reason: '' })).status).to.equal(400);
    expect((await post(id, `/payments/${p.id}/void`, { void_reason: '收错案件' })).status).to.equal(302);
    const after = await app.db('case_payments').where({ id: p.id }).first();
    expect([after.void_reason, after.voided_by]).to.deep.equal(['收错案件', clerk.id]);
    expect(after.voided_at).to.be.ok;
    const shown = (await desk.get(page(id))).text;
    expect(balanceOn(shown)).to.equal('¥400.00');
    expect(textOf(shown)).to.contain('已作废').and.contain('收错案件');
    expect((await post(id, `/payments/${p.id}/void`, { void_reason: '再次' })).status).to.equal(409);
    expect(await app.db('audit_log').where({ entity_id: String(id), action: 'void_payment' })).to.have.length(1);
  });

  it('refunds never beyond what was paid net; a payment partly refunded is voided only after its refund', async () => {
    const id = await caseWith('stored', [[urn, 1]]);
    expect((await pay(id, '400')).status).to.equal(302);
    const tooMuch = await post(id, '/refunds', {
      refund_method: 'cash',
      refund_amount: '400.01',
      refund_reason: '取消',
    });
    expect(tooMuch.status).to.equal(400);
    expect(textOf(tooMuch.text)).to.contain('退款金额不能超过已收款净额 ¥400.00');
    expect(
      (await post(id, '/refunds', { refund_method: 'cash', refund_amount: '100', refund_reason: '' })).status,
    ).to.equal(400);
    const ok = await post(id, '/refunds', {
      refund_method: 'cash',
      refund_amount: '100',
      refund_reason: '骨灰盒换小号',
    });
    expect(ok.status).to.equal(302);
    expect(balanceOn((await desk.get(page(id))).text)).to.equal('¥100.00');
    const [payment, refund] = await app.db('case_payments').where({ case_id: id }).orderBy('id');
    expect([refund.kind, refund.reason]).to.deep.equal(['refund', '骨灰盒换小号']);
    expect(Number(refund.receipt_number.split('-')[1])).to.equal(Number(payment.receipt_number.split('-')[1]) + 1);
    const blocked = await post(id, `/payments/${payment.id}/void`, { void_reason: '收错' });
    expect(blocked.status).to.equal(409);
    expect(textOf(blocked.text)).to.contain('请先作废退款');
    expect((await post(id, `/payments/${refund.id}/void`, { void_reason: '退款未付出' })).status).to.equal(302);
    expect((await post(id, `/payments/${payment.id}/void`, { void_reason: '收错' })).status).to.equal(302);
    expect(balanceOn((await desk.get(page(id))).text)).to.equal('¥400.00');
    expect(await app.db('case_payments').where({ case_id: id })).to.have.length(2);
    expect(await app.db('audit_log').where({ entity_id: String(id), action: 'refund' })).to.have.length(1);
  });

  // ## Receipt numbers
  it('lets 30 concurrent payments through only as far as the balance holds, each receipt number distinct and consecutive', async () => {
    const owing = await caseWith('stored', [[cold, 10]]); // ¥1,000.00 owed
    const ahead = await caseWith('stored');
    await desk.get(page(owing));
    const send = (id: number, kind: string) =>
      desk.request('POST', `${page(id)}/payments`, { form: { _csrf: desk.csrf, method: 'cash', amount: '100', kind } });
    const answers = await Promise.all([
      ...Array.from({ length: 30 }, () => send(owing, 'payment')),
      ...Array.from({ length: 20 }, () => send(ahead, 'deposit')),
    ]);
    expect(answers.slice(0, 30).filter((a) => a.status === 302)).to.have.length(10);
    expect(answers.slice(0, 30).filter((a) => a.status === 400)).to.have.length(20);
    expect(answers.slice(30).every((a) => a.status === 302)).to.equal(true);
    expect(balanceOn((await desk.get(page(owing))).text)).to.equal('¥0.00');
    const numbers = await app.db('case_payments').whereIn('case_id', [owing, ahead]).pluck('receipt_number');
    expect(numbers).to.have.length(30);
    expect(new Set(numbers).size).to.equal(30);
    expect(numbers.every((n: string) => n.startsWith(`${year()}-`))).to.equal(true);
    const seqs = numbers.map((n: string) => Number(n.split('-')[1])).sort((a: number, b: number) => a - b);
    expect(seqs[29] - seqs[0], 'no gaps, no repeats').to.equal(29);
  });

  it('lets concurrent payments of one case, called straight on the service, take no more than is owed', async () => {
    const id = await caseWith('stored', [[cold, 5]]); // ¥500.00 owed
    const actor = { id: clerk.id, username: 'frontdesk', role: 'front_desk' as const, facility_id: home };
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        addPayment(app.db, actor, id, { kind: 'payment', method: 'cash', amount_fen: 10000 }, null),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(5);
    const paid = await app.db('case_payments').where({ case_id: id }).sum({ s: 'amount_fen' }).first();
    expect(Number(paid!.s)).to.equal(50000);
  });

  it('numbers receipts per home and year: each starts again at 1', async () => {
    const other = await facilityId(app.db, OTHER_HOME);
    const next = (f: number, y: number) => app.db.transaction((trx) => nextReceiptNumber(trx, f, y));
    expect(await next(home, 2091)).to.equal(1);
    expect(await next(home, 2091)).to.equal(2);
    expect(await next(home, 2092)).to.equal(1);
    expect(await next(other, 2091)).to.equal(1);
    expect(await next(home, 2091)).to.equal(3);
  });

  // ## The receipt
  it('prints a receipt with its number, payer, method, amount in figures and capitals and the clerk; VOID once voided', async () => {
    const id = await caseWith('stored', [[cold, 20]]);
    expect((await pay(id, '1000.50', { payer: '赵家属' })).status).to.equal(302);
    const p = await app.db('case_payments').where({ case_id: id }).first();
    const fetchPdf = async (url: string) => {
      const cookie = (desk as unknown as { cookieHeader(): string }).cookieHeader();
      const res = await fetch(app.url + url, { headers: { cookie } });
      expect(res.status, url).to.equal(200);
      expect(res.headers.get('cache-control')).to.contain('no-store');
      return pdfText(Buffer.from(await res.arrayBuffer()));
    };
    const text = await fetchPdf(`${page(id)}/payments/${p.id}/receipt.pdf`);
    for (const s of ['收据', p.receipt_number, '赵家属', '微信支付', '¥1,000.50', '壹仟元伍角整', clerk.display_name])
      expect(text, s).to.contain(s);
    expect(text).to.not.contain('作废');
    expect((await post(id, `/payments/${p.id}/void`, { void_reason: '金额录错' })).status).to.equal(302);
    const voided = await fetchPdf(`${page(id)}/payments/${p.id}/receipt.pdf`);
    expect(voided).to.contain('作废').and.contain('金额录错');
    const statement = await fetchPdf(`${page(id)}/receipt.pdf`);
    expect(statement).to.contain(p.receipt_number).and.contain('作废');
  });

  it('keeps a home’s payments and receipts to itself: another home’s front desk gets 404', async () => {
    const id = await caseWith('stored', [[urn, 1]]);
    expect((await pay(id, '10')).status).to.equal(302);
    const p = await app.db('case_payments').where({ case_id: id }).first();
    const admin = await signedIn(app, 'admin');
    expect((await admin.get(`${page(id)}/payments/${p.id}/receipt.pdf`)).status).to.equal(200);
    const bureau = await signedIn(app, 'bureau');
    expect(
      (await bureau.post(`${page(id)}/payments/${p.id}/void`, { void_reason: 'x' }, { from: page(id) })).status,
    ).to.equal(403);
    const strayCase = await insertCase(app.db, await facilityId(app.db, OTHER_HOME));
    expect((await desk.get(`/staff/cases/${strayCase}/payments/${p.id}/receipt.pdf`)).status).to.equal(404);
  });
});

// Printed documents over HTTP: the cremation certificate and the statement of charges, read back as text with
// pdftotext; who may print which; the certificate's audit row; tables that run onto a second page.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { hashPassword } from '../../server/accounts/password.js';
import { checkCharacter } from '../../server/cases/id-number.js';
import { nowIso } from '../../server/db.js';
import { formatDate, formatDateTime } from '../../server/http/format.js';
import { todayInShanghai } from '../../server/time.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { recordForm } from '../cremation/fixtures.js';
import { receiveAndStore } from '../custody/steps.js';

const id = (first17: string) => first17 + checkCharacter(first17);
const ZHAO = id('52020119381102002'); // female, 1938-11-02
const QIAN = id('52020119520817003');
const MAX_BYTES = 300 * 1024;

const pdftotext = spawnSync('pdftotext', ['-v']).error ? null : 'pdftotext';
let told = false;

/** The text a reader would copy out of the PDF, with whitespace dropped: letter-spaced titles come out spaced. */
function pdfText(pdf: Buffer): string {
  const out = spawnSync('pdftotext', ['-', '-'], { input: pdf, maxBuffer: 16 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`pdftotext failed: ${out.stderr.toString()}`);
  return compact(out.stdout.toString('utf8'));
}
const compact = (s: string) => s.replace(/\s+/g, '');

function needPdftotext(ctx: Mocha.Context): void {
  if (pdftotext) return;
  if (!told) console.log('      (skipped: pdftotext is not installed — apt-get install poppler-utils; CI installs it)');
  told = true;
  ctx.skip();
}

describe(`documents: certificate and statement of charges (${dialect})`, () => {
  let app: TestApp;
  let desk: Client, bureau: Client, other: Client;
  let homeId: number, otherHomeId: number;
  let crematedId: number, storedId: number;
  let cremationAt: string;

  const form = (over: Record<string, string>) => ({
    facility_id: String(homeId),
    deceased_name: '赵淑华',
    id_number: ZHAO,
    sex: '',
    birth_date: '',
    death_at: '2026-11-20T06:30',
    death_place: '钟山区人民医院',
    death_certificate_no: 'GZ2026-0101',
    household_region__county: '520201',
    household_region__township: '520201101',
    household_region__village: '520201101201',
    contact_name: '赵明',
    contact_phone: '13908585678',
    contact_relationship: '儿子',
    pickup_address: '',
    pickup_at: '',
    ...over,
  });

  /** Client reads bodies as text, which would mangle a PDF; this asks with its session and keeps the bytes. */
  async function fetchPdf(c: Client, url: string, extraCookie = '') {
    const cookie = [(c as unknown as { cookieHeader(): string }).cookieHeader(), extraCookie]
      .filter(Boolean)
      .join('; ');
    const res = await fetch(app.url + url, { headers: { cookie }, redirect: 'manual' });
    const body = Buffer.from(await res.arrayBuffer());
    const keep = process.env.SHIAN_PDF_DIR; // to look at the documents by eye: pdftoppm -png -r 80 <file> <prefix>
    if (keep && res.ok)
      fs.writeFileSync(
        path.join(keep, `${url.slice(1).replace(/\W+/g, '-')}${extraCookie.replace(/\W+/g, '-')}.pdf`),
        body,
      );
    return { status: res.status, headers: res.headers, body };
  }

  async function openCase(over: Record<string, string>): Promise<number> {
    const res = await desk.post('/staff/cases', form(over), { from: '/staff/cases/new' });
    expect(res.status).to.equal(302);
    return Number(res.location!.split('/').pop());
  }

  async function move(caseId: number, steps: string[]): Promise<void> {
    for (let i = 1; i < steps.length; i++) {
      const res = await desk.post(
        `/staff/cases/${caseId}/status`,
        { from: steps[i - 1], to: steps[i] },
        { from: `/staff/cases/${caseId}` },
      );
      expect(res.status, `${steps[i - 1]} → ${steps[i]}`).to.equal(302);
    }
  }

  before(async () => {
    app = await startApp();
    const homes = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').select('id');
    [homeId, otherHomeId] = homes.map((h) => h.id);
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
    desk = await signedIn(app, 'front_desk');
    bureau = await signedIn(app, 'bureau');
    other = new Client(app.url);
    await other.login('panzhou', 'Panzhou-2026');

    const item = (code: string, name: string, category: string, unit: string, fen: number) => ({
      facility_id: homeId,
      code,
      name_zh: name,
      name_en: code,
      category,
      basic_kind: category === 'basic' ? 'cremation' : null,
      unit,
      price_fen: fen,
      valid_from: '2026-01-01',
      valid_to: null,
      created_at: now,
      updated_at: now,
    });
    await app
      .db('price_items')
      .insert([
        item('DOC-CREMATE', '遗体火化（测试）', 'basic', 'time', 40000),
        item('DOC-COLD', '遗体冷藏（测试）', 'basic', 'day', 10000),
        item('DOC-URN', '骨灰盒（测试款）', 'optional', 'piece', 123450),
      ]);
    const prices = Object.fromEntries(
      (await app.db('price_items').where({ facility_id: homeId }).whereLike('code', 'DOC-%').select('id', 'code')).map(
        (p) => [p.code, String(p.id)],
      ),
    );

    crematedId = await openCase({});
    for (const [code, quantity] of [
      ['DOC-CREMATE', '1'],
      ['DOC-COLD', '3'],
      ['DOC-URN', '1'],
    ]) {
      expect(
        (
          await desk.post(
            `/staff/cases/${crematedId}/lines`,
            { price_item_id: prices[code], quantity },
            { from: `/staff/cases/${crematedId}` },
          )
        ).status,
      ).to.equal(302);
    }
    await app.db('case_deductions').insert({
      case_id: crematedId,
      source: 'waiver',
      label: '惠民殡葬基本服务费减免',
      amount_fen: 40000,
      created_at: now,
    });
    expect(
      (
        await desk.post(
          `/staff/cases/${crematedId}/payments`,
          { method: 'wechat', amount: '1000.50' },
          { from: `/staff/cases/${crematedId}` },
        )
      ).status,
    ).to.equal(302);

    const cremator = async (name: string) => {
      const [row] = await app
        .db('cremators')
        .insert({
          facility_id: homeId,
          name,
          slot_minutes: 60,
          day_start: '07:00',
          day_end: '17:00',
          active: true,
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      return typeof row === 'object' ? row.id : row;
    };
    const booking = (cremator_id: number, status: string, startsAt: string) => ({
      case_id: crematedId,
      cremator_id,
      starts_at: startsAt,
      ends_at: startsAt.replace('T02', 'T03'),
      status,
      cancel_reason: status === 'cancelled' ? '家属改期' : null,
      created_by: null,
      created_at: now,
      updated_at: now,
    });
    await app
      .db('cremation_bookings')
      .insert(booking(await cremator('乙号火化炉'), 'cancelled', '2026-11-21T02:00:00.000Z'));
    const [held] = await app
      .db('cremation_bookings')
      .insert(booking(await cremator('甲号火化炉'), 'booked', '2026-11-22T02:00:00.000Z'))
      .returning('id');
    const used = await cremator('丙号火化炉');
    // Received and stored by the custody forms (the status form refuses those steps), then the farewell.
    await receiveAndStore(desk, crematedId, { received_at: '2026-11-20T09:00' });
    await move(crematedId, ['stored', 'farewell_done']);
    // Recorded against the booking: started 5 minutes into the slot, in another cremator than the one booked.
    const recorded = await recordForm(desk, typeof held === 'object' ? held.id : held, {
      started_at: '2026-11-22T10:05',
      ended_at: '2026-11-22T11:02',
      cremator_id: used,
      operator_name: '刘师傅',
    });
    expect(recorded.status, textOf(recorded.text).slice(0, 300)).to.equal(302);
    cremationAt = '2026-11-22T02:05:00.000Z';

    storedId = await openCase({
      deceased_name: '钱国栋',
      id_number: QIAN,
      contact_name: '钱芳',
      contact_relationship: '女儿',
    });
    await receiveAndStore(desk, storedId);
  });
  after(() => app.close());

  it('prints the cremation certificate with the full ID number, times, cremator, receiver and clerk', async function () {
    const res = await fetchPdf(desk, `/staff/cases/${crematedId}/certificate.pdf`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const c = await app.db('funeral_cases').where({ id: crematedId }).first();
    expect(res.headers.get('content-disposition')).to.equal(
      `inline; filename="cremation-certificate-${c.case_number}.pdf"; filename*=UTF-8''${encodeURIComponent(`火化证明-${c.case_number}.pdf`)}`,
    );
    expect(res.body.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(res.body.length).to.be.below(MAX_BYTES);
    needPdftotext(this);
    const text = pdfText(res.body);
    for (const s of [
      '火化证明',
      '六盘水市殡仪馆（示例）',
      `编号：${c.case_number}`,
      '赵淑华',
      ZHAO,
      '女',
      '1938年11月2日',
      '2026年11月20日 06:30',
      `${formatDateTime(cremationAt, 'zh-CN')}–11:02`,
      '丙号火化炉',
      '赵明（儿子）',
      '经办人：殡仪馆前台',
      `出具日期：${formatDate(todayInShanghai(), 'zh-CN')}`,
      '特此证明',
      '盖章',
    ]) {
      expect(text, s).to.contain(compact(s));
    }
    expect(text).to.not.contain('乙号火化炉'); // the cancelled booking
    expect(text).to.not.contain('甲号火化炉'); // booked, but not the one used
    // Never the time the cremation was clicked in.
    const clicked = (await app.db('case_events').where({ case_id: crematedId, to_status: 'cremated' }).first('at')).at;
    expect(text).to.not.contain(compact(formatDateTime(clicked, 'zh-CN')));
  });

  it('records every certificate print in the audit log, without the ID number', async () => {
    const before = await app
      .db('audit_log')
      .where({ action: 'print_certificate', entity_id: String(crematedId) })
      .count({ n: '*' });
    expect((await fetchPdf(desk, `/staff/cases/${crematedId}/certificate.pdf`)).status).to.equal(200);
    const rows = await app
      .db('audit_log')
      .where({ action: 'print_certificate', entity: 'funeral_case', entity_id: String(crematedId) })
      .orderBy('id');
    expect(rows.length).to.equal(Number(before[0].n) + 1);
    const last = rows[rows.length - 1];
    expect(last.actor_name).to.equal('frontdesk');
    expect(String(last.after ?? '')).to.not.contain(ZHAO);
  });

  it('refuses the certificate before cremation with 409 and says why', async () => {
    const res = await desk.get(`/staff/cases/${storedId}/certificate.pdf`);
    expect(res.status).to.equal(409);
    expect(res.headers.get('content-type')).to.match(/^text\/html/);
    expect(textOf(res.text)).to.contain('逝者尚未火化，或火化尚未在火化预约上记录：记录火化后才能出具火化证明。');
    expect(res.text).to.contain(`href="/staff/cases/${storedId}"`); // the way back, not a bare error
    expect(
      await app
        .db('audit_log')
        .where({ action: 'print_certificate', entity_id: String(storedId) })
        .first(),
    ).to.be.undefined;
  });

  it('prints the statement of charges with the masked ID number, services, deduction, payment and balance', async function () {
    const res = await fetchPdf(desk, `/staff/cases/${crematedId}/receipt.pdf`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/pdf');
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const c = await app.db('funeral_cases').where({ id: crematedId }).first();
    expect(res.headers.get('content-disposition')).to.contain(
      `filename*=UTF-8''${encodeURIComponent(`收费明细-${c.case_number}.pdf`)}`,
    );
    expect(res.body.length).to.be.below(MAX_BYTES);
    needPdftotext(this);
    const text = pdfText(res.body);
    // 400.00 + 3 × 100.00 + 1,234.50 = 1,934.50; less 400.00 waived and 1,000.50 paid leaves 534.00.
    for (const s of [
      '殡葬服务收费明细',
      c.case_number,
      '赵淑华',
      `520201********${ZHAO.slice(-4)}`,
      '139****5678',
      '赵明（儿子）',
      '遗体火化（测试）',
      '基本',
      '¥400.00/次',
      '¥400.00',
      '¥100.00/天',
      '¥300.00',
      '骨灰盒（测试款）',
      '选择',
      '¥1,234.50',
      '服务合计',
      '¥1,934.50',
      '减免：惠民殡葬基本服务费减免',
      '-¥400.00',
      '微信支付',
      '殡仪馆前台',
      '¥1,000.50',
      '应收余额',
      '¥534.00',
      '第1页，共1页',
    ]) {
      expect(text, s).to.contain(compact(s));
    }
    expect(text).to.not.contain(ZHAO).and.not.contain('13908585678');
  });

  it('prints the statement at any stage, even with no services or payments yet', async function () {
    const res = await fetchPdf(desk, `/staff/cases/${storedId}/receipt.pdf`);
    expect(res.status).to.equal(200);
    needPdftotext(this);
    const text = pdfText(res.body);
    for (const s of ['钱国栋', '尚未添加服务项目', '尚无收费记录', '应收余额', '¥0.00'])
      expect(text, s).to.contain(compact(s));
  });

  it('carries the table header onto the next page when the services run long', async function () {
    const longId = await openCase({ deceased_name: '孙长林', id_number: id('52020119450101004') });
    const { id: _first, ...line } = await app.db('case_lines').where({ case_id: crematedId }).orderBy('id').first();
    await app.db('case_lines').insert(
      Array.from({ length: 45 }, (_, i) => ({
        ...line,
        case_id: longId,
        name_zh: `鲜花布置第${i + 1}项`,
        created_at: nowIso(),
      })),
    );
    const res = await fetchPdf(desk, `/staff/cases/${longId}/receipt.pdf`);
    expect(res.status).to.equal(200);
    expect(res.body.length).to.be.below(MAX_BYTES);
    needPdftotext(this);
    const text = pdfText(res.body);
    expect(text).to.contain('鲜花布置第45项').and.contain('第2页，共').and.contain('殡葬服务收费明细（续）');
    expect(text.split('单价').length - 1, 'header on each page of the table').to.be.at.least(2);
  });

  it('prints in English when that is the language chosen', async function () {
    const res = await fetchPdf(desk, `/staff/cases/${crematedId}/certificate.pdf`, 'lang=en');
    expect(res.status).to.equal(200);
    const c = await app.db('funeral_cases').where({ id: crematedId }).first();
    expect(res.headers.get('content-disposition')).to.contain(
      `filename*=UTF-8''cremation-certificate-${c.case_number}.pdf`,
    );
    needPdftotext(this);
    expect(pdfText(res.body)).to.contain('CremationCertificate').and.contain('赵淑华').and.contain(ZHAO);
  });

  it('keeps another funeral home’s front desk out of both documents: 404, as for a case that does not exist', async () => {
    expect((await fetchPdf(other, `/staff/cases/${crematedId}/certificate.pdf`)).status).to.equal(404);
    expect((await fetchPdf(other, `/staff/cases/${crematedId}/receipt.pdf`)).status).to.equal(404);
    expect((await fetchPdf(other, '/staff/cases/2147483647/receipt.pdf')).status).to.equal(404);
  });

  it('lets the bureau read the statement for inspection but not issue the certificate', async () => {
    expect((await fetchPdf(bureau, `/staff/cases/${crematedId}/receipt.pdf`)).status).to.equal(200);
    expect((await fetchPdf(bureau, `/staff/cases/${crematedId}/certificate.pdf`)).status).to.equal(403);
  });

  it('links both documents from the case page; the certificate only for the home’s own staff', async () => {
    const own = await desk.get(`/staff/cases/${crematedId}`);
    expect(own.text)
      .to.contain(`href="/staff/cases/${crematedId}/receipt.pdf"`)
      .and.contain(`href="/staff/cases/${crematedId}/certificate.pdf"`);
    expect(textOf(own.text)).to.contain('打印单据');
    const read = await bureau.get(`/staff/cases/${crematedId}`);
    expect(read.text).to.contain(`href="/staff/cases/${crematedId}/receipt.pdf"`).and.not.contain('certificate.pdf');
  });
});

// The satisfaction survey (满意度测评): a code is made when a case closes and printed on its statement; the family
// rates once on the public page (of two at once, one wins); bad input is answered field by field; wrong codes are
// counted per address; the staff page shows ratings per facility and month within the reader's scope.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import jsQRModule from 'jsqr';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { facilityId, insertCase } from '../cremation/fixtures.js';
import { pdfText } from '../documents/pdf-tools.js';
import { CODE_FAILURES } from '../../server/satisfaction/limits.js';
import { printedCode } from '../../server/satisfaction/schemas.js';

const PUBLIC_URL = 'https://shian.example.org';

// jsqr is CommonJS: its default import is the function, which its types (an ES default) do not say.
const jsQR = jsQRModule as unknown as (data: Uint8ClampedArray, w: number, h: number) => { data: string } | null;

/** The QR codes a phone would read off the printed first page: rendered by pdftoppm (grey, 100 dpi), read by jsQR. */
function qrOnPage(pdf: Buffer): string | undefined {
  const out = spawnSync('pdftoppm', ['-gray', '-r', '100', '-f', '1', '-l', '1', '-'], {
    input: pdf,
    maxBuffer: 32 * 1024 * 1024,
  });
  const pgm = out.stdout;
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 50).toString('latin1'))!;
  const [width, height] = [Number(header[1]), Number(header[2])];
  const grey = pgm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i += 1) rgba.set([grey[i], grey[i], grey[i], 255], i * 4);
  return jsQR(rgba, width, height)?.data;
}
const CODE = /^[2-9A-HJ-NP-Z]{8}$/;

describe(`satisfaction survey: codes and ratings (${dialect})`, () => {
  let app: TestApp;
  let desk: Client;
  let home: number;
  before(async () => {
    app = await startApp({ config: { publicUrl: PUBLIC_URL } });
    desk = await signedIn(app, 'front_desk');
    home = await facilityId(app.db);
  });
  after(() => app.close());

  const surveyOf = (caseId: number) => app.db('satisfaction_surveys').where({ case_id: caseId }).first();

  /** Closes a cremated case by the status form (ashes placed), with a reason for the papers not received. */
  async function closeCase(): Promise<{ caseId: number; code: string }> {
    const caseId = await insertCase(app.db, home, { status: 'cremated' });
    const res = await desk.post(
      `/staff/cases/${caseId}/status`,
      { from: 'cremated', to: 'ashes_placed', note: '', closing_reason_documents_missing: '家属补交' },
      { from: `/staff/cases/${caseId}` },
    );
    expect(res.status, textOf(res.text).slice(0, 300)).to.equal(302);
    return { caseId, code: (await surveyOf(caseId)).code };
  }

  async function fetchPdf(c: Client, url: string) {
    const cookie = (c as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + url, { headers: { cookie } });
    const body = Buffer.from(await res.arrayBuffer());
    const keep = process.env.SHIAN_PDF_DIR; // to look at the statement by eye: pdftoppm -png -r 80 <file> <prefix>
    if (keep && res.ok) fs.writeFileSync(path.join(keep, `${url.slice(1).replace(/\W+/g, '-')}.pdf`), body);
    return { status: res.status, body };
  }

  it('makes one survey code when a case closes, none while it is open', async () => {
    const open = await insertCase(app.db, home, { status: 'stored' });
    const moved = await desk.post(
      `/staff/cases/${open}/status`,
      { from: 'stored', to: 'farewell_done', note: '' },
      { from: `/staff/cases/${open}` },
    );
    expect(moved.status).to.equal(302);
    expect(await surveyOf(open)).to.equal(undefined);
    const cremated = await insertCase(app.db, home, { status: 'cremated' });
    expect(await surveyOf(cremated)).to.equal(undefined);

    const { caseId, code } = await closeCase();
    expect(code).to.match(CODE);
    const row = await surveyOf(caseId);
    expect(row.facility_id).to.equal(home);
    expect(row.rating).to.equal(null);
    expect(await app.db('satisfaction_surveys').where({ case_id: caseId }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });

  it('prints the link, the code and a QR code on the statement of a closed case, and nothing while it is open', async () => {
    const { caseId, code } = await closeCase();
    const open = await insertCase(app.db, home, { status: 'cremated' });
    // Both fetched before reading either: rendering and decoding take seconds, past the server's keep-alive.
    const closed = await fetchPdf(desk, `/staff/cases/${caseId}/receipt.pdf`);
    const openPdf = await fetchPdf(desk, `/staff/cases/${open}/receipt.pdf`);
    expect(closed.status).to.equal(200);
    const text = pdfText(closed.body);
    expect(text).to.contain('服务满意度测评');
    expect(text).to.contain(`${PUBLIC_URL}/rate`);
    expect(text).to.contain(printedCode(code));
    expect(qrOnPage(closed.body)).to.equal(`${PUBLIC_URL}/rate?code=${code}`);

    expect(pdfText(openPdf.body)).to.not.contain('服务满意度测评');
    expect(qrOnPage(openPdf.body)).to.equal(undefined);
  });

  it('takes a rating once: code → five labelled choices → thanks; the same code again is refused in Chinese', async () => {
    const { caseId, code } = await closeCase();
    const family = new Client(app.url);
    const start = await family.get('/rate');
    expect(start.status).to.equal(200);
    expect(textOf(start.text)).to.contain('测评码');
    // Typed as a family would: lower case, with the printed hyphen.
    const typed = printedCode(code).toLowerCase();
    const form = await family.get(`/rate?code=${encodeURIComponent(typed)}`);
    expect(form.status).to.equal(200);
    expect(form.headers.get('cache-control')).to.equal('no-store');
    const shown = textOf(form.text);
    expect(shown).to.contain('六盘水市殡仪馆（示例）');
    for (const label of ['非常不满意', '不满意', '一般', '满意', '非常满意']) expect(shown).to.contain(label);
    expect(form.text.match(/type="radio" name="rating"/g)).to.have.length(5);

    const sent = await family.post('/rate', { code: printedCode(code), rating: '4', comment: '服务周到，  谢谢。' });
    expect(sent.status).to.equal(303);
    expect(sent.location).to.equal('/rate/thanks');
    expect(textOf((await family.get('/rate/thanks')).text)).to.contain('感谢您的评价');
    const row = await surveyOf(caseId);
    expect(row.rating).to.equal(4);
    expect(row.comment).to.equal('服务周到，  谢谢。');
    expect(row.rated_month).to.match(/^\d{4}-\d{2}$/);
    const audit = await app
      .db('audit_log')
      .where({ entity: 'satisfaction_survey', entity_id: String(row.id) })
      .first();
    expect(audit.action).to.equal('rate');
    expect(audit.after).to.not.contain('谢谢');

    const again = await family.post('/rate', { code, rating: '1', comment: '' });
    expect(again.status).to.equal(409);
    expect(textOf(again.text)).to.contain('这个测评码已经评价过了');
    expect((await surveyOf(caseId)).rating).to.equal(4);
    const reopened = await family.get(`/rate?code=${code}`);
    expect(reopened.status).to.equal(409);
    expect(textOf(reopened.text)).to.contain('每个测评码只能评价一次');
  });

  it('of two ratings sent at once with the same code, takes exactly one', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { caseId, code } = await closeCase();
      const a = new Client(app.url);
      const b = new Client(app.url);
      await Promise.all([a.get(`/rate?code=${code}`), b.get(`/rate?code=${code}`)]);
      const replies = await Promise.all([
        a.post('/rate', { code, rating: '5', comment: '甲' }),
        b.post('/rate', { code, rating: '1', comment: '乙' }),
      ]);
      expect(replies.map((r) => r.status).sort()).to.deep.equal([303, 409]);
      const winner = replies[0].status === 303 ? { rating: 5, comment: '甲' } : { rating: 1, comment: '乙' };
      const row = await surveyOf(caseId);
      expect({ rating: row.rating, comment: row.comment }).to.deep.equal(winner);
    }
  });

  it('answers bad input field by field and keeps what was typed', async () => {
    const { code } = await closeCase();
    const family = new Client(app.url);
    await family.get(`/rate?code=${code}`);
    const noRating = await family.post('/rate', { code, comment: '留言保留' });
    expect(noRating.status).to.equal(400);
    expect(textOf(noRating.text)).to.contain('请选择一项评价（1 到 5 分）');
    expect(noRating.text).to.contain('留言保留');
    expect(noRating.text).to.contain('type="radio"'); // still the rating step

    const outOfRange = await family.post('/rate', { code, rating: '6', comment: '' });
    expect(outOfRange.status).to.equal(400);
    expect(textOf(outOfRange.text)).to.contain('请选择一项评价');

    const long = await family.post('/rate', { code, rating: '3', comment: '长'.repeat(201) });
    expect(long.status).to.equal(400);
    expect(textOf(long.text)).to.contain('不能超过 200 个字符');
    // CR LF from a textarea counts as one character: 199 characters and a line break are accepted below.

    const badFormat = await family.get('/rate?code=ABC');
    expect(badFormat.status).to.equal(400);
    expect(textOf(badFormat.text)).to.contain('测评码是 8 位字母和数字');
    const blank = await family.get('/rate?code=');
    expect(blank.status).to.equal(400);
    expect(textOf(blank.text)).to.contain('请输入测评码');
    const unknown = await family.get('/rate?code=ZZZZ-ZZZZ');
    expect(unknown.status).to.equal(400);
    expect(textOf(unknown.text)).to.contain('没有找到这个测评码');

    const noToken = await family.post('/rate', { code, rating: '5' }, { csrf: false });
    expect(noToken.status).to.equal(403);
    expect((await surveyOf((await app.db('satisfaction_surveys').where({ code }).first()).case_id)).rating).to.equal(
      null,
    );

    const ok = await family.post('/rate', { code, rating: '3', comment: `${'长'.repeat(99)}\r\n${'长'.repeat(100)}` });
    expect(ok.status).to.equal(303);
  });

  it('stops an address after too many wrong codes, whatever the code it tries next', async () => {
    const { code } = await closeCase();
    const guesser = new Client(app.url);
    let status = 0;
    for (let i = 0; i <= CODE_FAILURES && status !== 429; i += 1)
      status = (await guesser.get(`/rate?code=ZZZZ${'ABCDEFGHJKLMNPQRSTUVWXY'[i]}ZZZ`)).status;
    expect(status).to.equal(429);
    const blocked = await guesser.get(`/rate?code=${code}`);
    expect(blocked.status).to.equal(429);
    expect(Number(blocked.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(textOf(blocked.text)).to.contain('输入错误次数过多');
    const counted = await app.db('rate_limits').where('key', 'like', 'survey-code%').first();
    expect(counted, 'the counter lives in rate_limits').to.not.equal(undefined);
  });
});

describe(`satisfaction survey: the statement without a public address (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp();
  });
  after(() => app.close());

  it('prints the path /rate and the code, and no QR code, when SHIAN_PUBLIC_URL is not set', async () => {
    const desk = await signedIn(app, 'front_desk');
    const home = await facilityId(app.db);
    const caseId = await insertCase(app.db, home, { status: 'cremated' });
    await desk.post(
      `/staff/cases/${caseId}/status`,
      { from: 'cremated', to: 'ashes_placed', note: '', closing_reason_documents_missing: '家属补交' },
      { from: `/staff/cases/${caseId}` },
    );
    const { code } = await app.db('satisfaction_surveys').where({ case_id: caseId }).first();
    const cookie = (desk as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(`${app.url}/staff/cases/${caseId}/receipt.pdf`, { headers: { cookie } });
    const pdf = Buffer.from(await res.arrayBuffer());
    const text = pdfText(pdf);
    expect(text).to.contain('网址：/rate');
    expect(text).to.contain(`测评码：${printedCode(code)}`);
    expect(text).to.not.contain('二维码');
    expect(qrOnPage(pdf)).to.equal(undefined);
  });
});

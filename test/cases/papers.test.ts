// A case's papers over HTTP: the checklist's states, uploads checked by their bytes and size and kept outside the
// web root, served to the home's own staff only, replaced or withdrawn but never deleted, and the closing gate.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { documentProblems } from '../../server/cases/checklist.js';
import { MAX_UPLOAD_BYTES } from '../../server/cases/family-kinds.js';
import { staticDir } from '../../server/paths.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import { homes, openCase, otherDesk } from './family-fixtures.js';
import { releaseAshes } from '../custody/steps.js';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
]);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);

describe(`cases: papers checklist, uploads and the closing gate (${dialect})`, () => {
  let app: TestApp;
  let desk: Client, admin: Client, panzhou: Client;
  let home: number, otherHome: number;
  let dataDir: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shian-papers-'));
    app = await startApp({ config: { dataDir } });
    [home, otherHome] = await homes(app);
    desk = await signedIn(app, 'front_desk');
    admin = await signedIn(app, 'admin');
    panzhou = await otherDesk(app, otherHome, 'panzhou_papers');
  });
  after(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const cookieOf = (c: Client) => (c as unknown as { cookieHeader(): string }).cookieHeader();

  /** Posts the upload form as a browser does: multipart, the CSRF token from the papers page inside the body. */
  async function upload(
    c: Client,
    caseId: number,
    kind: string,
    bytes: Buffer,
    name: string,
    type: string,
    opts: { csrf?: boolean } = {},
  ) {
    await c.get(`/staff/cases/${caseId}/papers`);
    const form = new FormData();
    if (opts.csrf !== false) form.append('_csrf', c.csrf);
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const res = await fetch(`${app.url}/staff/cases/${caseId}/papers/${kind}/files`, {
      method: 'POST',
      headers: { cookie: cookieOf(c) },
      body: form,
      redirect: 'manual',
    });
    return { status: res.status, text: await res.text() };
  }

  async function download(c: Client, caseId: number, fileId: number) {
    const res = await fetch(`${app.url}/staff/cases/${caseId}/files/${fileId}`, {
      headers: { cookie: cookieOf(c) },
      redirect: 'manual',
    });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  const filesOf = (caseId: number) => app.db('case_document_files').where({ case_id: caseId }).orderBy('id');
  const stateOf = async (caseId: number, kind: string) =>
    (await app.db('case_documents').where({ case_id: caseId, kind }).first())?.state ?? 'missing';

  it('lists the four papers on the case page, three of them needed to close, all missing at first', async () => {
    const caseId = await openCase(app, desk, home);
    const page = textOf((await desk.get(`/staff/cases/${caseId}`)).text);
    for (const label of ['材料清单', '死亡医学证明', '身份证复印件', '户口注销证明', '委托书（签字）'])
      expect(page).to.contain(label);
    expect(page).to.contain('尚缺 3 项结案必需材料。');
    expect(await documentProblems(app.db, caseId)).to.deep.equal([
      { code: 'documents_missing', documents: ['death_certificate', 'id_copy', 'authorisation'] },
    ]);
  });

  it('keeps an upload checked by its bytes under the data directory, never under static/, and serves it to the home’s staff only', async () => {
    const caseId = await openCase(app, desk, home);
    // a PNG named .pdf and sent as a PDF: what counts is its bytes
    const ok = await upload(desk, caseId, 'death_certificate', PNG, '死亡证明.pdf', 'application/pdf');
    expect(ok.status).to.equal(302);
    const [file] = await filesOf(caseId);
    expect(file).to.include({
      kind: 'death_certificate',
      file_type: 'png',
      status: 'current',
      original_name: '死亡证明.pdf',
    });
    expect(await stateOf(caseId, 'death_certificate')).to.equal('received');
    const stored = path.join(dataDir, 'case-files', String(caseId), file.stored_name);
    expect(fs.readFileSync(stored).equals(PNG)).to.equal(true);
    expect(path.relative(staticDir, stored).startsWith('..')).to.equal(true);
    expect(
      fs
        .readdirSync(staticDir, { recursive: true })
        .map(String)
        .some((f) => f.includes(file.stored_name)),
    ).to.equal(false);
    expect((await fetch(`${app.url}/static/${file.stored_name}`)).status).to.equal(404);

    const got = await download(desk, caseId, file.id);
    expect(got.status).to.equal(200);
    expect(got.body.equals(PNG)).to.equal(true);
    expect(got.headers.get('content-type')).to.equal('image/png');
    expect(got.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(got.headers.get('cache-control')).to.equal('no-store');
    expect(got.headers.get('content-disposition')).to.match(
      /^attachment; filename="death_certificate-\d+\.png"; filename\*=UTF-8''/,
    );
    expect((await download(admin, caseId, file.id)).status).to.equal(200);
    // another home's desk: as if there were no such case or file
    expect((await download(panzhou, caseId, file.id)).status).to.equal(404);
    expect((await panzhou.get(`/staff/cases/${caseId}/papers`)).status).to.equal(404);
    expect((await upload(panzhou, caseId, 'id_copy', PDF, 'a.pdf', 'application/pdf')).status).to.equal(404);
    expect(await filesOf(caseId)).to.have.length(1);
    // a file id of another case
    const other = await openCase(app, desk, home);
    expect((await download(desk, other, file.id)).status).to.equal(404);
    const opened = await app.db('audit_log').where({ action: 'open_document', entity_id: String(caseId) });
    expect(opened).to.have.length(2);
  });

  it('refuses a file whose bytes are no PDF, JPEG or PNG, whatever its name and type say', async () => {
    const caseId = await openCase(app, desk, home);
    const fake = await upload(
      desk,
      caseId,
      'id_copy',
      Buffer.from('<html><script>alert(1)</script></html>'),
      'scan.pdf',
      'application/pdf',
    );
    expect(fake.status).to.equal(400);
    expect(textOf(fake.text)).to.contain('文件内容不是 PDF、JPEG 或 PNG');
    const exe = await upload(desk, caseId, 'id_copy', Buffer.from('MZ\x90\x00'), 'id.jpg', 'image/jpeg');
    expect(exe.status).to.equal(400);
    const none = await upload(desk, caseId, 'id_copy', Buffer.alloc(0), 'empty.png', 'image/png');
    expect(none.status).to.equal(400);
    expect(await filesOf(caseId)).to.have.length(0);
    expect(await stateOf(caseId, 'id_copy')).to.equal('missing');
    const dir = path.join(dataDir, 'case-files', String(caseId));
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).to.deep.equal([]);
    expect((await upload(desk, caseId, 'id_copy', JPEG, 'id.jpg', 'image/jpeg')).status).to.equal(302);
    expect((await filesOf(caseId))[0].file_type).to.equal('jpeg');
    // an unknown paper is no page
    expect((await upload(desk, caseId, 'passport', PDF, 'p.pdf', 'application/pdf')).status).to.equal(404);
  });

  it('answers a file over 10 MB with 413 and a Chinese message, writing nothing', async () => {
    const caseId = await openCase(app, desk, home);
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD_BYTES + 1 - PDF.length)]);
    const res = await upload(desk, caseId, 'death_certificate', big, 'big.pdf', 'application/pdf');
    expect(res.status).to.equal(413);
    expect(textOf(res.text)).to.contain('文件超过 10 MB');
    expect(await filesOf(caseId)).to.have.length(0);
    // exactly 10 MB is fine
    const max = Buffer.concat([PDF, Buffer.alloc(MAX_UPLOAD_BYTES - PDF.length)]);
    expect((await upload(desk, caseId, 'death_certificate', max, 'max.pdf', 'application/pdf')).status).to.equal(302);
  });

  it('checks the CSRF token inside the multipart body', async () => {
    const caseId = await openCase(app, desk, home);
    const res = await upload(desk, caseId, 'authorisation', PDF, 'a.pdf', 'application/pdf', { csrf: false });
    expect(res.status).to.equal(403);
    expect(await filesOf(caseId)).to.have.length(0);
    // a stranger's body is not even read
    const anon = await fetch(`${app.url}/staff/cases/${caseId}/papers/authorisation/files`, {
      method: 'POST',
      body: (() => {
        const f = new FormData();
        f.append('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'a.pdf');
        return f;
      })(),
      redirect: 'manual',
    });
    expect(anon.status).to.equal(403);
  });

  it('replaces and withdraws files with a reason and an audit row, never deleting one', async () => {
    const caseId = await openCase(app, desk, home);
    await upload(desk, caseId, 'authorisation', PDF, '委托书.pdf', 'application/pdf');
    await upload(desk, caseId, 'authorisation', JPEG, '委托书-重签.jpg', 'image/jpeg');
    let files = await filesOf(caseId);
    expect(files.map((f) => f.status)).to.deep.equal(['replaced', 'current']);
    const current = files[1];
    const confirm = await desk.get(`/staff/cases/${caseId}/files/${current.id}/withdraw`);
    expect(confirm.status).to.equal(200);
    expect(textOf(confirm.text)).to.contain('撤回原因').and.contain('委托书-重签.jpg');
    const noReason = await desk.post(`/staff/cases/${caseId}/files/${current.id}/withdraw`, { reason: '' });
    expect(noReason.status).to.equal(400);
    const done = await desk.post(
      `/staff/cases/${caseId}/files/${current.id}/withdraw`,
      { reason: '签字人不是骨灰领取人' },
      { from: `/staff/cases/${caseId}/files/${current.id}/withdraw` },
    );
    expect(done.status).to.equal(302);
    files = await filesOf(caseId);
    expect(files.map((f) => f.status)).to.deep.equal(['replaced', 'withdrawn']);
    expect(files[1].withdrawn_reason).to.equal('签字人不是骨灰领取人');
    expect(await stateOf(caseId, 'authorisation')).to.equal('missing');
    for (const f of files)
      expect(fs.existsSync(path.join(dataDir, 'case-files', String(caseId), f.stored_name))).to.equal(true);
    // withdrawing it again: it is no longer current
    const again = await desk.post(`/staff/cases/${caseId}/files/${current.id}/withdraw`, { reason: '再次' });
    expect(again.status).to.equal(409);
    const actions = await app
      .db('audit_log')
      .where({ entity: 'funeral_case', entity_id: String(caseId) })
      .whereIn('action', ['upload_document', 'withdraw_document'])
      .pluck('action');
    expect(actions).to.deep.equal(['upload_document', 'upload_document', 'withdraw_document']);
    const page = textOf((await desk.get(`/staff/cases/${caseId}/papers`)).text);
    expect(page).to.contain('已替换').and.contain('已撤回').and.contain('签字人不是骨灰领取人');
  });

  it('keeps one current file per paper when clerks upload at once: the others are replaced or lost cleanly', async () => {
    const caseId = await openCase(app, desk, home);
    const answers = await Promise.all(
      [PDF, PNG, JPEG, PDF].map((bytes, i) => upload(desk, caseId, 'id_copy', bytes, `scan-${i}`, 'application/pdf')),
    );
    for (const a of answers) expect(a.status).to.be.oneOf([302, 409]);
    const files = await filesOf(caseId);
    expect(files.filter((f) => f.status === 'current')).to.have.length(1);
    expect(files.length).to.equal(answers.filter((a) => a.status === 302).length);
    // every file on record is on disk, and nothing else is
    const dir = path.join(dataDir, 'case-files', String(caseId));
    expect(fs.readdirSync(dir).sort()).to.deep.equal(files.map((f) => f.stored_name).sort());
  });

  it('marks a paper received or missing by hand (an original seen at the desk), audited', async () => {
    const caseId = await openCase(app, desk, home);
    const res = await desk.post(
      `/staff/cases/${caseId}/papers/household_cancellation/state`,
      { state: 'received' },
      { from: `/staff/cases/${caseId}/papers` },
    );
    expect(res.status).to.equal(302);
    expect(await stateOf(caseId, 'household_cancellation')).to.equal('received');
    const bad = await desk.post(`/staff/cases/${caseId}/papers/household_cancellation/state`, { state: 'lost' });
    expect(bad.status).to.equal(400);
    // two clerks at once: one row
    await desk.get(`/staff/cases/${caseId}/papers`);
    await Promise.all(
      ['received', 'missing', 'received', 'missing'].map((state) =>
        desk.post(`/staff/cases/${caseId}/papers/id_copy/state`, { state }),
      ),
    );
    expect(await app.db('case_documents').where({ case_id: caseId, kind: 'id_copy' })).to.have.length(1);
  });

  /** Walks a case to cremated, the step before the final ones. */
  // Cremated is recorded against a booking (test/cremation/record.test.ts); here the case is simply put there.
  async function cremated(caseId: number) {
    await app.db('funeral_cases').where({ id: caseId }).update({ status: 'cremated' });
  }

  it('keeps a case open while a required paper is missing, unless the reason is recorded', async () => {
    const caseId = await openCase(app, desk, home);
    await cremated(caseId);
    const page = await desk.get(`/staff/cases/${caseId}`);
    expect(page.text).to.contain('name="closing_reason_documents_missing"');
    // Placing the ashes (the status form) and releasing them (骨灰领取) both close the case: both ask the reason.
    const refused = await desk.post(`/staff/cases/${caseId}/status`, { from: 'cremated', to: 'ashes_placed' });
    expect(refused.status).to.equal(400);
    expect(textOf(refused.text)).to.contain('尚缺 3 项结案必需材料');
    const notReleased = await releaseAshes(desk, app.db, caseId);
    expect(notReleased.status).to.equal(400);
    expect(textOf(notReleased.text)).to.contain('尚缺 3 项结案必需材料');
    expect((await app.db('funeral_cases').where({ id: caseId }).first()).status).to.equal('cremated');
    const placed = await desk.post(`/staff/cases/${caseId}/status`, {
      from: 'cremated',
      to: 'ashes_placed',
      closing_reason_documents_missing: '   ',
    });
    expect(placed.status).to.equal(400);

    const closed = await releaseAshes(desk, app.db, caseId, {
      closing_reason_documents_missing: '家属承诺三日内补交户籍材料',
    });
    expect(closed.status, textOf(closed.text).slice(0, 300)).to.equal(302);
    expect((await app.db('funeral_cases').where({ id: caseId }).first()).status).to.equal('ashes_released');
    const waiver = await app.db('case_closing_reasons').where({ case_id: caseId }).first();
    expect(waiver).to.include({
      problem: 'documents_missing',
      documents: 'death_certificate,id_copy,authorisation',
      reason: '家属承诺三日内补交户籍材料',
    });
    const audit = await app
      .db('audit_log')
      .where({ action: 'status', entity_id: String(caseId) })
      .orderBy('id', 'desc')
      .first();
    expect(audit.after).to.contain('家属承诺三日内补交户籍材料').and.contain('documents_missing');
  });

  it('closes a case without a reason once the required papers are in (the optional one may be missing)', async () => {
    const caseId = await openCase(app, desk, home);
    await cremated(caseId);
    await upload(desk, caseId, 'death_certificate', PDF, 'd.pdf', 'application/pdf');
    await upload(desk, caseId, 'id_copy', JPEG, 'i.jpg', 'image/jpeg');
    await desk.post(
      `/staff/cases/${caseId}/papers/authorisation/state`,
      { state: 'received' },
      { from: `/staff/cases/${caseId}/papers` },
    );
    expect(await documentProblems(app.db, caseId)).to.deep.equal([]);
    const page = await desk.get(`/staff/cases/${caseId}`);
    expect(page.text).to.not.contain('name="closing_reason_documents_missing"');
    expect(textOf(page.text)).to.contain('结案必需材料已齐全');
    const closed = await desk.post(`/staff/cases/${caseId}/status`, { from: 'cremated', to: 'ashes_placed' });
    expect(closed.status).to.equal(302);
    expect(await app.db('case_closing_reasons').where({ case_id: caseId })).to.have.length(0);
  });
});

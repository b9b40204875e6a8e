// Memorial pages over HTTP: only for a registered death; the claim code (printed on the statement, single use, the race
// decided by the database); the owner's secret link; tributes held for approval and rate-limited per address; photos
// checked by their bytes and re-encoded; unlisted and closed pages; the front desk of another home kept out.
import { expect } from 'chai';
import sharp from 'sharp';
import { MAX_PHOTO_BYTES } from '../../server/memorials/kinds.js';
import { CLAIMS_PER_ADDRESS, TRIBUTES_PER_ADDRESS } from '../../server/memorials/limits.js';
import { ineligibility } from '../../server/memorials/service.js';
import { pdfText } from '../documents/pdf-tools.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { homes, openCase, otherDesk } from '../cases/family-fixtures.js';

describe(`memorials: online memorial pages (${dialect})`, () => {
  let app: TestApp;
  let desk: Client, bureau: Client, panzhou: Client;
  let home: number, otherHome: number;

  before(async () => {
    app = await startApp();
    [home, otherHome] = await homes(app);
    desk = await signedIn(app, 'front_desk');
    bureau = await signedIn(app, 'bureau');
    panzhou = await otherDesk(app, otherHome, 'panzhou_memorials');
  });
  after(() => app.close());
  // Each test starts with fresh counters for the public forms (they count per address, and every test is 127.0.0.1).
  beforeEach(() => app.db('rate_limits').where('key', 'like', 'memorial-%').delete());

  const cookieOf = (c: Client) => (c as unknown as { cookieHeader(): string }).cookieHeader();

  /** A case of a registered death: its medical certificate's number given at intake. */
  const registeredDeath = (over: Record<string, string> = {}) =>
    openCase(app, desk, home, { death_certificate_no: 'YXZM-2026-0001', ...over });

  async function createPage(caseId: number, c: Client = desk) {
    return c.post(`/staff/cases/${caseId}/memorial`, {}, { from: `/staff/cases/${caseId}/memorial` });
  }
  const memorialOf = (caseId: number) => app.db('memorials').where({ case_id: caseId }).first();

  async function issueCode(caseId: number): Promise<string> {
    const res = await desk.post(
      `/staff/cases/${caseId}/memorial/claim-code`,
      {},
      { from: `/staff/cases/${caseId}/memorial` },
    );
    expect(res.status).to.equal(200);
    const m = /data-claim-code>([A-Z0-9-]+)</.exec(res.text);
    expect(m, 'the code on the page').to.not.equal(null);
    return m![1];
  }

  async function claim(code: string, who = new Client(app.url), name = '王丽', phone = '13908581234') {
    const res = await who.post(
      '/memorials/claim',
      { code, owner_name: name, owner_phone: phone },
      { from: '/memorials/claim' },
    );
    const link = /data-manage-link>([^<]+)</.exec(res.text)?.[1]?.replace(/&#x3D;/g, '=');
    return { res, link: link ? new URL(link) : undefined };
  }

  /** A page claimed by the family: its slug and the owner's key. */
  async function claimedPage() {
    const caseId = await registeredDeath();
    const code = await issueCode(caseId);
    const { res, link } = await claim(code);
    expect(res.status).to.equal(200);
    const slug = link!.pathname.split('/')[2];
    return { caseId, slug, key: link!.searchParams.get('key')!, manage: link!.pathname + link!.search };
  }

  async function tribute(slug: string, form: Record<string, string>, c = new Client(app.url)) {
    return c.post(
      `/memorials/${slug}/tributes`,
      { kind: 'message', request_id: crypto.randomUUID(), ...form },
      { from: `/memorials/${slug}` },
    );
  }

  async function uploadPhoto(path: string, c: Client, from: string, bytes: Buffer, type: string) {
    await c.get(from);
    const form = new FormData();
    form.append('_csrf', c.csrf);
    form.append('photo', new Blob([new Uint8Array(bytes)], { type }), 'photo');
    const res = await fetch(app.url + path, {
      method: 'POST',
      headers: { cookie: cookieOf(c) },
      body: form,
      redirect: 'manual',
    });
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  describe('only for a registered death', () => {
    it('refuses a page for a case whose death is not registered (no certificate number, certificate not received)', async () => {
      const caseId = await openCase(app, desk, home);
      const page = textOf((await desk.get(`/staff/cases/${caseId}/memorial`)).text);
      expect(page).to.contain('尚未登记死亡医学证明');
      const res = await createPage(caseId);
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain('尚未登记死亡医学证明');
      expect(await memorialOf(caseId)).to.equal(undefined);
      // Marked received in the papers checklist, the death is registered.
      await desk.post(
        `/staff/cases/${caseId}/papers/death_certificate/state`,
        { state: 'received' },
        { from: `/staff/cases/${caseId}/papers` },
      );
      expect((await createPage(caseId)).status).to.equal(302);
      expect(await memorialOf(caseId)).to.include({ status: 'open', visibility: 'unlisted' });
    });

    it('refuses a page for a living person: a date of death not yet come', async () => {
      const caseId = await registeredDeath();
      await app
        .db('funeral_cases')
        .where({ id: caseId })
        .update({ death_at: new Date(Date.now() + 86_400_000).toISOString() });
      const res = await createPage(caseId);
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain('不能为在世的人创建纪念页');
      const code = await desk.post(
        `/staff/cases/${caseId}/memorial/claim-code`,
        {},
        { from: `/staff/cases/${caseId}/memorial` },
      );
      expect(code.status).to.equal(409);
      expect(await memorialOf(caseId)).to.equal(undefined);
      expect(
        ineligibility({
          id: 1,
          facility_id: 1,
          status: 'stored',
          death_at: null,
          death_certificate_no: 'x',
          certificate_received: true,
        }),
      ).to.equal('memorial_not_deceased');
    });

    it('refuses a page for a withdrawn case', async () => {
      const caseId = await registeredDeath();
      await app.db('funeral_cases').where({ id: caseId }).update({ status: 'withdrawn' });
      const res = await createPage(caseId);
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain('已撤销或转出');
    });

    it('makes one page per case, unlisted, audited; a second request finds the first', async () => {
      const caseId = await registeredDeath();
      expect((await createPage(caseId)).status).to.equal(302);
      expect((await createPage(caseId)).status).to.equal(302);
      expect(await app.db('memorials').where({ case_id: caseId })).to.have.length(1);
      const m = await memorialOf(caseId);
      const audit = await app.db('audit_log').where({ entity: 'memorial', entity_id: String(m.id), action: 'create' });
      expect(audit).to.have.length(1);
      const err = await app
        .db('memorials')
        .insert({ ...m, id: undefined, slug: 'x'.repeat(22) })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect((err as { code?: string }).code).to.be.oneOf(['23505', 'SQLITE_CONSTRAINT_UNIQUE']);
      const page = await new Client(app.url).get(`/memorials/${m.slug}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.contain('<meta name="robots" content="noindex">');
      expect(page.headers.get('x-robots-tag')).to.equal('noindex');
      expect(textOf(page.text)).to.contain('家属测试').and.not.contain('YXZM');
    });
  });

  describe('claim code', () => {
    it('prints the code issued on the statement, and only that code; only its hash is stored', async () => {
      const caseId = await registeredDeath();
      const code = await issueCode(caseId);
      expect(code).to.match(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
      const m = await memorialOf(caseId);
      expect(JSON.stringify(m)).to.not.contain(code.replace(/-/g, ''));
      expect(m.claim_code_hash).to.match(/^[0-9a-f]{64}$/);
      const pdf = await fetch(`${app.url}/staff/cases/${caseId}/memorial/claim-code/statement.pdf`, {
        method: 'POST',
        headers: { cookie: cookieOf(desk), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: desk.csrf, code }).toString(),
      });
      expect(pdf.status).to.equal(200);
      expect(pdf.headers.get('content-type')).to.equal('application/pdf');
      const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
      expect(text)
        .to.contain('殡葬服务收费明细')
        .and.contain('网上纪念页认领码')
        .and.contain(code)
        .and.contain('/memorials/claim');
      const other = await desk.post(`/staff/cases/${caseId}/memorial/claim-code/statement.pdf`, {
        code: 'ABCD-EFGH-JKMN',
      });
      expect(other.status).to.equal(409);
      // A new code voids the one before.
      const next = await issueCode(caseId);
      expect((await claim(code)).res.status).to.equal(400);
      expect((await claim(next)).res.status).to.equal(200);
    });

    it('lets one of two concurrent claims with one code win; the other gets 409', async () => {
      const caseId = await registeredDeath();
      const code = await issueCode(caseId);
      const a = new Client(app.url),
        b = new Client(app.url);
      await a.get('/memorials/claim');
      await b.get('/memorials/claim');
      const [ra, rb] = await Promise.all([
        a.post('/memorials/claim', { code, owner_name: '王丽', owner_phone: '13908581234' }),
        b.post('/memorials/claim', { code: code.toLowerCase(), owner_name: '李明', owner_phone: '13708581111' }),
      ]);
      expect([ra.status, rb.status].sort()).to.deep.equal([200, 409]);
      const loser = ra.status === 409 ? ra : rb;
      expect(textOf(loser.text)).to.contain('该认领码已被使用');
      const m = await memorialOf(caseId);
      expect(m.owner_name).to.be.oneOf(['王丽', '李明']);
      expect(m.owner_key_hash).to.match(/^[0-9a-f]{64}$/);
      expect(
        await app.db('audit_log').where({ entity: 'memorial', entity_id: String(m.id), action: 'claim' }),
      ).to.have.length(1);
      // Used: a third try is 409 as well.
      expect((await claim(code)).res.status).to.equal(409);
    });

    it('hands a claimed page to a new owner with a new code; the old link stops working', async () => {
      const { caseId, slug, manage } = await claimedPage();
      const code = await issueCode(caseId);
      expect((await new Client(app.url).get(manage)).status).to.equal(200); // until the new code is claimed
      const { res, link } = await claim(code, new Client(app.url), '李明', '13708581111');
      expect(res.status).to.equal(200);
      expect((await new Client(app.url).get(manage)).status).to.equal(404);
      expect((await new Client(app.url).get(link!.pathname + link!.search)).status).to.equal(200);
      expect(link!.pathname).to.equal(`/memorials/${slug}/manage`);
      expect((await memorialOf(caseId)).owner_name).to.equal('李明');
    });

    it(`answers 429 after ${CLAIMS_PER_ADDRESS} claim attempts from one address`, async () => {
      for (let i = 0; i < CLAIMS_PER_ADDRESS; i += 1) expect((await claim('2345-6789-ABCD')).res.status).to.equal(400);
      const res = (await claim('2345-6789-ABCD')).res;
      expect(res.status).to.equal(429);
      expect(textOf(res.text)).to.contain('尝试次数过多');
    });

    it('refuses an unknown code, a malformed code and a phone that is no mainland mobile, on the form', async () => {
      const unknown = await claim('2345-6789-ABCD');
      expect(unknown.res.status).to.equal(400);
      expect(textOf(unknown.res.text)).to.contain('认领码不正确');
      const malformed = await claim('12');
      expect(textOf(malformed.res.text)).to.contain('认领码为 12 位字母和数字');
      const caseId = await registeredDeath();
      const code = await issueCode(caseId);
      const landline = await claim(code, new Client(app.url), '王丽', '0858-8221234');
      expect(landline.res.status).to.equal(400);
      expect(textOf(landline.res.text)).to.contain('请输入中国大陆手机号码');
      expect((await memorialOf(caseId)).owner_name).to.equal(null);
    });
  });

  describe('the owner, the tributes and the list', () => {
    it('gives the owner a management link that a wrong key does not open', async () => {
      const { slug, manage, key } = await claimedPage();
      const owner = new Client(app.url);
      expect((await owner.get(manage)).status).to.equal(200);
      expect(
        (await owner.get(`/memorials/${slug}/manage?key=${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).status,
      ).to.equal(404);
      expect((await owner.get(`/memorials/${slug}/manage`)).status).to.equal(404);
      const wrong = await owner.post(`/memorials/${slug}/manage?key=${'A'.repeat(43)}`, {
        biography: 'x',
        visibility: 'public',
      });
      expect(wrong.status).to.equal(404);
    });

    it('holds a tribute until the owner approves it, telling the writer so', async () => {
      const { slug, manage } = await claimedPage();
      const visitor = new Client(app.url);
      const sent = await tribute(slug, { message: '愿您安息，永远怀念。', writer_name: '老同事' }, visitor);
      expect(sent.status).to.equal(303);
      expect(sent.location).to.equal(`/memorials/${slug}?sent=1#tributes`);
      const after = textOf((await visitor.get(`/memorials/${slug}?sent=1`)).text);
      expect(after).to.contain('已提交，待家属审核后显示').and.not.contain('愿您安息');
      const owner = new Client(app.url);
      const page = await owner.get(manage);
      expect(textOf(page.text)).to.contain('愿您安息');
      const id = (await app.db('memorial_tributes').where({ message: '愿您安息，永远怀念。' }).first()).id;
      const url = new URL(manage, app.url);
      const approve = await owner.post(`/memorials/${slug}/manage/tributes/${id}${url.search}`, {
        decision: 'approved',
      });
      expect(approve.status).to.equal(303);
      expect(textOf((await visitor.get(`/memorials/${slug}`)).text))
        .to.contain('愿您安息')
        .and.contain('老同事');
      const again = await owner.post(
        `/memorials/${slug}/manage/tributes/${id}${url.search}`,
        { decision: 'rejected' },
        { from: manage },
      );
      expect(again.status).to.equal(409);
      const audit = await app
        .db('audit_log')
        .where({ entity: 'memorial', action: 'approve_tribute' })
        .orderBy('id', 'desc')
        .first();
      expect(JSON.parse(audit.after)).to.include({ tribute_id: id, status: 'approved', by: 'owner' });
    });

    it('lets the staff reject a tribute on the family’s behalf, audited with the clerk', async () => {
      const { caseId, slug } = await claimedPage();
      await tribute(slug, { kind: 'candle', message: '' });
      const t = await app
        .db('memorial_tributes')
        .where({ memorial_id: (await memorialOf(caseId)).id })
        .first();
      expect(t).to.include({ kind: 'candle', status: 'pending', message: null });
      const res = await desk.post(
        `/staff/cases/${caseId}/memorial/tributes/${t.id}`,
        { decision: 'rejected' },
        { from: `/staff/cases/${caseId}/memorial` },
      );
      expect(res.status).to.equal(302);
      const audit = await app
        .db('audit_log')
        .where({ entity: 'memorial', action: 'reject_tribute' })
        .orderBy('id', 'desc')
        .first();
      expect(audit.actor_name).to.equal('frontdesk');
      expect(textOf((await new Client(app.url).get(`/memorials/${slug}`)).text)).to.contain('献花 0 · 点烛 0 · 留言 0');
    });

    it('refuses a message over 200 characters, with control characters, or a message tribute without one', async () => {
      const { slug } = await claimedPage();
      const long = await tribute(slug, { message: '念'.repeat(201) });
      expect(long.status).to.equal(400);
      expect(textOf(long.text)).to.contain('200');
      expect((await tribute(slug, { message: 'a\u0000b' })).status).to.equal(400);
      expect((await tribute(slug, { message: '' })).status).to.equal(400);
      expect((await tribute(slug, { kind: 'incense', message: 'x' })).status).to.equal(400);
      expect((await tribute(slug, { message: '念'.repeat(200) })).status).to.equal(303);
    });

    it('leaves one tribute for a form sent twice', async () => {
      const { caseId, slug } = await claimedPage();
      const c = new Client(app.url);
      await c.get(`/memorials/${slug}`);
      const form = { kind: 'flower', message: '', request_id: crypto.randomUUID() };
      await c.post(`/memorials/${slug}/tributes`, form);
      await c.post(`/memorials/${slug}/tributes`, form);
      expect(await app.db('memorial_tributes').where({ memorial_id: (await memorialOf(caseId)).id })).to.have.length(1);
    });

    it(`answers 429 in Chinese after ${TRIBUTES_PER_ADDRESS} tributes from one address, counted in the database`, async () => {
      const { slug } = await claimedPage();
      for (let i = 0; i < TRIBUTES_PER_ADDRESS; i += 1)
        expect((await tribute(slug, { message: `第${i}条` })).status).to.equal(303);
      const res = await tribute(slug, { message: '再来一条' });
      expect(res.status).to.equal(429);
      expect(res.headers.get('retry-after')).to.match(/^\d+$/);
      expect(textOf(res.text)).to.contain('提交过于频繁');
      const [{ n }] = await app.db('rate_limits').where('key', 'like', 'memorial-tribute%').count({ n: '*' });
      expect(Number(n)).to.equal(1);
    });

    it('lists a page only once its owner makes it public, searchable by name', async () => {
      const { slug, manage } = await claimedPage();
      const name = (
        await app
          .db('memorials as m')
          .join('funeral_cases as c', 'c.id', 'm.case_id')
          .where('m.slug', slug)
          .first('c.deceased_name')
      ).deceased_name;
      const visitor = new Client(app.url);
      expect((await visitor.get('/memorials')).text).to.not.contain(slug);
      expect((await visitor.get(`/memorials?q=${encodeURIComponent(name)}`)).text).to.not.contain(slug);
      const owner = new Client(app.url);
      const saved = await owner.post(
        new URL(manage, app.url).pathname + new URL(manage, app.url).search,
        { biography: '一生勤劳朴实。\n热爱家乡。', visibility: 'public' },
        { from: manage },
      );
      expect(saved.status).to.equal(303);
      expect((await visitor.get(`/memorials?q=${encodeURIComponent(name)}`)).text).to.contain(slug);
      expect((await visitor.get('/memorials?q=不存在的名字')).text).to.not.contain(slug);
      const page = await visitor.get(`/memorials/${slug}`);
      expect(page.text).to.not.contain('name="robots"');
      expect(textOf(page.text)).to.contain('一生勤劳朴实');
      expect(textOf(page.text)).to.not.contain('13908581234').and.not.contain('王丽');
      const tooLong = await owner.post(
        new URL(manage, app.url).pathname + new URL(manage, app.url).search,
        { biography: '字'.repeat(2001), visibility: 'public' },
        { from: manage },
      );
      expect(tooLong.status).to.equal(400);
    });

    it('closes a page: it says 已关闭, leaves the list and refuses tributes', async () => {
      const { slug, manage } = await claimedPage();
      const owner = new Client(app.url);
      const url = new URL(manage, app.url);
      await owner.post(url.pathname + url.search, { biography: '', visibility: 'public' }, { from: manage });
      const unconfirmed = await owner.post(`${url.pathname}/close${url.search}`, {}, { from: manage });
      expect(unconfirmed.status).to.equal(400);
      const closed = await owner.post(`${url.pathname}/close${url.search}`, { confirm: 'yes' }, { from: manage });
      expect(closed.status).to.equal(303);
      const page = await new Client(app.url).get(`/memorials/${slug}`);
      expect(textOf(page.text)).to.contain('已关闭');
      expect(page.text).to.not.contain('/tributes"');
      expect((await new Client(app.url).get('/memorials')).text).to.not.contain(slug);
      // A visitor whose page was open before the close sends the form after it.
      const late = new Client(app.url);
      await late.get('/memorials/claim');
      const refused = await late.post(`/memorials/${slug}/tributes`, {
        kind: 'message',
        message: '迟到的悼念',
        request_id: crypto.randomUUID(),
      });
      expect(refused.status).to.equal(409);
      expect(textOf(refused.text)).to.contain('该纪念页已关闭');
      const audit = await app
        .db('audit_log')
        .where({ entity: 'memorial', action: 'close' })
        .orderBy('id', 'desc')
        .first();
      expect(JSON.parse(audit.after)).to.include({ status: 'closed', by: 'owner' });
    });
  });

  describe('photos', () => {
    it('re-encodes an image to a JPEG of at most 1200 px without its EXIF data', async () => {
      const { slug, manage } = await claimedPage();
      const url = new URL(manage, app.url);
      const big = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#8899aa' } })
        .jpeg()
        .withExif({ IFD0: { Artist: 'Sample Camera Owner', Copyright: 'sample' } })
        .toBuffer();
      expect((await sharp(big).metadata()).exif).to.not.equal(undefined);
      const res = await uploadPhoto(
        `${url.pathname}/photo${url.search}`,
        new Client(app.url),
        manage,
        big,
        'image/jpeg',
      );
      expect(res.status).to.equal(303);
      const photo = await fetch(`${app.url}/memorials/${slug}/photo.jpg`);
      expect(photo.headers.get('content-type')).to.equal('image/jpeg');
      const bytes = Buffer.from(await photo.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect(meta).to.include({ format: 'jpeg', width: 1200, height: 800 });
      expect(meta.exif).to.equal(undefined);
      expect(bytes.includes(Buffer.from('Sample Camera Owner'))).to.equal(false);
      // A PNG (by its bytes, whatever the browser says) is taken too.
      const png = await sharp({ create: { width: 300, height: 400, channels: 4, background: '#00000000' } })
        .png()
        .toBuffer();
      expect(
        (
          await uploadPhoto(
            `${url.pathname}/photo${url.search}`,
            new Client(app.url),
            manage,
            png,
            'application/octet-stream',
          )
        ).status,
      ).to.equal(303);
      const again = await sharp(
        Buffer.from(await (await fetch(`${app.url}/memorials/${slug}/photo.jpg`)).arrayBuffer()),
      ).metadata();
      expect(again).to.include({ format: 'jpeg', width: 300, height: 400 });
    });

    it('refuses a file that is not an image, a damaged image and one over 5 MB, with a Chinese message', async () => {
      const { caseId } = await claimedPage();
      const staffPath = `/staff/cases/${caseId}/memorial/photo`;
      const from = `/staff/cases/${caseId}/memorial`;
      const pdf = await uploadPhoto(staffPath, desk, from, Buffer.from('%PDF-1.4\n%%EOF\n'), 'image/jpeg');
      expect(pdf.status).to.equal(400);
      expect(textOf(pdf.text)).to.contain('只能上传 JPEG、PNG 或 WebP 格式的图片');
      const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
      const damaged = await uploadPhoto(staffPath, desk, from, broken, 'image/jpeg');
      expect(damaged.status).to.equal(400);
      expect(textOf(damaged.text)).to.contain('无法读取该图片');
      const huge = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(MAX_PHOTO_BYTES, 1)]);
      const tooLarge = await uploadPhoto(staffPath, desk, from, huge, 'image/jpeg');
      expect(tooLarge.status).to.equal(413);
      expect(textOf(tooLarge.text)).to.contain('照片不能超过 5 MB');
      expect(await app.db('memorial_photos').where({ memorial_id: (await memorialOf(caseId)).id })).to.have.length(0);
    });

    it('does not read a stranger’s upload: without the key the CSRF check refuses it', async () => {
      const { slug } = await claimedPage();
      const form = new FormData();
      form.append('photo', new Blob([new Uint8Array(Buffer.from('x'))], { type: 'image/jpeg' }), 'p.jpg');
      const res = await fetch(`${app.url}/memorials/${slug}/manage/photo`, {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      expect(res.status).to.equal(403);
    });
  });

  describe('permissions', () => {
    it('keeps another home’s front desk out (404, as any record of another home) and the bureau (403)', async () => {
      const { caseId } = await claimedPage();
      expect((await panzhou.get(`/staff/cases/${caseId}/memorial`)).status).to.equal(404);
      expect(
        (await panzhou.post(`/staff/cases/${caseId}/memorial/claim-code`, {}, { from: '/staff' })).status,
      ).to.equal(404);
      expect(
        (await panzhou.post(`/staff/cases/${caseId}/memorial/close`, { confirm: 'yes' }, { from: '/staff' })).status,
      ).to.equal(404);
      expect((await bureau.get(`/staff/cases/${caseId}/memorial`)).status).to.equal(403);
      expect((await memorialOf(caseId)).status).to.equal('open');
    });

    it('links the case page to its memorial page for the home’s staff', async () => {
      const caseId = await registeredDeath();
      expect((await desk.get(`/staff/cases/${caseId}`)).text).to.contain(`/staff/cases/${caseId}/memorial`);
      expect((await bureau.get(`/staff/cases/${caseId}`)).text).to.not.contain(`/staff/cases/${caseId}/memorial`);
    });
  });
});

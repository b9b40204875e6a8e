// The printed coverage report is drawn once for the same inputs and kept; drawings run one at a time behind a short
// queue, and beyond it the caller gets 503 with Retry-After. Renders are counted, never timed. A township renamed
// with rare characters (𪚥, 𠮷) gives a new PDF that prints them from a fallback font where this machine has one.
import { expect } from 'chai';
import { createToken } from '../../server/accounts/tokens.js';
import type { Clock } from '../../server/cache.js';
import { loadFonts, unprintable } from '../../server/documents/fonts.js';
import { ServiceUnavailableError } from '../../server/http/errors.js';
import { KeptRenders, reportRenders } from '../../server/reports/document.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { fallbackFontsIn, pdfText } from '../documents/pdf-tools.js';

const COUNTY = '520201';

class ManualClock implements Clock {
  at = 1_000;
  now() {
    return this.at;
  }
}

/** A drawing that finishes when the test says so, and says how many of its kind run at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  let active = 0,
    most = 0;
  const draw = (body: string) => async () => {
    active += 1;
    most = Math.max(most, active);
    await opened;
    active -= 1;
    return Buffer.from(body);
  };
  return { draw, open, most: () => most };
}

describe('reports: kept renders', () => {
  it('draws once for equal inputs, even built anew, and again when a field changes', async () => {
    const kept = new KeptRenders();
    const a = await kept.print({ region: COUNTY, lang: 'zh-CN', rows: [1, 2] }, async () => Buffer.from('a'));
    const b = await kept.print({ region: COUNTY, lang: 'zh-CN', rows: [1, 2] }, async () => Buffer.from('b'));
    expect(b.toString()).to.equal(a.toString());
    expect(kept.drawn).to.equal(1);
    const c = await kept.print({ region: COUNTY, lang: 'zh-CN', rows: [1, 3] }, async () => Buffer.from('c'));
    expect(c.toString()).to.equal('c');
    expect(kept.drawn).to.equal(2);
  });

  it('shares one drawing among concurrent requests for the same inputs', async () => {
    const kept = new KeptRenders({ maxWaiting: 0 });
    const g = gate();
    const all = Promise.all([1, 2, 3].map(() => kept.print({ same: true }, g.draw('same'))));
    g.open();
    expect((await all).map(String)).to.deep.equal(['same', 'same', 'same']);
    expect(kept.drawn).to.equal(1);
  });

  it('draws one at a time, the others waiting their turn, and refuses beyond the queue with report_busy', async () => {
    const kept = new KeptRenders({ concurrency: 1, maxWaiting: 2 });
    const g = gate();
    const waiting = [1, 2, 3].map((i) => kept.print({ i }, g.draw(`r${i}`)));
    const refused = await kept.print({ i: 4 }, g.draw('r4')).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).to.be.instanceOf(ServiceUnavailableError);
    expect(refused).to.include({ status: 503, code: 'report_busy', retryAfterSeconds: 10 });
    g.open();
    expect((await Promise.all(waiting)).map(String)).to.deep.equal(['r1', 'r2', 'r3']);
    expect(g.most(), 'drawings at once').to.equal(1);
    // A refusal is not kept: asked again once the queue is free, the same report is drawn.
    expect(String(await kept.print({ i: 4 }, async () => Buffer.from('r4')))).to.equal('r4');
    expect(kept.drawn).to.equal(4);
  });

  it('keeps a PDF for its time on the given clock, then draws it again', async () => {
    const clock = new ManualClock();
    const kept = new KeptRenders({ ttlMs: 1_000, clock });
    await kept.print({ k: 1 }, async () => Buffer.from('x'));
    clock.at += 999;
    await kept.print({ k: 1 }, async () => Buffer.from('x'));
    expect(kept.drawn).to.equal(1);
    clock.at += 2;
    await kept.print({ k: 1 }, async () => Buffer.from('x'));
    expect(kept.drawn).to.equal(2);
  });
});

describe(`reports: the printed report kept and queued (${dialect})`, function () {
  this.timeout(180_000);
  let app: TestApp;
  let bureau: Client;
  let token: string;
  // A date no other suite asks for, so that the first request here is the one that draws.
  const url = `/staff/coverage/report.pdf?region=${COUNTY}&date=2026-10-09`;

  async function fetchPdf(path: string, headers: Record<string, string> = {}) {
    const cookie = (bureau as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + path, { headers: { cookie, ...headers } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }

  before(async () => {
    app = await startApp();
    bureau = await signedIn(app, 'bureau');
    const user = await app.db('users').where({ username: 'bureau' }).first('id');
    token = (await createToken(app.db, null, user.id, 'kept report test', null)).token;
  });
  after(() => app.close());

  let first: Buffer;

  it('draws the report once for the same region, date and language, and serves the kept PDF after', async () => {
    const before = reportRenders.drawn;
    const a = await fetchPdf(url);
    expect(a.status).to.equal(200);
    expect(reportRenders.drawn).to.equal(before + 1);
    const b = await fetchPdf(url);
    expect(b.status).to.equal(200);
    expect(reportRenders.drawn, 'the second request drew nothing').to.equal(before + 1);
    expect(b.body.equals(a.body)).to.equal(true);
    // The API's PDF of the same report is the same drawing; English is another one.
    expect(
      (
        await fetchPdf(`/api/v1/coverage/report.pdf?region=${COUNTY}&date=2026-10-09`, {
          authorization: `Bearer ${token}`,
        })
      ).body.equals(a.body),
    ).to.equal(true);
    expect(reportRenders.drawn).to.equal(before + 1);
    expect(
      (await fetchPdf(url, { cookie: `${(bureau as unknown as { cookieHeader(): string }).cookieHeader()}; lang=en` }))
        .status,
    ).to.equal(200);
    expect(reportRenders.drawn).to.equal(before + 2);
    first = a.body;
    expect(fallbackFontsIn(first), 'no rare character, no fallback font').to.deep.equal([]);
  });

  it('draws a new PDF when the data changes: a township renamed 𪚥𠮷镇 prints from a fallback font where there is one', async () => {
    const township = await app
      .db('regions')
      .where({ parent_code: COUNTY, level: 'township' })
      .orderBy('code')
      .first('code', 'name');
    await app.db('regions').where({ code: township.code }).update({ name: '𪚥𠮷镇' });
    const before = reportRenders.drawn;
    const changed = await fetchPdf(url);
    expect(changed.status).to.equal(200);
    expect(reportRenders.drawn).to.equal(before + 1);
    expect(changed.body.equals(first)).to.equal(false);
    const text = pdfText(changed.body);
    expect(text).to.not.contain(township.name.replace(/\s+/g, ''));
    if (unprintable(loadFonts(app.ctx.config.fallbackFonts), '𪚥𠮷').length === 0) {
      expect(text).to.contain('𪚥𠮷镇');
      expect(fallbackFontsIn(changed.body)).to.have.length.of.at.least(1);
    } else {
      expect(fallbackFontsIn(changed.body)).to.deep.equal([]);
    }
  });

  it('draws again for a process without fallback fonts, which prints the main font alone', async () => {
    const bare = await startApp({ testDb: app.testDb, seed: false, config: { fallbackFonts: [] } });
    try {
      const c = await signedIn(bare, 'bureau');
      const cookie = (c as unknown as { cookieHeader(): string }).cookieHeader();
      const before = reportRenders.drawn;
      const res = await fetch(bare.url + url, { headers: { cookie } });
      expect(res.status).to.equal(200);
      expect(reportRenders.drawn, 'the fonts are part of what the PDF is kept by').to.equal(before + 1);
      expect(fallbackFontsIn(Buffer.from(await res.arrayBuffer()))).to.deep.equal([]);
    } finally {
      await bare.close();
    }
  });

  it('answers 503 with Retry-After and a Chinese message when too many drawings wait, serving kept PDFs meanwhile', async () => {
    // The process's drawing and its whole queue held by drawings of this test.
    const g = gate();
    const held = Array.from({ length: 1 + reportRenders.maxWaiting }, (_, i) =>
      reportRenders.print({ held: i, at: Date.now() }, g.draw('held')),
    );
    try {
      const other = `/staff/coverage/report.pdf?region=${COUNTY}&date=2026-10-10`;
      const page = await bureau.get(other);
      expect(page.status).to.equal(503);
      expect(page.headers.get('retry-after')).to.equal('10');
      expect(textOf(page.text)).to.contain('正在生成的报告较多，请稍候十几秒再试。');
      const api = await new Client(app.url).get(`/api/v1/coverage/report.pdf?region=${COUNTY}&date=2026-10-10`, {
        authorization: `Bearer ${token}`,
      });
      expect(api.status).to.equal(503);
      expect(api.headers.get('retry-after')).to.equal('10');
      expect(api.json()).to.deep.equal({ error: 'report_busy', message: '正在生成的报告较多，请稍候十几秒再试。' });
      expect((await fetchPdf(url)).status, 'a kept report needs no drawing').to.equal(200);
      g.open();
      await Promise.all(held);
      expect((await fetchPdf(other)).status, 'drawn once the queue is free').to.equal(200);
    } finally {
      g.open();
    }
  });
});

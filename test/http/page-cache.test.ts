// The public page micro-cache answers from bytes made once: same page, an ETag, 304 for a matching If-None-Match.
import { expect } from 'chai';
import http from 'node:http';
import { startApp, dialect, type TestApp } from '../helpers/app.js';

describe(`http: the public page cache (${dialect})`, () => {
  let app: TestApp;
  before(async () => { app = await startApp(); });
  after(() => app.close());

  it('serves the kept home page with its length and ETag, and 304 when the browser has it', async () => {
    const first = await fetch(`${app.url}/`);
    const html = await first.text();
    const kept = await fetch(`${app.url}/`);
    expect(kept.status).to.equal(200);
    expect(await kept.text()).to.equal(html);
    expect(kept.headers.get('content-type')).to.equal('text/html; charset=utf-8');
    expect(Number(kept.headers.get('content-length'))).to.equal(Buffer.byteLength(html));
    const etag = kept.headers.get('etag')!;
    expect(etag).to.match(/^W\/"[0-9a-f]+-/);
    // node:http rather than fetch, which adds `Cache-Control: no-cache` to a conditional request.
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${app.url}/`, { headers: { 'if-none-match': etag } }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject);
    });
    expect(status).to.equal(304);
  });
});

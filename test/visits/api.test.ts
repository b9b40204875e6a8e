// The visit JSON API over HTTP on the database under test: a day's windows, a reservation and each refusal by name,
// the Idempotency-Key, a cancel once, the per-address limit, and anonymous API calls that never make a session.
import http from 'node:http';
import net from 'node:net';
import { expect } from 'chai';
import type { Request } from 'express';
import { sessionMiddleware } from '../../server/http/session.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { addWindow, CEMETERY, dayFromToday, facilityNamed, nextPhone } from './fixtures.js';

interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test asserts the shape it needs
  body: any;
}

async function call(base: string, method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined } as Answer;
}

const person = (over: Record<string, unknown> = {}) => ({
  name: '示例家属',
  phone: nextPhone(),
  party_size: 1,
  ...over,
});

describe(`visits: JSON API (${dialect})`, () => {
  let app: TestApp;
  let cemetery: number;
  const post = (path: string, json: unknown, headers?: Record<string, string>) =>
    call(app.url, 'POST', path, json, headers);
  const get = (path: string) => call(app.url, 'GET', path);

  before(async () => {
    app = await startApp();
    cemetery = await facilityNamed(app.db, CEMETERY);
  });
  after(() => app.close());

  describe('GET /api/v1/visit-windows', () => {
    it("lists a day's windows in time order with the places left and whether each can be booked", async () => {
      const w = await addWindow(app.db, cemetery, { offset: 3, capacity: 7 });
      await post(`/api/v1/visit-windows/${w}/reservations`, person({ party_size: 3 }));
      const res = await get(`/api/v1/visit-windows?facility=${cemetery}&date=${dayFromToday(3)}`);
      expect(res.status).to.equal(200);
      const mine = res.body.find((x: { id: number }) => x.id === w);
      expect(mine).to.deep.include({ capacity: 7, remaining: 4, state: 'bookable' });
      expect(mine.starts_at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
      expect(Object.keys(mine)).to.deep.equal(['id', 'starts_at', 'ends_at', 'capacity', 'remaining', 'state']);
      const starts = res.body.map((x: { starts_at: string }) => x.starts_at);
      expect(starts).to.deep.equal([...starts].sort());
      // The demo windows of that day are there too (4 a day).
      expect(res.body.length).to.be.at.least(5);
    });

    it('answers 400 with a message per field for a bad query, 404 for an unknown facility', async () => {
      const bad = await get('/api/v1/visit-windows?facility=abc&date=2027-02-30');
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.equal('invalid_input');
      expect(bad.body.fields.facility.code).to.equal('visit_api_facility_invalid');
      expect(bad.body.fields.date.code).to.equal('visit_api_date_invalid');
      expect(bad.body.fields.date.message).to.contain('2027-04-05');
      const none = await get(`/api/v1/visit-windows?facility=2000000000&date=${dayFromToday(1)}`);
      expect(none.status).to.equal(404);
      expect(none.body.error).to.equal('visit_api_facility_not_found');
      const missing = await get('/api/v1/visit-windows');
      expect(missing.status).to.equal(400);
      expect(Object.keys(missing.body.fields)).to.deep.equal(['facility', 'date']);
    });
  });

  describe('POST /api/v1/visit-windows/:id/reservations', () => {
    it('books: 201 with the code, the window and the party size, and the places are taken', async () => {
      const w = await addWindow(app.db, cemetery, { capacity: 10 });
      const res = await post(`/api/v1/visit-windows/${w}/reservations`, person({ party_size: 4 }));
      expect(res.status).to.equal(201);
      expect(res.body.code).to.match(/^[2-9A-HJ-NP-Z]{8}$/);
      expect(res.body.party_size).to.equal(4);
      expect(Object.keys(res.body.window)).to.deep.equal(['id', 'starts_at', 'ends_at']);
      expect(res.body.window.id).to.equal(w);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      const row = await app.db('visit_reservations').where({ code: res.body.code }).first();
      expect(row.channel).to.equal('public');
      expect((await app.db('visit_windows').where({ id: w }).first()).booked).to.equal(4);
    });

    it('refuses with 409 full, closed, not_open and past, and 404 for an unknown window', async () => {
      const small = await addWindow(app.db, cemetery, { capacity: 2 });
      const closed = await addWindow(app.db, cemetery, { status: 'closed' });
      const later = await addWindow(app.db, cemetery, { offset: 20 });
      const over = await addWindow(app.db, cemetery, { startsPast: true });
      const answers = await Promise.all([
        post(`/api/v1/visit-windows/${small}/reservations`, person({ party_size: 3 })),
        post(`/api/v1/visit-windows/${closed}/reservations`, person()),
        post(`/api/v1/visit-windows/${later}/reservations`, person()),
        post(`/api/v1/visit-windows/${over}/reservations`, person()),
        post('/api/v1/visit-windows/2000000000/reservations', person()),
      ]);
      expect(answers.map((a) => `${a.status} ${a.body.error}`)).to.deep.equal([
        '409 full',
        '409 closed',
        '409 not_open',
        '409 past',
        '404 visit_window_not_found',
      ]);
      expect(answers[2].body.message).to.match(/\d{4}-\d\d-\d\d 起可以预约/);
    });

    it('answers 400 with a message per field for a bad body', async () => {
      const w = await addWindow(app.db, cemetery);
      const res = await post(`/api/v1/visit-windows/${w}/reservations`, {
        name: '',
        phone: '12345',
        party_size: 0,
        car_plate: 'nonsense',
      });
      expect(res.status).to.equal(400);
      expect(Object.keys(res.body.fields).sort()).to.deep.equal(['car_plate', 'name', 'party_size', 'phone']);
      expect(res.body.fields.phone).to.deep.equal({
        code: 'visit_phone_invalid',
        message: '请填写 11 位中国大陆手机号码。',
      });
      const big = await post(`/api/v1/visit-windows/${w}/reservations`, person({ party_size: 6 }));
      expect(big.status).to.equal(400);
      expect(big.body.fields.party_size.code).to.equal('visit_party_over_limit');
      expect((await app.db('visit_windows').where({ id: w }).first()).booked).to.equal(0);
    });

    it("answers 429 with Retry-After over a phone's daily limit", async () => {
      const w = await addWindow(app.db, cemetery, { offset: 2 });
      const phone = nextPhone();
      const statuses = [];
      for (let i = 0; i < 3; i++)
        statuses.push(await post(`/api/v1/visit-windows/${w}/reservations`, person({ phone })));
      expect(statuses.map((s) => s.status)).to.deep.equal([201, 201, 429]);
      expect(statuses[2].body.error).to.equal('visit_phone_limit');
      expect(Number(statuses[2].headers.get('retry-after'))).to.be.at.least(60);
    });

    it('gives the same answer to a repeated Idempotency-Key, 422 to the key with another body, 400 to a bad key', async () => {
      const w = await addWindow(app.db, cemetery, { capacity: 5 });
      const body = person({ party_size: 2 });
      const key = { 'idempotency-key': `retry-${Date.now()} /ok~` };
      const first = await post(`/api/v1/visit-windows/${w}/reservations`, body, key);
      const again = await post(`/api/v1/visit-windows/${w}/reservations`, body, key);
      expect(first.status).to.equal(201);
      expect(again.status).to.equal(201);
      expect(again.body).to.deep.equal(first.body);
      expect((await app.db('visit_windows').where({ id: w }).first()).booked).to.equal(2);
      const other = await post(`/api/v1/visit-windows/${w}/reservations`, { ...body, party_size: 1 }, key);
      expect(other.status).to.equal(422);
      expect(other.body.error).to.equal('idempotency_key_reused');
      for (const bad of ['x'.repeat(101), '密钥']) {
        const res = await post(`/api/v1/visit-windows/${w}/reservations`, person(), {
          'idempotency-key': encodeURIComponent(bad) === bad ? bad : Buffer.from(bad).toString('latin1'),
        });
        expect(res.status, bad).to.equal(400);
        expect(res.body.fields.idempotency_key.code).to.equal('visit_api_idempotency_key_invalid');
      }
      expect((await app.db('visit_windows').where({ id: w }).first()).booked).to.equal(2);
    });

    it('keeps a refusal as the answer to its key: the same 409 again after places were freed', async () => {
      const w = await addWindow(app.db, cemetery, { capacity: 1 });
      const holder = person();
      const held = await post(`/api/v1/visit-windows/${w}/reservations`, holder);
      const key = { 'idempotency-key': `full-${Date.now()}` };
      const body = person();
      const refused = await post(`/api/v1/visit-windows/${w}/reservations`, body, key);
      expect(refused.status).to.equal(409);
      await post(`/api/v1/reservations/${held.body.code}/cancel`, { phone: holder.phone });
      const again = await post(`/api/v1/visit-windows/${w}/reservations`, body, key);
      expect([again.status, again.body]).to.deep.equal([409, refused.body]);
    });
  });

  describe('POST /api/v1/reservations/:code/cancel', () => {
    it('cancels once (200), then 409; a wrong phone or code is 404, a bad phone 400', async () => {
      const w = await addWindow(app.db, cemetery, { capacity: 10 });
      const p = person({ party_size: 3 });
      const { body } = await post(`/api/v1/visit-windows/${w}/reservations`, p);
      // Families type codes in lower case and with a hyphen.
      const typed = `${body.code.slice(0, 4)}-${body.code.slice(4)}`.toLowerCase();
      expect((await post(`/api/v1/reservations/${body.code}/cancel`, { phone: nextPhone() })).status).to.equal(404);
      expect((await post('/api/v1/reservations/NOPE/cancel', { phone: p.phone })).status).to.equal(404);
      const bad = await post(`/api/v1/reservations/${body.code}/cancel`, { phone: 'x' });
      expect([bad.status, bad.body.fields.phone.code]).to.deep.equal([400, 'visit_phone_invalid']);
      const ok = await post(`/api/v1/reservations/${typed}/cancel`, { phone: p.phone });
      expect(ok.status).to.equal(200);
      expect(ok.body).to.deep.include({ code: body.code, status: 'cancelled', party_size: 3 });
      const twice = await post(`/api/v1/reservations/${body.code}/cancel`, { phone: p.phone });
      expect([twice.status, twice.body.error]).to.deep.equal([409, 'visit_already_cancelled']);
      expect((await app.db('visit_windows').where({ id: w }).first()).booked).to.equal(0);
    });
  });

  describe('the lean public path', () => {
    it('makes no session for an anonymous API request, and none is stored', async () => {
      const middleware = sessionMiddleware(app.ctx);
      const sessionOf = (method: string, url: string, cookie?: string) =>
        new Promise<unknown>((resolve, reject) => {
          const req = new http.IncomingMessage(new net.Socket()) as unknown as Request;
          Object.assign(req, { method, url, originalUrl: url, headers: cookie ? { cookie } : {} });
          Object.defineProperty(req, 'path', { value: url.split('?')[0] });
          const res = new http.ServerResponse(req as unknown as http.IncomingMessage);
          middleware(req, res as never, (err?: unknown) => (err ? reject(err) : resolve(req.session)));
        });
      expect(await sessionOf('POST', '/api/v1/visit-windows/1/reservations')).to.equal(undefined);
      expect(await sessionOf('GET', '/api/v1/visit-windows')).to.equal(undefined);
      // A page form post still gets its session (CSRF, flash), and so does an API call that sends a session cookie.
      expect(await sessionOf('POST', '/login')).to.not.equal(undefined);
      expect(await sessionOf('POST', '/api/v1/visit-windows/1/reservations', 'shian.sid=s%3Aabc.def')).to.not.equal(
        undefined,
      );
      const before = await app.db('sessions').count({ n: '*' });
      const w = await addWindow(app.db, cemetery);
      const res = await post(`/api/v1/visit-windows/${w}/reservations`, person());
      expect(res.status).to.equal(201);
      expect(res.headers.getSetCookie()).to.deep.equal([]);
      expect(await app.db('sessions').count({ n: '*' })).to.deep.equal(before);
    });

    it('answers the same by the early way (no cookie) and the whole way (a cookie): language, headers, body', async () => {
      const w = await addWindow(app.db, cemetery, { capacity: 1 });
      const lang = { cookie: 'lang=en' };
      const early = await post(`/api/v1/visit-windows/${w}/reservations`, person());
      const whole = await post(`/api/v1/visit-windows/${w}/reservations`, person(), lang);
      const earlyFull = await post(`/api/v1/visit-windows/${w}/reservations`, person());
      expect([early.status, whole.status, earlyFull.status]).to.deep.equal([201, 409, 409]);
      // The language comes from the cookie on the whole way; without one it is Chinese.
      expect(whole.body.message).to.equal('This time is fully booked. Choose another time or day.');
      expect(earlyFull.body).to.deep.equal({ error: 'full', message: '这个时段已约满，请选择其他时段或日期。' });
      for (const res of [early, whole, earlyFull]) {
        expect(res.headers.get('content-type')).to.equal('application/json; charset=utf-8');
        expect(res.headers.get('cache-control')).to.equal('no-store');
        expect(res.headers.get('content-security-policy')).to.include("script-src 'self'");
        expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
        // A POST's answer is never revalidated: no ETag is worked out for it.
        expect(res.headers.get('etag')).to.equal(null);
      }
      // Both ways reach the same routes: an unknown window is 404 on each, a bearer token is checked on the whole way.
      const missing = await post('/api/v1/visit-windows/99999999/reservations', person());
      const missingEn = await post('/api/v1/visit-windows/99999999/reservations', person(), lang);
      expect([missing.status, missing.body.error, missingEn.status, missingEn.body.error]).to.deep.equal([
        404,
        'visit_window_not_found',
        404,
        'visit_window_not_found',
      ]);
      expect(missingEn.body.message).to.equal('This visit time was not found; choose again.');
      const token = await post(`/api/v1/visit-windows/${w}/reservations`, person(), { authorization: 'Bearer nope' });
      expect([token.status, token.body.error]).to.deep.equal([401, 'token_invalid']);
      // A path the early way does not match itself (a trailing slash, an encoded parameter) still reaches its route.
      const slash = await post(`/api/v1/visit-windows/${w}/reservations/`, person());
      const encoded = await post(`/api/v1/visit-windows/%3${String(w)[0]}${String(w).slice(1)}/reservations`, person());
      expect([slash.status, encoded.status]).to.deep.equal([409, 409]);
    });

    it('keeps the ETag of a GET answer, and answers 304 to its If-None-Match', async () => {
      const path = `/api/v1/visit-windows?facility=${cemetery}&date=${dayFromToday(2)}`;
      const etag = (await fetch(app.url + path)).headers.get('etag');
      expect(etag).to.match(/^W\/"/);
      // node:http, since fetch adds Cache-Control: no-cache to a request with If-None-Match.
      const status = await new Promise<number | undefined>((resolve, reject) =>
        http
          .get(app.url + path, { headers: { 'if-none-match': etag! } }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
          .on('error', reject),
      );
      expect(status).to.equal(304);
    });
  });
});

describe(`visits: JSON API per-address limit (${dialect})`, () => {
  let app: TestApp;
  before(async () => {
    app = await startApp({ config: { publicRatePerMinute: 3 } });
  });
  after(() => app.close());

  it('answers 429 with Retry-After past the limit on the POSTs, shared by reservations and cancels; reads are not counted', async () => {
    const cemetery = await facilityNamed(app.db, CEMETERY);
    const w = await addWindow(app.db, cemetery);
    const post = (path: string, json: unknown) => call(app.url, 'POST', path, json);
    const a = await post(`/api/v1/visit-windows/${w}/reservations`, person());
    const b = await post(`/api/v1/visit-windows/${w}/reservations`, person());
    const c = await post('/api/v1/reservations/ABCDEFGH/cancel', { phone: nextPhone() });
    const d = await post(`/api/v1/visit-windows/${w}/reservations`, person());
    expect([a.status, b.status, c.status, d.status]).to.deep.equal([201, 201, 404, 429]);
    expect(d.body.error).to.equal('too_many_requests');
    expect(Number(d.headers.get('retry-after'))).to.be.within(1, 60);
    expect((await app.db('visit_windows').where({ id: w }).first()).booked).to.equal(2);
    for (let i = 0; i < 5; i++)
      expect(
        (await call(app.url, 'GET', `/api/v1/visit-windows?facility=${cemetery}&date=${dayFromToday(1)}`)).status,
      ).to.equal(200);
  });
});

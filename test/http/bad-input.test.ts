// Bad input never gives 500: control characters, ids and amounts past the columns, years far away, bodies the parsers
// refuse. Each is a 4xx with a Chinese message (JSON under /api/, the form or the error page elsewhere), and nothing
// is written. Also: /API/… in another case is not the API, so a session cookie never counts there.
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { checkCharacter } from '../../server/cases/id-number.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf, type Reply } from '../helpers/client.js';
import { dayAhead, facilityId, insertCase, resourceId, userWithToken } from '../cremation/fixtures.js';

const ID = '52020119500101123' + checkCharacter('52020119500101123');

describe(`http: bad input (${dialect})`, () => {
  let app: TestApp;
  let desk: Client;
  let admin: Client;
  let home: number;
  let token: string;
  const count = async (t: string) => Number((await app.db(t).count({ n: '*' }))[0].n);

  const apiCase = (over: { facility_id?: unknown; deceased?: Record<string, unknown> } = {}) => ({
    facility_id: over.facility_id ?? home,
    request_id: undefined,
    deceased: { name: '王五', id_number: ID, death_at: '2026-11-01T08:00:00+08:00', ...over.deceased },
    contact: { name: '王丽', phone: '13800000000', relationship: '女儿' },
  });
  const raw = async (
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | Uint8Array,
  ): Promise<Reply> => {
    const res = await fetch(app.url + path, {
      method,
      headers,
      body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
      redirect: 'manual',
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      location: res.headers.get('location'),
      json: () => JSON.parse(text),
    };
  };
  const api = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    raw(
      'POST',
      path,
      { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    );
  const caseForm = (over: Record<string, string> = {}) => ({
    facility_id: String(home),
    deceased_name: '王五',
    id_number: ID,
    death_at: '2026-11-01T08:00',
    contact_name: '王丽',
    contact_phone: '13800000000',
    contact_relationship: '女儿',
    ...over,
  });

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db);
    token = (await userWithToken(app.db, 'frontdesk', 'front_desk', home)).token;
    desk = await signedIn(app, 'front_desk');
    admin = await signedIn(app, 'admin');
  });
  after(() => app.close());

  describe('control characters', () => {
    it('refuses a NUL byte in a search box with 400 and says why, on the list pages of cases, facilities and users', async () => {
      for (const [who, path] of [
        [desk, '/staff/cases?q=%E7%8E%8B%00'],
        [admin, '/staff/facilities?q=a%00b'],
        [admin, '/staff/users?q=%00'],
      ] as const) {
        const res = await who.get(path);
        expect(res.status, path).to.equal(400);
        expect(textOf(res.text), path).to.contain('不能包含控制字符（如空字符）。');
      }
      const posted = await desk.post('/staff/cases/search', { q: '王\u0000' }, { from: '/staff/cases' });
      expect(posted.status).to.equal(400);
      expect(textOf(posted.text)).to.contain('不能包含控制字符');
    });

    it('refuses a NUL byte in a name: the form comes back with the message at the field, the API names the field; nothing is written', async () => {
      const before = await count('funeral_cases');
      const page = await desk.post('/staff/cases', caseForm({ deceased_name: '王\u0000五' }), {
        from: '/staff/cases/new',
      });
      expect(page.status).to.equal(400);
      expect(textOf(page.text)).to.contain('不能包含控制字符（如空字符）。');
      const res = await api('/api/v1/cases', apiCase({ deceased: { name: '王\u0000五' } }));
      expect(res.status).to.equal(400);
      expect(res.json().fields['deceased.name']).to.deep.equal({
        code: 'control_characters',
        message: '不能包含控制字符（如空字符）。',
      });
      const facility = await admin.post(
        '/staff/facilities',
        { name: '公墓\u0000', kind: 'columbarium', region: '520201' },
        { from: '/staff/facilities/new' },
      );
      expect(facility.status).to.equal(400);
      expect(textOf(facility.text)).to.contain('不能包含控制字符');
      expect(await count('funeral_cases')).to.equal(before);
      expect(await app.db('facilities').where('name', 'like', '公墓%').first()).to.equal(undefined);
    });

    it('names a service-area code with a NUL byte as a bad code, and writes nothing', async () => {
      const facilities = await count('facilities');
      const res = await admin.post(
        '/staff/facilities',
        { name: '新骨灰堂', kind: 'columbarium', region: '520201', area_codes: '520201101\u0000' },
        { from: '/staff/facilities/new' },
      );
      expect(res.status).to.equal(400);
      expect(textOf(res.text)).to.contain('服务区域代码应为 9 位（乡镇）或 12 位（村）数字');
      expect(await count('facilities')).to.equal(facilities);
    });
  });

  describe('paths', () => {
    it('answers a path parameter that is not valid percent-encoding with 400 and a message', async () => {
      const res = await admin.get('/staff/coverage/targets/%E0%A4%A');
      expect(res.status).to.equal(400);
      expect(textOf(res.text)).to.contain('网址无法解析，请检查地址是否完整。');
    });
  });

  describe('numbers past their columns', () => {
    it('answers 404 for a facility, case or booking id above 2³¹ in a path', async () => {
      for (const path of [
        '/staff/facilities/99999999999',
        '/staff/cases/99999999999',
        '/staff/cremation/bookings/cremator/99999999999/cancel',
        '/staff/funeral-homes/99999999999/prices',
      ]) {
        expect((await admin.get(path)).status, path).to.equal(404);
      }
    });

    it('refuses ids above 2³¹ in JSON bodies and query strings with 400 naming the field', async () => {
      const before = await count('funeral_cases');
      const res = await api('/api/v1/cases', apiCase({ facility_id: 99999999999 }));
      expect(res.status).to.equal(400);
      expect(res.json().fields.facility_id).to.deep.equal({ code: 'id_format', message: '编号无效。' });
      expect(await count('funeral_cases')).to.equal(before);
      const caseId = await insertCase(app.db, home);
      const cremator = await resourceId(app.db, 'cremators', home, '1号炉');
      const starts = `${dayAhead(9)}T10:00:00+08:00`;
      const bookings = await count('cremation_bookings');
      for (const body of [
        { case_id: 99999999999, cremator_id: cremator, starts_at: starts },
        { case_id: caseId, cremator_id: 2 ** 31, starts_at: starts },
      ]) {
        const b = await api('/api/v1/cremation/bookings', body);
        expect(b.status).to.equal(400);
        expect(b.json().error).to.equal('invalid_input');
      }
      expect(await count('cremation_bookings')).to.equal(bookings);
      const day = await raw('GET', `/api/v1/cremation/availability?facility=99999999999&date=${dayAhead(3)}`, {
        authorization: `Bearer ${token}`,
      });
      expect(day.status).to.equal(400);
      expect(day.json().fields.facility.code).to.equal('facility_required');
    });

    it('refuses an amount above 2³¹ fen with the message at the field, and records no payment', async () => {
      const caseId = await insertCase(app.db, home);
      const res = await desk.post(
        `/staff/cases/${caseId}/payments`,
        { method: 'cash', amount: '99999999999' },
        { from: `/staff/cases/${caseId}` },
      );
      expect(res.status).to.equal(400);
      expect(textOf(res.text)).to.contain('请填写金额');
      expect(await app.db('case_payments').where({ case_id: caseId }).first()).to.equal(undefined);
    });
  });

  describe('dates far away', () => {
    it('refuses a death time in year 275760 (which sorts before today as text) in the form and the API; nothing is written', async () => {
      const before = await count('funeral_cases');
      const page = await desk.post('/staff/cases', caseForm({ death_at: '+275760-09-13T08:00' }), {
        from: '/staff/cases/new',
      });
      expect(page.status).to.equal(400);
      expect(textOf(page.text)).to.contain('请填写有效的日期和时间。');
      for (const at of ['+275760-09-13T00:00:00.000Z', '+275760-09-13T00:00:00+08:00', '1066-10-14T09:00:00+00:00']) {
        const res = await api('/api/v1/cases', apiCase({ deceased: { death_at: at } }));
        expect(res.status, at).to.equal(400);
        expect(res.json().fields['deceased.death_at'].code, at).to.equal('invalid_datetime');
      }
      expect(await count('funeral_cases')).to.equal(before);
    });

    it('refuses a birth date or a filter date outside 1900–2100', async () => {
      const res = await api('/api/v1/cases', apiCase({ deceased: { birth_date: '0195-01-01' } }));
      expect(res.status).to.equal(400);
      expect(res.json().fields['deceased.birth_date'].code).to.equal('invalid_date');
      const price = await admin.post(
        `/staff/funeral-homes/${home}/prices`,
        {
          code: 'FAR',
          name_zh: '远',
          name_en: 'Far',
          category: 'optional',
          unit: 'piece',
          price: '1',
          valid_from: '20260-01-01',
        },
        { from: `/staff/funeral-homes/${home}/prices/new` },
      );
      expect(price.status).to.equal(400);
      expect(await app.db('price_items').where({ code: 'FAR' }).first()).to.equal(undefined);
    });
  });

  describe('bodies the parsers refuse', () => {
    const messages: [string, Record<string, string>, string | Uint8Array, number, string, string][] = [
      [
        'an unsupported charset',
        { 'content-type': 'application/json; charset=latin9' },
        '{}',
        415,
        'body_charset_unsupported',
        '不支持该字符编码，请以 UTF-8 提交。',
      ],
      [
        'an unknown content encoding',
        { 'content-encoding': 'x-shian' },
        '{}',
        415,
        'body_encoding_unsupported',
        '不支持该内容压缩方式，请以 gzip、deflate、br 或不压缩提交。',
      ],
      [
        'a damaged gzip body',
        { 'content-encoding': 'gzip' },
        gzipSync('{"a":1}').subarray(0, 12),
        400,
        'body_unreadable',
        '请求内容已损坏，无法读取（例如压缩数据不完整）。',
      ],
      [
        'a body above the limit',
        {},
        JSON.stringify({ a: 'x'.repeat(300_000) }),
        413,
        'body_too_large',
        '提交的内容过大。',
      ],
      ['malformed JSON', {}, '{"deceased":', 400, 'malformed_body', '请求内容无法解析。'],
    ];
    for (const [what, headers, body, status, code, message] of messages) {
      it(`answers ${what} with ${status} and a message under /api/, and on a page; nothing is written`, async () => {
        const before = await count('funeral_cases');
        const res = await api('/api/v1/cases', body, headers);
        expect(res.status).to.equal(status);
        expect(res.json()).to.deep.equal({ error: code, message });
        const type =
          headers['content-type']?.replace('application/json', 'application/x-www-form-urlencoded') ??
          'application/x-www-form-urlencoded';
        const page = await raw(
          'POST',
          '/login',
          { ...headers, 'content-type': type },
          typeof body === 'string' && status === 413 ? `a=${'x'.repeat(300_000)}` : body,
        );
        expect(page.status).to.equal(code === 'malformed_body' ? 403 : status); // a form body reads leniently: then CSRF decides
        if (code !== 'malformed_body') expect(textOf(page.text)).to.contain(message);
        expect(await count('funeral_cases')).to.equal(before);
      });
    }

    it('still reads a good gzip body', async () => {
      const res = await api('/api/v1/cases', gzipSync(JSON.stringify(apiCase({ deceased: { name: '赵七' } }))), {
        'content-encoding': 'gzip',
      });
      expect(res.status, res.text).to.equal(201);
    });
  });

  describe('the spelling of /api/', () => {
    it('does not serve /API/v1/… (or /Api/v1/…) with a session cookie and no token, and writes nothing', async () => {
      const before = await count('funeral_cases');
      const day = `/v1/cremation/availability?facility=${home}&date=${dayAhead(3)}`;
      expect((await desk.get(`/api${day}`)).status).to.equal(401); // the cookie does not count under /api/
      for (const prefix of ['/API', '/Api']) {
        const res = await desk.get(prefix + day);
        expect(res.status, prefix).to.equal(404);
        expect(res.text).to.not.contain('starts_at');
        const post = await desk.request('POST', `${prefix}/v1/cases`, {
          json: apiCase({ deceased: { name: '钱八' } }),
        });
        expect(post.status, prefix).to.equal(404);
        expect(post.json().error).to.equal('not_found');
      }
      expect(await count('funeral_cases')).to.equal(before);
      expect((await desk.get('/STAFF/cases')).status).to.equal(404);
    });
  });
});

// The early way of the public JSON API (server/http/early-api.ts): which requests it takes past the page middleware
// to their route, run as mount() runs it, and which it leaves to the whole way.
import { expect } from 'chai';
import express from 'express';
import { earlyApi } from '../../server/http/early-api.js';
import { errorHandler } from '../../server/http/error-handler.js';
import { NotFoundError } from '../../server/http/errors.js';
import { mount, type RouteDef } from '../../server/http/routes.js';
import { pino } from 'pino';

describe('http: the early way of the public API', () => {
  let base: string;
  let server: ReturnType<express.Express['listen']>;
  before(async () => {
    const defs: RouteDef[] = [
      {
        method: 'post',
        path: '/api/v1/things/:id/notes',
        roles: 'public',
        before: [(_req, res, next) => (res.set('X-Before', 'yes'), next())],
        handler: (req, res) => res.json({ id: req.params.id, body: req.body, lang: req.lang, way: res.locals.way }),
      },
      {
        method: 'get',
        path: '/api/v1/things/:id',
        roles: 'public',
        handler: async (req) => {
          throw new NotFoundError(`missing_${req.params.id}`);
        },
      },
      { method: 'get', path: '/api/v1/things/mine/list', roles: ['admin'], handler: (_req, res) => res.json([]) },
    ];
    const app = express();
    const router = express.Router({ caseSensitive: true });
    mount(router, defs, []);
    const json = express.json();
    app.use(earlyApi({ prefixes: ['/api/v1/things'], parsers: [json], defs, router }));
    // The whole way, marked: what reaches the router from here went past the page middleware.
    app.use(json, (req, res, next) => {
      res.locals.way = 'whole';
      req.lang = 'en';
      next();
    });
    app.use(router);
    app.use(errorHandler(pino({ level: 'silent' })));
    server = app.listen(0);
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  const post = (path: string, headers: Record<string, string> = {}) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ a: 1 }),
    });

  it('takes an anonymous request to its route with its parameters and body, the route middleware first', async () => {
    const res = await post('/api/v1/things/a-1/notes');
    expect(res.headers.get('x-before')).to.equal('yes');
    expect(await res.json()).to.deep.equal({ id: 'a-1', body: { a: 1 }, lang: 'zh-CN' });
  });

  it('leaves a request with a cookie or an Authorization header to the whole way', async () => {
    for (const headers of [{ cookie: 'lang=en' }, { authorization: 'Bearer x' }] as Record<string, string>[])
      expect((await (await post('/api/v1/things/a-1/notes', headers)).json()).way).to.equal('whole');
  });

  it('leaves to the router what it does not match itself: an encoded parameter, a trailing slash', async () => {
    expect(await (await post('/api/v1/things/%61/notes')).json()).to.deep.equal({
      id: 'a',
      body: { a: 1 },
      lang: 'zh-CN',
    });
    expect((await (await post('/api/v1/things/b/notes/')).json()).id).to.equal('b');
  });

  it("sends a handler's rejected promise to the error handler, a route with roles to its role check", async () => {
    const res = await fetch(`${base}/api/v1/things/x`);
    expect([res.status, (await res.json()).error]).to.deep.equal([404, 'missing_x']);
    expect((await fetch(`${base}/api/v1/things/mine/list`)).status).to.equal(401);
  });

  it('answers a body it cannot parse through the error handler', async () => {
    const res = await fetch(`${base}/api/v1/things/a/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{',
    });
    expect([res.status, (await res.json()).error]).to.deep.equal([400, 'malformed_body']);
  });
});

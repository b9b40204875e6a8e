// Exact capacity over HTTP, on the database under test: a thousand families posting at once for fifty places, parties
// of one to five, fifty cancels of one code, fifty retries of one Idempotency-Key; on PostgreSQL also two app
// processes on one schema taking requests in turn. The database decides every race (DESIGN.md, Principles).
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { expect } from 'chai';
import { AppError } from '../../server/http/errors.js';
import { CommitGroup, limitedNow, limitedRun, reserveNow } from '../../server/visits/api-service.js';
import { ReservationInput } from '../../server/visits/schemas.js';
import * as visits from '../../server/visits/service.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { addWindow, CEMETERY, facilityNamed, nextPhone } from './fixtures.js';

// Enough keep-alive sockets for the crowd without a thousand connections at once (the listen backlog is 511).
const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });

interface Answer {
  status: number;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test asserts the shape it needs
  body: any;
}

function post(base: string, path: string, json: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const data = Buffer.from(JSON.stringify(json));
  return new Promise((resolve, reject) => {
    const req = http.request(
      base + path,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode!, text, body: JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const person = (over: Record<string, unknown> = {}) => ({
  name: '示例家属',
  phone: nextPhone(),
  party_size: 1,
  ...over,
});
const tally = (answers: Answer[]) => {
  const out: Record<string, number> = {};
  for (const a of answers) {
    const k = a.status === 200 || a.status === 201 ? String(a.status) : `${a.status} ${a.body.error}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

describe(`visits: capacity over HTTP under concurrency (${dialect})`, function () {
  this.timeout(180_000);
  let app: TestApp;
  let cemetery: number;
  const booked = async (w: number) => Number((await app.db('visit_windows').where({ id: w }).first()).booked);
  const sumOfParties = async (w: number) =>
    Number(
      (await app.db('visit_reservations').where({ window_id: w, status: 'booked' }).sum({ s: 'party_size' }))[0].s ?? 0,
    );

  before(async () => {
    app = await startApp();
    cemetery = await facilityNamed(app.db, CEMETERY);
  });
  after(async () => {
    await app.close();
  });

  it('gives 1,000 simultaneous POSTs of one person on a window of 50 exactly 50 × 201 and 950 × 409 full', async () => {
    const w = await addWindow(app.db, cemetery, { capacity: 50 });
    const answers = await Promise.all(
      Array.from({ length: 1000 }, () => post(app.url, `/api/v1/visit-windows/${w}/reservations`, person())),
    );
    console.log(`      ${dialect}: ${JSON.stringify(tally(answers))}`);
    expect(tally(answers)).to.deep.equal({ '201': 50, '409 full': 950 });
    expect(await booked(w)).to.equal(50);
    expect(await sumOfParties(w)).to.equal(50);
    expect(new Set(answers.filter((a) => a.status === 201).map((a) => a.body.code)).size).to.equal(50);
  });

  it('never books past the capacity with parties of 1 to 5 at once, and booked equals the parties booked', async () => {
    const w = await addWindow(app.db, cemetery, { capacity: 47 });
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        post(app.url, `/api/v1/visit-windows/${w}/reservations`, person({ party_size: 1 + (i % 5) })),
      ),
    );
    const t = tally(answers);
    console.log(`      ${dialect}: ${JSON.stringify(t)}`);
    expect(t['201'] + t['409 full']).to.equal(300);
    const won = answers.filter((a) => a.status === 201).reduce((n, a) => n + (a.body.party_size as number), 0);
    expect(won).to.be.at.most(47).and.at.least(43); // the last refusals were parties too big for what was left
    expect(await booked(w)).to.equal(won);
    expect(await sumOfParties(w)).to.equal(won);
  });

  it('gives 50 simultaneous cancels of one code one 200 and 49 × 409, and the places back once', async () => {
    const w = await addWindow(app.db, cemetery, { capacity: 10 });
    const other = await post(app.url, `/api/v1/visit-windows/${w}/reservations`, person({ party_size: 2 }));
    const p = person({ party_size: 4 });
    const { body } = await post(app.url, `/api/v1/visit-windows/${w}/reservations`, p);
    expect([other.status, await booked(w)]).to.deep.equal([201, 6]);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post(app.url, `/api/v1/reservations/${body.code}/cancel`, { phone: p.phone })),
    );
    expect(tally(answers)).to.deep.equal({ '200': 1, '409 visit_already_cancelled': 49 });
    expect(await booked(w)).to.equal(2);
  });

  it('gives 50 simultaneous POSTs with one Idempotency-Key one reservation and 50 identical answers; the key with another body 422', async () => {
    const w = await addWindow(app.db, cemetery, { capacity: 20 });
    const body = person({ party_size: 3 });
    const key = { 'idempotency-key': `crowd-${dialect}-${Date.now()}` };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => post(app.url, `/api/v1/visit-windows/${w}/reservations`, body, key)),
    );
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`)).size).to.equal(1);
    expect(answers[0].status).to.equal(201);
    expect(await booked(w)).to.equal(3);
    expect(Number((await app.db('visit_reservations').where({ window_id: w }).count({ n: '*' }))[0].n)).to.equal(1);
    const reused = await Promise.all(
      Array.from({ length: 5 }, () =>
        post(app.url, `/api/v1/visit-windows/${w}/reservations`, { ...body, party_size: 2 }, key),
      ),
    );
    expect(tally(reused)).to.deep.equal({ '422 idempotency_key_reused': 5 });
    expect(await booked(w)).to.equal(3);
  });

  it('commits reservations that arrive together on SQLite in one shared transaction, each decided on its own', async function () {
    if (dialect !== 'sqlite') return this.skip();
    const w = await addWindow(app.db, cemetery, { capacity: 30 });
    const group = new CommitGroup(app.db);
    const limit = { prefix: 'group-test', address: '192.0.2.7', points: 1_000_000, now: () => Date.now() };
    let begins = 0;
    const count = (q: { sql: string }) => {
      if (/^BEGIN/i.test(q.sql)) begins++;
    };
    app.db.on('query', count);
    let outcomes: string[];
    try {
      outcomes = await Promise.all(
        Array.from({ length: 40 }, () =>
          limitedRun(group, limit, (trx) =>
            visits.reserve(trx, w, ReservationInput.parse(person()), { channel: 'public' }),
          ).then(
            () => 'ok',
            (e: AppError) => `${e.status} ${e.code}`,
          ),
        ),
      );
    } finally {
      app.db.removeListener('query', count);
    }
    expect(outcomes.filter((o) => o === 'ok')).to.have.length(30);
    expect(outcomes.filter((o) => o === '409 full')).to.have.length(10);
    expect(begins).to.equal(1);
    expect(await booked(w)).to.equal(30);
    expect(await sumOfParties(w)).to.equal(30);
    // The refused requests were counted against their address all the same.
    expect(Number((await app.db('rate_limits').where({ key: 'group-test:192.0.2.7' }).first()).points)).to.equal(40);
  });

  it("runs SQLite's lean path (no Idempotency-Key) on the connection in the shared transaction, beside knex work", async function () {
    if (dialect !== 'sqlite') return this.skip();
    const w = await addWindow(app.db, cemetery, { capacity: 30 });
    const group = new CommitGroup(app.db);
    const limit = { prefix: 'group-test-now', address: '192.0.2.8', points: 1_000_000, now: () => Date.now() };
    let begins = 0;
    const count = (q: { sql: string }) => {
      if (/^BEGIN/i.test(q.sql)) begins++;
    };
    const phone = nextPhone();
    app.db.on('query', count);
    let outcomes: string[];
    try {
      const lean = (input: ReservationInput) => limitedNow(group, limit, (b) => reserveNow(b, w, input));
      const knexWork = (input: ReservationInput) =>
        limitedRun(group, limit, (trx) => visits.reserve(trx, w, input, { channel: 'public' }));
      outcomes = await Promise.all(
        [
          // The phone's daily limit (2 by default) holds on the lean path too: the third is refused, nothing taken.
          ...Array.from({ length: 3 }, () => lean(ReservationInput.parse(person({ phone })))),
          lean(ReservationInput.parse(person({ party_size: 6 }))),
          ...Array.from({ length: 36 }, (_, i) => (i % 2 ? lean : knexWork)(ReservationInput.parse(person()))),
        ].map((p) =>
          p.then(
            () => 'ok',
            (e: AppError) => `${e.status} ${e.code}`,
          ),
        ),
      );
    } finally {
      app.db.removeListener('query', count);
    }
    expect(outcomes.slice(0, 4)).to.deep.equal(['ok', 'ok', '429 visit_phone_limit', '400 invalid_input']);
    expect(outcomes.filter((o) => o === 'ok')).to.have.length(30);
    expect(outcomes.filter((o) => o === '409 full')).to.have.length(8);
    expect(begins).to.equal(1);
    expect(await booked(w)).to.equal(30);
    expect(await sumOfParties(w)).to.equal(30);
    const counted = await app.db('visit_day_counts').where({ kind: 'phone', subject: phone }).first();
    expect(Number(counted.count)).to.equal(2);
    expect(Number((await app.db('rate_limits').where({ key: 'group-test-now:192.0.2.8' }).first()).points)).to.equal(
      40,
    );
  });

  describe('two app processes on one PostgreSQL schema', () => {
    let second: ChildProcess | undefined;
    let secondUrl = '';

    before(async function () {
      if (dialect !== 'postgres') return this.skip();
      second = spawn(process.execPath, ['--import', 'tsx', 'test/visits/api-server.ts'], {
        env: { ...process.env, API_SERVER_URL: app.testDb.databaseUrl, API_SERVER_SCHEMA: app.testDb.schema },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: second!.stdout! }).once('line', resolve);
        second!.once('exit', (code) => reject(new Error(`second app process exited (${code})`)));
      });
      secondUrl = (JSON.parse(line) as { url: string }).url;
    });
    after(async () => {
      if (!second || second.exitCode !== null) return;
      const exited = new Promise((r) => second!.once('exit', r));
      second.kill('SIGTERM');
      await exited;
    });

    it('gives 1,000 POSTs split between the two processes exactly 50 × 201 on a window of 50', async () => {
      const w = await addWindow(app.db, cemetery, { capacity: 50 });
      const answers = await Promise.all(
        Array.from({ length: 1000 }, (_, i) =>
          post(i % 2 ? secondUrl : app.url, `/api/v1/visit-windows/${w}/reservations`, person()),
        ),
      );
      const byProcess = [0, 1].map((p) => answers.filter((a, i) => i % 2 === p && a.status === 201).length);
      console.log(`      two processes: ${JSON.stringify(tally(answers))}, 201s per process ${byProcess.join(' + ')}`);
      expect(tally(answers)).to.deep.equal({ '201': 50, '409 full': 950 });
      expect(await booked(w)).to.equal(50);
      expect(await sumOfParties(w)).to.equal(50);
    });

    it('gives 50 cancels of one code split between the two processes one 200, and the places back once', async () => {
      const w = await addWindow(app.db, cemetery, { capacity: 10 });
      const p = person({ party_size: 5 });
      const { body } = await post(secondUrl, `/api/v1/visit-windows/${w}/reservations`, p);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          post(i % 2 ? secondUrl : app.url, `/api/v1/reservations/${body.code}/cancel`, { phone: p.phone }),
        ),
      );
      expect(tally(answers)).to.deep.equal({ '200': 1, '409 visit_already_cancelled': 49 });
      expect(await booked(w)).to.equal(0);
    });
  });
});

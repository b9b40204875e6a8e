// Load benchmark: autocannon against the built app (dist/) and a bare Express 5 "hello world" baseline, each
// server in a child process of its own, on loopback. Prints a table and writes docs/BENCHMARKS.md.
//
//   npm run bench                          build, measure, print, update docs/BENCHMARKS.md
//   npm run bench -- --duration 5 --connections 20 --no-write
//   DATABASE_URL=postgres://… npm run bench  the same on PostgreSQL (its own section of the doc)
//
// To add a scenario, add a row to `scenarios` below. Requests/s is compared with the baseline measured in the same run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { projectRoot } from '../server/paths.js';

/**
 * The Qingming burst's day: 8 windows of 2,500 places (20,000 reservations, about as long as the other scenarios'
 * 10 s here), after a warm-up day of 8 × 500 (about 2 s, as theirs). BENCH_QINGMING_PLACES and
 * BENCH_QINGMING_WARM_PLACES set the places per window.
 */
const QINGMING = {
  windows: 8,
  places: Number(process.env.BENCH_QINGMING_PLACES ?? 2_500),
  warmPlaces: Number(process.env.BENCH_QINGMING_WARM_PLACES ?? 500),
};

// ─── Scenarios ──────────────────────────────────────────────────────────────────────────────────────────────────

/** What a logged-in scenario gets: the Cookie header a browser would send after logging in as `loginAs`. */
interface Session {
  username: string;
  cookie: string;
}

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  /** Request body; a function when it depends on the session (e.g. a form needing a token). */
  body?: string | ((s: Session | undefined) => string);
  headers?: Record<string, string> | ((s: Session | undefined) => Record<string, string>);
  /** Demo user to log in as (see db/seeds/demo.ts); its session cookie is sent. Omit for anonymous requests. */
  loginAs?: 'admin' | 'bureau' | 'frontdesk' | 'cemetery';
  /** Status every response must have (default 200); anything else counts as an error. */
  expectStatus?: number;
  /** Minimum requests/s as a fraction of the bare Express baseline; reported as PASS/FAIL, never fails the run. */
  goal?: number;
  /** Concurrent connections for this scenario (default --connections); 1 measures one request's own latency. */
  connections?: number;
  /** Maximum p99 latency in ms; reported as PASS/FAIL like `goal`. */
  latencyGoalMs?: number;
  /** Maximum server CPU per request in ms; reported as PASS/FAIL like `goal`. */
  cpuGoalMs?: number;
  /** Runs once before the scenario, to make what it needs through the app (a token, records); what it returns replaces path, headers or body. */
  /**
   * A scenario that drives the load itself instead of a timed autocannon run of one request (the Qingming burst:
   * until a day's windows are full); what it returns is its row.
   */
  run?: (ctx: {
    base: string;
    connections: number;
    sqliteFile?: string;
    databaseUrl?: string;
    cpu(): number | undefined;
    log(s: string): void;
  }) => Promise<Omit<Row, 'name'> & { notes?: string[] }>;
  /**
   * Also measure, right after this page, the least such a page can cost outside the app (the floor below): set on
   * the wall page, whose path names the wall (…/grid/ID) that the floor reads. SQLite only.
   */
  floor?: boolean;
  prepare?: (ctx: {
    base: string;
    session?: Session;
    login(username: string): Promise<Session>;
  }) => Promise<Partial<Pick<Scenario, 'path' | 'headers' | 'body'>> & { notes?: string[] }>;
}

/** What a staff page may cost (issue 14): server CPU ≤ 2 ms and p99 ≤ 50 ms per page at 10 connections. */
const staffPage = { cpuGoalMs: 2, latencyGoalMs: 50 } as const;

const scenarios: Scenario[] = [
  { name: 'public home page', method: 'GET', path: '/', goal: 0.35 },
  { name: 'staff dashboard (logged in)', method: 'GET', path: '/staff', loginAs: 'admin', ...staffPage },
  // The front desk's day: pickups, bodies in storage, today's bookings by hour, balances owed, papers missing and the
  // week, on the demo cases.
  {
    name: "staff dashboard of a funeral home's day (front desk)",
    method: 'GET',
    path: '/staff',
    loginAs: 'frontdesk',
    ...staffPage,
  },
  {
    name: 'cremation availability page',
    method: 'GET',
    path: '/staff/cremation',
    loginAs: 'frontdesk',
    ...staffPage,
    prepare: async (ctx) => (await import('./bench-cremation.js')).availabilityPage(ctx),
  },
  {
    name: 'cremation booking attempt on a taken slot (POST, API, 409 slot_taken)',
    method: 'POST',
    path: '/api/v1/cremation/bookings',
    expectStatus: 409,
    prepare: async (ctx) => (await import('./bench-cremation.js')).takenSlotBooking(ctx),
  },
  // Resting places (issue 18, item 11): the first wall of the demo's 6,000-niche columbarium (10 × 20 niches, every
  // state shown) and the columbarium's inventory by the JSON API. A staff page (CPU per request, p99) that the issue
  // also holds to a share of the baseline. scripts/bench-resting.ts.
  {
    name: 'columbarium wall page (6,000 niches, 10 × 20 wall, admin)',
    method: 'GET',
    path: '/staff/resting',
    loginAs: 'admin',
    ...staffPage,
    goal: 0.25,
    latencyGoalMs: 100,
    floor: true,
    prepare: async (ctx) => (await import('./bench-resting.js')).wallPage(ctx),
  },
  {
    name: 'columbarium inventory API (6,000 niches, bureau token)',
    method: 'GET',
    path: '/api/v1/facilities',
    latencyGoalMs: 100,
    prepare: async (ctx) => (await import('./bench-resting.js')).inventoryApi(ctx),
  },
  // Families reserving Qingming visits through the JSON API (issue 17, item 13): 100 connections until a day of
  // QINGMING.windows × QINGMING.places is full, after a warm-up day; requests/s here is reservations (201s) per
  // second. scripts/bench-visits.ts.
  {
    name: `Qingming burst: 100 connections reserving ${QINGMING.windows} windows × ${QINGMING.places.toLocaleString('en-US')} places until full (POST, API)`,
    method: 'POST',
    path: '/api/v1/visit-windows',
    goal: 0.3,
    latencyGoalMs: 100,
    connections: 100,
    run: async (ctx) => {
      const { qingmingBurst } = await import('./bench-visits.js');
      const r = await qingmingBurst(ctx, ctx.log, QINGMING);
      const note =
        `Qingming burst: ${fmt(r.reservations)} reservations in ${r.seconds.toFixed(2)} s ` +
        `(${fmt(r.requests)} requests, ${fmt(r.afterLast)} of them answered after the last place; ${r.codes}); ` +
        `CHECK ${r.check}`;
      return {
        rps: r.perSecond,
        p50: r.p50,
        p99: r.p99,
        requests: r.requests,
        bad: r.bad,
        cpuPerReq: r.cpuMs,
        notes: [note],
      };
    },
  },
  // Its preparation first times the whole-country coverage (620,573 villages) on a SQLite file of its own and prints it.
  {
    name: 'coverage API: Liupanshui and its counties on a year end (bureau token)',
    method: 'GET',
    path: '/api/v1/coverage',
    prepare: async (ctx) => (await import('./bench-coverage.js')).coverageApi(ctx),
  },
  // One request at a time, so p99 is the time one dashboard takes to render (issue: under 200 ms for a city).
  {
    name: 'coverage dashboard of Liupanshui (bureau, one connection)',
    method: 'GET',
    path: '/staff/coverage?region=5202',
    loginAs: 'bureau',
    connections: 1,
    latencyGoalMs: 200,
  },
  // Its preparation first times the province and country pages and reports on the whole-country file
  // (scripts/bench-national.ts: the country, provinces 52, 37 and 41, their PDF, XLSX and CSV; goal under 1 s each).
  {
    name: 'coverage dashboard of the province (demo data, bureau, one connection)',
    method: 'GET',
    path: '/staff/coverage?region=52',
    loginAs: 'bureau',
    connections: 1,
    latencyGoalMs: 1000,
    prepare: async () => {
      const { measureNational, describeNational } = await import('./bench-national.js');
      const notes = (await measureNational()).map(describeNational);
      for (const n of notes) process.stdout.write(`  ${n}\n`);
      return { notes };
    },
  },
];

// ─── Options ────────────────────────────────────────────────────────────────────────────────────────────────────

const { values: opts } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    write: { type: 'boolean', default: true },
    'no-write': { type: 'boolean', default: false },
    only: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (opts.help) {
  process.stdout.write(
    'usage: npm run bench -- [--duration S=10] [--connections N=10] [--warmup S=2] [--no-write] [--only TEXT]...\n' +
      '  --only TEXT  run only the scenarios whose name contains TEXT (repeatable; the baseline always runs; implies --no-write)\n',
  );
  process.exit(0);
}
const positiveInt = (name: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const duration = positiveInt('duration', opts.duration);
const connections = positiveInt('connections', opts.connections);
const warmup = positiveInt('warmup', opts.warmup);
const only = (opts.only ?? []).map((t) => t.toLowerCase());
const selected = only.length
  ? scenarios.filter((sc) => only.some((t) => sc.name.toLowerCase().includes(t)))
  : scenarios;
if (selected.length === 0)
  throw new Error(
    `--only ${only.join(', ')}: no scenario matches; they are:\n${scenarios.map((sc) => `  ${sc.name}`).join('\n')}`,
  );
// A partial run would leave rows out of the recorded table.
const write = opts.write && !opts['no-write'] && only.length === 0;

const DEMO_PASSWORD = 'bench-pass-2026';
const docFile = path.join(projectRoot, 'docs', 'BENCHMARKS.md');
const mainJs = path.join(projectRoot, 'dist', 'server', 'main.js');

const log = (msg: string) => process.stdout.write(`${msg}\n`);

// ─── Child servers ──────────────────────────────────────────────────────────────────────────────────────────────

interface Server {
  name: string;
  child: ChildProcess;
  base: string;
  output: string[];
}
const servers = new Set<Server>();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function startServer(name: string, args: string[], port: number, env: NodeJS.ProcessEnv): Server {
  const child = spawn(process.execPath, args, { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const server: Server = { name, child, base: `http://127.0.0.1:${port}`, output: [] };
  const keep = (chunk: Buffer) => {
    server.output.push(...chunk.toString().split('\n').filter(Boolean));
    if (server.output.length > 200) server.output.splice(0, server.output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  servers.add(server);
  child.on('exit', () => servers.delete(server));
  return server;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForHealth(server: Server, healthPath: string, timeoutMs = 180_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited (${server.child.exitCode ?? server.child.signalCode}) before answering:\n${server.output.slice(-30).join('\n')}`,
      );
    }
    try {
      const res = await fetch(server.base + healthPath);
      if (res.ok) return res;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new Error(
        `${server.name} did not answer ${healthPath} within ${timeoutMs / 1000} s:\n${server.output.slice(-30).join('\n')}`,
      );
    await sleep(200);
  }
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

const tempDirs = new Set<string>();

function killAllNow() {
  for (const s of servers) s.child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    log(`\n${sig}: stopping servers`);
    killAllNow();
    process.exit(130);
  });
}

// The baseline: the smallest Express 5 app, run by the same node binary as the app.
const baselineSource = `
import express from 'express';
const app = express();
app.get('/', (req, res) => res.send('hello'));
app.listen(Number(process.env.PORT), '127.0.0.1');
`;

// The floor of the wall page: not the app, but the least any server can do for that page with this stack. Express 5
// reads the same wall's places from the app's SQLite file with the statement the app's grid runs (better-sqlite3,
// compiled once, read-only) and writes them as a bare table: no session, user, layout, templates, CSRF or route
// table. Its share of the baseline bounds what the wall page could reach without keeping the drawn wall between
// requests (docs/BENCHMARKS.md, "The wall page's floor").
const floorSource = `
import express from 'express';
import Database from 'better-sqlite3';
const db = new Database(process.env.FLOOR_DB, { readonly: true, fileMustExist: true });
const places = db.prepare(
  'SELECT id, code, row_no, status, term_ends_on, hold_expires_at FROM resting_places WHERE group_id = ? ORDER BY row_no, column_no',
);
const group = Number(process.env.FLOOR_GROUP);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const app = express();
app.get('/', (req, res) => {
  let html = '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>wall</title><table>';
  let row = -1;
  for (const p of places.all(group)) {
    if (p.row_no !== row) { html += (row === -1 ? '' : '</tr>') + '<tr>'; row = p.row_no; }
    html += '<td class="' + esc(p.status) + '"><a href="/staff/resting/places/' + p.id + '" title="' + esc(p.code) + '">' +
      esc(p.code) + '</a></td>';
  }
  if (row === -1) return res.status(404).send('no places');
  res.set('Cache-Control', 'no-store').type('html').send(html + '</tr></table>');
});
app.listen(Number(process.env.PORT), '127.0.0.1');
`;

/** The floor of a wall page (floorSource) on the app's SQLite file, measured as a row of its own. */
async function measureFloor(name: string, sqliteFile: string, wallPath: string): Promise<Row> {
  const group = /\/grid\/(\d+)$/.exec(wallPath)?.[1];
  if (!group) throw new Error(`${name}: no wall in ${wallPath}`);
  const port = await freePort();
  const floor = startServer('floor', ['--input-type=module', '-e', floorSource], port, {
    ...process.env,
    PORT: String(port),
    FLOOR_DB: sqliteFile,
    FLOOR_GROUP: group,
  });
  try {
    await waitForHealth(floor, '/', 15_000);
    return await measure({
      name,
      pid: floor.child.pid,
      base: floor.base,
      method: 'GET',
      path: '/',
      headers: {},
      expectStatus: 200,
    });
  } finally {
    await stopServer(floor);
  }
}

// ─── Login ──────────────────────────────────────────────────────────────────────────────────────────────────────

function cookieFrom(res: Response, name: string): string | undefined {
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    if (pair.slice(0, i).trim() === name) return pair.slice(i + 1);
  }
  return undefined;
}

async function login(base: string, username: string): Promise<Session> {
  const page = await fetch(`${base}/login`, { redirect: 'manual' });
  const html = await page.text();
  const csrfCookie = cookieFrom(page, 'shian.csrf');
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !csrfCookie || !token) {
    throw new Error(
      `GET /login: status ${page.status}, csrf cookie ${csrfCookie ? 'present' : 'missing'}, _csrf field ${token ? 'present' : 'missing'}`,
    );
  }
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `shian.csrf=${csrfCookie}` },
    body: new URLSearchParams({ _csrf: token, username, password: DEMO_PASSWORD }).toString(),
  });
  await res.arrayBuffer();
  const sid = cookieFrom(res, 'shian.sid');
  if (res.status !== 302 || !sid) {
    throw new Error(
      `POST /login as ${username}: status ${res.status}, session cookie ${sid ? 'set' : 'missing'}` +
        ' (with DATABASE_URL, use a fresh database: one seeded earlier with another SHIAN_DEMO_PASSWORD rejects this one)',
    );
  }
  // Then the page the login leads to, keeping every cookie as a browser would: from then on a browser sends the
  // session cookie, the CSRF cookie bound to the session and the session's version cookie with each request.
  const jar = new Map<string, string>([['shian.sid', sid]]);
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const landing = await fetch(`${base}/staff`, { redirect: 'manual', headers: { cookie: cookie() } });
  await landing.arrayBuffer();
  if (landing.status !== 200) throw new Error(`GET /staff after login as ${username}: status ${landing.status}`);
  for (const c of landing.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const i = pair.indexOf('=');
    jar.set(pair.slice(0, i).trim(), pair.slice(i + 1));
  }
  return { username, cookie: cookie() };
}

// ─── Measuring ──────────────────────────────────────────────────────────────────────────────────────────────────

/** CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is no /proc. */
const clockTick = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd (state) on
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTick; // utime, stime
  } catch {
    return undefined;
  }
}

interface Target {
  name: string;
  pid?: number;
  base: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expectStatus: number;
  connections?: number;
}
interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  bad: number;
  /** Server CPU time per request (ms): less disturbed than requests/s by other load on the machine. */
  cpuPerReq?: number;
  ratio?: number;
  goal?: number;
  latencyGoalMs?: number;
  cpuGoalMs?: number;
}

async function checkFirst(t: Target): Promise<void> {
  const res = await fetch(t.base + t.path, { method: t.method, headers: t.headers, body: t.body, redirect: 'manual' });
  const text = await res.text();
  if (res.status !== t.expectStatus) {
    throw new Error(
      `${t.name}: ${t.method} ${t.path} answered ${res.status}, expected ${t.expectStatus}` +
        `${res.headers.get('location') ? ` (→ ${res.headers.get('location')})` : ''}\n${text.slice(0, 500)}`,
    );
  }
}

function cannon(t: Target, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: t.base + t.path,
        method: t.method,
        headers: t.headers,
        body: t.body,
        connections: t.connections ?? connections,
        duration: seconds,
        title: t.name,
      },
      (err: unknown, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
    );
  });
}

async function measure(t: Target): Promise<Row> {
  await checkFirst(t);
  log(`  warming up ${t.name}… (${warmup} s)`);
  await cannon(t, warmup);
  log(`  measuring ${t.name}… (${duration} s, ${t.connections ?? connections} connections)`);
  const cpuBefore = cpuMs(t.pid);
  const r = await cannon(t, duration);
  const cpuAfter = cpuMs(t.pid);
  const expected = r.statusCodeStats?.[String(t.expectStatus) as `${number}`]?.count ?? 0;
  const responses = r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];
  const bad = responses - expected + r.errors + r.timeouts + r.mismatches;
  const row: Row = {
    name: t.name,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    bad,
  };
  if (cpuBefore !== undefined && cpuAfter !== undefined && r.requests.total > 0)
    row.cpuPerReq = (cpuAfter - cpuBefore) / r.requests.total;
  if (bad > 0) {
    const codes = Object.entries(r.statusCodeStats ?? {})
      .map(([code, s]) => `${code}×${s.count ?? 0}`)
      .join(', ');
    log(
      `  ✗ ${t.name}: ${bad} bad responses/errors (status codes: ${codes}; errors ${r.errors}, timeouts ${r.timeouts})`,
    );
  }
  return row;
}

// ─── Facts and output ───────────────────────────────────────────────────────────────────────────────────────────

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) return m[1].trim();
  } catch {
    /* not Linux */
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

async function databaseFacts(): Promise<{ key: 'sqlite' | 'postgres'; label: string }> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const u = new URL(url);
    const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || '(default)';
    let version = 'PostgreSQL';
    try {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ v: string }>("select current_setting('server_version') as v");
      await client.end();
      version = `PostgreSQL ${rows[0].v.split(' ')[0]}`;
    } catch {
      /* the app reports connection problems itself */
    }
    return { key: 'postgres', label: `${version}, database \`${name}\` on ${u.hostname}:${u.port || 5432}` };
  }
  const { default: Database } = await import('better-sqlite3');
  const mem = new Database(':memory:');
  const { v } = mem.prepare('select sqlite_version() as v').get() as { v: string };
  mem.close();
  return { key: 'sqlite', label: `SQLite ${v} (better-sqlite3, WAL, synchronous=FULL), file in a fresh temp dir` };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** PASS when every goal the row has is met: requests/s against the baseline, p99, server CPU per request. */
const verdict = (r: Row) => {
  const goals: [boolean, string][] = [];
  if (r.goal !== undefined && r.ratio !== undefined) goals.push([r.ratio >= r.goal, `≥ ${fmt(r.goal * 100)}%`]);
  if (r.latencyGoalMs !== undefined) goals.push([r.p99 <= r.latencyGoalMs, `p99 ≤ ${r.latencyGoalMs} ms`]);
  if (r.cpuGoalMs !== undefined)
    goals.push([r.cpuPerReq !== undefined && r.cpuPerReq <= r.cpuGoalMs, `CPU ≤ ${r.cpuGoalMs} ms`]);
  if (!goals.length) return '';
  return `${goals.every(([ok]) => ok) ? 'PASS' : 'FAIL'} (goal ${goals.map(([, g]) => g).join(', ')})`;
};

function cells(r: Row): string[] {
  // autocannon records whole milliseconds, so 0 means under one.
  const ms = (n: number) => (n < 1 ? '<1' : fmt(n));
  return [
    r.name,
    fmt(r.rps),
    ms(r.p50),
    ms(r.p99),
    r.ratio === undefined ? '—' : `${fmt(r.ratio * 100, 1)}%`,
    verdict(r) || '—',
    r.cpuPerReq === undefined ? '—' : fmt(r.cpuPerReq, 2),
  ];
}
const header = ['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'vs baseline', 'goal', 'server CPU ms/req'];

function textTable(rows: Row[]): string {
  const data = [header, ...rows.map(cells)];
  const widths = header.map((_, i) => Math.max(...data.map((r) => [...r[i]].length)));
  const left = new Set([0, header.indexOf('goal')]);
  const line = (r: string[]) =>
    r
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(data[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...data.slice(1).map(line)].join('\n');
}

function markdownTable(rows: Row[]): string {
  return [
    `| ${header.join(' | ')} |`,
    '|:--|--:|--:|--:|--:|:--|--:|',
    ...rows.map((r) => `| ${cells(r).join(' | ')} |`),
  ].join('\n');
}

const docIntro = (warmupSeconds: number) => `# Benchmarks

Throughput and latency of the built app (\`dist/\`) under [autocannon](https://github.com/mcollina/autocannon) load,
compared with a bare Express 5 "hello world" measured in the same run on the same machine. The ratio to the baseline
matters more than the absolute numbers: it cancels most of the machine's speed and shows what the app's middleware,
database queries and templates cost per request.

## How to run

\`\`\`sh
npm run bench                                    # SQLite; builds, measures, prints, rewrites the SQLite section below
npm run bench -- --duration 5 --connections 20   # seconds per scenario (default 10), concurrent connections (default 10)
npm run bench -- --no-write                      # print only
npm run bench -- --only cremation                # only the scenarios whose name has "cremation" (and the baseline); print only
BENCH_CPU_PROF=/tmp/prof npm run bench -- --only qingming   # the app also writes a V8 CPU profile of its run into /tmp/prof
BENCH_QINGMING_PLACES=500 BENCH_QINGMING_WARM_PLACES=50 npm run bench -- --only qingming   # the burst's places per window (default 2,500, warm-up 500)
# PostgreSQL: a fresh database each run, so the demo accounts are seeded with the benchmark password
psql -h 127.0.0.1 -U postgres -c 'drop database if exists bench_shian' -c 'create database bench_shian'
DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_shian npm run bench   # rewrites the PostgreSQL section
\`\`\`

## What is measured

- Each server runs in its own child process (\`node\`), never in the process running autocannon; all traffic is on
  127.0.0.1. The baseline is \`app.get('/', (req, res) => res.send('hello'))\` on Express 5. The app is started as
  \`node dist/server/main.js\` with a fresh \`SHIAN_DATA_DIR\` (so demo data is seeded), \`LOG_LEVEL=warn\` (no
  per-request log lines) and, when set, \`DATABASE_URL\`.
- Every target gets one checked request (it must answer 200, or the scenario's \`expectStatus\`), a ${warmupSeconds}-second
  warm-up, then the measured run with keep-alive connections. *requests/s* is autocannon's mean of per-second
  samples; *p50*/*p99* are response latencies; *vs baseline* is requests/s divided by the baseline's.
- *server CPU ms/req* is the CPU time (user + system, from \`/proc/<pid>/stat\`) the server process used during the
  measured run divided by the requests it answered: what each request costs. It moves much less than requests/s
  when other work shares the machine. It counts the Node process only: on PostgreSQL the database server's own CPU
  time is not in it.
- With 2 cores, autocannon and the server each get about one. Both servers are single-threaded and saturate their
  core (autocannon itself used about a third of a core against the baseline), so *vs baseline* comes out close to
  the baseline's CPU per request divided by the scenario's: a goal of 35 % means a request may cost at most about
  2.9 times the baseline's server CPU.
- The load average before the run is recorded: anything much above 0 means other processes competed for the cores
  and the requests/s figures are low and noisy.
- Logged-in scenarios log in once as a demo user (GET /login for the CSRF cookie and field, POST /login, then the
  page it leads to) and send with every request the cookies a browser would then hold: the session (\`shian.sid\`),
  the CSRF cookie bound to it (\`shian.csrf\`).
- A scenario with a goal shows PASS/FAIL; goals never fail the run. Non-expected status codes or socket errors do:
  the command exits non-zero. Scenarios are the \`scenarios\` table in \`scripts/bench.ts\`.
- On SQLite the wall page's row is followed by its floor: not the app, but Express 5 reading the same wall's 200
  places from the app's database file and writing a bare table (no session, layout or templates), measured the same
  way: the least such a page costs on this machine in this run, and a check on how steady the machine was.
`;

const marker = (key: string, edge: 'start' | 'end') => `<!-- bench:${key}:${edge} -->`;

function updateDoc(key: 'sqlite' | 'postgres', section: string): void {
  let doc = fs.existsSync(docFile) ? fs.readFileSync(docFile, 'utf8') : '';
  const sections: Record<string, string> = {};
  for (const k of ['sqlite', 'postgres']) {
    const m = new RegExp(`${marker(k, 'start')}[\\s\\S]*?${marker(k, 'end')}`).exec(doc);
    if (m) sections[k] = m[0];
  }
  sections[key] = `${marker(key, 'start')}\n${section}\n${marker(key, 'end')}`;
  const pending = (k: string, title: string) =>
    `${marker(k, 'start')}\n## Results: ${title}\n\nNot measured yet.\n${marker(k, 'end')}`;
  // Whatever follows the last results section (hand-written notes) is kept.
  const lastEnd = doc.lastIndexOf(marker('postgres', 'end'));
  const notes = lastEnd >= 0 ? doc.slice(lastEnd + marker('postgres', 'end').length).trim() : '';
  doc =
    [
      docIntro(warmup).trimEnd(),
      sections.sqlite ?? pending('sqlite', 'SQLite'),
      sections.postgres ?? pending('postgres', 'PostgreSQL'),
      ...(notes ? [notes] : []),
    ].join('\n\n') + '\n';
  fs.mkdirSync(path.dirname(docFile), { recursive: true });
  fs.writeFileSync(docFile, doc);
}

// ─── Run ────────────────────────────────────────────────────────────────────────────────────────────────────────

async function main(): Promise<number> {
  if (!fs.existsSync(mainJs))
    throw new Error(`${path.relative(projectRoot, mainJs)} is missing: run "npm run build" first (npm run bench does)`);
  const db = await databaseFacts();
  const facts = {
    date: new Date().toISOString().slice(0, 10),
    cpu: cpuModel(),
    cores: os.cpus().length,
    node: process.version,
    database: db.label,
    loadBefore: os.loadavg()[0],
  };
  log(`逝安 benchmark — ${facts.date}, ${facts.cpu}, ${facts.cores} cores, Node ${facts.node}`);
  log(`database: ${facts.database}`);
  log(`${duration} s per scenario after a ${warmup} s warm-up, ${connections} connections`);
  log(`load average (1 min) before: ${facts.loadBefore.toFixed(2)} on ${facts.cores} cores`);
  if (facts.loadBefore > facts.cores / 2)
    log('  ⚠ the machine is busy: requests/s will be low and noisy; server CPU ms/req is the steadier figure');
  log('');

  // 1. Baseline.
  log('baseline: starting bare Express 5 hello world…');
  const basePort = await freePort();
  const baseline = startServer('baseline', ['--input-type=module', '-e', baselineSource], basePort, {
    ...process.env,
    PORT: String(basePort),
  });
  await waitForHealth(baseline, '/', 15_000);
  const baselineRow = await measure({
    name: 'bare Express 5 baseline',
    pid: baseline.child.pid,
    base: baseline.base,
    method: 'GET',
    path: '/',
    headers: {},
    expectStatus: 200,
  });
  await stopServer(baseline);

  // 2. The app.
  log(`\napp: starting node dist/server/main.js (first start seeds the demo data)…`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shian-bench-'));
  tempDirs.add(dataDir);
  const rows: Row[] = [baselineRow];
  const notes: string[] = [];
  try {
    const appPort = await freePort();
    // BENCH_CPU_PROF=DIR: the app writes a V8 CPU profile (.cpuprofile) of the whole run into DIR when it stops.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    const app = startServer('app', [...profile, mainJs], appPort, {
      ...process.env,
      PORT: String(appPort),
      HOST: '127.0.0.1',
      SHIAN_DATA_DIR: dataDir,
      SHIAN_DEMO_PASSWORD: DEMO_PASSWORD,
      LOG_LEVEL: 'warn',
      // Behind a proxy on this machine: the Qingming burst's families come from many addresses (X-Forwarded-For).
      SHIAN_TRUST_PROXY: 'loopback',
    });
    const health = (await (await waitForHealth(app, '/healthz')).json()) as { database?: string };
    if (health.database !== db.key) throw new Error(`app reports database ${health.database}, expected ${db.key}`);

    const sessions = new Map<string, Session>();
    for (const listed of selected) {
      let session: Session | undefined;
      if (listed.loginAs) {
        session = sessions.get(listed.loginAs) ?? (await login(app.base, listed.loginAs));
        sessions.set(listed.loginAs, session);
      }
      if (listed.run) {
        const { notes: runNotes, ...measured } = await listed.run({
          base: app.base,
          connections: listed.connections ?? connections,
          sqliteFile: process.env.DATABASE_URL ? undefined : path.join(dataDir, 'shian.sqlite'),
          databaseUrl: process.env.DATABASE_URL,
          cpu: () => cpuMs(app.child.pid),
          log,
        });
        const row: Row = { name: listed.name, ...measured, ratio: measured.rps / baselineRow.rps };
        Object.assign(row, { goal: listed.goal, latencyGoalMs: listed.latencyGoalMs, cpuGoalMs: listed.cpuGoalMs });
        for (const n of runNotes ?? []) log(`  ${n}`);
        notes.push(...(runNotes ?? []));
        rows.push(row);
        continue;
      }
      const s = {
        ...listed,
        ...(await listed.prepare?.({ base: app.base, session, login: (username) => login(app.base, username) })),
      };
      const headers = { ...(typeof s.headers === 'function' ? s.headers(session) : s.headers) };
      if (session) headers.cookie = headers.cookie ? `${headers.cookie}; ${session.cookie}` : session.cookie;
      const body = typeof s.body === 'function' ? s.body(session) : s.body;
      const row = await measure({
        name: s.name,
        pid: app.child.pid,
        base: app.base,
        method: s.method,
        path: s.path,
        headers,
        body,
        expectStatus: s.expectStatus ?? 200,
        connections: s.connections,
      });
      row.ratio = row.rps / baselineRow.rps;
      row.goal = s.goal;
      row.latencyGoalMs = s.latencyGoalMs;
      row.cpuGoalMs = s.cpuGoalMs;
      notes.push(...(s.notes ?? []));
      rows.push(row);
      if (s.floor && !process.env.DATABASE_URL) {
        const floor = await measureFloor(
          'floor of that wall page, not the app: Express 5 reading its 200 places and writing a bare table',
          path.join(dataDir, 'shian.sqlite'),
          s.path,
        );
        floor.ratio = floor.rps / baselineRow.rps;
        rows.push(floor);
      }
    }
    await stopServer(app);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    tempDirs.delete(dataDir);
  }

  log(`\n${textTable(rows)}\n`);
  for (const r of rows)
    if (verdict(r))
      log(
        `${r.name}: ${verdict(r)} — ${fmt((r.ratio ?? 0) * 100, 1)}% of baseline, p99 ${r.p99} ms, server CPU ${r.cpuPerReq === undefined ? '—' : `${fmt(r.cpuPerReq, 2)} ms`}/req`,
      );
  for (const n of notes) log(n);

  const failed = rows.filter((r) => r.bad > 0);
  if (write) {
    const title = db.key === 'postgres' ? 'PostgreSQL' : 'SQLite';
    updateDoc(
      db.key,
      [
        `## Results: ${title}`,
        '',
        `- Date: ${facts.date}`,
        `- CPU: ${facts.cpu}, ${facts.cores} cores`,
        `- Node: ${facts.node}`,
        `- Database: ${facts.database}`,
        `- Load: ${connections} connections, ${warmup} s warm-up then ${duration} s per scenario`,
        `- Machine load before the run (1-minute load average): ${facts.loadBefore.toFixed(2)}`,
        '',
        markdownTable(rows),
        ...(notes.length
          ? ['', 'Timed in the same run, outside the HTTP table:', '', ...notes.map((n) => `- ${n}`)]
          : []),
        ...(failed.length
          ? ['', `**Errors:** ${failed.map((r) => `${r.name} (${r.bad} bad responses)`).join(', ')}`]
          : []),
      ].join('\n'),
    );
    log(`\nwrote ${path.relative(projectRoot, docFile)} (${title} section)`);
  }
  if (failed.length) {
    log(`\nerrors in: ${failed.map((r) => r.name).join(', ')}`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    killAllNow();
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`\nbench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    killAllNow();
    process.exit(1);
  },
);

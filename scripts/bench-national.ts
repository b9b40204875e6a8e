// The province and country pages on the whole-country file (issue 16, item 3): the app built in this process on
// data/bench/coverage-country.sqlite (scripts/bench-coverage.ts makes it), a bureau officer signed in, and each page
// timed cold (the first request after the app starts: division totals not yet kept, templates and, for the first PDF,
// fonts not yet loaded) and warm (the median of five; a PDF for another day each time, so none is a kept drawing).
// Goal: under 1 s warm. CPU time is this process's (app and client together), steadier than wall time on a busy machine.
//
//   npx tsx scripts/bench-national.ts                   measure and print
//   node --cpu-prof --import tsx scripts/bench-national.ts --only 41   profile one page
//
// `npm run bench` runs it in the preparation of its national scenario and prints the figures with its own.
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { createUser } from '../server/accounts/service.js';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { createDb } from '../server/db.js';
import { prepare } from '../server/startup.js';
import { BENCH_DATE, prepareCountry, type CoverageTiming } from './bench-coverage.js';

export const NATIONAL_GOAL_MS = 1000;
const USER = 'bench-national';
const PASSWORD = 'bench-national-2026';

/** The pages timed: the country, a small province (52 贵州省), two big ones (37 山东省, 41 河南省), reports. */
export const nationalPages: { name: string; path: string }[] = [
  { name: 'country page (全国)', path: `/staff/coverage?region=all&date=${BENCH_DATE}` },
  { name: 'province page 52 (贵州省)', path: `/staff/coverage?region=52&date=${BENCH_DATE}` },
  { name: 'province page 37 (山东省)', path: `/staff/coverage?region=37&date=${BENCH_DATE}` },
  { name: 'province page 41 (河南省)', path: `/staff/coverage?region=41&date=${BENCH_DATE}` },
  { name: 'province map 41 (河南省)', path: `/staff/coverage/map?region=41&date=${BENCH_DATE}` },
  { name: 'province PDF 41 (河南省)', path: `/staff/coverage/report.pdf?region=41&date=${BENCH_DATE}` },
  { name: 'province XLSX 41 (河南省)', path: `/staff/coverage/report.xlsx?region=41&date=${BENCH_DATE}` },
  { name: 'country PDF (全国)', path: `/staff/coverage/report.pdf?region=all&date=${BENCH_DATE}` },
  { name: 'country CSV (全国)', path: `/staff/coverage/report.csv?region=all&date=${BENCH_DATE}` },
  {
    name: 'uncovered villages of 41, page 100',
    path: `/staff/coverage/villages?region=41&date=${BENCH_DATE}&status=uncovered&page=100`,
  },
];

const log = (msg: string) => process.stdout.write(`${msg}\n`);

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Cookies of the answers so far, as a browser keeps them. */
function keep(jar: Map<string, string>, res: Response): void {
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0];
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
}

async function signIn(base: string): Promise<string> {
  const jar = new Map<string, string>();
  const page = await fetch(`${base}/login`);
  keep(jar, page);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: [...jar.values()].join('; '), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username: USER, password: PASSWORD }).toString(),
  });
  keep(jar, res);
  if (res.status !== 302) throw new Error(`signing in as ${USER}: status ${res.status}`);
  return [...jar.values()].join('; ');
}

/** Each page cold and warm on the country file; `only` keeps the pages whose name or address contains it. */
export async function measureNational(opts: { only?: string; warm?: number } = {}): Promise<CoverageTiming[]> {
  const prepared = await prepareCountry();
  const db = createDb({ sqliteFile: prepared.file });
  let server: Server | undefined;
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent' } as NodeJS.ProcessEnv);
    const ctx = await prepare(db, config, pino({ level: 'silent' }));
    if (!(await db('users').where({ username: USER }).first('id')))
      await createUser(
        db,
        null as never,
        { username: USER, display_name: '基准测试', role: 'bureau', password: PASSWORD } as never,
        null,
      );
    const app = buildApp(ctx);
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const cookie = await signIn(base);
    const get = async (path: string) => {
      const c = cpuNow();
      const t = performance.now();
      const res = await fetch(base + path, { headers: { cookie }, redirect: 'manual' });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200) throw new Error(`GET ${path}: status ${res.status}`);
      return { ms: performance.now() - t, cpu: cpuNow() - c, bytes: body.length };
    };
    const out: CoverageTiming[] = [];
    const pages = nationalPages.filter((p) => !opts.only || p.name.includes(opts.only) || p.path.includes(opts.only));
    for (const p of pages) {
      const cold = await get(p.path);
      const warm: Awaited<ReturnType<typeof get>>[] = [];
      // A PDF drawn once is kept by its data (server/reports/document.ts): each later request asks for another day,
      // so that every one gathers and draws anew.
      const pdf = p.path.includes('.pdf');
      for (let i = 0; i < (opts.warm ?? 5); i += 1)
        warm.push(await get(pdf ? p.path.replace(BENCH_DATE, `2025-12-${String(30 - i).padStart(2, '0')}`) : p.path));
      warm.sort((a, b) => a.ms - b.ms);
      const median = warm[Math.floor(warm.length / 2)] ?? cold;
      const detail = `${(median.bytes / 1024).toFixed(0)} KB; first request after the app started ${cold.ms.toFixed(0)} ms (CPU ${cold.cpu.toFixed(0)} ms)`;
      out.push({
        name: `${p.name}, warm (median of ${warm.length})`,
        ms: median.ms,
        cpuMs: median.cpu,
        goalMs: NATIONAL_GOAL_MS,
        pass: median.ms < NATIONAL_GOAL_MS,
        detail,
      });
    }
    return out;
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    }
    await db.destroy();
  }
}

/** One line for a timing, as bench-coverage writes them. */
export const describeNational = (r: CoverageTiming): string =>
  `${r.name}: ${r.ms.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms) — ${r.pass ? 'PASS' : 'FAIL'} (goal < ${r.goalMs} ms); ${r.detail}`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { only: { type: 'string' }, warm: { type: 'string' } } });
  measureNational({ only: values.only, warm: values.warm === undefined ? undefined : Number(values.warm) }).then(
    (rows) => {
      for (const r of rows) log(describeNational(r));
      process.exit(rows.every((r) => r.pass) ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`bench-national failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}

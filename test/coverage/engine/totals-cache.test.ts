// The division totals kept by the coverage service: kept for their time on a clock the test moves, dropped at once
// when divisions are imported through the regions service.
import { expect } from 'chai';
import type { Clock } from '../../../server/cache.js';
import { computeCoverage, setTotalsClock } from '../../../server/coverage/engine/service.js';
import { importDivisions } from '../../../server/regions/service.js';
import { dialect, startApp, type TestApp } from '../../helpers/app.js';

class ManualClock implements Clock {
  at = 1_000_000;
  now() {
    return this.at;
  }
}

const TTL_MS = 5 * 60_000;
const COUNTY = '520201';

describe(`coverage: division totals kept per process (${dialect})`, () => {
  let app: TestApp;
  let restore: Clock;
  const clock = new ManualClock();
  const villages = async () =>
    (await computeCoverage(app.db, { region: COUNTY, date: '2025-06-30' })).region.indicators.villages.total;

  before(async () => {
    restore = setTotalsClock(clock);
    app = await startApp();
  });
  after(async () => {
    setTotalsClock(restore);
    await app.close();
  });

  it('keeps the totals until its time has passed, then reads the divisions again; an import shows at once', async () => {
    const total = await villages();
    expect(total).to.be.greaterThan(0);
    const village = await app
      .db('regions')
      .where({ level: 'village', is_admin_village: true })
      .where('code', 'like', `${COUNTY}%`)
      .orderBy('code')
      .first('code');
    // Behind the service's back: the kept totals are answered for the rest of their time.
    await app.db('regions').where({ code: village.code }).update({ is_admin_village: false });
    clock.at += TTL_MS - 1;
    expect(await villages()).to.equal(total);
    clock.at += 2;
    expect(await villages()).to.equal(total - 1);
    // The import writes the source's flag back and tells the coverage service when it has committed.
    await importDivisions(app.db, { city: '5202' });
    expect(await villages()).to.equal(total);
  });
});

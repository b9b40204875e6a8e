// The staff dashboard's count of divisions, kept a minute per process (REGION_COUNTS_MS), dropped at once when the
// regions service says the divisions changed.
import { expect } from 'chai';
import { divisionsChanged } from '../../server/regions/service.js';
import { REGION_COUNTS_MS } from '../../server/staff/routes.js';
import { ManualClock, dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf } from '../helpers/client.js';

describe(`staff: the dashboard's division counts (${dialect})`, () => {
  const clock = new ManualClock();
  let app: TestApp;
  before(async () => {
    app = await startApp({ clock });
  });
  after(() => app.close());

  const townships = async (c: Awaited<ReturnType<typeof signedIn>>) => {
    const m = /乡镇（街道）\s*([\d,]+)/.exec(textOf((await c.get('/staff')).text));
    return m ? Number(m[1].replace(/,/g, '')) : NaN;
  };

  it('keeps the counts for a minute on its clock, then counts again', async () => {
    const c = await signedIn(app, 'bureau');
    const before = await townships(c);
    expect(before).to.be.greaterThan(0);
    const village = await app.db('regions').where({ level: 'village' }).first('code');
    await app.db('regions').where({ code: village.code }).update({ level: 'township' });
    try {
      expect(await townships(c)).to.equal(before);
      clock.advance(REGION_COUNTS_MS + 1);
      expect(await townships(c)).to.equal(before + 1);
    } finally {
      await app.db('regions').where({ code: village.code }).update({ level: 'village' });
    }
  });

  it('counts again at once when the regions service says the divisions changed', async () => {
    const c = await signedIn(app, 'bureau');
    clock.advance(REGION_COUNTS_MS + 1); // past what the test before kept
    const before = await townships(c);
    const village = await app.db('regions').where({ level: 'village' }).first('code');
    await app.db('regions').where({ code: village.code }).update({ level: 'township' });
    try {
      expect(await townships(c)).to.equal(before);
      divisionsChanged(app.db);
      expect(await townships(c)).to.equal(before + 1);
    } finally {
      await app.db('regions').where({ code: village.code }).update({ level: 'village' });
      divisionsChanged(app.db);
    }
  });
});

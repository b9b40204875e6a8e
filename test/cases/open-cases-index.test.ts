// The front desk's lists of cases under way read the home's cases at those statuses through the index on (facility,
// status), not every case the home ever had (db/migrations/202612056000_funeral_cases_facility_status_index.ts).
// The plan of the very statements the dashboard sends is asked of the database (test/helpers/plans.ts).
import { expect } from 'chai';
import { migrateLatest } from '../../db/migrate.js';
import { papersMissing } from '../../server/cases/checklist.js';
import { pickupsDue } from '../../server/cases/store.js';
import { dialect, freshDb, type TestDb } from '../helpers/app.js';
import { planOf, statementsOf } from '../helpers/plans.js';

const INDEX = 'funeral_cases_facility_status';

describe(`cases: the front desk's lists of cases under way use the index on (facility, status) (${dialect})`, () => {
  let t: TestDb;
  before(async () => {
    t = await freshDb();
    await migrateLatest(t.db);
  });
  after(() => t.drop());

  it('pickups due', async () => {
    const [s, ...more] = await statementsOf(t.db, () => pickupsDue(t.db, 1, '2026-12-06T00:00:00.000Z', 50));
    expect(more).to.have.length(0);
    expect(await planOf(t.db, s)).to.include(INDEX);
  });

  it('papers missing', async () => {
    const [s, ...more] = await statementsOf(t.db, () => papersMissing(t.db, 1, 20));
    expect(more).to.have.length(0);
    expect(await planOf(t.db, s)).to.include(INDEX);
  });
});

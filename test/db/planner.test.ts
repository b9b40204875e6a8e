// SQLite's planner with and without its counts of the data (server/db.ts optimizePlanner, run by main.ts at start
// and every hour): on a home with thousands of finished cases, the cases a cremation may be booked for are read
// through (facility, status) once the counts are there, rather than through every case of the home. PostgreSQL keeps
// its own counts (autovacuum), so there is nothing of ours to test there.
import { expect } from 'chai';
import { casesToBook } from '../../server/cremation/store.js';
import { optimizePlanner } from '../../server/db.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { planOf, statementsOf } from '../helpers/plans.js';

const FINISHED = 5_000;

(dialect === 'sqlite' ? describe : describe.skip)('db: SQLite plans with the counts optimizePlanner keeps', () => {
  let app: TestApp;
  let home: number;
  before(async () => {
    app = await startApp();
    home = (await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id')).id as number;
    // A home's years: FINISHED cases whose ashes were collected, and one case under way.
    await app.db.raw(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
       INSERT INTO funeral_cases (facility_id, case_number, status, deceased_name, id_number, sex, birth_date, death_at,
                                  created_at, updated_at)
       SELECT ?, 'P' || i, 'ashes_released', '测试', printf('9%017d', i), 'male', '1940-01-01',
              '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z' FROM n`,
      [FINISHED, home],
    );
  });
  after(() => app.close());

  const planOfCasesToBook = async () => {
    const [s, ...more] = await statementsOf(app.db, () => casesToBook(app.db, 'cremator', home));
    expect(more).to.have.length(0);
    return planOf(app.db, s);
  };

  it('reads every case of the home without the counts, only those under way with them', async () => {
    expect(await planOfCasesToBook()).to.include('funeral_cases_facility_id_created_at_index');
    await optimizePlanner(app.db, { atStart: true });
    const stats = await app.db('sqlite_stat1').where({ tbl: 'funeral_cases' }).count({ n: '*' }).first();
    expect(Number(stats?.n)).to.be.greaterThan(0);
    expect(await planOfCasesToBook()).to.include('funeral_cases_facility_status');
  });

  it('runs again later without error, and keeps the counts', async () => {
    await optimizePlanner(app.db);
    expect(await planOfCasesToBook()).to.include('funeral_cases_facility_status');
  });
});

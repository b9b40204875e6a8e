// Many front desks reaching for one slot at the same moment: the partial unique index lets exactly one win, on
// SQLite and PostgreSQL, through the JSON API and through the page form alike.
import { expect } from 'chai';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { signedIn } from '../helpers/client.js';
import { activeBookings, api, at, dayAhead, facilityId, insertCases, resourceId, userWithToken } from './fixtures.js';

describe(`cremation: concurrent bookings of one slot (${dialect})`, () => {
  let app: TestApp;
  let home: number;
  let cremator: number;

  before(async () => {
    app = await startApp();
    home = await facilityId(app.db);
    cremator = await resourceId(app.db, 'cremators', home, '1号炉');
  });
  after(() => app.close());

  it('gives 50 simultaneous API requests for one slot from 50 cases exactly one 201 and 49 × 409 slot_taken', async () => {
    const { token } = await userWithToken(app.db, 'frontdesk', 'front_desk', home);
    const client = api(app.url, token);
    const cases = await insertCases(app.db, home, 50);
    const startsAt = at(dayAhead(2), '09:00');
    const replies = await Promise.all(
      cases.map(async (caseId) => {
        const res = await client.post('/api/v1/cremation/bookings', {
          case_id: caseId,
          cremator_id: cremator,
          starts_at: startsAt,
        });
        return { status: res.status, body: await res.json() };
      }),
    );
    const created = replies.filter((r) => r.status === 201);
    const refused = replies.filter((r) => r.status === 409);
    console.log(
      `      ${dialect}: ${created.length} × 201, ${refused.length} × 409, other: ${replies.length - created.length - refused.length}`,
    );
    expect(created).to.have.length(1);
    expect(refused).to.have.length(49);
    expect(refused.every((r) => r.body.error === 'slot_taken')).to.equal(true);
    const rows = await activeBookings(app.db, 'cremation_bookings', { cremator_id: cremator, starts_at: startsAt });
    expect(rows).to.have.length(1);
    expect(rows[0].case_id).to.equal(created[0].body.case_id);
  });

  it('gives 20 simultaneous page form posts for one hall slot exactly one booking, the others the form again with 409', async () => {
    const hall = await resourceId(app.db, 'farewell_halls', home, '思源厅');
    const cases = await insertCases(app.db, home, 20);
    const startsAt = at(dayAhead(2), '10:00');
    const page = await signedIn(app, 'front_desk');
    await page.get(
      `/staff/cremation/bookings/new?kind=hall&resource=${hall}&starts_at=${encodeURIComponent(startsAt)}`,
    );
    const replies = await Promise.all(
      cases.map((caseId) =>
        page.post('/staff/cremation/bookings', {
          kind: 'hall',
          resource_id: String(hall),
          starts_at: startsAt,
          case_id: String(caseId),
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    console.log(
      `      ${dialect}: ${statuses.filter((s) => s === 302).length} × 302, ${statuses.filter((s) => s === 409).length} × 409`,
    );
    expect(statuses.filter((s) => s === 302)).to.have.length(1);
    expect(statuses.filter((s) => s === 409)).to.have.length(19);
    expect(replies.find((r) => r.status === 409)!.text).to.contain('该时段已被预约，请选择其他时段');
    expect(await activeBookings(app.db, 'hall_bookings', { hall_id: hall, starts_at: startsAt })).to.have.length(1);
  });
});

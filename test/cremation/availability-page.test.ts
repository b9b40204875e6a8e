// The availability page from the per-process day cache (server/cremation/day-cache.ts): a change made through the
// service shows at once, one made behind its back (another process) once DAY_CACHE_MS have passed on the clock; the
// kept body is shared only where it should be (language, booking links, the home picker), inside each user's layout.
import { expect } from 'chai';
import { DAY_CACHE_MS } from '../../server/cremation/day-cache.js';
import * as dayService from '../../server/cremation/day-service.js';
import * as cremation from '../../server/cremation/service.js';
import { ManualClock, startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { at, dayAhead, facilityId, insertCase, resourceId } from './fixtures.js';

describe(`cremation: the availability page and its day cache (${dialect})`, () => {
  const clock = new ManualClock();
  let app: TestApp;
  let home: number;
  let desk: Client;
  const admin = { id: 1, username: 'admin', role: 'admin' as const, facility_id: null };

  before(async () => {
    app = await startApp({ clock });
    home = await facilityId(app.db);
    desk = await signedIn(app, 'front_desk');
  });
  after(() => app.close());

  const grid = (day: string, c = desk) => c.get(`/staff/cremation?facility=${home}&date=${day}`);

  it('shows a booking made in this process on the very next view of the day', async () => {
    const day = dayAhead(9);
    const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
    expect(textOf((await grid(day)).text)).to.not.contain('缓存甲');
    const caseId = await insertCase(app.db, home, { deceased_name: '缓存甲' });
    const form = await desk.get(
      `/staff/cremation/bookings/new?kind=cremator&resource=${c1}&starts_at=${encodeURIComponent(at(day, '10:00'))}`,
    );
    expect(form.status).to.equal(200);
    const res = await desk.post('/staff/cremation/bookings', {
      kind: 'cremator',
      resource_id: String(c1),
      starts_at: at(day, '10:00'),
      case_id: String(caseId),
    });
    expect(res.status).to.equal(302);
    const page = await desk.get(res.location!);
    expect(textOf(page.text)).to.contain('缓存甲');
    expect(page.text).to.contain('class="flash flash-ok"');
    const again = await desk.get(res.location!);
    expect(again.text).to.not.contain('class="flash', 'the flash is shown once');
    expect(textOf(again.text)).to.contain('缓存甲');
  });

  it('shows closures and cancellations made in this process at once', async () => {
    const day = dayAhead(10);
    const c2 = await resourceId(app.db, 'cremators', home, '2号炉');
    const caseId = await insertCase(app.db, home, { deceased_name: '缓存乙' });
    await grid(day);
    const { booking } = await cremation.book(
      app.db,
      admin,
      { kind: 'cremator', case_id: caseId, resource_id: c2, starts_at: at(day, '11:00') },
      null,
    );
    expect(textOf((await grid(day)).text)).to.contain('缓存乙');
    await cremation.cancel(app.db, admin, 'cremator', booking.id, '家属改期', null);
    expect(textOf((await grid(day)).text)).to.not.contain('缓存乙');
    await cremation.addClosure(
      app.db,
      admin,
      home,
      {
        target: { kind: 'cremator', id: c2 },
        starts_at: at(day, '13:00'),
        ends_at: at(day, '15:00'),
        reason: '缓存检修',
      },
      null,
    );
    expect(textOf((await grid(day)).text)).to.contain('缓存检修');
  });

  it("keeps a day changed behind the service's back (another process) until DAY_CACHE_MS have passed", async () => {
    const day = dayAhead(11);
    const c1 = await resourceId(app.db, 'cremators', home, '1号炉');
    const caseId = await insertCase(app.db, home, { deceased_name: '缓存丙' });
    const { booking } = await cremation.book(
      app.db,
      admin,
      { kind: 'cremator', case_id: caseId, resource_id: c1, starts_at: at(day, '08:00') },
      null,
    );
    expect(textOf((await grid(day)).text)).to.contain('缓存丙');
    await app
      .db('cremation_bookings')
      .where({ id: booking.id })
      .update({ status: 'cancelled', cancel_reason: '另一进程' });
    expect(textOf((await grid(day)).text)).to.contain('缓存丙', 'the kept day');
    clock.advance(DAY_CACHE_MS + 1);
    expect(textOf((await grid(day)).text)).to.not.contain('缓存丙');
  });

  it("shows each their language, right to book and home picker: the bureau never gets the front desk's links", async () => {
    const day = dayAhead(12);
    const bureau = await signedIn(app, 'bureau');
    const english = new Client(app.url);
    await english.get('/lang/en');
    await english.login('frontdesk');
    for (let i = 0; i < 2; i += 1) {
      const mine = await grid(day);
      expect(mine.text).to.contain('/staff/cremation/bookings/new?kind=cremator');
      expect(mine.text).to.not.contain('<select id="facility"');
      expect(mine.text).to.contain('<html lang="zh-CN">');
      const theirs = await grid(day, bureau);
      expect(theirs.status).to.equal(200);
      expect(theirs.text).to.not.contain('/staff/cremation/bookings/new');
      expect(theirs.text).to.contain('<select id="facility"');
      const en = await grid(day, english);
      expect(en.text).to.contain('<html lang="en">').and.contain('/staff/cremation/bookings/new?kind=cremator');
      expect(textOf(en.text)).to.contain('Cremators');
      expect(textOf(mine.text)).to.not.contain('Cremators');
    }
  });

  it('shows each user their own name, navigation and CSRF token', async () => {
    const day = dayAhead(13);
    const other = await signedIn(app, 'admin');
    const a = await grid(day);
    const b = await grid(day, other);
    expect(a.text).to.contain('data-testid="user-name"');
    const name = (html: string) => /data-testid="user-name">([^<]+)</.exec(html)?.[1];
    expect(name(a.text)).to.not.equal(name(b.text));
    const token = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    expect(token(a.text)).to.equal(desk.csrf);
    expect(token(b.text)).to.equal(other.csrf);
    expect(token(a.text)).to.not.equal(token(b.text));
  });

  it("names the day's next change: the first slot after now that is not taken", () => {
    const day = dayAhead(1);
    const r = {
      id: 1,
      kind: 'cremator' as const,
      facility_id: 1,
      name: '1号炉',
      slot_minutes: 60,
      day_start: '08:00',
      day_end: '10:00',
      capacity: null,
      active: true,
      price_item_id: null,
      created_at: '',
      updated_at: '',
    };
    const facility = { id: 1, name: 'x', kind: 'funeral_home' };
    const booking = {
      id: 1,
      kind: 'cremator' as const,
      case_id: 1,
      resource_id: 1,
      resource_name: '1号炉',
      facility_id: 1,
      starts_at: at(day, '08:00'),
      ends_at: at(day, '09:00'),
      status: 'booked' as const,
      cancel_reason: null,
      case_number: 'A',
      deceased_name: 'B',
      case_status: 'stored' as const,
      actual_started_at: null,
      actual_ended_at: null,
      actual_cremator_id: null,
      actual_cremator_name: null,
      operator_name: null,
      done_by: null,
      done_by_name: null,
      done_at: null,
      created_by: 1,
      created_at: '',
      updated_at: '',
    };
    const before = dayService.dayViewOf(
      { facility, resources: [r], closures: [], bookings: [booking] },
      day,
      new Date(Date.parse(at(day, '07:00'))),
    );
    expect(before.changesAt).to.equal(
      Date.parse(at(day, '09:00')),
      'the taken 08:00 slot does not change; the free 09:00 one turns past',
    );
    const later = dayService.dayViewOf(
      { facility, resources: [r], closures: [], bookings: [] },
      day,
      new Date(Date.parse(at(day, '09:30'))),
    );
    expect(later.changesAt).to.equal(
      Date.parse(`${day}T16:00:00.000Z`),
      'nothing left to begin: the date turns at midnight in Shanghai',
    );
  });
});

// The rules of visit reservations at the service, on the database under test: windows made in bulk, every refusal,
// exact capacity under concurrency, limits per phone, cancel once, arrival once and on its day, idempotent requests.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { AppError } from '../../server/http/errors.js';
import * as visits from '../../server/visits/service.js';
import { zone } from '../../server/time.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import {
  addWindow,
  CEMETERY,
  COLUMBARIUM,
  dayFromToday,
  facilityNamed,
  nextPhone,
  outcome,
  reservationInput,
} from './fixtures.js';

const actor = { id: 1, username: 'admin' };
const staff = { channel: 'staff' as const, actor, regionCode: '520201' };
const pub = { channel: 'public' as const };
const input = reservationInput;

describe(`visits: rules (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let cemetery: number;
  let columbarium: number;

  before(async () => {
    app = await startApp();
    db = app.db;
    cemetery = await facilityNamed(db, CEMETERY);
    columbarium = await facilityNamed(db, COLUMBARIUM);
  });
  after(() => app.close());

  describe('windows', () => {
    it('makes every day × daily time, at the open share of the site, peak days at their own capacity', async () => {
      await visits.saveSettings(db, { ...(await visits.settings(db, columbarium)), open_percent: 75 }, actor, '520201');
      const from = dayFromToday(30);
      const to = dayFromToday(32);
      const r = await visits.generateWindows(
        db,
        {
          facility_id: columbarium,
          from,
          to,
          times: [
            { start: '08:00', end: '10:00' },
            { start: '10:00', end: '12:00' },
          ],
          capacity: 101,
          peak_capacity: 1000,
          peak_dates: [dayFromToday(31)],
        },
        actor,
        '520201',
      );
      expect(r).to.deep.equal({ planned: 6, added: 6, skipped: 0 });
      const rows = await visits.windowsBetween(db, columbarium, from, to);
      expect(rows.map((w) => w.capacity)).to.deep.equal([75, 75, 750, 750, 75, 75]);
      expect(rows.map((w) => w.is_peak)).to.deep.equal([false, false, true, true, false, false]);
      // 08:00 in Shanghai is 00:00 UTC.
      expect(rows[0].starts_at).to.equal(`${from}T00:00:00.000Z`);
      // Again: nothing is added twice.
      const again = await visits.generateWindows(
        db,
        { facility_id: columbarium, from, to, times: [{ start: '08:00', end: '10:00' }], capacity: 5, peak_dates: [] },
        actor,
        '520201',
      );
      expect(again).to.deep.equal({ planned: 3, added: 0, skipped: 3 });
      await visits.saveSettings(
        db,
        { ...(await visits.settings(db, columbarium)), open_percent: 100 },
        actor,
        '520201',
      );
    });

    it('refuses to reduce a window below what is booked, saying how many are booked', async () => {
      const w = await addWindow(db, cemetery, { capacity: 10 });
      await visits.reserve(db, w, input({ party_size: 3 }), pub);
      const err = await visits.changeCapacity(db, w, 2, actor, '520201').catch((e: AppError) => e);
      expect(err).to.be.instanceOf(AppError);
      expect((err as AppError).status).to.equal(409);
      expect((err as AppError).params).to.deep.equal({ booked: 3 });
      expect((await visits.changeCapacity(db, w, 3, actor, '520201')).capacity).to.equal(3);
      expect(await outcome(visits.reserve(db, w, input(), pub))).to.equal('409 full');
    });

    it('knows the day of Qingming', () => {
      // From the almanac: 2008 Apr 4, 2020 Apr 4, 2023 Apr 5, 2025 Apr 4, 2026 Apr 5, 2027 Apr 5, 2028 Apr 4.
      expect([2008, 2020, 2023, 2025, 2026, 2027, 2028].map((y) => visits.qingmingDay(y))).to.deep.equal([
        '2008-04-04',
        '2020-04-04',
        '2023-04-05',
        '2025-04-04',
        '2026-04-05',
        '2027-04-05',
        '2028-04-04',
      ]);
    });
  });

  describe('booking', () => {
    it('refuses a closed window, one not open yet, one that is over, and one too full, each by name', async () => {
      const closed = await addWindow(db, cemetery, { status: 'closed' });
      const later = await addWindow(db, cemetery, { offset: 20 });
      const over = await addWindow(db, cemetery, { startsPast: true });
      const small = await addWindow(db, cemetery, { capacity: 2 });
      expect(await outcome(visits.reserve(db, closed, input(), pub))).to.equal('409 closed');
      expect(await outcome(visits.reserve(db, later, input(), pub))).to.equal('409 not_open');
      expect(await outcome(visits.reserve(db, over, input(), pub))).to.equal('409 past');
      expect(await outcome(visits.reserve(db, small, input({ party_size: 3 }), pub))).to.equal('409 full');
      expect(await outcome(visits.reserve(db, 2_000_000_000, input(), pub))).to.equal('404 visit_window_not_found');
    });

    it('holds the party size and the ID number where the facility asks for one', async () => {
      const w = await addWindow(db, cemetery);
      expect(await outcome(visits.reserve(db, w, input({ party_size: 6 }), pub))).to.equal('400 invalid_input');
      const s = await visits.settings(db, cemetery);
      await visits.saveSettings(db, { ...s, id_required: true, max_per_id_day: 1 }, actor, '520201');
      try {
        expect(await outcome(visits.reserve(db, w, input(), pub))).to.equal('400 invalid_input');
        const idNumber = nextIdNumber();
        expect(await outcome(visits.reserve(db, w, input({ id_number: idNumber }), pub))).to.equal('ok');
        expect(await outcome(visits.reserve(db, w, input({ id_number: idNumber }), pub))).to.equal(
          '429 visit_id_limit',
        );
      } finally {
        await visits.saveSettings(db, s, actor, '520201');
      }
    });

    it('limits reservations per phone per day, also when they arrive at once', async () => {
      const w = await addWindow(db, cemetery, { offset: 2 });
      const phone = nextPhone();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => outcome(visits.reserve(db, w, input({ phone }), pub))),
      );
      expect(results.filter((r) => r === 'ok')).to.have.length(2); // the default: two a day
      expect(results.filter((r) => r === '429 visit_phone_limit')).to.have.length(8);
    });

    it('books exactly the capacity when 1,000 ask at once for a window of 50', async function () {
      this.timeout(120_000);
      const w = await addWindow(db, cemetery, { capacity: 50 });
      const results = await Promise.all(
        Array.from({ length: 1000 }, () => outcome(visits.reserve(db, w, input(), pub))),
      );
      expect(results.filter((r) => r === 'ok')).to.have.length(50);
      expect(results.filter((r) => r === '409 full')).to.have.length(950);
      const row = await visits.window(db, w);
      expect(row!.booked).to.equal(50);
      const [{ n }] = await db('visit_reservations').where({ window_id: w, status: 'booked' }).count({ n: '*' });
      expect(Number(n)).to.equal(50);
    });

    it('never books past the capacity with parties of 1 to 5', async function () {
      this.timeout(120_000);
      const w = await addWindow(db, cemetery, { capacity: 47 });
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => outcome(visits.reserve(db, w, input({ party_size: 1 + (i % 5) }), pub))),
      );
      const row = await visits.window(db, w);
      const [{ s }] = await db('visit_reservations').where({ window_id: w, status: 'booked' }).sum({ s: 'party_size' });
      expect(Number(s)).to.equal(row!.booked);
      expect(row!.booked).to.be.at.most(47);
      expect(row!.booked).to.be.at.least(43); // the last refusals were parties too big for what was left
    });
  });

  describe('cancel and arrival', () => {
    it('gives the places back once when fifty cancels of one code arrive at once', async () => {
      const w = await addWindow(db, cemetery, { capacity: 10 });
      const phone = nextPhone();
      const { reservation } = await visits.reserve(db, w, input({ phone, party_size: 4 }), pub);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => outcome(visits.cancel(db, reservation.code, { phone }))),
      );
      expect(results.filter((r) => r === 'ok')).to.have.length(1);
      expect(results.filter((r) => r === '409 visit_already_cancelled')).to.have.length(49);
      expect((await visits.window(db, w))!.booked).to.equal(0);
      // The phone's day count was given back too: two more bookings pass the default limit.
      expect(await outcome(visits.reserve(db, w, input({ phone }), pub))).to.equal('ok');
      expect(await outcome(visits.reserve(db, w, input({ phone }), pub))).to.equal('ok');
    });

    it('answers a wrong phone as an unknown code', async () => {
      const w = await addWindow(db, cemetery);
      const { reservation } = await visits.reserve(db, w, input(), pub);
      expect(await outcome(visits.cancel(db, reservation.code, { phone: nextPhone() }))).to.equal(
        '404 visit_reservation_not_found',
      );
    });

    it('checks in once, on the reservation’s own day, at its own facility', async () => {
      const today = await addWindow(db, cemetery, { offset: 0 });
      const tomorrow = await addWindow(db, cemetery, { offset: 1 });
      const a = (await visits.reserve(db, today, input({ party_size: 3 }), pub)).reservation;
      const b = (await visits.reserve(db, tomorrow, input(), pub)).reservation;
      expect(await outcome(visits.checkIn(db, columbarium, a.code, actor))).to.equal('404 visit_reservation_not_found');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => outcome(visits.checkIn(db, cemetery, a.code, actor))),
      );
      expect(results.filter((r) => r === 'ok')).to.have.length(1);
      expect(results.filter((r) => r === '409 visit_already_arrived')).to.have.length(9);
      expect(await outcome(visits.checkIn(db, cemetery, b.code, actor))).to.equal('409 visit_other_day');
      expect(await outcome(visits.cancel(db, a.code, { phone: a.phone }))).to.equal('409 visit_cancel_arrived');
      const summary = await visits.daySummary(db, cemetery, a.visit_date);
      const row = summary.find((r) => r.window.id === today)!;
      expect(row).to.include({ reservations: 1, people: 3, arrived: 1, arrivedPeople: 3 });
    });

    it('records a staff booking as 代约 with the staff member in the audit log', async () => {
      const w = await addWindow(db, cemetery);
      const { reservation } = await visits.reserve(db, w, input(), staff);
      expect(reservation.channel).to.equal('staff');
      const entry = await db('audit_log')
        .where({ action: 'visit.reserve_for', entity_id: String(reservation.id) })
        .first();
      expect(entry.actor_name).to.equal('admin');
      expect(entry.after).to.include(reservation.code).and.not.include(reservation.phone);
    });
  });

  describe('idempotent requests', () => {
    it('gives one reservation and fifty identical answers for one key sent fifty times at once', async () => {
      const w = await addWindow(db, cemetery, { capacity: 100 });
      const body = input();
      const key = `test-${Date.now()}`;
      const hash = visits.requestHash({ w, body });
      const work = () =>
        visits.idempotent(db, `reserve:${key}`, hash, async (trx) => {
          const b = await visits.reserve(trx, w, body, pub);
          return { status: 201, body: { code: b.reservation.code } };
        });
      const answers = await Promise.all(Array.from({ length: 50 }, work));
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).to.equal(1);
      expect((await visits.window(db, w))!.booked).to.equal(1);
      const other = await outcome(
        visits.idempotent(db, `reserve:${key}`, visits.requestHash({ w, body: { ...body, party_size: 2 } }), work),
      );
      expect(other).to.equal('422 idempotency_key_reused');
    });

    it('forgets keys after a day, and only those', async () => {
      const old = new Date(Date.now() - visits.KEY_KEPT_MS - 60_000).toISOString();
      await db('idempotency_keys').insert([
        { key: 'reserve:old-one', request_hash: 'x', created_at: old },
        { key: 'reserve:new-one', request_hash: 'x', created_at: new Date().toISOString() },
      ]);
      expect(await visits.forgetOldKeys(db)).to.be.at.least(1);
      expect(await db('idempotency_keys').where({ key: 'reserve:old-one' }).first()).to.equal(undefined);
      expect(await db('idempotency_keys').where({ key: 'reserve:new-one' }).first()).to.not.equal(undefined);
    });

    it('keeps a refusal as the answer to its key', async () => {
      const w = await addWindow(db, cemetery, { status: 'closed' });
      const body = input();
      const hash = visits.requestHash({ w, body });
      const run = () =>
        outcome(
          visits.idempotent(db, `reserve:closed-${Date.now()}`, hash, async (trx) => {
            await visits.reserve(trx, w, body, pub);
            return { status: 201, body: {} };
          }),
        );
      expect(await run()).to.equal('409 closed');
    });
  });

  it('computes today in Shanghai, not UTC', () => {
    // 2026-12-02T17:00Z is already 12-03 01:00 in Shanghai.
    const now = new Date('2026-12-02T17:00:00Z');
    expect(visits.lastBookableDate({ book_ahead_days: 7 }, now)).to.equal('2026-12-10');
    expect(DateTime.fromJSDate(now).setZone(zone).toISODate()).to.equal('2026-12-03');
  });
});

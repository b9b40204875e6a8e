// The pure parts of the front desk's day: the Shanghai date of an instant, bookings grouped by the Shanghai hour
// they start in, and the week's days from today.
import { expect } from 'chai';
import type { ScheduledBooking } from '../../server/cremation/service.js';
import { byDay, byHour, dayOf } from '../../server/staff/service.js';

const booking = (starts_at: string, id = 1): ScheduledBooking => ({
  id,
  kind: 'cremator',
  case_id: id,
  resource_id: 1,
  resource_name: '1号炉',
  starts_at,
  ends_at: starts_at,
  status: 'booked',
  case_number: `2026-00000${id}`,
  deceased_name: '测试',
  case_status: 'stored',
});

describe('staff: the rules of the front desk’s day', () => {
  it('takes the date in Shanghai, which turns at 16:00 UTC', () => {
    expect(dayOf(new Date('2026-12-03T15:59:59.999Z'))).to.include({
      date: '2026-12-03',
      weekday: 4,
      start: '2026-12-02T16:00:00.000Z',
    });
    expect(dayOf(new Date('2026-12-03T16:00:00.000Z'))).to.include({ date: '2026-12-04', weekday: 5 });
    expect(dayOf(new Date('2026-12-06T04:00:00.000Z')).weekday).to.equal(7); // a Sunday
  });

  it('groups bookings by the Shanghai hour they start in, a half hour under its hour, hours in order', () => {
    const hours = byHour([
      booking('2026-12-03T01:30:00.000Z', 1), // 09:30
      booking('2026-12-03T00:00:00.000Z', 2), // 08:00
      booking('2026-12-03T01:00:00.000Z', 3), // 09:00
      booking('2026-12-02T23:59:00.000Z', 4), // 07:59
    ]);
    expect(hours.map((h) => [h.hour, h.bookings.map((b) => b.time)])).to.deep.equal([
      ['07:00', ['07:59']],
      ['08:00', ['08:00']],
      ['09:00', ['09:30', '09:00']],
    ]);
  });

  it('lays out seven days from today and puts each booking on its Shanghai date', () => {
    const day = dayOf(new Date('2026-12-28T02:00:00.000Z')); // 2026-12-28, a Monday
    const days = byDay(day, [booking('2026-12-31T16:30:00.000Z', 1), booking('2027-01-03T15:00:00.000Z', 2)]);
    expect(days.map((d) => d.on)).to.deep.equal([
      '2026-12-28',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
      '2027-01-03',
    ]);
    expect(days.map((d) => d.weekday)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(days[0].today).to.equal(true);
    expect(days[4].bookings.map((b) => [b.case_id, b.time])).to.deep.equal([[1, '00:30']]); // New Year's Day
    expect(days[6].bookings.map((b) => [b.case_id, b.time])).to.deep.equal([[2, '23:00']]);
  });
});

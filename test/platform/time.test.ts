// Shanghai's today by the fixed offset agrees with the zone database on every hour around the date line of the day.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { addDays, todayInShanghai, zone } from '../../server/time.js';

describe('time: today in Shanghai', () => {
  it('agrees with the zone database every 37 minutes over two years, midnights included', () => {
    const start = Date.UTC(2026, 0, 1, 15, 0);
    for (let t = start; t < start + 2 * 365 * 86_400_000; t += 37 * 60_000) {
      const now = new Date(t);
      expect(todayInShanghai(now), now.toISOString()).to.equal(DateTime.fromJSDate(now).setZone(zone).toISODate());
    }
    // 16:00 UTC is midnight in Shanghai: the day turns there, not at UTC's midnight.
    expect(todayInShanghai(new Date('2026-12-03T15:59:59.999Z'))).to.equal('2026-12-03');
    expect(todayInShanghai(new Date('2026-12-03T16:00:00.000Z'))).to.equal('2026-12-04');
  });

  it('uses the zone database before 1992, when China kept summer time', () => {
    // 1988-07-01 00:30 in Beijing summer time (UTC+9) is 1988-06-30 15:30 UTC.
    expect(todayInShanghai(new Date('1988-06-30T15:30:00Z'))).to.equal('1988-07-01');
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2026-12-30', 7)).to.equal('2027-01-06');
    expect(addDays('2028-02-28', 1)).to.equal('2028-02-29');
    expect(addDays('2027-03-01', -1)).to.equal('2027-02-28');
  });
});

// The one rule of shown statuses: expiring within 90 days, expired after the term's last day, a lapsed hold free;
// "today" is Asia/Shanghai's.
import { expect } from 'chai';
import { holdLives, shownStatus } from '../../server/resting/service.js';
import { todayInShanghai } from '../../server/time.js';

const occupied = (term_ends_on: string | null) => ({ status: 'occupied' as const, term_ends_on, holdLive: false });

describe('resting: shown status', () => {
  const today = '2026-12-04';

  it('shows an occupied place with no term end, or one more than 90 days away, as occupied', () => {
    expect(shownStatus(occupied(null), today)).to.equal('occupied');
    expect(shownStatus(occupied('2027-03-05'), today)).to.equal('occupied'); // 91 days away
  });

  it('shows it expiring from 90 days before its last day through that day', () => {
    expect(shownStatus(occupied('2027-03-04'), today)).to.equal('expiring'); // exactly 90 days away
    expect(shownStatus(occupied('2026-12-05'), today)).to.equal('expiring');
    expect(shownStatus(occupied('2026-12-04'), today)).to.equal('expiring'); // its last day is today
  });

  it('shows it expired from the day after the last day of its term', () => {
    expect(shownStatus(occupied('2026-12-03'), today)).to.equal('expired');
    expect(shownStatus(occupied('2006-01-01'), today)).to.equal('expired');
  });

  it('counts the days from Shanghai’s today: 17:00 UTC on the 3rd is already the 4th there', () => {
    const now = new Date('2026-12-03T17:00:00Z');
    expect(todayInShanghai(now)).to.equal('2026-12-04');
    expect(shownStatus(occupied('2026-12-03'), todayInShanghai(now))).to.equal('expired');
    expect(shownStatus(occupied('2026-12-03'), todayInShanghai(new Date('2026-12-03T15:59:00Z')))).to.equal('expiring');
  });

  it('shows a hold as held while it lives and as free once it has lapsed', () => {
    const now = new Date('2026-12-04T02:00:00Z');
    expect(holdLives('2026-12-04T02:00:01.000Z', now)).to.equal(true);
    expect(holdLives('2026-12-04T02:00:00.000Z', now)).to.equal(false); // its expiry is the first instant it is gone
    expect(shownStatus({ status: 'held', term_ends_on: null, holdLive: true }, today)).to.equal('held');
    expect(shownStatus({ status: 'held', term_ends_on: null, holdLive: false }, today)).to.equal('free');
  });

  it('keeps free and blocked as stored', () => {
    expect(shownStatus({ status: 'free', term_ends_on: null, holdLive: false }, today)).to.equal('free');
    expect(shownStatus({ status: 'blocked', term_ends_on: '2026-01-01', holdLive: false }, today)).to.equal('blocked');
  });
});

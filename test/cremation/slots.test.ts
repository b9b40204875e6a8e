// Slot arithmetic: half-open intervals, working hours in Asia/Shanghai, closures and the past.
import { expect } from 'chai';
import { daySlots, overlaps, slotTimes } from '../../server/cremation/slots.js';

describe('cremation: slots', () => {
  const day = { dayStart: '08:00', dayEnd: '12:00', slotMinutes: 90 };

  it('treats intervals as half-open: one ending exactly when the next starts does not overlap', () => {
    expect(
      overlaps(
        { start: '2026-04-05T00:00:00.000Z', end: '2026-04-05T01:00:00.000Z' },
        { start: '2026-04-05T01:00:00.000Z', end: '2026-04-05T02:00:00.000Z' },
      ),
    ).to.equal(false);
    expect(
      overlaps(
        { start: '2026-04-05T00:00:00.000Z', end: '2026-04-05T01:00:01.000Z' },
        { start: '2026-04-05T01:00:00.000Z', end: '2026-04-05T02:00:00.000Z' },
      ),
    ).to.equal(true);
  });

  it('cuts the working day into whole slots in Shanghai time, dropping a partial last one', () => {
    const slots = slotTimes('2026-04-05', day);
    expect(slots.map((s) => s.start)).to.deep.equal(['2026-04-05T00:00:00.000Z', '2026-04-05T01:30:00.000Z']);
    expect(slots[1].end).to.equal('2026-04-05T03:00:00.000Z');
  });

  it('marks taken, closed by a closure, closed in the past, and free', () => {
    const closures = [{ start: '2026-04-05T01:30:00.000Z', end: '2026-04-05T02:00:00.000Z' }]; // starts as slot 1 starts
    const before = new Date('2026-04-04T00:00:00Z');
    expect(daySlots('2026-04-05', day, closures, [], before).map((s) => s.state)).to.deep.equal(['free', 'closed']);
    expect(daySlots('2026-04-05', day, [], ['2026-04-05T00:00:00.000Z'], before).map((s) => s.state)).to.deep.equal([
      'taken',
      'free',
    ]);
    const during = new Date('2026-04-05T00:30:00Z');
    expect(daySlots('2026-04-05', day, [], [], during).map((s) => s.state)).to.deep.equal(['closed', 'free']);
  });
});

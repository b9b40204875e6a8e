// The day grid: a common time axis for resources of different slot lengths, cell spans and states.
import { expect } from 'chai';
import { dayGrid } from '../../server/cremation/grid.js';
import { locateSlot } from '../../server/cremation/slots.js';

describe('cremation: day grid', () => {
  const date = '2026-04-05'; // Shanghai; 07:00 there is 2026-04-04T23:00Z
  const cremators = [
    { id: 1, name: '1号炉', slot_minutes: 60, day_start: '07:00', day_end: '10:00' },
    { id: 3, name: '3号炉', slot_minutes: 90, day_start: '07:00', day_end: '10:00' },
    { id: 4, name: '4号炉', slot_minutes: 60, day_start: '08:00', day_end: '09:00' },
  ];
  const before = new Date('2026-04-01T00:00:00Z');

  it('runs one axis in steps that divide every slot length and start, with cells spanning their length', () => {
    const g = dayGrid(date, cremators, [], [], before);
    expect(g.columns.map((c) => c.label)).to.deep.equal(['07:00', '07:30', '08:00', '08:30', '09:00', '09:30']);
    expect(g.rows[0].cells.map((c) => c.span)).to.deep.equal([2, 2, 2]);
    expect(g.rows[1].cells.map((c) => c.span)).to.deep.equal([3, 3]);
    // 4号炉 works 08:00–09:00 only: off before and after
    expect(g.rows[2].cells.map((c) => [c.state, c.span])).to.deep.equal([
      ['off', 2],
      ['free', 2],
      ['off', 2],
    ]);
    for (const row of g.rows) expect(row.cells.reduce((n, c) => n + c.span, 0)).to.equal(g.columns.length);
  });

  it('marks a booked slot taken with its case, a closed one with the reason, and begun ones as past', () => {
    const booking = {
      id: 9,
      resource_id: 1,
      starts_at: '2026-04-05T00:00:00.000Z',
      ends_at: '2026-04-05T01:00:00.000Z',
      case_id: 5,
      case_number: '2026-000005',
      deceased_name: '张三',
    };
    const closure = {
      resource_id: 3,
      starts_at: '2026-04-04T23:00:00.000Z',
      ends_at: '2026-04-04T23:30:00.000Z',
      reason: '检修',
    };
    const g = dayGrid(date, cremators, [booking], [closure], before);
    expect(g.rows[0].cells.map((c) => c.state)).to.deep.equal(['free', 'taken', 'free']);
    expect(g.rows[0].cells[1].booking?.deceased_name).to.equal('张三');
    expect(g.rows[0].cells[1].label).to.equal('08:00–09:00');
    expect(g.rows[1].cells[0]).to.include({ state: 'closed', reason: '检修' });
    const during = dayGrid(date, cremators, [booking], [], new Date('2026-04-04T23:30:00Z'));
    expect(during.rows[0].cells.map((c) => c.state)).to.deep.equal(['past', 'taken', 'free']);
  });

  it('has no columns for a home without resources', () => {
    expect(dayGrid(date, [], [], [], before)).to.deep.equal({ columns: [], rows: [] });
  });
});

describe('cremation: locating a requested start on the grid', () => {
  const day = { dayStart: '07:00', dayEnd: '17:00', slotMinutes: 90 };

  it('finds a grid start, whatever offset it was written with', () => {
    expect(locateSlot('2026-04-05T08:30:00+08:00', day)).to.deep.equal({
      slot: { start: '2026-04-05T00:30:00.000Z', end: '2026-04-05T02:00:00.000Z' },
    });
  });

  it('tells a start off the grid from one outside the working hours', () => {
    expect(locateSlot('2026-04-05T08:00:00+08:00', day)).to.deep.equal({ problem: 'slot_not_aligned' });
    expect(locateSlot('2026-04-05T07:00:30+08:00', day)).to.deep.equal({ problem: 'slot_not_aligned' });
    expect(locateSlot('2026-04-05T06:00:00+08:00', day)).to.deep.equal({ problem: 'slot_outside_hours' });
    // 16:00 + 90 minutes runs past 17:00: the partial last slot is no slot
    expect(locateSlot('2026-04-05T16:00:00+08:00', day)).to.deep.equal({ problem: 'slot_outside_hours' });
    expect(locateSlot('2026-04-05T17:00:00+08:00', day)).to.deep.equal({ problem: 'slot_outside_hours' });
  });
});

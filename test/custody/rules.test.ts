// The database's own custody rules, past every service: CHECKs on codes and shapes, one open place per slot and per
// body, one tag per home's bodies in custody.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { isCheckViolation, isUniqueViolation, violatedConstraint } from '../../server/db.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { facilityId, freshTag, insertCase, userId } from './fixtures.js';

describe(`custody: database rules (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let home: number;
  let clerk: number;
  let slot: number;
  const now = new Date().toISOString();

  before(async () => {
    app = await startApp();
    db = app.db;
    home = await facilityId(db);
    clerk = await userId(db, 'frontdesk');
    slot = (await db('fridge_slots').where({ status: 'in_service' }).orderBy('id', 'desc').first('id')).id;
  });
  after(() => app.close());

  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  const move = (caseId: number, over: Record<string, unknown> = {}) => ({
    case_id: caseId,
    facility_id: home,
    place_kind: 'fridge_slot',
    slot_id: slot,
    moved_at: now,
    moved_by: clerk,
    ...over,
  });

  const custody = (caseId: number, tag: string) => ({
    case_id: caseId,
    facility_id: home,
    status: 'in_custody',
    tag_number: tag,
    received_at: now,
    received_by: clerk,
    handed_over_by: '司机',
    created_at: now,
    updated_at: now,
  });

  it('refuses unknown codes and shapes: a slot status, a place, a slot out of service without reason, an unverified release', async () => {
    const fridge = (await db('fridges').first('id')).id;
    const slotRow = { fridge_id: fridge, number: 99, status: 'in_service', updated_at: now };
    const c = await insertCase(db, home, 'cremated');
    const cases: [string, Record<string, unknown>, string][] = [
      ['fridge_slots', { ...slotRow, status: 'broken' }, 'fridge_slots_status_in'],
      ['fridge_slots', { ...slotRow, number: 0 }, 'fridge_slots_number_positive'],
      ['fridge_slots', { ...slotRow, status: 'out_of_service' }, 'fridge_slots_reason_when_out'],
      ['custody_moves', move(c, { place_kind: 'morgue', slot_id: null }), 'custody_moves_place_kind_in'],
      ['custody_moves', move(c, { slot_id: null }), 'custody_moves_slot_of_fridge'],
      ['custody_moves', move(c, { place_kind: 'dressing_room' }), 'custody_moves_slot_of_fridge'],
      ['custody_moves', move(c, { ended_at: '2000-01-01T00:00:00.000Z' }), 'custody_moves_interval_forwards'],
      ['body_custody', { ...custody(c, freshTag()), status: 'gone' }, 'body_custody_status_in'],
      [
        'custody_releases',
        {
          case_id: c,
          recipient_name: '甲',
          recipient_relationship: '子女',
          recipient_id_number: '11010519491231002X',
          original_verified: false,
          released_at: now,
        },
        'custody_releases_original_verified',
      ],
    ];
    for (const [table, row, rule] of cases) {
      const err = await refusal(db(table).insert(row));
      expect(err, `${table} ${rule} accepted`).to.not.equal(null);
      expect(isCheckViolation(err), `${table}: ${String(err)}`).to.equal(true);
      expect(violatedConstraint(err)).to.contain(rule);
    }
  });

  it('keeps one open place per slot and per body, by partial unique indexes over the open moves', async () => {
    const a = await insertCase(db, home, 'stored');
    const b = await insertCase(db, home, 'stored');
    await db('custody_moves').insert(move(a));
    const second = await refusal(db('custody_moves').insert(move(b)));
    expect(isUniqueViolation(second), String(second)).to.equal(true);
    expect(violatedConstraint(second)).to.match(/custody_moves_slot_current|custody_moves\.slot_id/);
    const twoPlaces = await refusal(
      db('custody_moves').insert(move(a, { place_kind: 'dressing_room', slot_id: null })),
    );
    expect(violatedConstraint(twoPlaces)).to.match(/custody_moves_case_current|custody_moves\.case_id/);
    // An ended move holds nothing.
    await db('custody_moves').where({ case_id: a }).update({ ended_at: now });
    await db('custody_moves').insert(move(b));
  });

  it('keeps a tag unique among the home’s bodies in custody only', async () => {
    const tag = freshTag();
    const a = await insertCase(db, home, 'body_received');
    const b = await insertCase(db, home, 'body_received');
    await db('body_custody').insert(custody(a, tag));
    const dup = await refusal(db('body_custody').insert(custody(b, tag)));
    expect(isUniqueViolation(dup), String(dup)).to.equal(true);
    await db('body_custody').where({ case_id: a }).update({ status: 'released' });
    await db('body_custody').insert(custody(b, tag));
  });
});

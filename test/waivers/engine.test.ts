// The waiver rules as a pure function: version by date of death, eligibility, caps per item, per quantity and in
// total, overlapping policies and the rounding rule.
import { expect } from 'chai';
import { computeWaivers, eligibility, versionOn, waiveLines, type EngineVersion } from '../../server/waivers/engine.js';

const residents = { code: 'residents', all_residents: true };
const dibao = { code: 'dibao', all_residents: false };

function version(over: Partial<EngineVersion> = {}): EngineVersion {
  return {
    id: 1,
    policy_id: 1,
    version: 1,
    name: '户籍居民',
    region_code: '5202',
    effective_from: '2026-01-01',
    valid_from: '2026-01-01',
    valid_to: null,
    total_cap_fen: null,
    groups: [residents],
    items: [{ match_by: 'basic_kind', match_value: 'cremation', cap_fen: null, quantity_cap: null }],
    ...over,
  };
}
const line = (id: number, basic_kind: string | null, quantity: number, unit_price_fen: number, code = `C${id}`) => ({
  id,
  code,
  basic_kind,
  quantity,
  unit_price_fen,
});
const resident = { death_date: '2026-06-01', household_region_code: '520201101200' };

describe('waiver engine', () => {
  it('takes the newest version effective on the date of death, so an edit never changes an earlier death', () => {
    const v1 = version({ id: 1, version: 1, effective_from: '2026-01-01' });
    const v2 = version({ id: 2, version: 2, effective_from: '2026-07-01' });
    expect(versionOn([v1, v2], '2026-06-30')?.id).to.equal(1);
    expect(versionOn([v1, v2], '2026-07-01')?.id).to.equal(2);
    expect(versionOn([v1, v2], '2025-12-31')).to.equal(undefined);
    // Edited today for a policy starting later: the newer version wins from its effective date.
    const later = version({ id: 3, version: 1, effective_from: '2027-01-01', valid_from: '2027-01-01' });
    const fix = version({ id: 4, version: 2, effective_from: '2026-12-03', valid_from: '2027-01-01' });
    expect(versionOn([later, fix], '2027-01-02')?.id).to.equal(4);
  });

  it('refuses a non-resident, a death outside the validity and a group not matched, and says which', () => {
    const v = version({ valid_to: '2026-12-31' });
    expect(eligibility({ ...resident, household_region_code: '520301000000' }, v, new Map())).to.deep.equal({
      applies: false,
      refusal: 'non_resident',
    });
    expect(eligibility({ ...resident, household_region_code: null }, v, new Map())).to.deep.include({
      refusal: 'no_household',
    });
    expect(eligibility({ ...resident, death_date: '2027-01-01' }, v, new Map())).to.deep.include({
      refusal: 'outside_validity',
    });
    expect(eligibility({ ...resident, death_date: '2026-12-31' }, v, new Map())).to.deep.include({
      applies: true,
      basis: 'residence',
    });
    const low = version({ groups: [dibao] });
    expect(eligibility(resident, low, new Map())).to.deep.include({ refusal: 'group_not_matched' });
    expect(eligibility(resident, low, new Map([['dibao', 'list']]))).to.deep.include({ applies: true, basis: 'list' });
    expect(eligibility(resident, low, new Map([['dibao', 'declared']]))).to.deep.include({ basis: 'declared' });
  });

  it('caps refrigeration at 3 days over several lines, in line order, at the unit price', () => {
    const v = version({
      items: [{ match_by: 'basic_kind', match_value: 'refrigeration', cap_fen: null, quantity_cap: 3 }],
    });
    const out = waiveLines(v, [line(2, 'refrigeration', 2, 10_000), line(5, 'refrigeration', 4, 10_000)]);
    expect(out).to.deep.equal([
      { line_id: 2, quantity: 2, amount_fen: 20_000 },
      { line_id: 5, quantity: 1, amount_fen: 10_000 },
    ]);
  });

  it('caps an item in fen and the whole death in total, consumed in line order', () => {
    const v = version({
      total_cap_fen: 50_000,
      items: [
        { match_by: 'basic_kind', match_value: 'cremation', cap_fen: 35_000, quantity_cap: null },
        { match_by: 'code', match_value: 'BASIC_TRANSPORT', cap_fen: null, quantity_cap: 1 },
      ],
    });
    const out = waiveLines(v, [line(1, 'cremation', 1, 40_000), line(2, 'transport', 2, 30_000, 'BASIC_TRANSPORT')]);
    // Cremation: ¥400 capped at ¥350; transport: 1 unit of ¥300, cut to the ¥150 left of the ¥500 total.
    expect(out).to.deep.equal([
      { line_id: 1, quantity: 1, amount_fen: 35_000 },
      { line_id: 2, quantity: 1, amount_fen: 15_000 },
    ]);
  });

  it('never makes fractions: units × unit price, then the caps, in whole fen', () => {
    const v = version({
      total_cap_fen: 33_333,
      items: [{ match_by: 'basic_kind', match_value: 'refrigeration', cap_fen: 20_001, quantity_cap: 2 }],
    });
    const out = waiveLines(v, [line(1, 'refrigeration', 3, 10_001), line(2, 'refrigeration', 1, 9_999)]);
    expect(out).to.deep.equal([{ line_id: 1, quantity: 2, amount_fen: 20_001 }]);
    for (const w of out) expect(Number.isInteger(w.amount_fen)).to.equal(true);
    // A line with no units left (corrected to zero) waives nothing.
    expect(waiveLines(v, [line(1, 'refrigeration', 0, 10_000)])).to.deep.equal([]);
  });

  it('lets the larger of two overlapping policies waive a line, never both', () => {
    const all = version({
      id: 10,
      policy_id: 1,
      items: [
        { match_by: 'basic_kind', match_value: 'cremation', cap_fen: 30_000, quantity_cap: null },
        { match_by: 'basic_kind', match_value: 'transport', cap_fen: null, quantity_cap: null },
      ],
    });
    const low = version({
      id: 20,
      policy_id: 2,
      groups: [dibao],
      items: [
        { match_by: 'basic_kind', match_value: 'cremation', cap_fen: null, quantity_cap: null },
        { match_by: 'basic_kind', match_value: 'transport', cap_fen: 10_000, quantity_cap: null },
      ],
    });
    const lines = [line(1, 'cremation', 1, 40_000), line(2, 'transport', 1, 30_000)];
    const r = computeWaivers(
      resident,
      new Map([
        [1, [all]],
        [2, [low]],
      ]),
      lines,
      new Map([['dibao', 'list']]),
    );
    expect(r.lines.map((w) => [w.line_id, w.version_id, w.amount_fen])).to.deep.equal([
      [1, 20, 40_000],
      [2, 10, 30_000],
    ]);
    expect(r.verdicts.map((v) => v.waived_fen)).to.deep.equal([30_000, 40_000]);
    // Not on the list: only the residents' policy, which then waives both lines up to its own caps.
    const alone = computeWaivers(
      resident,
      new Map([
        [1, [all]],
        [2, [low]],
      ]),
      lines,
      new Map(),
    );
    expect(alone.lines.map((w) => [w.line_id, w.version_id, w.amount_fen])).to.deep.equal([
      [1, 10, 30_000],
      [2, 10, 30_000],
    ]);
    expect(alone.verdicts[1]).to.deep.include({ applies: false, refusal: 'group_not_matched' });
  });

  it('reports a policy whose total cap is reached', () => {
    const v = version({ total_cap_fen: 20_000 });
    const r = computeWaivers(resident, new Map([[1, [v]]]), [line(1, 'cremation', 1, 40_000)], new Map());
    expect(r.verdicts[0]).to.deep.include({ applies: true, waived_fen: 20_000, cap_reached: true });
  });
});

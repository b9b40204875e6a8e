// The one way a rate is written (server/http/format.ts): a percent with one decimal, half up, exact at the half.
import { expect } from 'chai';
import {
  formatPoints,
  formatRate,
  formatRatio,
  gapTenths,
  percentInput,
  percentNumber,
  rateTenths,
  ratioTenths,
  shownFraction,
  tenthsText,
} from '../../server/http/format.js';

/** covered / total in tenths of a percent, half up, in exact integer arithmetic (the reference). */
const exact = (covered: number, total: number): number => {
  const num = BigInt(covered) * 2000n + BigInt(total);
  return Number(num / (2n * BigInt(total)));
};

describe('format: rates', () => {
  it('writes one decimal always, half up: 88.9%, 80.0%, 0.0%, 100.0%', () => {
    expect(formatRatio(8, 9)).to.equal('88.9%');
    expect(formatRatio(4, 5)).to.equal('80.0%');
    expect(formatRatio(0, 7)).to.equal('0.0%');
    expect(formatRatio(7, 7)).to.equal('100.0%');
    expect(formatRatio(2, 3)).to.equal('66.7%');
    expect(formatRatio(1, 3)).to.equal('33.3%');
    expect(formatRate(8 / 9)).to.equal('88.9%');
    expect(formatRate(0.8)).to.equal('80.0%');
    expect(formatRate(0)).to.equal('0.0%');
    expect(formatRate(1)).to.equal('100.0%');
  });

  it('rounds the exact half up: 1/8 = 12.5%, 1/16 = 6.25% → 6.3%, 1/80 = 1.25% → 1.3%, 1/2000 → 0.1%', () => {
    expect(formatRatio(1, 8)).to.equal('12.5%');
    expect(formatRatio(1, 16)).to.equal('6.3%');
    expect(formatRate(1 / 16)).to.equal('6.3%');
    expect(formatRatio(1, 80)).to.equal('1.3%');
    expect(formatRate(1 / 80)).to.equal('1.3%'); // 0.0125 is 0.012500000000000000694… in binary
    expect(formatRatio(1, 2000)).to.equal('0.1%');
    expect(formatRatio(1, 2001)).to.equal('0.0%');
    expect(formatRatio(3, 16)).to.equal('18.8%'); // 18.75
    expect(formatRatio(7, 16)).to.equal('43.8%'); // 43.75
  });

  it('rounds on the decimal digits, not on rate × 1000 in binary (0.5005 × 1000 = 500.49999999999994)', () => {
    expect(Math.round(0.5005 * 1000)).to.equal(500); // the surprise this guards against
    expect(formatRate(0.5005)).to.equal('50.1%');
    expect(formatRate(0.5115)).to.equal('51.2%');
    expect(rateTenths(0.8885)).to.equal(889);
    expect(formatRate(0.8885)).to.equal('88.9%');
    expect(formatRate(0.8884999)).to.equal('88.8%');
    expect(formatRate(0.0005)).to.equal('0.1%');
    expect(formatRate(0.00049999)).to.equal('0.0%');
    expect(formatRate(1.005)).to.equal('100.5%');
    expect(formatRate(1e-9)).to.equal('0.0%');
    expect(formatRate(0.29)).to.equal('29.0%'); // 0.29 × 1000 = 289.99999999999994
    expect(formatRate(0.57)).to.equal('57.0%'); // 0.57 × 1000 = 569.9999999999999
  });

  it('gives the same figure from the counts and from their quotient, for every ratio with a total up to 1,000', () => {
    let checked = 0;
    for (let total = 1; total <= 1000; total++)
      for (let covered = 0; covered <= total; covered++) {
        const want = exact(covered, total);
        if (ratioTenths(covered, total) !== want || rateTenths(covered / total) !== want)
          expect.fail(
            `${covered}/${total}: ${ratioTenths(covered, total)} and ${rateTenths(covered / total)}, not ${want}`,
          );
        checked++;
      }
    expect(checked).to.equal(501500);
  });

  it('gives the same figure from the counts and their quotient at national sizes, where halves are rare', () => {
    // 620,573 village-level units; the halves of such totals are the ones that need exactness.
    for (const [covered, total] of [
      [310287, 620574],
      [1, 620000],
      [77572, 620576], // 12.5%
      [38786, 620576], // 6.25%
      [551620, 620573],
      [620572, 620573],
    ])
      expect(rateTenths(covered / total), `${covered}/${total}`).to.equal(exact(covered, total));
  });

  it('writes nothing (or the word asked for) when there is nothing to count', () => {
    expect(formatRatio(0, 0)).to.equal('');
    expect(formatRatio(0, 0, '—')).to.equal('—');
    expect(formatRate(null)).to.equal('');
    expect(formatRate(undefined, '—')).to.equal('—');
    expect(() => rateTenths(Number.NaN)).to.throw(RangeError);
  });

  it('writes tenths and percentage points with one decimal', () => {
    expect(tenthsText(0)).to.equal('0.0');
    expect(tenthsText(889)).to.equal('88.9');
    expect(tenthsText(1000)).to.equal('100.0');
    expect(tenthsText(-53)).to.equal('-5.3');
    expect(formatPoints(5.25)).to.equal('5.3');
    expect(formatPoints(5)).to.equal('5.0');
    expect(formatPoints(0.05)).to.equal('0.1');
  });

  it('measures a gap as the target figure minus the actual figure, at least 0.1 when behind, 0 when met', () => {
    // 80.0% target, 74.75% actual reads 74.8%: the gap reads 5.2 so that 80.0 − 74.8 = 5.2 on the page.
    expect(gapTenths(ratioTenths(299, 400), 0.8, false)).to.equal(52);
    expect(gapTenths(ratioTenths(2, 3), 0.7, false)).to.equal(33);
    // 79.96% reads 80.0% but is still behind: 0.1.
    expect(gapTenths(ratioTenths(1999, 2500), 0.8, false)).to.equal(1);
    expect(gapTenths(ratioTenths(4, 5), 0.8, true)).to.equal(0);
  });

  it('gives the number a chart or a spreadsheet cell holds, and the percent a form shows back as typed', () => {
    expect(percentNumber(8 / 9)).to.equal(88.9);
    expect(shownFraction(8 / 9)).to.equal(0.889);
    expect(shownFraction(1 / 16)).to.equal(0.063);
    expect(percentInput(0.8)).to.equal('80');
    expect(percentInput(0.305)).to.equal('30.5');
    expect(percentInput(1)).to.equal('100');
    expect(percentInput(0.625)).to.equal('62.5');
  });
});

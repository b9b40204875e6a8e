// Amounts in Chinese capitals (大写金额) as receipts print them: zeros, 整, and the units of each section.
import { expect } from 'chai';
import { amountInCapitals } from '../../server/documents/capitals.js';

describe('documents: amounts in Chinese capitals', () => {
  it('writes whole yuan with 整 and fen without it', () => {
    expect(amountInCapitals(0)).to.equal('零元整');
    expect(amountInCapitals(100)).to.equal('壹元整');
    expect(amountInCapitals(1000)).to.equal('壹拾元整');
    expect(amountInCapitals(1234567)).to.equal('壹万贰仟叁佰肆拾伍元陆角柒分');
    expect(amountInCapitals(50050)).to.equal('伍佰元伍角整');
  });
  it('reads a run of zeros as one 零, none at the end of a section', () => {
    expect(amountInCapitals(100100)).to.equal('壹仟零壹元整');
    expect(amountInCapitals(101000)).to.equal('壹仟零壹拾元整');
    expect(amountInCapitals(10005030)).to.equal('壹拾万零伍拾元叁角整');
    expect(amountInCapitals(1000000)).to.equal('壹万元整');
    expect(amountInCapitals(12000000000)).to.equal('壹亿贰仟万元整');
    expect(amountInCapitals(10000000100)).to.equal('壹亿零壹元整');
    expect(amountInCapitals(1005)).to.equal('壹拾元零伍分');
  });
  it('writes amounts below one yuan without 元', () => {
    expect(amountInCapitals(5)).to.equal('伍分');
    expect(amountInCapitals(50)).to.equal('伍角整');
    expect(amountInCapitals(55)).to.equal('伍角伍分');
  });
  it('refuses a negative or fractional amount of fen', () => {
    expect(() => amountInCapitals(-1)).to.throw(RangeError);
    expect(() => amountInCapitals(1.5)).to.throw(RangeError);
  });
});

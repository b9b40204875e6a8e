// Pure formatting rules: money in fen, Asia/Shanghai dates, masking of personal data.
import { expect } from 'chai';
import { formatDate, formatDateTime, formatMoney, maskIdNumber, maskPhone } from '../../server/http/format.js';
import { todayInShanghai } from '../../server/time.js';

describe('format', () => {
  it('shows fen as yuan with a thousands separator', () => {
    expect(formatMoney(123450)).to.equal('¥1,234.50');
    expect(formatMoney(0)).to.equal('¥0.00');
    expect(formatMoney(5)).to.equal('¥0.05');
    expect(formatMoney(null)).to.equal('');
  });

  it('shows instants in Asia/Shanghai, the Chinese way', () => {
    expect(formatDateTime('2026-04-04T16:30:00.000Z', 'zh-CN')).to.equal('2026年4月5日 00:30');
    expect(formatDateTime('2026-04-04T16:30:00.000Z', 'en')).to.equal('2026-04-05 00:30');
    expect(formatDateTime(null, 'zh-CN')).to.equal('');
  });

  it('shows calendar dates without shifting them', () => {
    expect(formatDate('2026-04-05', 'zh-CN')).to.equal('2026年4月5日');
  });

  it('takes today from Shanghai, not UTC', () => {
    expect(todayInShanghai(new Date('2026-04-04T16:30:00Z'))).to.equal('2026-04-05');
  });

  it('masks ID numbers and phones', () => {
    expect(maskIdNumber('520201199001011234')).to.equal('520201********1234');
    expect(maskPhone('13812345678')).to.equal('138****5678');
    expect(maskIdNumber('')).to.equal('');
  });
});

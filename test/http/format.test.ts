// Pure formatting rules: money in fen, Asia/Shanghai dates, masking of personal data.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { formatDate, formatDateTime, formatMoney, maskIdNumber, maskPhone } from '../../server/http/format.js';
import { inShanghai, todayInShanghai } from '../../server/time.js';

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

  it('shows every instant as the time-zone rules do, by the fixed offset since 1992 and by the rules before', () => {
    const viaZone = (v: string | Date, lang: 'zh-CN' | 'en') =>
      inShanghai(v).toFormat(lang === 'zh-CN' ? 'yyyy年M月d日 HH:mm' : 'yyyy-MM-dd HH:mm');
    const instants = [
      Date.UTC(1991, 8, 14, 15, 59, 59), // summer time, before the fixed offset
      Date.UTC(1991, 11, 31, 15, 59, 59, 999),
      Date.UTC(1991, 11, 31, 16, 0, 0),
      Date.UTC(1992, 0, 1, 0, 0, 0),
      Date.UTC(2026, 11, 31, 15, 59, 59, 999),
      Date.UTC(2026, 11, 31, 16, 0, 0),
      Date.UTC(2028, 1, 28, 16, 5, 0),
      Date.UTC(9999, 11, 31, 15, 59, 0),
    ];
    for (let i = 0; i < 500; i += 1) instants.push(Date.UTC(1985, 0, 1) + Math.floor(Math.random() * 4e12));
    for (const ms of instants)
      for (const v of [new Date(ms), new Date(ms).toISOString()])
        for (const lang of ['zh-CN', 'en'] as const)
          expect(formatDateTime(v, lang), `${new Date(ms).toISOString()} ${lang}`).to.equal(viaZone(v, lang));
    // Other forms go the general way: an offset of their own, no fraction, a date alone; an invalid one shows nothing.
    expect(formatDateTime('2026-04-05T00:30:00+08:00', 'en')).to.equal('2026-04-05 00:30');
    expect(formatDateTime('2026-04-04T16:30:00Z', 'en')).to.equal('2026-04-05 00:30');
    expect(formatDateTime('2026-04-04T16:30:00', 'en')).to.equal('2026-04-05 00:30');
    expect(formatDateTime('2026-13-40T16:30:00.000Z', 'en')).to.equal('');
  });

  it('shows calendar dates without shifting them', () => {
    expect(formatDate('2026-04-05', 'zh-CN')).to.equal('2026年4月5日');
  });

  it('shows every calendar date as luxon does, and nothing for a day that does not exist', () => {
    const viaLuxon = (v: string, lang: 'zh-CN' | 'en') => {
      const d = DateTime.fromISO(v.slice(0, 10), { zone: 'Asia/Shanghai' });
      return d.isValid ? d.toFormat(lang === 'zh-CN' ? 'yyyy年M月d日' : 'yyyy-MM-dd') : '';
    };
    const two = (n: number) => String(n).padStart(2, '0');
    const dates = ['2024-02-29', '2026-02-29', '1900-02-29', '2000-02-29', '2026-04-31', '2026-00-10', '2026-13-01'];
    dates.push('2026-12-00', '0000-01-01', '0099-03-04', '9999-12-31', '2026-12-03T20:00:00Z', '20261203', '2026-1-3');
    for (let i = 0; i < 3000; i += 1) {
      const y = 1890 + Math.floor(Math.random() * 230);
      dates.push(`${y}-${two(Math.floor(Math.random() * 14))}-${two(Math.floor(Math.random() * 33))}`);
    }
    for (const v of dates)
      for (const lang of ['zh-CN', 'en'] as const)
        expect(formatDate(v, lang), `${v} ${lang}`).to.equal(viaLuxon(v, lang));
    expect(formatDate('2026-02-30', 'en')).to.equal('');
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

// The bounded building blocks of every schema, at their boundaries.
import { expect } from 'chai';
import { Id, instant, isoDate, optionalText, requiredText, searchText } from '../../server/http/fields.js';

const ok = <T>(r: { success: boolean; data?: T }) => (r.success ? r.data : 'refused');

describe('http: bounded fields', () => {
  it('takes ids from 1 to 2³¹−1, as numbers or digits, and nothing else', () => {
    expect([1, '1', ' 42 ', 2_147_483_647, '2147483647'].map((v) => ok(Id.safeParse(v)))).to.deep.equal([
      1, 1, 42, 2_147_483_647, 2_147_483_647,
    ]);
    for (const v of [
      0,
      -1,
      1.5,
      2_147_483_648,
      '2147483648',
      '99999999999',
      '1e3',
      '0x10',
      '',
      null,
      undefined,
      Infinity,
      [1],
      '1\u0000',
    ]) {
      expect(ok(Id.safeParse(v)), String(v)).to.equal('refused');
    }
  });

  it('takes calendar dates from 1900-01-01 to 2100-12-31 that exist', () => {
    const d = isoDate();
    expect(['1900-01-01', '2100-12-31', '2028-02-29'].map((v) => ok(d.safeParse(v)))).to.deep.equal([
      '1900-01-01',
      '2100-12-31',
      '2028-02-29',
    ]);
    for (const v of ['1899-12-31', '2101-01-01', '2026-02-30', '+275760-09-13', '20260-01-01', '2026-1-1'])
      expect(ok(d.safeParse(v)), v).to.equal('refused');
  });

  it('reads an instant without offset as Asia/Shanghai time, keeps an offset, and refuses years outside 1900–2100', () => {
    const i = instant();
    expect(ok(i.safeParse('2026-11-20T06:30'))).to.equal('2026-11-19T22:30:00.000Z');
    expect(ok(i.safeParse('2026-11-20T06:30:00+08:00'))).to.equal('2026-11-19T22:30:00.000Z');
    expect(ok(i.safeParse('2026-11-19T22:30:00Z'))).to.equal('2026-11-19T22:30:00.000Z');
    expect(ok(i.safeParse('1900-01-01T00:00:00Z'))).to.equal('1900-01-01T00:00:00.000Z');
    expect(ok(i.safeParse('2100-12-31T23:59'))).to.equal('2100-12-31T15:59:00.000Z');
    for (const v of [
      '+275760-09-13T00:00:00Z',
      '275760-09-13T00:00',
      '1899-12-31T23:59:59Z',
      '2101-01-01T00:00',
      '2101-01-01T00:00:00+08:00',
      'yesterday',
      '2026-11-20',
    ]) {
      expect(ok(i.safeParse(v)), v).to.equal('refused');
    }
    expect(ok(instant('k', { offsetRequired: true }).safeParse('2026-11-20T06:30'))).to.equal('refused');
  });

  it('trims text and refuses control characters other than tab and line breaks', () => {
    expect(ok(requiredText(10).safeParse('  王五 '))).to.equal('王五');
    expect(ok(optionalText(20).safeParse('第一行\r\n第二行\t止'))).to.equal('第一行\r\n第二行\t止');
    expect(ok(optionalText(10).safeParse('  '))).to.equal(undefined);
    for (const v of ['王\u0000五', '\u0007', 'a\u001bb', 'a\u007fb', 'a\u0085b']) {
      const r = requiredText(10).safeParse(v);
      expect(r.success, JSON.stringify(v)).to.equal(false);
      expect(r.error!.issues[0].message).to.equal('errors.control_characters');
    }
    expect(ok(requiredText(3).safeParse('四个字符'))).to.equal('refused');
  });

  it('treats a blank or repeated search box as not given, and refuses a NUL in it', () => {
    expect([' 张 ', '', ['a', 'b'], undefined].map((v) => ok(searchText(10).safeParse(v)))).to.deep.equal([
      '张',
      undefined,
      undefined,
      undefined,
    ]);
    expect(ok(searchText(10).safeParse('张\u0000'))).to.equal('refused');
  });
});

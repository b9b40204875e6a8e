// Pure rules of the price list: yuan as typed → fen, an item's own consistency, where a period stands on a date.
import { expect } from 'chai';
import { fenToYuan, PriceItemInput, yuanToFen } from '../../server/prices/schemas.js';
import { itemProblems, phaseOn } from '../../server/prices/service.js';

describe('prices: rules', () => {
  describe('yuanToFen', () => {
    const ok: [string, number][] = [
      ['850', 85000],
      ['1,234.50', 123450],
      ['1234.5', 123450],
      ['0', 0],
      ['0.01', 1],
      ['0.29', 29],
      ['19.99', 1999],
      ['1.10', 110],
      ['1,000,000', 100000000],
      [' 12.00 ', 1200],
      ['¥300', 30000],
      ['￥ 300.5', 30050],
      ['１２０元', 12000],
      ['1，234．56', 123456],
      ['0007', 700],
      ['9999999.99', 999999999],
    ];
    for (const [text, fen] of ok) {
      it(`reads "${text}" as ${fen} fen exactly`, () => expect(yuanToFen(text)).to.deep.equal({ fen }));
    }

    it('never drifts through floating point, for every amount in cents from 0.00 to 20.00', () => {
      for (let fen = 0; fen <= 2000; fen++)
        expect(yuanToFen(`${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`)).to.deep.equal({ fen });
    });

    it('refuses more than two decimals', () => {
      expect(yuanToFen('1.005')).to.deep.equal({ error: 'errors.price_decimals' });
      expect(yuanToFen('0.001')).to.deep.equal({ error: 'errors.price_decimals' });
    });

    it('refuses what is not an amount: a sign, misplaced commas, letters, nothing', () => {
      for (const text of ['-5', '+5', '12,34', '1,2345', ',100', '1.2.3', 'abc', '1e3', '.5', '5.', '1 000']) {
        expect(yuanToFen(text), text).to.deep.equal({ error: 'errors.price_format' });
      }
      expect(yuanToFen('  ')).to.deep.equal({ error: 'errors.required' });
    });

    it('refuses amounts beyond ¥9,999,999.99', () => {
      expect(yuanToFen('10000000')).to.deep.equal({ error: 'errors.price_too_big' });
      expect(yuanToFen('99999999999999999999')).to.deep.equal({ error: 'errors.price_too_big' });
    });

    it('shows fen back as yuan that parse to the same fen', () => {
      for (const fen of [0, 5, 29, 1999, 123450, 999999999]) expect(yuanToFen(fenToYuan(fen))).to.deep.equal({ fen });
      expect(fenToYuan(123450)).to.equal('1234.50');
    });
  });

  describe('the form schema', () => {
    const form = {
      code: ' basic_cremation ',
      name_zh: '遗体火化',
      name_en: 'Cremation',
      category: 'basic',
      basic_kind: 'cremation',
      unit: 'time',
      price: '400',
      valid_from: '2026-01-01',
      valid_to: '',
    };

    it('upper-cases the code, turns yuan into fen and an empty end date into null', () => {
      expect(PriceItemInput.parse(form)).to.deep.equal({
        code: 'BASIC_CREMATION',
        name_zh: '遗体火化',
        name_en: 'Cremation',
        category: 'basic',
        basic_kind: 'cremation',
        unit: 'time',
        price_fen: 40000,
        valid_from: '2026-01-01',
        valid_to: null,
      });
    });

    it('refuses dates that do not exist', () => {
      const r = PriceItemInput.safeParse({ ...form, valid_from: '2026-02-30' });
      expect(r.success).to.equal(false);
      expect(r.error!.issues[0].message).to.equal('errors.price_date_format');
    });
  });

  describe('itemProblems', () => {
    const item = {
      code: 'BASIC_COLD',
      name_zh: '遗体冷藏',
      name_en: 'Refrigeration',
      category: 'basic' as const,
      basic_kind: 'refrigeration' as const,
      unit: 'day' as const,
      price_fen: 10000,
      valid_from: '2026-01-01',
      valid_to: null,
    };

    it('accepts a consistent item, including one valid for a single day', () => {
      expect(itemProblems(item)).to.deep.equal({});
      expect(itemProblems({ ...item, valid_to: '2026-01-01' })).to.deep.equal({});
    });

    it('wants a basic kind for a basic service and none for an optional one', () => {
      expect(itemProblems({ ...item, basic_kind: null })).to.deep.equal({
        basic_kind: { key: 'errors.price_basic_kind_required' },
      });
      expect(itemProblems({ ...item, category: 'optional' })).to.deep.equal({
        basic_kind: { key: 'errors.price_basic_kind_not_allowed' },
      });
    });

    it('refuses a period that ends before it starts, a negative or fractional price and a bad code', () => {
      expect(itemProblems({ ...item, valid_to: '2025-12-31' })).to.deep.equal({
        valid_to: { key: 'errors.price_period_reversed' },
      });
      expect(itemProblems({ ...item, price_fen: -1 })).to.have.property('price');
      expect(itemProblems({ ...item, price_fen: 10.5 })).to.have.property('price');
      expect(itemProblems({ ...item, code: 'basic cold' })).to.have.property('code');
    });
  });

  describe('phaseOn', () => {
    const item = { valid_from: '2026-03-01', valid_to: '2026-03-31' };
    it('counts both ends of the period as in force', () => {
      expect(phaseOn(item, '2026-02-28')).to.equal('future');
      expect(phaseOn(item, '2026-03-01')).to.equal('current');
      expect(phaseOn(item, '2026-03-31')).to.equal('current');
      expect(phaseOn(item, '2026-04-01')).to.equal('past');
      expect(phaseOn({ valid_from: '2026-03-01', valid_to: null }, '2099-12-31')).to.equal('current');
    });
  });
});

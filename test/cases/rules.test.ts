// Pure rules of funeral cases: the ID number check digit and facts, the order of case states.
import { expect } from 'chai';
import { checkCharacter, normaliseIdNumber, readIdNumber } from '../../server/cases/id-number.js';
import { caseMessages } from '../../server/cases/messages.js';
import {
  allowedNext,
  canMove,
  caseStatuses,
  custodySteps,
  isCustodyStep,
  isFinal,
  openStatuses,
  recordedStatuses,
} from '../../server/cases/states.js';

describe('cases: ID numbers (GB 11643)', () => {
  it('accepts valid numbers and reads birth date and sex from them', () => {
    expect(readIdNumber('11010519491231002X')).to.deep.equal({ birthDate: '1949-12-31', sex: 'female' });
    expect(readIdNumber('110101199003070011')).to.deep.equal({ birthDate: '1990-03-07', sex: 'male' });
    expect(readIdNumber('11010519491231002x')).to.deep.equal({ birthDate: '1949-12-31', sex: 'female' });
  });
  it('computes the check character, X for 10', () => {
    expect(checkCharacter('11010519491231002')).to.equal('X');
    expect(checkCharacter('52020119400101001')).to.equal('4'); // weighted sum 118, 118 mod 11 = 8 → '4'
    expect(checkCharacter('11010119900307001')).to.equal('1');
  });
  it('refuses a wrong check digit, a bad date and a bad format', () => {
    expect(readIdNumber('110105194912310021')).to.deep.equal({ problem: 'check_digit' });
    expect(readIdNumber('110105194913310020')).to.deep.equal({ problem: 'birth_date' });
    expect(readIdNumber('1101051949123100')).to.deep.equal({ problem: 'format' });
    expect(readIdNumber('11010519491231002Y')).to.deep.equal({ problem: 'format' });
  });
});

describe('cases: ID numbers as typed', () => {
  it('makes full-width digits and X, spaces of any width, hyphens and dashes, and a lower-case x into the 18 characters', () => {
    expect(normaliseIdNumber('１１０１０５１９４９１２３１００２Ｘ')).to.equal('11010519491231002X');
    expect(normaliseIdNumber(' 110105 19491231 002x ')).to.equal('11010519491231002X');
    expect(normaliseIdNumber('110105-19491231-002X')).to.equal('11010519491231002X');
    expect(normaliseIdNumber('110105－19491231—002ｘ')).to.equal('11010519491231002X');
    expect(normaliseIdNumber('110105\u300019491231\u00a0002X')).to.equal('11010519491231002X');
    expect(readIdNumber('１１０１０５ １９４９１２３１ ００２ｘ')).to.deep.equal({
      birthDate: '1949-12-31',
      sex: 'female',
    });
  });
  it('leaves other characters for the check to refuse', () => {
    expect(normaliseIdNumber('11010519491231002Y')).to.equal('11010519491231002Y');
    expect(readIdNumber('110105.19491231.002X')).to.deep.equal({ problem: 'format' });
  });
});

describe('cases: states', () => {
  it('counts as open exactly the statuses that are not final', () => {
    expect([...openStatuses].sort()).to.deep.equal(caseStatuses.filter((s) => !isFinal(s)).sort());
  });
  it('moves only forward, one step at a time', () => {
    expect(canMove('registered', 'body_received')).to.equal(true);
    expect(canMove('registered', 'cremated')).to.equal(false);
    expect(canMove('stored', 'cremated')).to.equal(true); // no farewell held
    expect(canMove('cremated', 'stored')).to.equal(false);
  });
  it('ends in ashes released or placed', () => {
    expect(allowedNext('cremated')).to.deep.equal(['ashes_released', 'ashes_placed']);
    expect(allowedNext('ashes_placed')).to.deep.equal([]);
  });
  it('every state except the last two and withdrawn has a next', () => {
    expect(caseStatuses.filter((s) => allowedNext(s).length === 0)).to.deep.equal([
      'ashes_released',
      'ashes_placed',
      'withdrawn',
    ]);
  });
  it('leaves to the status form only the steps no custody form or cremation record takes, each refusal with its message', () => {
    const reached = caseStatuses.filter((s) => s !== 'registered');
    const byStatusForm = reached.filter((s) => !isCustodyStep(s) && !recordedStatuses.includes(s));
    expect(byStatusForm).to.deep.equal(['farewell_done', 'ashes_placed', 'withdrawn']);
    expect(Object.keys(custodySteps)).to.deep.equal(['body_received', 'stored', 'ashes_released']);
    for (const code of Object.values(custodySteps))
      for (const catalog of Object.values(caseMessages))
        expect((catalog.errors as Record<string, string>)[code], code)
          .to.be.a('string')
          .and.not.equal('');
  });
  it('lets a case leave the cremation path (withdrawn) from any step before cremated, never after', () => {
    for (const s of ['registered', 'body_received', 'stored', 'farewell_done'] as const)
      expect(canMove(s, 'withdrawn'), s).to.equal(true);
    for (const s of ['cremated', 'ashes_released', 'ashes_placed'] as const)
      expect(canMove(s, 'withdrawn'), s).to.equal(false);
  });
});

// The per-name back-off: nothing below ten failures in the hour, then 1 s doubling to at most 60 s.
import { expect } from 'chai';
import { NAME_FAILURES, nameDelaySeconds, nameKey, pairKey } from '../../server/accounts/login-limits.js';

describe('accounts: the login back-off rule', () => {
  it('waits nothing before the tenth failure, 1 s at it, doubling, never more than 60 s', () => {
    expect(NAME_FAILURES).to.equal(10);
    expect([0, 9, 10, 11, 12, 15, 16, 100].map(nameDelaySeconds)).to.deep.equal([0, 0, 1, 2, 4, 32, 60, 60]);
  });

  it('counts a name as typed without case or surrounding space, per address', () => {
    expect(nameKey(' Admin ')).to.equal('admin');
    expect(pairKey('Admin', '203.0.113.9')).to.equal('admin|203.0.113.9');
    expect(pairKey('admin', null)).to.equal('admin|?');
  });
});

// Environment → configuration: SHIAN_TRUST_PROXY in each of the forms Express means, and the session lifetimes.
import { expect } from 'chai';
import { loadConfig, parseTrustProxy } from '../../server/config.js';

describe('config: the environment', () => {
  it('reads SHIAN_TRUST_PROXY as hops, all or nothing, or a list of addresses, subnets and names', () => {
    expect(parseTrustProxy('1')).to.equal(1);
    expect(parseTrustProxy(' 2 ')).to.equal(2);
    expect(parseTrustProxy('true')).to.equal(true);
    expect(parseTrustProxy('FALSE')).to.equal(false);
    expect(parseTrustProxy('loopback')).to.deep.equal(['loopback']);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.5,uniquelocal')).to.deep.equal([
      '10.0.0.0/8',
      '192.168.1.5',
      'uniquelocal',
    ]);
    expect(parseTrustProxy(undefined)).to.equal(undefined);
  });

  it('gives the app a number for SHIAN_TRUST_PROXY=1, not the address "1"', () => {
    expect(loadConfig({ SHIAN_TRUST_PROXY: '1' } as NodeJS.ProcessEnv).trustProxy).to.equal(1);
    expect(loadConfig({} as NodeJS.ProcessEnv).trustProxy).to.equal(undefined);
  });

  it('ends sessions after 8 idle hours and 12 hours from login unless told otherwise', () => {
    expect(loadConfig({} as NodeJS.ProcessEnv).session).to.deep.equal({ idleMs: 8 * 3_600_000, maxMs: 12 * 3_600_000 });
    const c = loadConfig({ SHIAN_SESSION_IDLE_MINUTES: '30', SHIAN_SESSION_MAX_HOURS: '4' } as NodeJS.ProcessEnv);
    expect(c.session).to.deep.equal({ idleMs: 30 * 60_000, maxMs: 4 * 3_600_000 });
  });
});

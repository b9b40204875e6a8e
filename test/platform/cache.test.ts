// The one in-process cache: kept for its time on the given clock, one load per key, no stale value after a change.
import { expect } from 'chai';
import { TtlCache, type Clock } from '../../server/cache.js';

class ManualClock implements Clock {
  at = 1_000;
  now() {
    return this.at;
  }
}

function counted(clock: Clock, ttlMs = 100) {
  let loads = 0;
  let value = 'a';
  const cache = new TtlCache<string, string>({
    ttlMs,
    clock,
    load: async (k) => {
      loads += 1;
      return `${k}:${value}`;
    },
  });
  return {
    cache,
    loads: () => loads,
    set: (v: string) => {
      value = v;
    },
  };
}

describe('TtlCache', () => {
  it('answers from memory until its time has passed on its clock, then loads again', async () => {
    const clock = new ManualClock();
    const c = counted(clock);
    expect(await c.cache.get('x')).to.equal('x:a');
    c.set('b');
    clock.at += 99;
    expect(await c.cache.get('x')).to.equal('x:a');
    clock.at += 2;
    expect(await c.cache.get('x')).to.equal('x:b');
    expect(c.loads()).to.equal(2);
  });

  it('shares one load among concurrent gets of a missing key', async () => {
    const c = counted(new ManualClock());
    const values = await Promise.all([c.cache.get('x'), c.cache.get('x'), c.cache.get('x')]);
    expect(values).to.deep.equal(['x:a', 'x:a', 'x:a']);
    expect(c.loads()).to.equal(1);
  });

  it('loads again at once after delete or clear', async () => {
    const c = counted(new ManualClock());
    await c.cache.get('x');
    c.set('b');
    c.cache.delete('x');
    expect(await c.cache.get('x')).to.equal('x:b');
    c.set('c');
    c.cache.clear();
    expect(await c.cache.get('x')).to.equal('x:c');
  });

  it('does not keep a load that was under way when the key was deleted', async () => {
    let release!: (v: string) => void;
    let loads = 0;
    const cache = new TtlCache<string, string>({
      ttlMs: 1_000,
      clock: new ManualClock(),
      load: () => {
        loads += 1;
        return loads === 1
          ? new Promise((r) => {
              release = r;
            })
          : Promise.resolve('fresh');
      },
    });
    const first = cache.get('x');
    cache.delete('x'); // the change commits while the first read is still running
    release('stale');
    expect(await first).to.equal('stale');
    expect(await cache.get('x')).to.equal('fresh');
  });

  it('does not keep a failed load', async () => {
    let fail = true;
    const cache = new TtlCache<string, string>({
      ttlMs: 1_000,
      clock: new ManualClock(),
      load: async () => {
        if (fail) throw new Error('down');
        return 'ok';
      },
    });
    await cache.get('x').then(
      () => expect.fail('should reject'),
      (e: Error) => expect(e.message).to.equal('down'),
    );
    fail = false;
    expect(await cache.get('x')).to.equal('ok');
  });

  it('keeps at most max keys, dropping the least recently used', async () => {
    const loaded: number[] = [];
    const cache = new TtlCache<number, number>({
      ttlMs: 1_000,
      max: 2,
      clock: new ManualClock(),
      load: async (k) => {
        loaded.push(k);
        return k;
      },
    });
    await cache.get(1);
    await cache.get(2);
    await cache.get(1);
    await cache.get(3);
    expect(cache.size).to.equal(2);
    await cache.get(1);
    await cache.get(2);
    expect(loaded).to.deep.equal([1, 2, 3, 2]);
  });

  it('keeps a value set from outside for its time, and peeks without loading', async () => {
    const clock = new ManualClock();
    const cache = new TtlCache<string, string>({ ttlMs: 100, clock });
    expect(cache.peek('page')).to.equal(undefined);
    cache.set('page', 'rendered');
    expect(await cache.peek('page')).to.equal('rendered');
    clock.at += 101;
    expect(cache.peek('page')).to.equal(undefined);
  });

  it('loads a missing key with the load function given to get, and keeps it', async () => {
    let loads = 0;
    const cache = new TtlCache<string, string>({ ttlMs: 100, clock: new ManualClock() });
    const load = async (k: string) => {
      loads += 1;
      return `${k}!`;
    };
    expect(await cache.get('day', load)).to.equal('day!');
    expect(await cache.get('day', load)).to.equal('day!');
    expect(loads).to.equal(1);
    await cache.get('other').then(
      () => expect.fail('no load function'),
      (e: Error) => expect(e.message).to.contain('no load function'),
    );
  });
});

import type { Backend } from '@helios/core';
import { describe, expect, it } from 'vitest';
import { LeastConnectionsStrategy } from '../src/least-connections.js';
import { fleet, letter, makeBackends, picks, request } from './helpers.js';

describe('least-connections', () => {
  it('takes the backend with the fewest requests in flight', () => {
    const lc = new LeastConnectionsStrategy();
    const [a, b, c] = fleet(1, 1, 1);
    lc.update([a, b, c]);
    a.localInFlight = 4;
    b.localInFlight = 1;
    c.localInFlight = 2;
    expect(picks(lc, 3)).toBe('bbb');
  });

  it('breaks ties by rotation instead of always taking the first', () => {
    const lc = new LeastConnectionsStrategy();
    lc.update(makeBackends(3));
    expect(picks(lc, 7)).toBe('abcabca');
  });

  it('weighs in-flight counts by effective weight', () => {
    const lc = new LeastConnectionsStrategy();
    const [a, b] = fleet(3, 1);
    lc.update([a, b]);
    // Simulate requests that never finish: the weight-3 backend should hold three times as many.
    for (let i = 0; i < 40; i++) {
      const chosen = lc.pick(request());
      if (chosen === a) a.localInFlight++;
      else if (chosen === b) b.localInFlight++;
    }
    expect(a.inFlight).toBe(30);
    expect(b.inFlight).toBe(10);
  });

  /** One request at a time: pick, start, finish; returns the letters picked. */
  function oneAtATime(lc: LeastConnectionsStrategy, backends: Backend[], count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) {
      const chosen = lc.pick(request());
      const backend = backends.find((b) => b === chosen);
      if (backend === undefined) throw new Error('no backend picked');
      backend.localInFlight++;
      lc.onRequestStart(backend);
      out += letter(backend);
      backend.localInFlight--;
      lc.onRequestEnd(backend);
    }
    return out;
  }

  const shares = (seq: string) =>
    [...seq].reduce<Record<string, number>>((acc, c) => {
      acc[c] = (acc[c] ?? 0) + 1;
      return acc;
    }, {});

  it('gives weights 1, 1, 2 shares 3:3:6 of 12 requests sent one at a time', () => {
    const lc = new LeastConnectionsStrategy();
    const backends = fleet(1, 1, 2);
    lc.update(backends);
    const seq = oneAtATime(lc, backends, 12);
    expect(shares(seq)).toEqual({ a: 3, b: 3, c: 6 });
    // Spread out, not in runs: every window of four requests holds each weight's share.
    for (let i = 0; i + 4 <= 12; i += 4) {
      expect(shares(seq.slice(i, i + 4))).toEqual({ a: 1, b: 1, c: 2 });
    }
  });

  it('follows any weights at low load, e.g. 5:1 and 3:2:1', () => {
    const lc = new LeastConnectionsStrategy();
    const two = fleet(5, 1);
    lc.update(two);
    expect(shares(oneAtATime(lc, two, 60))).toEqual({ a: 50, b: 10 });
    const three = fleet(3, 2, 1);
    lc.update(three);
    expect(shares(oneAtATime(lc, three, 60))).toEqual({ a: 30, b: 20, c: 10 });
  });

  it('lets a backend that was busy rejoin its turns without a catch-up burst', () => {
    const lc = new LeastConnectionsStrategy();
    const backends = fleet(1, 1);
    const [, b] = backends;
    lc.update(backends);
    b.localInFlight = 5;
    lc.onRequestStart(b);
    expect(oneAtATime(lc, backends, 20)).toBe('a'.repeat(20));
    b.localInFlight = 0;
    lc.onRequestEnd(b);
    const after = oneAtATime(lc, backends, 10);
    expect(after).toMatch(/^(ab){5}$|^(ba){5}$|^b(ab){4}a$/);
  });

  it('skips unavailable backends, honours exclude, and returns undefined when none is left', () => {
    const lc = new LeastConnectionsStrategy();
    const [a, b, c] = fleet(1, 1, 1);
    lc.update([a, b, c]);
    b.localInFlight = 10;
    a.markDown('active', 'down');
    expect(picks(lc, 2)).toBe('cc');
    expect(picks(lc, 2, c)).toBe('bb');
    b.markDown('active', 'down');
    expect(picks(lc, 1, c)).toBe('c');
    c.markDown('active', 'down');
    expect(picks(lc, 1)).toBe('-');
  });

  it('follows a reload that removes and adds backends', () => {
    const lc = new LeastConnectionsStrategy();
    const [a, b, c, d] = fleet(1, 1, 1, 1);
    lc.update([a, b, c]);
    expect(picks(lc, 2)).toBe('ab');
    lc.update([c, d]);
    expect(picks(lc, 4)).toMatch(/^(cdcd|dcdc)$/);
  });

  it('follows in-flight counts reported through onRequestStart and onRequestEnd', () => {
    const lc = new LeastConnectionsStrategy();
    const [a, b, c] = fleet(1, 1, 1);
    lc.update([a, b, c]);
    const start = (x: typeof a) => {
      x.localInFlight++;
      lc.onRequestStart(x);
    };
    const end = (x: typeof a) => {
      x.localInFlight--;
      lc.onRequestEnd(x);
    };
    const chosen = [lc.pick(request()), lc.pick(request()), lc.pick(request())];
    expect(chosen).toEqual([a, b, c]);
    start(a);
    start(b);
    start(c);
    start(a);
    start(c);
    expect(picks(lc, 1)).toBe('b');
    end(a);
    end(a);
    expect(picks(lc, 1)).toBe('a');
  });

  it('takes back a backend that returns from health checks, and notices slow start', () => {
    const lc = new LeastConnectionsStrategy();
    const [a, b, c] = fleet(1, 1, 1);
    lc.update([a, b, c]);
    b.markDown('active', 'down');
    expect(picks(lc, 4)).toBe('acac');
    b.markUp('active', 'up');
    a.localInFlight = 1;
    c.localInFlight = 1;
    // Nobody told the strategy: it notices within n picks by re-reading one backend per pick.
    expect(picks(lc, 3)).toContain('b');
    a.localInFlight = 0;
    c.localInFlight = 0;
    b.setWeightFactor(0.1);
    const seq = picks(lc, 30);
    expect(seq.split('b').length - 1).toBeLessThanOrEqual(2);
  });

  it('picks in O(log n): 1 000 backends cost about what 10 do', () => {
    const time = (n: number) => {
      const lc = new LeastConnectionsStrategy();
      const all = makeBackends(n);
      lc.update(all);
      const req = request();
      const run = (count: number) => {
        for (let i = 0; i < count; i++) {
          const chosen = lc.pick(req);
          const backend = chosen === undefined ? undefined : all[chosen.index];
          if (backend === undefined) continue;
          backend.localInFlight++;
          lc.onRequestStart(backend);
          const done = all[(i * 7919) % n];
          if (done !== undefined && done.inFlight > 0) {
            done.localInFlight--;
            lc.onRequestEnd(done);
          }
        }
      };
      run(5_000);
      const started = performance.now();
      run(50_000);
      const elapsed = performance.now() - started;
      const inFlight = all.map((b) => b.inFlight);
      expect(Math.max(...inFlight) - Math.min(...inFlight)).toBeLessThanOrEqual(1);
      return elapsed;
    };
    const small = Math.min(time(10), time(10), time(10));
    const large = Math.min(time(1_000), time(1_000), time(1_000));
    // A per-pick scan would make the large fleet about 100 times slower; log n is about 3x.
    expect(large / small).toBeLessThan(10);
  });
});

import { describe, expect, it } from 'vitest';
import { WeightedRoundRobinStrategy } from '../src/weighted-round-robin.js';
import { counts, fleet, makeBackends, picks, request } from './helpers.js';

describe('weighted-round-robin (smooth)', () => {
  it('spreads weights 5,1,1 as a a b a c a a, like nginx', () => {
    const wrr = new WeightedRoundRobinStrategy();
    wrr.update(makeBackends([5, 1, 1]));
    expect(picks(wrr, 14)).toBe('aabacaaaabacaa');
  });

  it('gives each backend its weight share exactly over a full cycle', () => {
    const wrr = new WeightedRoundRobinStrategy();
    wrr.update(makeBackends([3, 2, 1]));
    expect(picks(wrr, 6)).toBe('abacba');
    expect(counts(wrr, 600)).toEqual({ a: 300, b: 200, c: 100 });
  });

  it('follows effectiveWeight, so slow start ramps a backend up', () => {
    const wrr = new WeightedRoundRobinStrategy();
    const [a, b] = fleet(4, 4);
    wrr.update([a, b]);
    b.setWeightFactor(0.25);
    expect(counts(wrr, 500)).toEqual({ a: 400, b: 100 });
    b.setWeightFactor(1);
    // Switching back to the full weight rejoins the cycle within a pick or two.
    const after = counts(wrr, 500);
    expect(Math.abs((after.a ?? 0) - 250)).toBeLessThanOrEqual(3);
  });

  it('stays smooth with fractional slow-start weights', () => {
    const wrr = new WeightedRoundRobinStrategy();
    const [a, b] = fleet(4, 4);
    wrr.update([a, b]);
    b.setWeightFactor(0.3);
    const seq = picks(wrr, 530);
    // 4 : 1.2 is 10 : 3, with no more than four a in a row.
    expect(seq.split('b').length - 1).toBe(120 + 2);
    expect(seq).not.toContain('aaaaa');
  });

  it('drops a backend that goes down mid-cycle and takes it back at the end of a cycle', () => {
    const wrr = new WeightedRoundRobinStrategy();
    const [a, b, c] = fleet(2, 1, 1);
    wrr.update([a, b, c]);
    expect(picks(wrr, 4)).toBe('abca');
    c.markDown('active', 'down');
    expect(picks(wrr, 6)).toBe('ababaa');
    c.markUp('active', 'up');
    const seq = picks(wrr, 6);
    expect(seq).toContain('c');
  });

  it('picks in O(1): 1 000 backends cost about what 10 do', () => {
    const time = (n: number) => {
      const wrr = new WeightedRoundRobinStrategy();
      wrr.update(makeBackends(Array.from({ length: n }, (_, i) => 1 + (i % 3))));
      const req = request();
      for (let i = 0; i < 5_000; i++) wrr.pick(req);
      const started = performance.now();
      for (let i = 0; i < 50_000; i++) wrr.pick(req);
      return performance.now() - started;
    };
    const small = Math.min(time(10), time(10), time(10));
    const large = Math.min(time(1_000), time(1_000), time(1_000));
    // A per-pick scan would make the large fleet about 100 times slower.
    expect(large / small).toBeLessThan(10);
  });

  it('skips unavailable backends and returns undefined when none is left', () => {
    const wrr = new WeightedRoundRobinStrategy();
    const [a, b, c] = fleet(5, 1, 1);
    wrr.update([a, b, c]);
    a.markDown('active', 'down');
    expect(picks(wrr, 4)).toBe('bcbc');
    b.markDown('active', 'down');
    c.markDown('passive', 'reset');
    expect(picks(wrr, 1)).toBe('-');
  });

  it('never returns the excluded backend unless it is the only one left', () => {
    const wrr = new WeightedRoundRobinStrategy();
    const [a, b] = fleet(5, 1);
    wrr.update([a, b]);
    expect(picks(wrr, 3, a)).toBe('bbb');
    b.markDown('active', 'down');
    expect(picks(wrr, 2, a)).toBe('aa');
  });

  it('keeps the smooth cycle of surviving backends across a reload', () => {
    const wrr = new WeightedRoundRobinStrategy();
    const [a, b, c] = fleet(5, 1, 1);
    wrr.update([a, b, c]);
    expect(picks(wrr, 3)).toBe('aab');
    wrr.update([a, b, c]);
    expect(picks(wrr, 4)).toBe('acaa');
    wrr.update([a, c]);
    const tally = counts(wrr, 600);
    expect(tally.a).toBe(500);
    expect(tally.c).toBe(100);
  });
});

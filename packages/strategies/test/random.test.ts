import { describe, expect, it } from 'vitest';
import { RandomStrategy } from '../src/random.js';
import { seededRandom } from '../src/random-source.js';
import { counts, fleet, makeBackends, picks } from './helpers.js';

describe('random', () => {
  it('spreads picks evenly (seeded, within 3% of a fair share)', () => {
    const random = new RandomStrategy({ random: seededRandom(42) });
    random.update(makeBackends(4));
    const tally = counts(random, 40_000);
    for (const l of 'abcd') expect(Math.abs((tally[l] ?? 0) - 10_000)).toBeLessThan(300);
  });

  it('is deterministic for a given seed', () => {
    const one = new RandomStrategy({ random: seededRandom(7) });
    const two = new RandomStrategy({ random: seededRandom(7) });
    one.update(makeBackends(5));
    two.update(makeBackends(5));
    expect(picks(one, 50)).toBe(picks(two, 50));
  });

  it('spreads evenly over the survivors when most backends are down', () => {
    const random = new RandomStrategy({ random: seededRandom(1) });
    const all = makeBackends(10);
    random.update(all);
    for (const b of all.slice(0, 8)) b.markDown('active', 'down');
    const tally = counts(random, 20_000);
    expect(Object.keys(tally).sort()).toEqual(['i', 'j']);
    expect(Math.abs((tally.i ?? 0) - 10_000)).toBeLessThan(400);
  });

  it('honours exclude and returns undefined when none is left', () => {
    const random = new RandomStrategy({ random: seededRandom(3) });
    const [a, b] = fleet(1, 1);
    random.update([a, b]);
    expect(picks(random, 20, a)).toBe('b'.repeat(20));
    b.markDown('passive', 'reset');
    expect(picks(random, 3, a)).toBe('aaa');
    a.markDown('passive', 'reset');
    expect(picks(random, 3)).toBe('---');
  });
});

import { describe, expect, it } from 'vitest';
import { PowerOfTwoStrategy } from '../src/power-of-two.js';
import { seededRandom } from '../src/random-source.js';
import { counts, fleet, makeBackends, picks, request } from './helpers.js';

describe('power-of-two', () => {
  it('never picks the most loaded of three backends', () => {
    const p2c = new PowerOfTwoStrategy({ random: seededRandom(11) });
    const [a, b, c] = fleet(1, 1, 1);
    p2c.update([a, b, c]);
    a.localInFlight = 9;
    const tally = counts(p2c, 3_000);
    expect(tally.a).toBeUndefined();
    expect(Math.abs((tally.b ?? 0) - 1_500)).toBeLessThan(150);
  });

  it('keeps in-flight counts level under requests that never finish', () => {
    const p2c = new PowerOfTwoStrategy({ random: seededRandom(5) });
    const all = makeBackends(10);
    p2c.update(all);
    for (let i = 0; i < 1_000; i++) {
      const chosen = all.find((b) => b === p2c.pick(request()));
      if (chosen) chosen.localInFlight++;
    }
    const inFlight = all.map((b) => b.inFlight);
    // Random alone would spread 1 000 requests over 10 backends with a gap of about 40.
    expect(Math.max(...inFlight) - Math.min(...inFlight)).toBeLessThanOrEqual(4);
  });

  it('weighs load by effective weight', () => {
    const p2c = new PowerOfTwoStrategy({ random: seededRandom(9) });
    const [a, b] = fleet(4, 1);
    p2c.update([a, b]);
    for (let i = 0; i < 500; i++) {
      const chosen = p2c.pick(request());
      if (chosen === a) a.localInFlight++;
      else if (chosen === b) b.localInFlight++;
    }
    expect(a.inFlight).toBe(400);
    expect(b.inFlight).toBe(100);
  });

  it('skips unavailable backends, honours exclude, returns undefined when none is left', () => {
    const p2c = new PowerOfTwoStrategy({ random: seededRandom(2) });
    const [a, b, c, d] = fleet(1, 1, 1, 1);
    p2c.update([a, b, c, d]);
    b.markDown('active', 'down');
    c.markDown('active', 'down');
    const seq = picks(p2c, 200, a);
    expect(seq).toBe('d'.repeat(200));
    d.markDown('active', 'down');
    expect(picks(p2c, 2, a)).toBe('aa');
    a.markDown('active', 'down');
    expect(picks(p2c, 2)).toBe('--');
  });

  it('works with a single backend', () => {
    const p2c = new PowerOfTwoStrategy({ random: seededRandom(2) });
    p2c.update(makeBackends(1));
    expect(picks(p2c, 3)).toBe('aaa');
  });
});

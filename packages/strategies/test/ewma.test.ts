import { describe, expect, it } from 'vitest';
import { EwmaStrategy } from '../src/ewma.js';
import { seededRandom } from '../src/random-source.js';
import { fleet, picks, request } from './helpers.js';
import { Simulation, share } from './simulation.js';

describe('ewma (peak EWMA x in-flight, two random choices)', () => {
  function setup(latencies: number[], statuses: number[] = latencies.map(() => 200)) {
    const clock = { now: 0 };
    const ewma = new EwmaStrategy({ random: seededRandom(1), now: () => clock.now });
    const backends = fleet(...latencies.map(() => 1));
    ewma.update(backends);
    const behaviour = latencies.map((latency, i) => ({ latency, status: statuses[i] ?? 200 }));
    // One request per millisecond: 1 000 requests per simulated second.
    const sim = new Simulation(clock, ewma, backends, behaviour);
    return { sim, behaviour };
  }

  it('shares evenly between equal backends', () => {
    const { sim } = setup([10, 10, 10]);
    const received = sim.runUntil(10_000);
    for (let i = 0; i < 3; i++) expect(share(received, i)).toBeGreaterThan(0.28);
  });

  it('moves traffic off a backend that turns slow within a few seconds', () => {
    const { sim, behaviour } = setup([10, 10, 10]);
    sim.runUntil(10_000);
    behaviour[1] = { latency: 300, status: 200 };
    const firstSecond = sim.runUntil(11_000);
    expect(share(firstSecond, 1)).toBeLessThan(0.1);
    const nextSeconds = sim.runUntil(14_000);
    expect(share(nextSeconds, 1)).toBeLessThan(0.03);
  });

  it('keeps probing a slow backend and wins it back once it has recovered', () => {
    const { sim, behaviour } = setup([10, 10, 10]);
    sim.runUntil(5_000);
    behaviour[1] = { latency: 300, status: 200 };
    sim.runUntil(20_000);
    behaviour[1] = { latency: 10, status: 200 };
    // Every simulated second the recovered backend still receives a trickle of probes...
    for (let second = 20; second < 30; second++) {
      const received = sim.runUntil((second + 1) * 1_000);
      expect(received[1]).toBeGreaterThanOrEqual(3);
    }
    // ...so its estimate catches up and it gets a fair share again.
    sim.runUntil(60_000);
    const later = sim.runUntil(70_000);
    expect(share(later, 1)).toBeGreaterThan(0.2);
  });

  it('does not send more traffic to a backend that fails fast', () => {
    const { sim } = setup([20, 20, 1], [200, 200, 503]);
    const received = sim.runUntil(10_000);
    expect(share(received, 2)).toBeLessThan(0.05);
  });
});

describe('ewma unit behaviour', () => {
  it('skips unavailable backends, honours exclude, returns undefined when none is left', () => {
    const ewma = new EwmaStrategy({ random: seededRandom(4), now: () => 0 });
    const [a, b, c] = fleet(1, 1, 1);
    ewma.update([a, b, c]);
    b.markDown('active', 'down');
    expect(picks(ewma, 50, a)).toBe('c'.repeat(50));
    c.markDown('active', 'down');
    expect(picks(ewma, 2, a)).toBe('aa');
    a.markDown('active', 'down');
    expect(picks(ewma, 2)).toBe('--');
  });

  it('gives a backend with no history one trial request, not a flood', () => {
    let now = 0;
    const ewma = new EwmaStrategy({ random: seededRandom(8), now: () => now, probe: 0 });
    const [a, b, c] = fleet(1, 1, 1);
    ewma.update([a, b]);
    ewma.onRequestEnd(a, 20, 200, undefined);
    ewma.onRequestEnd(b, 20, 200, undefined);
    ewma.update([a, b, c]);
    let toC = 0;
    for (let i = 0; i < 30; i++) {
      now += 1;
      const chosen = ewma.pick(request());
      if (chosen === c) toC++;
      const backend = [a, b, c].find((x) => x === chosen);
      if (backend) backend.localInFlight++;
    }
    expect(toC).toBe(1);
  });

  it('decays the estimate toward new answers with the configured time constant', () => {
    let now = 0;
    const ewma = new EwmaStrategy({ decay: 5_000, now: () => now });
    const [a] = fleet(1);
    ewma.update([a]);
    expect(ewma.estimate(a)).toBeUndefined();
    ewma.onRequestEnd(a, 100, 200, undefined);
    now = 5_000;
    ewma.onRequestEnd(a, 0, 200, undefined);
    expect(ewma.estimate(a)).toBeCloseTo(100 * Math.exp(-1), 6);
    // A slower answer replaces the average at once (the "peak").
    ewma.onRequestEnd(a, 250, 200, undefined);
    expect(ewma.estimate(a)).toBe(250);
  });

  it('counts failures as at least failurePenalty so a fail-fast backend does not look fast', () => {
    const ewma = new EwmaStrategy({ failurePenalty: 2_000, now: () => 0 });
    const [a] = fleet(1);
    ewma.update([a]);
    ewma.onRequestEnd(a, 1, 503, undefined);
    expect(ewma.estimate(a)).toBe(2_000);
    ewma.onRequestEnd(a, 3, 0, 'connect');
    expect(ewma.estimate(a)).toBe(2_000);
  });

  it('keeps what it learnt about a backend across a reload', () => {
    const ewma = new EwmaStrategy({ now: () => 0 });
    const [a, b] = fleet(1, 1);
    ewma.update([a, b]);
    ewma.onRequestEnd(b, 42, 200, undefined);
    ewma.update([b]);
    expect(ewma.estimate(b)).toBe(42);
  });
});

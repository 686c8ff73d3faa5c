import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { jitteredInterval } from '../src/active.js';
import {
  backendConfigs,
  fail503,
  flush,
  type HealthOverrides,
  healthConfig,
  pass,
  refused,
  useCheckerOnFakeTime,
} from './helpers.js';

const startChecker = useCheckerOnFakeTime();

function setup(count: number, active: HealthOverrides['active'] = {}, slowStart = 0) {
  return startChecker({
    count,
    health: { passive: { enabled: false }, active: { jitter: 0, ...active }, slowStart },
    update: false,
  });
}

describe('active checks at start-up', () => {
  it('probes every backend at once, without waiting an interval', () => {
    const { backends, probe, checker } = setup(3);
    checker.update(backends);
    expect(probe.calls.map((c) => c.url.href)).toEqual(
      backends.map((b) => `${b.url.origin}/health`),
    );
  });

  it('keeps start-up backends in service while their first probe is in flight', () => {
    const { backends, checker } = setup(2);
    checker.update(backends);
    expect(backends.every((b) => b.available)).toBe(true);
  });

  it('takes a backend out on its first failed probe and back on its first pass', async () => {
    const { backends, probe, events, checker } = setup(2, { interval: 1_000 });
    checker.update(backends);
    const [a, b] = backends as [(typeof backends)[0], (typeof backends)[0]];
    probe.answer(pass, a.id);
    probe.answer(refused, b.id);
    await flush();
    expect(a.available).toBe(true);
    expect(b.available).toBe(false);
    expect(events).toHaveLength(1);
    expect(events[0]?.reason).toContain('first check failed');
    await vi.advanceTimersByTimeAsync(1_000);
    probe.answer(pass, b.id);
    await flush();
    expect(b.available).toBe(true); // one pass is enough for a backend never seen healthy
    expect(events.at(-1)).toMatchObject({ backend: b.id, healthy: true, downForMs: 1_000 });
  });

  it('holds a backend added by a reload out of a serving pool until its first probe passes', async () => {
    const { backends, probe, events, checker } = setup(2);
    probe.auto = pass;
    checker.update(backends.slice(0, 1));
    await flush();
    checker.update(backends);
    const added = backends[1]!;
    expect(added.available).toBe(false);
    expect(added.downReason).toBe('awaiting first health check');
    await flush();
    expect(added.available).toBe(true);
    expect(events.map((e) => [e.backend, e.healthy])).toEqual([
      [added.id, false],
      [added.id, true],
    ]);
  });
});

describe('active rise and fall', () => {
  it('removes a healthy backend only after unhealthyThreshold failures in a row', async () => {
    const { backends, probe, checker } = setup(1, { interval: 1_000, unhealthyThreshold: 3 });
    const b = backends[0]!;
    probe.auto = pass;
    checker.update(backends);
    await flush();
    probe.auto = fail503;
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.available).toBe(true);
    probe.auto = pass; // one good answer resets the count
    await vi.advanceTimersByTimeAsync(1_000);
    probe.auto = fail503;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(b.available).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.available).toBe(false);
    expect(b.downReason).toBe('GET /health answered 503 (3 consecutive failures)');
  });

  it('brings a once-healthy backend back only after healthyThreshold passes in a row', async () => {
    const { backends, probe, checker } = setup(1, {
      interval: 1_000,
      unhealthyThreshold: 1,
      healthyThreshold: 3,
    });
    const b = backends[0]!;
    probe.auto = pass;
    checker.update(backends);
    await flush();
    probe.auto = refused;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.available).toBe(false);
    probe.auto = pass;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(b.available).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.available).toBe(true);
  });

  it('treats statuses outside expectedStatuses as failures', async () => {
    const { backends, probe, checker } = setup(2, { expectedStatuses: [{ from: 200, to: 204 }] });
    checker.update(backends);
    probe.answer({ status: 204, error: undefined }, backends[0]!.id);
    probe.answer({ status: 301, error: undefined }, backends[1]!.id);
    await flush();
    expect(backends.map((b) => b.available)).toEqual([true, false]);
  });
});

describe('active probe scheduling', () => {
  it('keeps each gap between interval × (1 ± jitter)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (interval, jitter, random) => {
          const delay = jitteredInterval(interval, jitter, random);
          expect(delay).toBeGreaterThanOrEqual(Math.max(1, Math.floor(interval * (1 - jitter))));
          expect(delay).toBeLessThanOrEqual(Math.ceil(interval * (1 + jitter)));
        },
      ),
    );
  });

  it('spreads probes using the jitter', async () => {
    const { backends, probe, clock, checker } = setup(1, { interval: 1_000, jitter: 0.2 });
    probe.auto = pass;
    clock.setRandom(0); // shortest gap: 800 ms
    checker.update(backends);
    await flush();
    await vi.advanceTimersByTimeAsync(799);
    expect(probe.calls).toHaveLength(1);
    clock.setRandom(0.999_999); // the gap after the next probe is the longest: 1200 ms
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1_199);
    expect(probe.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.calls).toHaveLength(3);
  });

  it('never overlaps probes for one backend, even when a probe outlasts the interval', async () => {
    const { backends, probe, checker } = setup(1, { interval: 100, timeout: 10_000 });
    checker.update(backends);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe.calls).toHaveLength(1);
    probe.answer(pass);
    await flush();
    await vi.advanceTimersByTimeAsync(100);
    expect(probe.calls).toHaveLength(2);
    expect(probe.maxInFlight).toBe(1);
  });

  it('aborts a probe at the timeout, counts it as failed, and schedules the next after it settles', async () => {
    const { backends, probe, checker } = setup(1, { interval: 1_000, timeout: 300 });
    const b = backends[0]!;
    checker.update(backends);
    await vi.advanceTimersByTimeAsync(299);
    expect(b.available).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.pending).toHaveLength(0);
    expect(b.available).toBe(false);
    expect(b.downReason).toBe('GET /health timed out after 300 ms (first check failed)');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(probe.calls).toHaveLength(2);
    expect(probe.maxInFlight).toBe(1);
  });

  it('uses per-backend path and Host overrides', () => {
    const { backends, probe } = startChecker({
      count: 2,
      health: { active: { host: 'default.host' } },
      backendHealth: [{}, { path: '/ready?full=1', host: 'api.internal' }],
    });
    expect(probe.calls.map((c) => [c.url.href, c.host])).toEqual([
      [`${backends[0]!.id}/health`, 'default.host'],
      [`${backends[1]!.id}/ready?full=1`, 'api.internal'],
    ]);
  });
});

describe('active checks stop cleanly', () => {
  it('aborts in-flight probes and leaves no timers on close', async () => {
    const { backends, probe, checker } = setup(3);
    checker.update(backends);
    expect(probe.pending).toHaveLength(3);
    await checker.close();
    expect(probe.pending).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe.calls).toHaveLength(3);
  });

  it('stops probing backends a reload removed', async () => {
    const { backends, probe, checker } = setup(2, { interval: 1_000 });
    probe.auto = pass;
    checker.update(backends);
    await flush();
    checker.update(backends.slice(0, 1));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe.callsFor(backends[1]!.id)).toBe(1);
    expect(probe.callsFor(backends[0]!.id)).toBe(6);
  });

  it('releases every backend and stops probing when a reload disables active checks', async () => {
    const { backends, probe, checker } = setup(2, { interval: 1_000 });
    probe.auto = refused;
    checker.update(backends);
    await flush();
    expect(backends.every((b) => !b.available)).toBe(true);
    checker.configure(
      healthConfig({ passive: { enabled: false }, active: { enabled: false } }),
      backendConfigs(backends),
    );
    expect(backends.every((b) => b.available)).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe.calls).toHaveLength(2);
  });

  it('applies a shorter interval from a reload without waiting out the old one', async () => {
    const { backends, probe, checker } = setup(1, { interval: 60_000 });
    probe.auto = pass;
    checker.update(backends);
    await flush();
    checker.configure(
      healthConfig({ passive: { enabled: false }, active: { interval: 500, jitter: 0 } }),
      backendConfigs(backends),
    );
    await vi.advanceTimersByTimeAsync(500);
    expect(probe.calls).toHaveLength(2);
  });
});

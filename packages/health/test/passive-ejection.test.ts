import type { Backend } from '@helios/core';
import { describe, expect, it, vi } from 'vitest';
import type { HealthChecker } from '../src/checker.js';
import { ejectionCooldown, maxEjectable } from '../src/passive.js';
import {
  backendConfigs,
  type HealthOverrides,
  healthConfig,
  makeBackends,
  useCheckerOnFakeTime,
} from './helpers.js';

const startChecker = useCheckerOnFakeTime();

function setup(count: number, passive: HealthOverrides['passive'] = {}) {
  return startChecker({ count, health: { active: { enabled: false }, passive }, scripted: false });
}

function fail(checker: HealthChecker, backend: Backend, times = 1): void {
  for (let i = 0; i < times; i++) checker.onRequestEnd(backend, 0, 'connect');
}

describe('passive ejection thresholds', () => {
  it('ejects after failureThreshold consecutive failures, not before', () => {
    const { backends, events, checker } = setup(3, { failureThreshold: 3 });
    const b = backends[0]!;
    fail(checker, b, 2);
    expect(b.available).toBe(true);
    fail(checker, b);
    expect(b.available).toBe(false);
    expect(b.isDown('passive')).toBe(true);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ backend: b.id, source: 'passive', healthy: false });
    expect(events[0]?.reason).toContain('3 consecutive failures');
  });

  it('a success in between resets the consecutive count', () => {
    const { backends, checker } = setup(3, { failureThreshold: 2 });
    const b = backends[0]!;
    fail(checker, b);
    checker.onRequestEnd(b, 200, undefined);
    fail(checker, b);
    expect(b.available).toBe(true);
    fail(checker, b);
    expect(b.available).toBe(false);
  });

  it('counts configured failure statuses and transport failures, ignores other statuses', () => {
    const { backends, checker } = setup(4, {
      failureStatuses: [{ from: 502, to: 504 }],
      maxEjectedPercent: 100,
    });
    const [a, b, c, d] = backends as [Backend, Backend, Backend, Backend];
    checker.onRequestEnd(a, 404, undefined);
    checker.onRequestEnd(a, 500, undefined); // not in the configured set
    checker.onRequestEnd(a, 0, undefined); // client gave up: no verdict
    expect(a.available).toBe(true);
    checker.onRequestEnd(b, 503, undefined);
    checker.onRequestEnd(c, 0, 'timeout');
    checker.onRequestEnd(d, 0, 'reset');
    expect([b.available, c.available, d.available]).toEqual([false, false, false]);
  });

  it('does nothing when passive checks are disabled', () => {
    const { backends, checker } = setup(2, { enabled: false });
    fail(checker, backends[0]!, 10);
    expect(backends[0]!.available).toBe(true);
  });
});

describe('passive cooldown and backoff', () => {
  it('returns the backend after the cooldown and reports how long it was out', async () => {
    const { backends, events, checker } = setup(3, { cooldown: 1_000 });
    const b = backends[1]!;
    fail(checker, b);
    await vi.advanceTimersByTimeAsync(999);
    expect(b.available).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.available).toBe(true);
    expect(events.at(-1)).toMatchObject({ backend: b.id, healthy: true, downForMs: 1_000 });
  });

  it('ignores results of requests that finish while the backend is ejected', async () => {
    const { backends, checker } = setup(3, { cooldown: 1_000, failureThreshold: 2 });
    const b = backends[0]!;
    fail(checker, b, 2);
    checker.onRequestEnd(b, 200, undefined); // a late success must not cut the cooldown short
    fail(checker, b, 5); // late failures must not extend it
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.available).toBe(true);
  });

  it('doubles the cooldown on each ejection in a row, capped at maxCooldown; success resets', async () => {
    const { backends, checker } = setup(3, { cooldown: 1_000, maxCooldown: 5_000 });
    const b = backends[0]!;
    const observed: number[] = [];
    for (let i = 0; i < 5; i++) {
      fail(checker, b); // fails again on its first request after returning
      let waited = 0;
      while (!b.available) {
        await vi.advanceTimersByTimeAsync(100);
        waited += 100;
      }
      observed.push(waited);
    }
    expect(observed).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
    checker.onRequestEnd(b, 200, undefined);
    fail(checker, b);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.available).toBe(true);
  });

  it('computes the cooldown sequence as cooldown × 2^(n-1) up to the cap', () => {
    const config = healthConfig({ passive: { cooldown: 30_000, maxCooldown: 300_000 } }).passive;
    expect([1, 2, 3, 4, 5, 6, 60].map((n) => ejectionCooldown(config, n))).toEqual([
      30_000, 60_000, 120_000, 240_000, 300_000, 300_000, 300_000,
    ]);
  });
});

describe('passive max-ejected cap', () => {
  it('always allows at least one ejection, and floor(pool × percent) otherwise', () => {
    expect(maxEjectable(1, 50)).toBe(1);
    expect(maxEjectable(3, 10)).toBe(1);
    expect(maxEjectable(3, 50)).toBe(1);
    expect(maxEjectable(4, 50)).toBe(2);
    expect(maxEjectable(10, 100)).toBe(10);
  });

  it('lets a single-backend pool eject its only backend', () => {
    const { backends, checker } = setup(1);
    fail(checker, backends[0]!);
    expect(backends[0]!.available).toBe(false);
  });

  it('refuses ejections beyond maxEjectedPercent of the pool', async () => {
    const { backends, checker } = setup(4, { maxEjectedPercent: 50, cooldown: 1_000 });
    for (const b of backends) fail(checker, b);
    expect(backends.map((b) => b.available)).toEqual([false, false, true, true]);
    // Once one returns, the next failure of a capped backend may eject it.
    await vi.advanceTimersByTimeAsync(1_000);
    fail(checker, backends[2]!);
    expect(backends[2]!.available).toBe(false);
  });

  it('does not count backends held down by active checks against the cap', () => {
    const { backends, checker } = setup(4, { maxEjectedPercent: 25 });
    backends[0]!.markDown('active', 'probe failed');
    backends[1]!.markDown('active', 'probe failed');
    fail(checker, backends[0]!); // ejected too, but does not use up the single slot
    fail(checker, backends[2]!);
    expect(backends[2]!.isDown('passive')).toBe(true);
    fail(checker, backends[3]!);
    expect(backends[3]!.available).toBe(true);
  });
});

describe('passive state across reloads', () => {
  it('keeps an ejection when core hands over a new object for the same backend', async () => {
    const { backends, checker } = setup(2, { cooldown: 1_000 });
    fail(checker, backends[0]!);
    const fresh = makeBackends(2);
    checker.update(fresh);
    expect(fresh[0]!.isDown('passive')).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fresh[0]!.available).toBe(true);
  });

  it('releases every ejection when a reload disables passive checks', () => {
    const { backends, checker } = setup(2);
    fail(checker, backends[0]!);
    checker.configure(
      healthConfig({ active: { enabled: false }, passive: { enabled: false } }),
      backendConfigs(backends),
    );
    expect(backends[0]!.available).toBe(true);
  });
});

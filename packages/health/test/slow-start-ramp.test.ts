import { describe, expect, it, vi } from 'vitest';
import { MIN_FACTOR, rampFactor } from '../src/slow-start.js';
import {
  backendConfigs,
  flush,
  healthConfig,
  pass,
  refused,
  useCheckerOnFakeTime,
} from './helpers.js';

const startChecker = useCheckerOnFakeTime();

function setupPassive(slowStart: number) {
  return startChecker({
    health: { active: { enabled: false }, passive: { cooldown: 1_000 }, slowStart },
    scripted: false,
  });
}

describe('slow start', () => {
  it('ramps linearly from the floor to full weight over the window', () => {
    expect(rampFactor(0, 10_000)).toBe(MIN_FACTOR);
    expect(rampFactor(500, 10_000)).toBe(MIN_FACTOR);
    expect(rampFactor(2_500, 10_000)).toBe(0.25);
    expect(rampFactor(7_500, 10_000)).toBe(0.75);
    expect(rampFactor(10_000, 10_000)).toBe(1);
    expect(rampFactor(123, 0)).toBe(1);
  });

  it('raises the effective weight of a backend returning from ejection', async () => {
    const { backends, checker } = setupPassive(10_000);
    const b = backends[0]!;
    expect(b.effectiveWeight).toBe(1); // no ramp at start-up
    checker.onRequestEnd(b, 502, undefined);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(b.available).toBe(true);
    expect(b.effectiveWeight).toBeCloseTo(MIN_FACTOR);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(b.effectiveWeight).toBeCloseTo(0.5);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(b.effectiveWeight).toBeCloseTo(0.75);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(b.effectiveWeight).toBe(1);
  });

  it('stops ramping when the backend goes down again and restarts when it returns', async () => {
    const { backends, checker } = setupPassive(10_000);
    const b = backends[0]!;
    checker.onRequestEnd(b, 0, 'connect');
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(5_000);
    checker.onRequestEnd(b, 0, 'connect'); // ejected again, for 2 s
    const factorWhileDown = b.effectiveWeight;
    await vi.advanceTimersByTimeAsync(1_999);
    expect(b.effectiveWeight).toBe(factorWhileDown);
    await vi.advanceTimersByTimeAsync(1);
    expect(b.effectiveWeight).toBeCloseTo(MIN_FACTOR);
  });

  it('does nothing when slowStart is 0', async () => {
    const { backends, checker } = setupPassive(0);
    checker.onRequestEnd(backends[0]!, 0, 'connect');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backends[0]!.effectiveWeight).toBe(1);
  });

  it('ramps a backend that active checks bring back, but not one that passes its start-up probe', async () => {
    const { backends, probe } = startChecker({
      count: 2,
      health: {
        passive: { enabled: false },
        active: { interval: 1_000, jitter: 0, unhealthyThreshold: 1, healthyThreshold: 1 },
        slowStart: 4_000,
      },
      auto: pass,
    });
    await flush();
    expect(backends[0]!.effectiveWeight).toBe(1);
    probe.auto = refused;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backends[0]!.available).toBe(false);
    probe.auto = pass;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(backends[0]!.available).toBe(true);
    expect(backends[0]!.effectiveWeight).toBeCloseTo(MIN_FACTOR);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(backends[0]!.effectiveWeight).toBe(1);
  });

  it('finishes running ramps at full weight when a reload turns slow start off', async () => {
    const { backends, checker } = setupPassive(10_000);
    checker.onRequestEnd(backends[0]!, 0, 'connect');
    await vi.advanceTimersByTimeAsync(1_000);
    checker.configure(
      healthConfig({ active: { enabled: false }, slowStart: 0 }),
      backendConfigs(backends),
    );
    expect(backends[0]!.effectiveWeight).toBe(1);
  });
});

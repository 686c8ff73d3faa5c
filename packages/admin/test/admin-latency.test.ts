import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, latencyBucket, quantileMs } from '../src/latency-buckets.js';
import { RollingWindow } from '../src/rolling-window.js';

describe('dashboard latency percentiles', () => {
  it('places every latency from 0 to minutes in a bucket at most 12.5% wide', () => {
    let previous = 0;
    for (let ms = 0.01; ms < 200_000; ms *= 1.01) {
      const bucket = latencyBucket(ms);
      expect(bucket).toBeGreaterThanOrEqual(previous);
      expect(bucket).toBeLessThan(LATENCY_BUCKETS);
      previous = bucket;
    }
    expect(latencyBucket(-1)).toBe(0);
    expect(latencyBucket(Number.NaN)).toBe(0);
    for (const ms of [0.5, 3, 42, 250, 1_900, 30_000]) {
      const counts = new Uint32Array(LATENCY_BUCKETS);
      counts[latencyBucket(ms)] = 1;
      const estimate = quantileMs(counts, 1, 0.5) ?? 0;
      expect(Math.abs(estimate - ms) / ms).toBeLessThanOrEqual(0.0625);
    }
  });

  it('reports p50 and p99 of a known distribution within the bucket error', () => {
    const window = new RollingWindow();
    // 1..1000 ms once each: p50 = 500 ms, p99 = 990 ms.
    for (let ms = 1; ms <= 1000; ms++) window.record(100, ms, ms > 990);
    const summary = window.summarise(100);
    expect(summary.requests).toBe(1000);
    expect(summary.failures).toBe(10);
    expect(quantileMs(summary.latency, summary.requests, 0.5)).toBeCloseTo(500, -2);
    const p99 = quantileMs(summary.latency, summary.requests, 0.99) ?? 0;
    expect(Math.abs(p99 - 990) / 990).toBeLessThan(0.07);
    expect(quantileMs(summary.latency, 0, 0.5)).toBeUndefined();
  });

  it('keeps one minute of per-second history and forgets older seconds', () => {
    const window = new RollingWindow();
    window.record(10, 5, false);
    window.record(10, 5, false);
    window.record(69, 5, true);
    let summary = window.summarise(69);
    expect(summary.requests).toBe(3);
    expect(summary.perSecond[0]).toBe(2);
    expect(summary.perSecond[59]).toBe(1);
    expect(summary.p99PerSecond[30]).toBeNull();
    // Second 70 reuses second 10's slot: the old counts must not leak in.
    window.record(70, 5, false);
    summary = window.summarise(70);
    expect(summary.requests).toBe(2);
    expect(summary.failures).toBe(1);
    expect(window.summarise(200).requests).toBe(0);
  });
});

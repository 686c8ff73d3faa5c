/**
 * The primary's bookkeeping, without processes: crash back-off, how many workers `auto`
 * means, the config's trip over IPC, and the replacement schedule.
 */
import { parseConfig } from '@helios/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeConfig, encodeConfig } from '../src/workers/config-wire.js';
import { CrashBackoff } from '../src/workers/crash-backoff.js';
import { Respawner } from '../src/workers/respawner.js';
import { resolveWorkerCount } from '../src/workers/worker-count.js';

describe('CrashBackoff', () => {
  it('replaces the first crash at once, then doubles the wait per crash in a row, capped', () => {
    const backoff = new CrashBackoff({ initialMs: 100, maxMs: 1_000, stableMs: 10_000 });
    const delays = [0, 1, 2, 3, 4, 5, 6].map(() => backoff.delayAfterCrash(1, 50));
    expect(delays).toEqual([0, 100, 200, 400, 800, 1_000, 1_000]);
    expect(backoff.streak(1)).toBe(7);
  });

  it('starts over after a worker ran for stableMs, and keeps slots apart', () => {
    const backoff = new CrashBackoff({ initialMs: 100, maxMs: 1_000, stableMs: 10_000 });
    backoff.delayAfterCrash(1, 10);
    expect(backoff.delayAfterCrash(1, 10)).toBe(100);
    expect(backoff.delayAfterCrash(2, 10)).toBe(0);
    expect(backoff.delayAfterCrash(1, 10_000)).toBe(0);
    expect(backoff.delayAfterCrash(1, 10)).toBe(100);
  });
});

describe('workers: auto', () => {
  it('is the number of available cores (at least 1); a number is taken as is', () => {
    expect(resolveWorkerCount('auto', () => 8)).toBe(8);
    expect(resolveWorkerCount('auto', () => 0)).toBe(1);
    expect(resolveWorkerCount(3, () => 8)).toBe(3);
  });
});

describe('config over IPC', () => {
  it('arrives equal to what the primary validated, backend URLs included', () => {
    const config = parseConfig(
      'port: 0\nworkers: 2\nbackends:\n  - http://127.0.0.1:9001\n  - url: http://127.0.0.1:9002\n    weight: 3\n',
      'helios.yaml',
    );
    const copy = decodeConfig(encodeConfig(config));
    expect(copy).toEqual(config);
    expect(copy.backends?.[1]?.url).toBeInstanceOf(URL);
    expect(copy.backends?.[1]?.url.origin).toBe('http://127.0.0.1:9002');
  });
});

describe('Respawner', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('replaces a crashed worker at once, a crash loop ever later, and nothing after shutdown', () => {
    const spawned: number[] = [];
    const respawner = new Respawner(
      new CrashBackoff({ initialMs: 100, maxMs: 400, stableMs: 10_000 }),
      (slot) => spawned.push(slot),
    );
    expect(respawner.crashed(1, 60_000)).toBe(0);
    vi.advanceTimersByTime(0);
    expect(spawned).toEqual([1]);

    expect(respawner.crashed(1, 20)).toBe(100);
    vi.advanceTimersByTime(99);
    expect(spawned).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(spawned).toEqual([1, 1]);

    expect(respawner.crashed(1, 20)).toBe(200);
    expect(respawner.crashed(2, 20)).toBe(0);
    vi.advanceTimersByTime(0);
    expect(spawned).toEqual([1, 1, 2]);
    respawner.cancelAll();
    vi.advanceTimersByTime(1_000);
    expect(spawned).toEqual([1, 1, 2]);
    expect(respawner.pending).toBe(0);
  });
});

/**
 * The primary's bookkeeping, without processes: crash back-off, how many workers `auto`
 * means, which listen mode this Node gets, the config's trip over IPC, and the health relay
 * that keeps one passive-ejection view across workers.
 */
import { Backend, parseConfig } from '@helios/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { decodeConfig, encodeConfig } from '../src/workers/config-wire.js';
import { CrashBackoff } from '../src/workers/crash-backoff.js';
import { HealthRelay } from '../src/workers/health-relay.js';
import { chooseListenMode, reusePortSupported } from '../src/workers/listen-mode.js';
import type { HealthChange } from '../src/workers/messages.js';
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

describe('listen mode', () => {
  it('uses SO_REUSEPORT only on Linux with Node >= 22.12 or >= 23.1', () => {
    expect(reusePortSupported('20.20.2', 'linux')).toBe(false);
    expect(reusePortSupported('22.11.0', 'linux')).toBe(false);
    expect(reusePortSupported('22.12.0', 'linux')).toBe(true);
    expect(reusePortSupported('23.0.0', 'linux')).toBe(false);
    expect(reusePortSupported('23.1.0', 'linux')).toBe(true);
    expect(reusePortSupported('24.0.0', 'linux')).toBe(true);
    expect(reusePortSupported('24.0.0', 'darwin')).toBe(false);
    expect(chooseListenMode(false)).toBe('round-robin');
    expect(chooseListenMode(true)).toBe('reuse-port');
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
    expect(copy.backends[1]?.url).toBeInstanceOf(URL);
    expect(copy.backends[1]?.url.origin).toBe('http://127.0.0.1:9002');
  });
});

describe('HealthRelay (primary)', () => {
  const X = 'http://127.0.0.1:9001';

  function relay() {
    const backends = [new Backend({ url: new URL(X), weight: 1, index: 0 })];
    const sent: { to: string; change: HealthChange }[] = [];
    let now = 1_000;
    const r = new HealthRelay(
      {
        backends: () => backends,
        broadcast: (change, except) => sent.push({ to: `all but ${String(except)}`, change }),
        sendTo: (worker, change) => sent.push({ to: `worker ${worker}`, change }),
        record: () => {},
      },
      () => now,
    );
    return { r, sent, backend: backends[0], tick: (ms: number) => (now += ms) };
  }

  const down = (reason = '1 consecutive failure'): HealthChange => ({
    backend: X,
    source: 'passive',
    healthy: false,
    reason,
  });
  const up: HealthChange = { backend: X, source: 'passive', healthy: true, reason: 'cooldown' };

  it('sends one worker’s ejection to the others and lifts it when that worker does', () => {
    const { r, sent, backend, tick } = relay();
    r.passive(1, down());
    expect(sent).toEqual([{ to: 'all but 1', change: down() }]);
    expect(backend?.available).toBe(false);
    expect(r.snapshot()).toEqual([down()]);
    tick(250);
    r.passive(1, up);
    expect(sent[1]).toEqual({
      to: 'all but 1',
      change: { ...up, downForMs: 250 },
    });
    expect(backend?.available).toBe(true);
    expect(r.snapshot()).toEqual([]);
  });

  it('keeps the ejection while another worker still holds it', () => {
    const { r, sent, backend } = relay();
    r.passive(1, down());
    r.passive(2, down('second opinion'));
    expect(sent).toHaveLength(1);
    r.passive(1, up);
    // Worker 1 lifted its own, worker 2 still holds it: worker 1 is told to keep avoiding it.
    expect(sent[1]).toEqual({ to: 'worker 1', change: down() });
    expect(backend?.available).toBe(false);
    r.workerGone(2);
    expect(sent[2]?.to).toBe('all but undefined');
    expect(sent[2]?.change.healthy).toBe(true);
    expect(backend?.available).toBe(true);
  });

  it('hands a new worker the active verdicts and running ejections', () => {
    const { r, backend } = relay();
    backend?.markDown('active', 'GET /health answered 503');
    expect(r.snapshot()).toEqual([
      { backend: X, source: 'active', healthy: false, reason: 'GET /health answered 503' },
    ]);
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

describe('HealthRelay after a reload', () => {
  it('forgets ejections of backends that are no longer configured', () => {
    const X = 'http://127.0.0.1:9001';
    const relay = new HealthRelay({
      backends: () => [],
      broadcast: () => {},
      sendTo: () => {},
      record: () => {},
    });
    relay.passive(1, { backend: X, source: 'passive', healthy: false, reason: 'x' });
    expect(relay.isHeld(X)).toBe(true);
    relay.retain(new Set(['http://127.0.0.1:9002']));
    expect(relay.isHeld(X)).toBe(false);
    expect(relay.snapshot()).toEqual([]);
  });
});

/**
 * Shared fixtures for the health tests: a resolved `health` config with the documented defaults,
 * real core `Backend` objects, a clock driven by vitest's fake timers, and a scripted probe.
 */
import { Backend, type HeliosConfig } from '@helios/core';
import { vi } from 'vitest';
import type { Clock } from '../src/clock.js';
import type { Probe, ProbeRequest, ProbeResult } from '../src/probe.js';

type Health = HeliosConfig['health'];

export interface HealthOverrides {
  passive?: Partial<Health['passive']>;
  active?: Partial<Health['active']>;
  slowStart?: number;
}

export function healthConfig(overrides: HealthOverrides = {}): Health {
  return {
    passive: {
      enabled: true,
      failureStatuses: [{ from: 500, to: 599 }],
      failureThreshold: 1,
      cooldown: 30_000,
      maxCooldown: 300_000,
      maxEjectedPercent: 50,
      ...overrides.passive,
    },
    active: {
      enabled: true,
      path: '/health',
      interval: 10_000,
      timeout: 2_000,
      jitter: 0.1,
      expectedStatuses: [{ from: 200, to: 399 }],
      unhealthyThreshold: 3,
      healthyThreshold: 2,
      host: undefined,
      ...overrides.active,
    },
    slowStart: overrides.slowStart ?? 0,
  };
}

/**
 * Real core backends. Their URLs are identities only: these tests fake the probe, so nothing
 * ever connects to them.
 */
export function makeBackends(count: number, firstPort = 40_001): Backend[] {
  const backends: Backend[] = [];
  for (let i = 0; i < count; i++) {
    backends.push(
      new Backend({ url: new URL(`http://127.0.0.1:${firstPort + i}`), weight: 1, index: i }),
    );
  }
  return backends;
}

export function backendConfigs(backends: readonly Backend[]): HeliosConfig['backends'] {
  return backends.map((b) => ({ url: b.url, weight: b.weight, maxConnections: 128, health: {} }));
}

/** A clock on vitest's fake timers; `random` is fixed unless a test changes it. */
export function fakeClock(
  random = 0.5,
): Clock & { random: () => number; setRandom(r: number): void } {
  let value = random;
  return {
    now: () => Date.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    random: () => value,
    setRandom(r: number) {
      value = r;
    },
  };
}

interface PendingProbe {
  request: ProbeRequest;
  signal: AbortSignal;
  resolve(result: ProbeResult): void;
}

/**
 * A probe the test answers by hand (`answer`) or automatically (`auto`). It tracks how many
 * probes are in flight at once so tests can prove they never overlap. Aborted probes settle
 * with an error, as the HTTP probe does.
 */
export class ScriptedProbe {
  readonly calls: ProbeRequest[] = [];
  readonly pending: PendingProbe[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** When set, every probe answers this at once (asynchronously). */
  auto: ProbeResult | undefined;

  readonly probe: Probe = (request, signal) => {
    this.calls.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<ProbeResult>((resolve) => {
      const done = (result: ProbeResult): void => {
        const index = this.pending.indexOf(entry);
        if (index < 0) return;
        this.pending.splice(index, 1);
        this.inFlight--;
        resolve(result);
      };
      const entry: PendingProbe = { request, signal, resolve: done };
      this.pending.push(entry);
      signal.addEventListener('abort', () => done({ status: 0, error: 'aborted' }), { once: true });
      if (this.auto !== undefined) {
        const result = this.auto;
        queueMicrotask(() => done(result));
      }
    });
  };

  /** Answer the oldest pending probe (for one backend when `origin` is given). */
  answer(result: ProbeResult, origin?: string): void {
    const entry = this.pending.find((p) => origin === undefined || p.request.url.origin === origin);
    if (entry === undefined) throw new Error(`no pending probe${origin ? ` for ${origin}` : ''}`);
    entry.resolve(result);
  }

  callsFor(origin: string): number {
    return this.calls.filter((c) => c.url.origin === origin).length;
  }
}

export const pass: ProbeResult = { status: 200, error: undefined };
export const fail503: ProbeResult = { status: 503, error: undefined };
export const refused: ProbeResult = { status: 0, error: 'ECONNREFUSED: connect ECONNREFUSED' };

/** Let promise callbacks run without moving fake time. */
export async function flush(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
}

/**
 * Shared fixtures for the health tests: a resolved `health` config from core's own schema, real
 * core `Backend` objects, a clock driven by vitest's fake timers, a scripted probe, and the
 * per-test life of a checker on fake time.
 */
import {
  Backend,
  type BackendConfig,
  type HeliosConfig,
  type Logger,
  resolveConfig,
} from '@helios/core';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { createHealthChecker, type HealthChecker } from '../src/checker.js';
import type { Clock } from '../src/clock.js';
import type { Probe, ProbeRequest, ProbeResult } from '../src/probe.js';
import type { HealthTransition } from '../src/transition.js';

type Health = HeliosConfig['health'];

export interface HealthOverrides {
  passive?: Partial<Health['passive']>;
  active?: Partial<Health['active']>;
  slowStart?: number;
}

/**
 * The schema's health defaults (both checks on, slow start off), except that one failure ejects
 * (the state machines are shown one failure at a time; the default of 5 is in core's
 * config-defaults test), then `overrides` (resolved: ms).
 */
export function healthConfig(overrides: HealthOverrides = {}): Health {
  const { health } = resolveConfig({ port: 0, backends: ['http://127.0.0.1:1'] }, 'healthConfig');
  return {
    passive: { ...health.passive, failureThreshold: 1, ...overrides.passive },
    active: { ...health.active, ...overrides.active },
    slowStart: overrides.slowStart ?? health.slowStart,
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

export function backendConfigs(backends: readonly Backend[]): BackendConfig[] {
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

export interface CheckerSetup {
  /** How many backends (default 3). */
  count?: number;
  health?: HealthOverrides;
  logger?: Logger;
  /** Give the checker the scripted probe (default); false leaves it its own HTTP prober. */
  scripted?: boolean;
  /** Answer every probe with this from the first one on. */
  auto?: ProbeResult;
  /** Per-backend `health` overrides, by index (default: none). */
  backendHealth?: readonly BackendConfig['health'][];
  /** Hand the backends to the checker at once (default true). */
  update?: boolean;
}

export interface CheckerRig {
  backends: Backend[];
  probe: ScriptedProbe;
  clock: ReturnType<typeof fakeClock>;
  events: HealthTransition[];
  checker: HealthChecker;
}

/**
 * Puts each test of the calling file on fake timers and, after it, closes the checker it made
 * and asserts the checker left no timer behind. Returns the function that makes that checker.
 */
export function useCheckerOnFakeTime(): (setup?: CheckerSetup) => CheckerRig {
  let current: HealthChecker | undefined;
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
    expect(vi.getTimerCount()).toBe(0);
    vi.useRealTimers();
  });
  return (setup = {}) => {
    const backends = makeBackends(setup.count ?? 3);
    const probe = new ScriptedProbe();
    const clock = fakeClock();
    const events: HealthTransition[] = [];
    const checker = createHealthChecker({
      health: healthConfig(setup.health),
      backends: backendConfigs(backends).map((config, i) => ({
        ...config,
        health: setup.backendHealth?.[i] ?? config.health,
      })),
      clock,
      probe: setup.scripted === false ? undefined : probe.probe,
      logger: setup.logger,
    });
    current = checker;
    checker.on('transition', (e) => events.push(e));
    probe.auto = setup.auto;
    if (setup.update !== false) checker.update(backends);
    return { backends, probe, clock, events, checker };
  };
}

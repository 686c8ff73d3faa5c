/**
 * End-to-end fixture: Helios (core's createProxy) in front of a test-backends fleet, with the
 * health checker under test, a minimal round-robin strategy that records which backend every
 * attempt went to, and a bounded steady-load client.
 */
import {
  type BackendView,
  createProxy,
  type FailureKind,
  type HealthHooks,
  type HealthTarget,
  type HeliosConfig,
  type HeliosProxy,
  resolveConfig,
  type Strategy,
} from '@helios/core';
import { type Fleet, startBackends } from '@helios/test-backends';
import { Agent, request } from 'undici';
import { afterEach } from 'vitest';
import { createHealthChecker, type HealthChecker } from '../src/checker.js';
import { type HealthOverrides, healthConfig } from './helpers.js';

/** One upstream attempt as the strategy saw it start. */
export interface Attempt {
  backend: string;
  at: number;
}

/**
 * Round robin over available backends, honouring `exclude` (the retry rule). Kept in the test so
 * the health e2e does not depend on @helios/strategies; it records every attempt's start.
 */
export class RecordingRoundRobin implements Strategy {
  readonly name = 'round-robin';
  readonly attempts: Attempt[] = [];
  #backends: readonly BackendView[] = [];
  #next = 0;

  update(backends: readonly BackendView[]): void {
    this.#backends = backends;
  }

  pick(_request: unknown, exclude?: BackendView): BackendView | undefined {
    const n = this.#backends.length;
    let fallback: BackendView | undefined;
    for (let i = 0; i < n; i++) {
      const backend = this.#backends[(this.#next + i) % n];
      if (backend === undefined || !backend.available) continue;
      if (backend === exclude) {
        fallback = backend;
        continue;
      }
      this.#next = (this.#next + i + 1) % n;
      return backend;
    }
    return fallback;
  }

  onRequestStart(backend: BackendView): void {
    this.attempts.push({ backend: backend.id, at: performance.now() });
  }
}

/** Passes every hook call through and records the passive verdicts' inputs. */
export class ObservedHooks implements HealthHooks {
  readonly ends: {
    backend: string;
    status: number;
    failure: FailureKind | undefined;
    at: number;
  }[] = [];
  readonly #inner: HealthChecker;

  constructor(inner: HealthChecker) {
    this.#inner = inner;
  }

  update(backends: readonly HealthTarget[]): void {
    this.#inner.update(backends);
  }

  onRequestEnd(backend: HealthTarget, status: number, failure: FailureKind | undefined): void {
    this.ends.push({ backend: backend.id, status, failure, at: performance.now() });
    this.#inner.onRequestEnd(backend, status, failure);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/**
 * Core's schema resolves the config; only what these tests need differs from its defaults:
 * loopback on an ephemeral port, short timeouts, a retry budget that never runs dry under the
 * steady load, silent logs. `health` is in resolved form (ms) and applies over the defaults.
 */
export function proxyConfig(
  urls: readonly string[],
  health: HealthOverrides,
  retries = 1,
): HeliosConfig {
  const config = resolveConfig(
    {
      port: 0,
      host: '127.0.0.1',
      backends: urls.map((url) => ({ url, maxConnections: 16 })),
      timeouts: {
        connect: 1_000,
        response: 5_000,
        upstreamIdle: 5_000,
        clientHeader: 5_000,
        drain: 1_000,
      },
      retries,
      retryBudget: { minPerSecond: 100 },
      logging: { level: 'silent', format: 'json' },
    },
    'proxyConfig',
  );
  return { ...config, health: healthConfig(health) };
}

export interface Helios {
  proxy: HeliosProxy;
  checker: HealthChecker;
  hooks: ObservedHooks;
  strategy: RecordingRoundRobin;
  url: string;
  close(): Promise<void>;
}

export interface HeliosOptions {
  retries?: number;
  /** Backends Helios starts with (default: the whole fleet). */
  urls?: readonly string[];
}

/** Helios in front of `urls` (default: the whole fleet). */
export async function startHelios(
  fleet: Fleet,
  health: HealthOverrides,
  options: HeliosOptions = {},
): Promise<Helios> {
  const config = proxyConfig(options.urls ?? fleet.urls, health, options.retries ?? 1);
  const checker = createHealthChecker({ health: config.health, backends: config.backends ?? [] });
  const hooks = new ObservedHooks(checker);
  const strategy = new RecordingRoundRobin();
  const proxy = createProxy({ config, strategy, health: hooks });
  const { port } = await proxy.listen();
  return {
    proxy,
    checker,
    hooks,
    strategy,
    url: `http://127.0.0.1:${port}`,
    close: () => proxy.close(),
  };
}

/**
 * The per-test life of an end-to-end file: what a test starts through these is stopped after
 * it, load first, then Helios, then the fleet, so nothing is torn down under live traffic.
 */
export function useEndToEnd(): {
  fleet(count: number): Promise<Fleet>;
  helios(fleet: Fleet, health: HealthOverrides, options?: HeliosOptions): Promise<Helios>;
  load(url: string, options: LoadOptions): SteadyLoad;
} {
  let fleet: Fleet | undefined;
  let helios: Helios | undefined;
  let load: SteadyLoad | undefined;
  afterEach(async () => {
    await load?.stop();
    await helios?.close();
    await fleet?.close();
    load = undefined;
    helios = undefined;
    fleet = undefined;
  });
  return {
    async fleet(count) {
      fleet = await startBackends({ count });
      return fleet;
    },
    async helios(of, health, options) {
      helios = await startHelios(of, health, options);
      return helios;
    },
    load(url, options) {
      load = new SteadyLoad(url, options);
      return load;
    },
  };
}

export interface Reply {
  status: number;
  backend: string | undefined;
  at: number;
}

export interface LoadOptions {
  concurrency: number;
  maxRequests: number;
  gapMs: number;
}

/**
 * Steady load: `concurrency` clients each sending a GET every `gapMs` (after the previous answer)
 * until `stop()` or until `maxRequests` in total have been sent (a bound, so a broken proxy
 * cannot run a test forever).
 */
export class SteadyLoad {
  readonly replies: Reply[] = [];
  readonly #agent: Agent;
  readonly #workers: Promise<void>[] = [];
  #stopped = false;
  #stopping: Promise<void> | undefined;
  #sent = 0;

  constructor(url: string, options: LoadOptions) {
    this.#agent = new Agent({ connections: options.concurrency });
    for (let i = 0; i < options.concurrency; i++) {
      this.#workers.push(this.#run(url, options.maxRequests, options.gapMs));
    }
  }

  get sent(): number {
    return this.#sent;
  }

  failures(since = 0): Reply[] {
    return this.replies.filter((r) => r.at >= since && r.status !== 200);
  }

  stop(): Promise<void> {
    if (this.#stopping === undefined) {
      this.#stopped = true;
      this.#stopping = Promise.all(this.#workers).then(() => this.#agent.close());
    }
    return this.#stopping;
  }

  async #run(url: string, maxRequests: number, gapMs: number): Promise<void> {
    while (!this.#stopped && this.#sent < maxRequests) {
      this.#sent++;
      try {
        const res = await request(`${url}/`, { dispatcher: this.#agent });
        await res.body.text();
        const backend = res.headers['x-backend'];
        this.replies.push({
          status: res.statusCode,
          backend: typeof backend === 'string' ? backend : undefined,
          at: performance.now(),
        });
      } catch {
        this.replies.push({ status: 0, backend: undefined, at: performance.now() });
      }
      await new Promise((resolve) => setTimeout(resolve, gapMs));
    }
  }
}

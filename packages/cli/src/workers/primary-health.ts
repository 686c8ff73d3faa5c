/**
 * The one health view of a cluster, kept by the primary. Each pool has its own checker here:
 * it runs the pool's active probes (once, not once per worker) and its passive detector, which
 * is fed with the request outcomes of every worker (outcome-batch.ts): `failureThreshold` counts
 * consecutive failures across all workers and `maxEjectedPercent` caps ejections across all
 * workers, exactly as in one process. Every verdict is logged once, here, and relayed to every
 * worker; a worker that starts later gets the verdicts in force before it serves. Backends are
 * named across processes by their key (`<pool> <origin>`).
 *
 * The backend objects here are the primary's own (no traffic goes through them); they carry the
 * global health and in-flight figures the admin server shows.
 */
import {
  type Backend,
  type FailureKind,
  type HeliosConfig,
  type Logger,
  type PoolConfig,
  upstreamTransport,
} from '@helios/core';
import { createHealthChecker, type HealthChecker, type HealthTransition } from '@helios/health';
import type { PoolTransition } from '../pool-health.js';
import type { OutcomeRun } from './messages.js';
import { primaryBackends } from './primary-backends.js';

export interface PrimaryHealthTargets {
  /** Send to every worker. */
  broadcast(change: HealthTransition): void;
  /** Tell the admin server (transition log, ejection counter). */
  record(transition: PoolTransition): void;
}

interface DownReasons {
  active?: string;
  passive?: string;
}

interface PoolState {
  checker: HealthChecker;
  config: PoolConfig;
}

export class PrimaryHealth {
  readonly #logger: Logger;
  readonly #targets: PrimaryHealthTargets;
  readonly #pools = new Map<string, PoolState>();
  #backends: Backend[] = [];
  #byKey = new Map<string, Backend>();
  /** Why each backend is held down, by source (what a new worker must apply first). */
  readonly #down = new Map<string, DownReasons>();

  constructor(config: HeliosConfig, logger: Logger, targets: PrimaryHealthTargets) {
    this.#logger = logger;
    this.#targets = targets;
    this.configure(config);
  }

  /** The primary's backend objects (global health and in-flight), for the admin server. */
  get backends(): readonly Backend[] {
    return this.#backends;
  }

  /** A new generation: new backend set (state kept by key), new pools and health settings. */
  configure(config: HeliosConfig): void {
    this.#backends = primaryBackends(config, this.#backends);
    this.#byKey = new Map(this.#backends.map((b) => [b.key, b]));
    for (const key of this.#down.keys()) if (!this.#byKey.has(key)) this.#down.delete(key);
    for (const [name, state] of this.#pools) {
      if (config.pools[name] !== undefined) continue;
      void state.checker.close();
      this.#pools.delete(name);
    }
    for (const pool of Object.values(config.pools)) {
      const members = this.#backends.filter((b) => b.pool === pool.name);
      let state = this.#pools.get(pool.name);
      if (state === undefined) {
        state = { checker: this.#newChecker(pool), config: pool };
        this.#pools.set(pool.name, state);
      } else {
        state.checker.configure(pool.health, pool.backends);
        // Probes dial https:// backends as the workers do: new TLS settings, new agent.
        const transport = upstreamTransport(pool);
        if (transport.fingerprint !== upstreamTransport(state.config).fingerprint) {
          state.checker.configureTransport(transport);
        }
        state.config = pool;
      }
      state.checker.update(members);
    }
  }

  /**
   * A worker's outcomes, replayed in the order it saw them. A run of identical outcomes needs
   * at most `failureThreshold` replays: successes after the first change nothing, and failures
   * past the threshold have ejected the backend (or been refused by the cap) already.
   */
  outcomes(runs: readonly OutcomeRun[]): void {
    for (const [key, status, kind, count] of runs) {
      const backend = this.#byKey.get(key);
      const state = backend === undefined ? undefined : this.#pools.get(backend.pool);
      if (backend === undefined || state === undefined) continue;
      const failure = kind === '' ? undefined : (kind as FailureKind);
      const times = Math.min(count, state.config.health.passive.failureThreshold);
      for (let i = 0; i < times; i++) state.checker.onRequestEnd(backend, status, failure);
    }
  }

  /** Every verdict in force, for a worker about to start. */
  snapshot(): HealthTransition[] {
    const changes: HealthTransition[] = [];
    for (const [backend, reasons] of this.#down) {
      if (reasons.active !== undefined) {
        changes.push({ backend, source: 'active', healthy: false, reason: reasons.active });
      }
      if (reasons.passive !== undefined) {
        changes.push({ backend, source: 'passive', healthy: false, reason: reasons.passive });
      }
    }
    return changes;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((s) => s.checker.close()));
  }

  #newChecker(pool: PoolConfig): HealthChecker {
    const checker = createHealthChecker({
      health: pool.health,
      backends: pool.backends,
      logger: this.#logger,
      transport: upstreamTransport(pool),
    });
    checker.on('transition', (t) => this.#relay({ ...t, pool: pool.name }));
    return checker;
  }

  #relay(t: PoolTransition): void {
    const key = `${t.pool} ${t.backend}`;
    const reasons = this.#down.get(key) ?? {};
    if (t.healthy) delete reasons[t.source];
    else reasons[t.source] = t.reason;
    if (reasons.active === undefined && reasons.passive === undefined) this.#down.delete(key);
    else this.#down.set(key, reasons);
    // Between processes a backend is named by its key, which carries the pool.
    const change: HealthTransition = {
      backend: key,
      source: t.source,
      healthy: t.healthy,
      reason: t.reason,
    };
    if (t.downForMs !== undefined) change.downForMs = t.downForMs;
    this.#targets.broadcast(change);
    this.#targets.record(t);
  }
}

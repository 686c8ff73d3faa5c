/**
 * Health in a worker. The primary decides every health verdict once for the whole cluster: it
 * runs each pool's active probes and passive detector (fed with every worker's request
 * outcomes, see outcome-batch.ts). A worker's own checkers (one per pool, built when core asks
 * for a pool's health hooks) therefore detect nothing; they apply the changes the primary
 * relays, so slow start and the per-source down flags behave exactly as in a single process,
 * and their logger is muted meanwhile (the primary logged the change already).
 */
import type {
  BackendConfig,
  HealthConfig,
  HealthHooks,
  HealthTarget,
  PoolConfig,
} from '@helios/core';
import { createHealthChecker, type HealthChecker, type HealthTransition } from '@helios/health';
import type { CliLogger } from '../logger.js';
import { MutedLogger } from './muted-logger.js';
import type { OutcomeBatch } from './outcome-batch.js';

/** The health section a worker runs: both detectors off, slow start as configured. */
export function workerHealthConfig(health: HealthConfig): HealthConfig {
  return {
    ...health,
    active: { ...health.active, enabled: false },
    passive: { ...health.passive, enabled: false },
  };
}

export class WorkerHealth {
  readonly #logger: MutedLogger;
  readonly #backends: () => readonly HealthTarget[];
  readonly #outcomes: OutcomeBatch;
  readonly #checkers = new Map<string, HealthChecker>();

  constructor(logger: CliLogger, backends: () => readonly HealthTarget[], outcomes: OutcomeBatch) {
    this.#logger = new MutedLogger(logger);
    this.#backends = backends;
    this.#outcomes = outcomes;
  }

  /** Core's `createHealth`: the hooks of one pool. */
  readonly forPool = (pool: PoolConfig): HealthHooks => {
    const checker = createHealthChecker({
      health: workerHealthConfig(pool.health),
      backends: pool.backends,
      logger: this.#logger,
    });
    this.#checkers.set(pool.name, checker);
    const outcomes = this.#outcomes;
    let passive = pool.health.passive.enabled;
    return {
      update: (targets) => checker.update(targets),
      configure: (health: HealthConfig, backends: readonly BackendConfig[]) => {
        checker.configure(workerHealthConfig(health), backends);
        passive = health.passive.enabled;
      },
      // Outcomes go to the primary only where its passive detector would read them.
      onRequestEnd: (target, status, failure) => {
        if (passive) outcomes.record(target, status, failure);
      },
      close: () => {
        this.#checkers.delete(pool.name);
        return checker.close();
      },
    };
  };

  /** A verdict of the primary (its probes, or its passive detector). */
  apply(change: HealthTransition): void {
    const target = this.#backends().find((b) => b.key === change.backend);
    const checker = target === undefined ? undefined : this.#checkers.get(target.pool);
    if (target === undefined || checker === undefined) return;
    if (change.healthy === !target.isDown(change.source)) return;
    this.#logger.muted = true;
    try {
      checker.apply(target, change.source, change.healthy, change.reason, change.downForMs);
    } finally {
      this.#logger.muted = false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#checkers.values()].map((c) => c.close()));
  }
}

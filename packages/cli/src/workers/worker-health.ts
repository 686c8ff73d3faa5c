/**
 * Health in a worker. The primary decides every health verdict once for the whole cluster: it
 * runs the active probes and the passive detector (fed with every worker's request outcomes,
 * see outcome-batch.ts). The worker's own checker therefore detects nothing; it applies the
 * changes the primary relays, so slow start and the per-source down flags behave exactly as in
 * a single process, and its logger is muted meanwhile (the primary logged the change already).
 */
import type { HealthHooks, HealthTarget, HeliosConfig } from '@helios/core';
import { createHealthChecker, type HealthChecker, type HealthTransition } from '@helios/health';
import type { CliLogger } from '../logger.js';
import { MutedLogger } from './muted-logger.js';
import type { OutcomeBatch } from './outcome-batch.js';

/** The health section a worker runs: both detectors off, slow start as configured. */
export function workerHealthConfig(health: HeliosConfig['health']): HeliosConfig['health'] {
  return {
    ...health,
    active: { ...health.active, enabled: false },
    passive: { ...health.passive, enabled: false },
  };
}

export class WorkerHealth {
  readonly checker: HealthChecker;
  /** What the proxy calls: backend set changes, and each request's outcome for the primary. */
  readonly hooks: HealthHooks;
  readonly #logger: MutedLogger;
  readonly #backends: () => readonly HealthTarget[];
  readonly #outcomes: OutcomeBatch;

  constructor(
    config: HeliosConfig,
    logger: CliLogger,
    backends: () => readonly HealthTarget[],
    outcomes: OutcomeBatch,
  ) {
    this.#logger = new MutedLogger(logger);
    this.#backends = backends;
    this.#outcomes = outcomes;
    this.checker = createHealthChecker({
      health: workerHealthConfig(config.health),
      backends: config.backends,
      logger: this.#logger,
    });
    const checker = this.checker;
    this.hooks = {
      update: (targets) => checker.update(targets),
      onRequestEnd: outcomes.record,
      close: () => checker.close(),
    };
    outcomes.enabled = config.health.passive.enabled;
  }

  configure(config: HeliosConfig): void {
    this.checker.configure(workerHealthConfig(config.health), config.backends);
    this.#outcomes.enabled = config.health.passive.enabled;
  }

  /** A verdict of the primary (its probes, or its passive detector). */
  apply(change: HealthTransition): void {
    const target = this.#backends().find((b) => b.id === change.backend);
    if (target === undefined) return;
    if (change.healthy === !target.isDown(change.source)) return;
    this.#logger.muted = true;
    try {
      this.checker.apply(target, change.source, change.healthy, change.reason, change.downForMs);
    } finally {
      this.#logger.muted = false;
    }
  }

  close(): Promise<void> {
    return this.checker.close();
  }
}

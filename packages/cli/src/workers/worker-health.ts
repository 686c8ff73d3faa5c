/**
 * Health in a worker. The worker's own checker runs passive detection only (the primary probes
 * once for everyone). Its passive ejections are reported to the primary; changes relayed by
 * the primary (active results, other workers' ejections) are applied through the same checker,
 * so slow start and the per-source down flags behave exactly as in a single process.
 */
import type { HealthTarget, HeliosConfig } from '@helios/core';
import { createHealthChecker, type HealthChecker } from '@helios/health';
import type { HealthTransition } from '../admin/index.js';
import type { CliLogger } from '../logger.js';
import type { HealthChange } from './messages.js';
import { MutedLogger } from './muted-logger.js';

/** The health section a worker runs: passive on (if configured), active off. */
export function workerHealthConfig(health: HeliosConfig['health']): HeliosConfig['health'] {
  return { ...health, active: { ...health.active, enabled: false } };
}

export class WorkerHealth {
  readonly checker: HealthChecker;
  readonly #logger: MutedLogger;
  readonly #backends: () => readonly HealthTarget[];
  /** Set while applying a relayed change, so it is not reported back. */
  #relaying = false;

  constructor(
    config: HeliosConfig,
    logger: CliLogger,
    backends: () => readonly HealthTarget[],
    report: (change: HealthChange) => void,
  ) {
    this.#logger = new MutedLogger(logger);
    this.#backends = backends;
    this.checker = createHealthChecker({
      health: workerHealthConfig(config.health),
      backends: config.backends,
      logger: this.#logger,
    });
    this.checker.on('transition', (t: HealthTransition) => {
      if (this.#relaying || t.source !== 'passive') return;
      report({
        backend: t.backend,
        source: t.source,
        healthy: t.healthy,
        reason: t.reason,
        downForMs: t.downForMs,
      });
    });
  }

  configure(config: HeliosConfig): void {
    this.checker.configure(workerHealthConfig(config.health), config.backends);
  }

  /** A change seen elsewhere (the primary's probes, another worker's ejection). */
  apply(change: HealthChange): void {
    const target = this.#backends().find((b) => b.id === change.backend);
    if (target === undefined) return;
    // This worker's own ejection outlives another worker's: its detector will lift it.
    if (change.healthy && change.source === 'passive' && this.checker.isEjected(target.id)) return;
    if (change.healthy === !target.isDown(change.source)) return;
    this.#relaying = true;
    this.#logger.muted = true;
    try {
      this.checker.apply(target, change.source, change.healthy, change.reason, change.downForMs);
    } finally {
      this.#logger.muted = false;
      this.#relaying = false;
    }
  }

  close(): Promise<void> {
    return this.checker.close();
  }
}

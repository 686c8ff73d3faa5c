/**
 * The one health view of a cluster, kept by the primary. Its checker runs the active probes
 * (once, not once per worker) and the passive detector, which is fed with the request outcomes
 * of every worker (outcome-batch.ts): `failureThreshold` counts consecutive failures across all
 * workers and `maxEjectedPercent` caps ejections across all workers, exactly as in one process.
 * Every verdict is logged once, here, and relayed to every worker; a worker that starts later
 * gets the verdicts in force before it serves.
 *
 * The backend objects here are the primary's own (no traffic goes through them); they carry the
 * global health and in-flight figures the admin server shows.
 */
import type { Backend, FailureKind, HeliosConfig, Logger } from '@helios/core';
import { createHealthChecker, type HealthChecker, type HealthTransition } from '@helios/health';
import type { OutcomeRun } from './messages.js';
import { primaryBackends } from './primary-backends.js';

export interface PrimaryHealthTargets {
  /** Send to every worker. */
  broadcast(change: HealthTransition): void;
  /** Tell the admin server (transition log, ejection counter). */
  record(transition: HealthTransition): void;
}

interface DownReasons {
  active?: string;
  passive?: string;
}

export class PrimaryHealth {
  readonly #checker: HealthChecker;
  readonly #targets: PrimaryHealthTargets;
  #backends: Backend[];
  #byId = new Map<string, Backend>();
  #failureThreshold: number;
  /** Why each backend is held down, by source (what a new worker must apply first). */
  readonly #down = new Map<string, DownReasons>();

  constructor(config: HeliosConfig, logger: Logger, targets: PrimaryHealthTargets) {
    this.#targets = targets;
    this.#backends = primaryBackends(config);
    this.#failureThreshold = config.health.passive.failureThreshold;
    this.#checker = createHealthChecker({
      health: config.health,
      backends: config.backends,
      logger,
    });
    this.#checker.on('transition', (t: HealthTransition) => this.#relay(t));
    this.#index();
    this.#checker.update(this.#backends);
  }

  /** The primary's backend objects (global health and in-flight), for the admin server. */
  get backends(): readonly Backend[] {
    return this.#backends;
  }

  /** A new generation: new backend set (state kept by id), new health settings. */
  configure(config: HeliosConfig): void {
    this.#backends = primaryBackends(config, this.#backends);
    this.#index();
    for (const id of this.#down.keys()) if (!this.#byId.has(id)) this.#down.delete(id);
    this.#failureThreshold = config.health.passive.failureThreshold;
    this.#checker.configure(config.health, config.backends);
    this.#checker.update(this.#backends);
  }

  /**
   * A worker's outcomes, replayed in the order it saw them. A run of identical outcomes needs
   * at most `failureThreshold` replays: successes after the first change nothing, and failures
   * past the threshold have ejected the backend (or been refused by the cap) already.
   */
  outcomes(runs: readonly OutcomeRun[]): void {
    for (const [id, status, kind, count] of runs) {
      const backend = this.#byId.get(id);
      if (backend === undefined) continue;
      const failure = kind === '' ? undefined : (kind as FailureKind);
      const times = Math.min(count, this.#failureThreshold);
      for (let i = 0; i < times; i++) this.#checker.onRequestEnd(backend, status, failure);
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

  close(): Promise<void> {
    return this.#checker.close();
  }

  #index(): void {
    this.#byId = new Map(this.#backends.map((b) => [b.id, b]));
  }

  #relay(t: HealthTransition): void {
    const reasons = this.#down.get(t.backend) ?? {};
    if (t.healthy) delete reasons[t.source];
    else reasons[t.source] = t.reason;
    if (reasons.active === undefined && reasons.passive === undefined) this.#down.delete(t.backend);
    else this.#down.set(t.backend, reasons);
    this.#targets.broadcast(t);
    this.#targets.record(t);
  }
}

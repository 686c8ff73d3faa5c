/**
 * The worker side of cluster-wide passive health: every finished upstream request's outcome
 * (status, failure kind) goes to the primary, which runs the one passive detector for all
 * workers, so `failureThreshold` counts consecutive failures across workers and
 * `maxEjectedPercent` caps ejections across workers.
 *
 * Outcomes are batched per window (like in-flight counts) as runs of identical outcomes per
 * backend, in the order they finished: steady traffic costs one short run per backend per
 * window, and the primary replays the exact sequence each backend saw. Recording allocates only
 * when a backend's outcome differs from its previous one in the window.
 */
import type { FailureKind, HealthTarget } from '@helios/core';
import { Coalescer } from './coalescer.js';
import type { OutcomeRun } from './messages.js';

export class OutcomeBatch {
  readonly #send: (runs: OutcomeRun[]) => void;
  readonly #coalescer: Coalescer;
  #runs: OutcomeRun[] = [];
  /** The last run of each backend in this batch. */
  readonly #last = new Map<HealthTarget, OutcomeRun>();
  /** Off while the config has passive health off: nothing would read the outcomes. */
  enabled = true;

  constructor(send: (runs: OutcomeRun[]) => void, windowMs: number) {
    this.#send = send;
    this.#coalescer = new Coalescer(windowMs, () => this.flush());
  }

  /** Hot path (core's `onRequestEnd` health hook): one finished upstream request. */
  readonly record = (
    target: HealthTarget,
    status: number,
    failure: FailureKind | undefined,
  ): void => {
    if (!this.enabled) return;
    const kind = failure ?? '';
    const last = this.#last.get(target);
    if (last !== undefined && last[1] === status && last[2] === kind) {
      last[3]++;
    } else {
      const run: OutcomeRun = [target.key, status, kind, 1];
      this.#runs.push(run);
      this.#last.set(target, run);
    }
    this.#coalescer.changed();
  };

  /** Send what was recorded since the last flush. */
  flush(): void {
    if (this.#runs.length === 0) return;
    const runs = this.#runs;
    this.#runs = [];
    this.#last.clear();
    this.#send(runs);
  }

  close(): void {
    this.#coalescer.cancel();
    this.flush();
  }
}

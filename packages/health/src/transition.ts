/**
 * The vocabulary shared by the checkers: the `transition` event the CLI reads (metrics, status),
 * and the sink through which a state machine asks the checker to take a backend out or back.
 */
import type { HealthSource, HealthTarget } from '@helios/core';

export interface HealthTransition {
  /** The backend's id (its origin, e.g. `http://127.0.0.1:9001`). */
  backend: string;
  source: HealthSource;
  /** The new state as this source sees it; the backend serves only when no source holds it down. */
  healthy: boolean;
  reason: string;
  /** On the way back up: how long this source held the backend down. */
  downForMs?: number;
}

export interface TransitionSink {
  down(target: HealthTarget, source: HealthSource, reason: string): void;
  up(
    target: HealthTarget,
    source: HealthSource,
    reason: string,
    downForMs: number | undefined,
  ): void;
}

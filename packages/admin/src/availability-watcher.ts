/**
 * Without a health checker to listen to (embedding applications, tests that mark backends down
 * by hand), health changes are found by comparing each backend's `available` flag once a
 * second. A change is reported as a transition with the backend's own down reason and pool.
 */
import type { AdminBackend, HealthTransition } from './types.js';

export class AvailabilityWatcher {
  readonly #known = new Map<string, boolean>();
  readonly #backends: () => readonly AdminBackend[];
  readonly #report: (transition: HealthTransition) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    backends: () => readonly AdminBackend[],
    report: (transition: HealthTransition) => void,
  ) {
    this.#backends = backends;
    this.#report = report;
  }

  start(intervalMs: number): void {
    this.check();
    this.#timer = setInterval(() => this.check(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Compare every backend with what was seen last time and report the differences. */
  check(): void {
    for (const backend of this.#backends()) {
      const key = `${backend.pool}\n${backend.id}`;
      const was = this.#known.get(key);
      const now = backend.available;
      this.#known.set(key, now);
      if (was === undefined || was === now) continue;
      const passive = backend.isDown?.('passive') === true && backend.isDown('active') !== true;
      this.#report({
        backend: backend.id,
        pool: backend.pool,
        source: passive ? 'passive' : 'active',
        healthy: now,
        reason: now ? 'available again' : (backend.downReason ?? 'marked down'),
      });
    }
  }
}

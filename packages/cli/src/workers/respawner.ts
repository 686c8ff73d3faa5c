/**
 * Replaces dead workers on the crash back-off's schedule: at once for a first crash, later
 * and later for a worker that keeps dying. Pending replacements are dropped on shutdown.
 */
import type { CrashBackoff } from './crash-backoff.js';

export class Respawner {
  readonly #backoff: CrashBackoff;
  readonly #spawn: (slot: number) => void;
  readonly #pending = new Map<number, NodeJS.Timeout>();

  constructor(backoff: CrashBackoff, spawn: (slot: number) => void) {
    this.#backoff = backoff;
    this.#spawn = spawn;
  }

  /** The worker in `slot` died after `uptimeMs`; returns the delay before its replacement. */
  crashed(slot: number, uptimeMs: number): number {
    const delay = this.#backoff.delayAfterCrash(slot, uptimeMs);
    clearTimeout(this.#pending.get(slot));
    const timer = setTimeout(() => {
      this.#pending.delete(slot);
      this.#spawn(slot);
    }, delay);
    this.#pending.set(slot, timer);
    return delay;
  }

  /** Replacements scheduled and not yet started. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Shutdown: no more replacements. */
  cancelAll(): void {
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
  }
}

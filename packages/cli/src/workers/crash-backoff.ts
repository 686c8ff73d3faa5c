/**
 * When to replace a worker that died. The first crash is answered at once; a worker that dies
 * again soon after being replaced waits longer each time (initial × 2^(n-1), capped), so a
 * crash loop (bad backend input, a bug hit on every start) cannot burn the CPU forking. A worker
 * that ran for `stableMs` counts as healthy again and resets its slot's streak.
 */

export interface CrashBackoffOptions {
  /** Delay before the second replacement in a row (ms). */
  initialMs?: number;
  /** Longest delay between replacements (ms). */
  maxMs?: number;
  /** A worker that lived this long ends the crash streak (ms). */
  stableMs?: number;
}

export class CrashBackoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #stableMs: number;
  /** Crashes in a row, by worker slot. */
  readonly #streaks = new Map<number, number>();

  constructor(options: CrashBackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 100;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#stableMs = options.stableMs ?? 10_000;
  }

  /** The worker in `slot` died after `uptimeMs`: how long to wait before replacing it. */
  delayAfterCrash(slot: number, uptimeMs: number): number {
    const streak = uptimeMs >= this.#stableMs ? 0 : (this.#streaks.get(slot) ?? 0);
    this.#streaks.set(slot, streak + 1);
    if (streak === 0) return 0;
    return Math.min(this.#initialMs * 2 ** Math.min(streak - 1, 30), this.#maxMs);
  }

  /** Crashes in a row of the worker in `slot` (0 after a stable run). */
  streak(slot: number): number {
    return this.#streaks.get(slot) ?? 0;
  }
}

/**
 * Retry budget (the Envoy/Finagle idea): retries may add at most `percent` of the requests seen
 * in the last ten seconds, plus a floor of `minPerSecond` so that a quiet proxy can still retry.
 * During an outage this keeps retries from multiplying the load on the backends that are left.
 * Ten one-second buckets in two small typed arrays: recording is a few integer operations, and
 * the current second comes from a coarse shared clock rather than a clock call per request.
 */
import { coarseSeconds } from './coarse-clock.js';

const BUCKETS = 10;

export interface RetryBudgetOptions {
  percent: number;
  minPerSecond: number;
}

export class RetryBudget {
  #percent: number;
  #floor: number;
  readonly #requests = new Uint32Array(BUCKETS);
  readonly #retries = new Uint32Array(BUCKETS);
  readonly #epochs = new Float64Array(BUCKETS);
  readonly #seconds: () => number;
  /** The second and slot of the last call: most requests land in the same second as the last. */
  #epoch = -1;
  #slot = 0;

  /** `now` (ms, like `Date.now`) is for tests; by default the coarse shared clock is read. */
  constructor(options: RetryBudgetOptions, now?: () => number) {
    this.#percent = options.percent;
    this.#floor = options.minPerSecond * BUCKETS;
    this.#seconds = now === undefined ? coarseSeconds : () => Math.floor(now() / 1000);
  }

  /** New limits on reload; the counts carry over. */
  configure(options: RetryBudgetOptions): void {
    this.#percent = options.percent;
    this.#floor = options.minPerSecond * BUCKETS;
  }

  /** Count one client request. */
  recordRequest(): void {
    const slot = this.#bucket();
    this.#requests[slot] = (this.#requests[slot] as number) + 1;
  }

  /** Take one retry from the budget; false when it is spent. */
  tryAcquire(): boolean {
    const slot = this.#bucket();
    let requests = 0;
    let retries = 0;
    const oldest = this.#epoch - BUCKETS + 1;
    for (let i = 0; i < BUCKETS; i++) {
      if ((this.#epochs[i] as number) < oldest) continue;
      requests += this.#requests[i] as number;
      retries += this.#retries[i] as number;
    }
    const allowed = Math.max(this.#floor, (requests * this.#percent) / 100);
    if (retries + 1 > allowed) return false;
    this.#retries[slot] = (this.#retries[slot] as number) + 1;
    return true;
  }

  #bucket(): number {
    const epoch = this.#seconds();
    if (epoch === this.#epoch) return this.#slot;
    const slot = epoch % BUCKETS;
    this.#epoch = epoch;
    this.#slot = slot;
    if (this.#epochs[slot] !== epoch) {
      this.#epochs[slot] = epoch;
      this.#requests[slot] = 0;
      this.#retries[slot] = 0;
    }
    return slot;
  }
}

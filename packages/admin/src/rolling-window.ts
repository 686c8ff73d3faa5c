/**
 * The last minute of one backend's traffic, for the status API and the dashboard: a ring of
 * per-second slots, each with a request count, a failure count and a fixed latency histogram.
 * Recording touches three typed-array cells; a slot is cleared lazily when a new second first
 * writes to it, so an idle backend costs nothing.
 */
import { LATENCY_BUCKETS, latencyBucket, quantileMs } from './latency-buckets.js';

export const WINDOW_SECONDS = 60;

export interface WindowSummary {
  /** Requests finished in the window. */
  requests: number;
  failures: number;
  /** Latency histogram of the whole window (LATENCY_BUCKETS counters). */
  latency: Uint32Array;
  /** Requests finished in each second, oldest first (WINDOW_SECONDS entries). */
  perSecond: number[];
  /** p99 latency of each second in ms, null for seconds without requests. */
  p99PerSecond: (number | null)[];
}

export class RollingWindow {
  readonly #seconds = new Float64Array(WINDOW_SECONDS).fill(-1);
  readonly #requests = new Uint32Array(WINDOW_SECONDS);
  readonly #failures = new Uint32Array(WINDOW_SECONDS);
  readonly #latency = new Uint32Array(WINDOW_SECONDS * LATENCY_BUCKETS);

  record(second: number, latencyMs: number, failed: boolean): void {
    const slot = second % WINDOW_SECONDS;
    if (this.#seconds[slot] !== second) {
      this.#seconds[slot] = second;
      this.#requests[slot] = 0;
      this.#failures[slot] = 0;
      this.#latency.fill(0, slot * LATENCY_BUCKETS, (slot + 1) * LATENCY_BUCKETS);
    }
    this.#requests[slot] = (this.#requests[slot] ?? 0) + 1;
    if (failed) this.#failures[slot] = (this.#failures[slot] ?? 0) + 1;
    const cell = slot * LATENCY_BUCKETS + latencyBucket(latencyMs);
    this.#latency[cell] = (this.#latency[cell] ?? 0) + 1;
  }

  /** Summarise the WINDOW_SECONDS seconds ending with `nowSecond` (inclusive). */
  summarise(nowSecond: number): WindowSummary {
    const latency = new Uint32Array(LATENCY_BUCKETS);
    const perSecond: number[] = [];
    const p99PerSecond: (number | null)[] = [];
    let requests = 0;
    let failures = 0;
    for (let second = nowSecond - WINDOW_SECONDS + 1; second <= nowSecond; second++) {
      const slot = second % WINDOW_SECONDS;
      if (second < 0 || this.#seconds[slot] !== second) {
        perSecond.push(0);
        p99PerSecond.push(null);
        continue;
      }
      const count = this.#requests[slot] ?? 0;
      requests += count;
      failures += this.#failures[slot] ?? 0;
      const start = slot * LATENCY_BUCKETS;
      const slotLatency = this.#latency.subarray(start, start + LATENCY_BUCKETS);
      for (let i = 0; i < LATENCY_BUCKETS; i++)
        latency[i] = (latency[i] ?? 0) + (slotLatency[i] ?? 0);
      perSecond.push(count);
      p99PerSecond.push(quantileMs(slotLatency, count, 0.99) ?? null);
    }
    return { requests, failures, latency, perSecond, p99PerSecond };
  }
}

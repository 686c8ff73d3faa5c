/**
 * The primary's view of in-flight requests: the latest count each worker reported for each
 * backend. Each worker is sent the sum over the *other* workers (its own count it knows
 * exactly), so least-connections and power-of-two compare global loads.
 */
import type { InFlightCounts } from './messages.js';

export class InFlightTable {
  readonly #byWorker = new Map<number, InFlightCounts>();

  /** A worker's latest counts replace its previous ones. */
  report(worker: number, counts: InFlightCounts): void {
    this.#byWorker.set(worker, counts);
  }

  /** A worker exited: its requests are gone with it. */
  remove(worker: number): void {
    this.#byWorker.delete(worker);
  }

  /** Sum over every worker, by backend id. */
  totals(): InFlightCounts {
    const sums: InFlightCounts = {};
    for (const counts of this.#byWorker.values()) {
      for (const id in counts) sums[id] = (sums[id] ?? 0) + (counts[id] ?? 0);
    }
    return sums;
  }

  /** Sum over every worker except `worker`, by backend id (ids nobody reported are absent). */
  othersOf(worker: number, totals: InFlightCounts = this.totals()): InFlightCounts {
    const own = this.#byWorker.get(worker) ?? {};
    const others: InFlightCounts = {};
    for (const id in totals) others[id] = (totals[id] ?? 0) - (own[id] ?? 0);
    return others;
  }
}

/**
 * The worker side of global in-flight counts. Every request start and end marks the counts
 * dirty; at most once per window the worker sends its local counts to the primary, and only
 * when they differ from what it sent last. The primary answers with the other workers' totals,
 * which land in each backend's `externalInFlight`.
 */
import type { Backend } from '@helios/core';
import { Coalescer } from './coalescer.js';
import type { InFlightCounts } from './messages.js';

export class InFlightReporter {
  readonly #backends: () => readonly Backend[];
  readonly #send: (counts: InFlightCounts) => void;
  readonly #coalescer: Coalescer;
  #last = '';

  constructor(
    backends: () => readonly Backend[],
    send: (counts: InFlightCounts) => void,
    windowMs: number,
  ) {
    this.#backends = backends;
    this.#send = send;
    this.#coalescer = new Coalescer(windowMs, () => this.flush());
  }

  /** Hot path: a request started or ended somewhere in this worker. */
  readonly changed = (): void => this.#coalescer.changed();

  /** Send the local counts now if they changed since the last report. */
  flush(): void {
    const counts: InFlightCounts = {};
    let key = '';
    for (const backend of this.#backends()) {
      counts[backend.key] = backend.localInFlight;
      key += `${backend.key}=${backend.localInFlight},`;
    }
    if (key === this.#last) return;
    this.#last = key;
    this.#send(counts);
  }

  /** Apply the primary's answer: what the other workers have in flight. */
  applyOthers(others: InFlightCounts): void {
    for (const backend of this.#backends()) backend.externalInFlight = others[backend.key] ?? 0;
  }

  close(): void {
    this.#coalescer.cancel();
  }
}

/**
 * `round-robin` (the default): strict rotation over the available backends, so N requests over
 * k healthy backends give each exactly N/k. A backend that is down simply loses its turns; the
 * rotation carries on from where it was, so nobody gets a burst when a backend leaves or returns.
 */
import type { BackendView, PickRequest, Strategy, StrategyDescriptor } from '@helios/core';
import { isCandidate, lastResort } from './candidates.js';
import { noOptions } from './no-options.js';

export class RoundRobinStrategy implements Strategy {
  readonly name = 'round-robin';
  #backends: readonly BackendView[] = [];
  #next = 0;

  update(backends: readonly BackendView[]): void {
    const old = this.#backends;
    const upcoming = old.length === 0 ? undefined : old[this.#next % old.length];
    const list = backends.slice();
    // Resume the rotation at the backend that was due, so a reload does not restart at the
    // first backend (which would give it two turns in a row).
    let next = upcoming === undefined ? -1 : list.findIndex((b) => b.id === upcoming.id);
    if (next < 0) next = list.length === 0 ? 0 : this.#next % list.length;
    this.#backends = list;
    this.#next = next;
  }

  pick(_request: PickRequest, exclude?: BackendView): BackendView | undefined {
    const list = this.#backends;
    const n = list.length;
    const excludeId = exclude?.id;
    let i = this.#next;
    for (let step = 0; step < n; step++) {
      if (i >= n) i = 0;
      const backend = list[i];
      i++;
      if (isCandidate(backend, excludeId)) {
        this.#next = i;
        return backend;
      }
    }
    return lastResort(list, exclude);
  }
}

export const roundRobinDescriptor: StrategyDescriptor<typeof noOptions> = {
  name: 'round-robin',
  aliases: ['roundrobin', 'rr'],
  description: 'Strict rotation over the healthy backends.',
  options: noOptions,
  create: () => new RoundRobinStrategy(),
};

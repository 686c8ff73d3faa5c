/**
 * `least-connections`: the backend with the lowest load, inFlight / effectiveWeight, as nginx
 * computes it. Among equal loads (every idle backend, for a start) the turn goes by weight
 * (stride scheduling, see load-heap.ts): weights 1, 1, 2 sending one request at a time get
 * shares 1:1:2, as nginx users expect, where "fewest in flight after this one" would send every
 * request to the weight-2 backend. Under load, in-flight counts decide, in proportion to weight.
 *
 * Picks are O(log n): available backends sit in a binary heap ordered by load, re-ordered when
 * the core reports a request starting or ending. What the core does not report (health
 * changes, slow-start weight changes) is caught two ways: the heap's top is re-read before it
 * is returned, and every pick re-reads one more backend in rotation, so any change is noticed
 * within n picks.
 */
import type { BackendView, PickRequest, Strategy, StrategyDescriptor } from '@helios/core';
import { isCandidate, lastResort } from './candidates.js';
import { LoadHeap } from './load-heap.js';
import { noOptions } from './no-options.js';

export class LeastConnectionsStrategy implements Strategy {
  readonly name = 'least-connections';
  #backends: readonly BackendView[] = [];
  #byId = new Map<string, number>();
  #heap = new LoadHeap(0);
  /** Next position to re-read. */
  #reread = 0;

  update(backends: readonly BackendView[]): void {
    const list = backends.slice();
    const heap = new LoadHeap(list.length);
    this.#byId = new Map();
    list.forEach((backend, i) => {
      this.#byId.set(backend.id, i);
      if (backend.available) heap.insert(i, loadOf(backend));
    });
    this.#backends = list;
    this.#heap = heap;
    this.#reread = 0;
  }

  pick(_request: PickRequest, exclude?: BackendView): BackendView | undefined {
    const list = this.#backends;
    const heap = this.#heap;
    if (list.length === 0) return undefined;
    this.#refresh(this.#reread);
    this.#reread = this.#reread + 1 >= list.length ? 0 : this.#reread + 1;
    // Each pass either drops a backend that went down or re-files a stale top: bounded by 2n.
    for (let guard = 2 * list.length + 1; guard > 0 && heap.size > 0; guard--) {
      const top = heap.top();
      const backend = list[top];
      // Heap upkeep: a backend that went down leaves the heap (#refresh puts it back).
      if (backend === undefined || !backend.available) {
        heap.remove(top);
        continue;
      }
      const load = loadOf(backend);
      if (load !== heap.loadAt(top)) {
        heap.setLoad(top, load);
        continue;
      }
      // Available (checked above): only a retry's exclusion can still rule the top out.
      if (exclude !== undefined && !isCandidate(backend, exclude.id))
        return this.#runnerUp(exclude);
      heap.touch(top, backend.effectiveWeight);
      return backend;
    }
    return this.#scan(exclude);
  }

  onRequestStart(backend: BackendView): void {
    this.#refresh(this.#position(backend));
  }

  onRequestEnd(backend: BackendView): void {
    this.#refresh(this.#position(backend));
  }

  /** The top is excluded (a retry moving away from it): the best is one of its two children. */
  #runnerUp(exclude: BackendView | undefined): BackendView | undefined {
    const heap = this.#heap;
    const excludeId = exclude?.id;
    const best = this.#better(this.#better(-1, heap.child(1), excludeId), heap.child(2), excludeId);
    if (best < 0) {
      return heap.size === 1 ? lastResort(this.#backends, exclude) : this.#scan(exclude);
    }
    const chosen = this.#backends[best];
    heap.touch(best, chosen?.effectiveWeight ?? 0);
    return chosen;
  }

  /** `candidate` if it is a candidate and before `best` (with its load re-read), else `best`. */
  #better(best: number, candidate: number, excludeId: string | undefined): number {
    const backend = candidate < 0 ? undefined : this.#backends[candidate];
    if (!isCandidate(backend, excludeId)) return best;
    this.#heap.setLoad(candidate, loadOf(backend));
    return best < 0 || this.#heap.before(candidate, best) ? candidate : best;
  }

  /** Re-reads the backend at `position` and re-files it in (or out of) the heap. */
  #refresh(position: number): void {
    const backend = this.#backends[position];
    if (backend === undefined) return;
    const heap = this.#heap;
    if (!backend.available) heap.remove(position);
    else if (heap.has(position)) heap.setLoad(position, loadOf(backend));
    else heap.insert(position, loadOf(backend));
  }

  /** Linear fallback for the rare cases the heap cannot answer (retries when many are down). */
  #scan(exclude: BackendView | undefined): BackendView | undefined {
    let best = -1;
    const list = this.#backends;
    const excludeId = exclude?.id;
    for (let i = 0; i < list.length; i++) {
      if (!isCandidate(list[i], excludeId)) continue;
      this.#refresh(i);
      if (best < 0 || this.#heap.before(i, best)) best = i;
    }
    if (best < 0) return lastResort(list, exclude);
    const chosen = list[best];
    this.#heap.touch(best, chosen?.effectiveWeight ?? 0);
    return chosen;
  }

  #position(backend: BackendView): number {
    // `index` is the core's position; the map catches requests that began before a reload.
    if (this.#backends[backend.index]?.id === backend.id) return backend.index;
    return this.#byId.get(backend.id) ?? -1;
  }
}

function loadOf(backend: BackendView): number {
  const weight = backend.effectiveWeight;
  return weight > 0 ? backend.inFlight / weight : Number.POSITIVE_INFINITY;
}

export const leastConnectionsDescriptor: StrategyDescriptor<typeof noOptions> = {
  name: 'least-connections',
  aliases: ['leastconn', 'leastconns', 'leastconnection', 'leastrequest', 'leastrequests'],
  description: 'Fewest requests in flight, weight-aware.',
  options: noOptions,
  create: () => new LeastConnectionsStrategy(),
};

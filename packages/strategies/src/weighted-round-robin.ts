/**
 * `weighted-round-robin`: nginx's smooth weighted rotation. Every step adds each backend's
 * weight to its running score, takes the highest score and subtracts the total from it, so
 * weights 5,1,1 give `a a b a c a a` instead of five `a` in a row. It follows
 * `effectiveWeight`, so slow start ramps a returning backend up gradually.
 *
 * nginx recomputes the scores over every backend on every pick (O(n)). With whole-number
 * weights the sequence repeats every sum-of-weights picks, so this runs it once ahead into a
 * cycle and then picks in O(1). The cycle is rebuilt when a backend in it turns out to be
 * down or to have a different weight when its turn comes, and at the end of each cycle if a
 * backend left out of it has come back. While weights are fractional (during slow start) it
 * falls back to nginx's per-pick computation.
 */
import type { BackendView, PickRequest, Strategy, StrategyDescriptor } from '@helios/core';
import { isCandidate, lastResort } from './candidates.js';
import { noOptions } from './no-options.js';
import { smoothSchedule } from './smooth-schedule.js';

/** Longest cycle kept; larger weight sums fall back to per-pick computation. */
const MAX_CYCLE = 1 << 16;

export class WeightedRoundRobinStrategy implements Strategy {
  readonly name = 'weighted-round-robin';
  #backends: readonly BackendView[] = [];
  /** Per-pick scores (the nginx `current_weight`) used when there is no cycle. */
  #current = new Float64Array(0);
  /** The precomputed cycle of positions, empty when weights do not allow one. */
  #cycle: Int32Array = new Int32Array(0);
  /** The weight each position had when the cycle was built; NaN if left out of it. */
  #built = new Float64Array(0);
  #cursor = 0;

  update(backends: readonly BackendView[]): void {
    const previous = this.#backends;
    const list = backends.slice();
    this.#backends = list;
    // Same backends in the same order: keep the cycle and its cursor, the rotation goes on.
    const unchanged =
      previous.length === list.length && previous.every((b, i) => b.id === list[i]?.id);
    if (unchanged && this.#cycle.length > 0) return;
    this.#current = new Float64Array(list.length);
    this.#rebuild();
  }

  pick(request: PickRequest, exclude?: BackendView): BackendView | undefined {
    if (this.#cycle.length === 0) return this.#step(exclude);
    const list = this.#backends;
    const cycle = this.#cycle;
    const excludeId = exclude?.id;
    // Normally one iteration; more only to pass over the excluded backend's turns.
    for (let step = 0; step < cycle.length; step++) {
      if (this.#cursor >= cycle.length) {
        this.#cursor = 0;
        if (this.#leftOutReturned()) {
          this.#rebuild();
          return this.pick(request, exclude);
        }
      }
      const position = cycle[this.#cursor] ?? 0;
      const backend = list[position];
      // A member found down or re-weighted is not skipped: the cycle is out of date.
      if (
        backend === undefined ||
        !backend.available ||
        backend.effectiveWeight !== this.#built[position]
      ) {
        this.#rebuild();
        return this.#cycle.length === 0 ? this.#step(exclude) : this.#pickOnce(exclude);
      }
      this.#cursor++;
      // Available (checked above): only a retry's exclusion can still pass over its turn.
      if (excludeId === undefined || isCandidate(backend, excludeId)) return backend;
    }
    return lastResort(list, exclude);
  }

  /** After a rebuild: pick from the fresh cycle without rebuilding again. */
  #pickOnce(exclude: BackendView | undefined): BackendView | undefined {
    const list = this.#backends;
    const cycle = this.#cycle;
    const excludeId = exclude?.id;
    for (let step = 0; step < cycle.length; step++) {
      if (this.#cursor >= cycle.length) this.#cursor = 0;
      const backend = list[cycle[this.#cursor] ?? 0];
      this.#cursor++;
      // Available (checked above): only a retry's exclusion can still pass over its turn.
      if (excludeId === undefined || isCandidate(backend, excludeId)) return backend;
    }
    return lastResort(list, exclude);
  }

  /** nginx's per-pick step over every backend, for fractional weights. O(n). */
  #step(exclude: BackendView | undefined): BackendView | undefined {
    const list = this.#backends;
    const current = this.#current;
    const excludeId = exclude?.id;
    let total = 0;
    let best = -1;
    let bestScore = Number.NEGATIVE_INFINITY;
    let whole = true;
    let sum = 0;
    for (let i = 0; i < list.length; i++) {
      const backend = list[i];
      // Every available backend's weight decides whether the cycle can come back; the
      // candidate rule decides which of them compete for this pick.
      if (backend === undefined || !backend.available) continue;
      const weight = backend.effectiveWeight;
      if (!Number.isInteger(weight)) whole = false;
      sum += weight;
      if (!isCandidate(backend, excludeId)) continue;
      const score = (current[i] ?? 0) + weight;
      current[i] = score;
      total += weight;
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    }
    if (best >= 0) current[best] = bestScore - total;
    // Slow start is over (weights are whole again): go back to the O(1) cycle.
    if (whole && sum > 0 && sum <= MAX_CYCLE && exclude === undefined) this.#rebuild();
    return best < 0 ? lastResort(list, exclude) : list[best];
  }

  /** Did a backend left out of the cycle (down at build time) come back? O(n) per cycle. */
  #leftOutReturned(): boolean {
    const list = this.#backends;
    for (let i = 0; i < list.length; i++) {
      if (Number.isNaN(this.#built[i] ?? Number.NaN) && list[i]?.available) return true;
    }
    return false;
  }

  #rebuild(): void {
    const list = this.#backends;
    const built = new Float64Array(list.length).fill(Number.NaN);
    let total = 0;
    let whole = true;
    list.forEach((backend, i) => {
      if (!backend.available) return;
      const weight = backend.effectiveWeight;
      built[i] = weight;
      total += weight;
      if (!Number.isInteger(weight) || weight < 1) whole = false;
    });
    this.#built = built;
    this.#cursor = 0;
    this.#cycle =
      whole && total > 0 && total <= MAX_CYCLE ? smoothSchedule(built, total) : new Int32Array(0);
    if (this.#cycle.length === 0) this.#current.fill(0);
  }
}

export const weightedRoundRobinDescriptor: StrategyDescriptor<typeof noOptions> = {
  name: 'weighted-round-robin',
  aliases: ['wrr', 'weighted'],
  description: 'Smooth weighted rotation (nginx algorithm).',
  options: noOptions,
  create: () => new WeightedRoundRobinStrategy(),
};

/**
 * The "power of two choices" core shared by `power-of-two` and `ewma`: draw two distinct
 * backends at random and send the request to the one with the lower load. Comparing two is
 * O(1), avoids the herd that "always the least loaded" causes when load figures are stale,
 * and still avoids the worst backend almost always.
 */
import type { BackendView, PickRequest, Strategy } from '@helios/core';
import { candidateAt, countCandidates, isCandidate, lastResort } from './candidates.js';
import { type RandomSource, randomIndex } from './random-source.js';

/** Random draws before falling back to counting the candidates. */
const DRAWS = 3;

export abstract class TwoChoicesStrategy implements Strategy {
  abstract readonly name: string;
  protected backends: readonly BackendView[] = [];
  protected readonly random: RandomSource;

  constructor(random: RandomSource | undefined) {
    this.random = random ?? Math.random;
  }

  /** The load a request would meet at `backend` (position `index`); lower is better. */
  protected abstract load(backend: BackendView, index: number): number;

  update(backends: readonly BackendView[]): void {
    this.backends = backends.slice();
  }

  pick(_request: PickRequest, exclude?: BackendView): BackendView | undefined {
    const list = this.backends;
    const n = list.length;
    const excludeId = exclude?.id;
    if (n <= 1) return isCandidate(list[0], excludeId) ? list[0] : lastResort(list, exclude);
    for (let draw = 0; draw < DRAWS; draw++) {
      const i = randomIndex(this.random, n);
      const a = list[i];
      if (!isCandidate(a, excludeId)) continue;
      // A lone candidate is never taken without a comparison, or a slow backend would win by
      // default whenever its partner is down: draw partners until one is a candidate too.
      for (let partner = 0; partner < DRAWS; partner++) {
        // Draw from the other n-1 positions so the two are always distinct.
        let j = randomIndex(this.random, n - 1);
        if (j >= i) j++;
        const b = list[j];
        if (isCandidate(b, excludeId)) return this.choose(a, i, b, j);
      }
      break;
    }
    return this.#fromCandidates(list, exclude);
  }

  /** Both are candidates: take the lower load (`a` on ties; it is random anyway). */
  protected choose(a: BackendView, i: number, b: BackendView, j: number): BackendView {
    return this.load(b, j) < this.load(a, i) ? b : a;
  }

  /** Draws keep hitting backends that are down or excluded: draw among the candidates. */
  #fromCandidates(list: readonly BackendView[], exclude: BackendView | undefined) {
    const excludeId = exclude?.id;
    const candidates = countCandidates(list, excludeId);
    if (candidates === 0) return lastResort(list, exclude);
    const first = randomIndex(this.random, candidates);
    const i = candidateAt(list, excludeId, first);
    const a = list[i];
    if (candidates === 1 || a === undefined) return a;
    let second = randomIndex(this.random, candidates - 1);
    if (second >= first) second++;
    const j = candidateAt(list, excludeId, second);
    const b = list[j];
    return b === undefined ? a : this.choose(a, i, b, j);
  }
}

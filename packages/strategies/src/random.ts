/**
 * `random`: a uniformly random available backend. Stateless, so many Helios processes never
 * synchronise on the same backend; the price is uneven short-term shares.
 */
import type { BackendView, PickRequest, Strategy, StrategyDescriptor } from '@helios/core';
import { candidateAt, countCandidates, isCandidate, lastResort } from './candidates.js';
import { noOptions } from './no-options.js';
import { type RandomSource, randomIndex } from './random-source.js';
import type { StrategyDeps } from './strategy-deps.js';

/** Random draws before falling back to a scan; with most backends up one draw suffices. */
const DRAWS = 3;

export interface RandomOptions {
  random?: RandomSource | undefined;
}

export class RandomStrategy implements Strategy {
  readonly name = 'random';
  readonly #random: RandomSource;
  #backends: readonly BackendView[] = [];

  constructor(options: RandomOptions = {}) {
    this.#random = options.random ?? Math.random;
  }

  update(backends: readonly BackendView[]): void {
    this.#backends = backends.slice();
  }

  pick(_request: PickRequest, exclude?: BackendView): BackendView | undefined {
    const list = this.#backends;
    const n = list.length;
    if (n === 0) return undefined;
    const excludeId = exclude?.id;
    for (let draw = 0; draw < DRAWS; draw++) {
      const backend = list[randomIndex(this.#random, n)];
      if (isCandidate(backend, excludeId)) return backend;
    }
    // Most backends are down or excluded: choose uniformly among the rest.
    const candidates = countCandidates(list, excludeId);
    if (candidates === 0) return lastResort(list, exclude);
    return list[candidateAt(list, excludeId, randomIndex(this.#random, candidates))];
  }
}

export const randomDescriptor: StrategyDescriptor<typeof noOptions, StrategyDeps> = {
  name: 'random',
  description: 'A uniformly random healthy backend.',
  options: noOptions,
  create: (_options, deps) => new RandomStrategy({ random: deps?.random }),
};

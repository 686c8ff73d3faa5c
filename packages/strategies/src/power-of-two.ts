/**
 * `power-of-two`: pick two backends at random, send the request to the one with fewer
 * requests in flight relative to its weight. Nearly as good as least-connections at spreading
 * load, O(1) per pick, and it does not stampede a backend that just came back empty.
 */
import type { BackendView } from '@helios/core';
import type { RandomSource } from './random-source.js';
import { TwoChoicesStrategy } from './two-choices.js';

export interface PowerOfTwoOptions {
  random?: RandomSource;
}

export class PowerOfTwoStrategy extends TwoChoicesStrategy {
  readonly name = 'power-of-two';

  constructor(options: PowerOfTwoOptions = {}) {
    super(options.random);
  }

  protected load(backend: BackendView): number {
    return (backend.inFlight + 1) / backend.effectiveWeight;
  }
}

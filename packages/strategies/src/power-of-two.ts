/**
 * `power-of-two`: pick two backends at random, send the request to the one with fewer
 * requests in flight relative to its weight. Nearly as good as least-connections at spreading
 * load, O(1) per pick, and it does not stampede a backend that just came back empty.
 */
import type { BackendView, StrategyDescriptor } from '@helios/core';
import { noOptions } from './no-options.js';
import type { RandomSource } from './random-source.js';
import type { StrategyDeps } from './strategy-deps.js';
import { TwoChoicesStrategy } from './two-choices.js';

export interface PowerOfTwoOptions {
  random?: RandomSource | undefined;
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

export const powerOfTwoDescriptor: StrategyDescriptor<typeof noOptions, StrategyDeps> = {
  name: 'power-of-two',
  aliases: ['p2c', 'poweroftwochoices'],
  description: 'Two random picks; the one with fewer in flight wins.',
  options: noOptions,
  create: (_options, deps) => new PowerOfTwoStrategy({ random: deps?.random }),
};

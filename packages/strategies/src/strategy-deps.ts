/**
 * What a caller may hand the built-in strategies besides their options: sources of randomness
 * and time, so tests and benches can make every run the same.
 */
import type { RandomSource } from './random-source.js';

export interface StrategyDeps {
  /** Random source for `random`, `power-of-two` and `ewma` (default `Math.random`). */
  random?: RandomSource | undefined;
  /** Clock in ms for `ewma` (default `performance.now`). */
  now?: (() => number) | undefined;
}

/** Public face of @helios/strategies. */
export { BUILTIN_DESCRIPTORS, builtinStrategies } from './builtin-strategies.js';
export { candidateAt, countCandidates, isCandidate, lastResort } from './candidates.js';
export type { ConsistentHashOptions } from './consistent-hash.js';
export {
  ConsistentHashStrategy,
  consistentHashDescriptor,
  consistentHashOptionsSchema,
} from './consistent-hash.js';
export { createStrategy, STRATEGY_NAMES } from './create-strategy.js';
export type { EwmaOptions } from './ewma.js';
export { EwmaStrategy, ewmaDescriptor, ewmaOptionsSchema } from './ewma.js';
export { hashString } from './hash.js';
export { LeastConnectionsStrategy, leastConnectionsDescriptor } from './least-connections.js';
export { noOptions } from './no-options.js';
export type { PowerOfTwoOptions } from './power-of-two.js';
export { PowerOfTwoStrategy, powerOfTwoDescriptor } from './power-of-two.js';
export type { RandomOptions } from './random.js';
export { RandomStrategy, randomDescriptor } from './random.js';
export type { RandomSource } from './random-source.js';
export { seededRandom } from './random-source.js';
export type { RequestKeySpec } from './request-key.js';
export { RoundRobinStrategy, roundRobinDescriptor } from './round-robin.js';
export type { StrategyDeps } from './strategy-deps.js';
export { TwoChoicesStrategy } from './two-choices.js';
export {
  WeightedRoundRobinStrategy,
  weightedRoundRobinDescriptor,
} from './weighted-round-robin.js';

/**
 * Builds the strategy named by `strategy:` in helios.yaml, checking its options. This is the
 * only place that knows every name; each strategy is also importable on its own.
 */
import {
  closestMatch,
  HeliosError,
  STRATEGY_ALIASES,
  STRATEGY_NAMES,
  type Strategy,
  type StrategyName,
} from '@helios/core';
import { ConsistentHashStrategy } from './consistent-hash.js';
import { EwmaStrategy } from './ewma.js';
import { LeastConnectionsStrategy } from './least-connections.js';
import { isPrime } from './maglev-table.js';
import { PowerOfTwoStrategy } from './power-of-two.js';
import { RandomStrategy } from './random.js';
import type { RandomSource } from './random-source.js';
import { checkRequestKey, type RequestKeySpec } from './request-key.js';
import { RoundRobinStrategy } from './round-robin.js';
import { StrategyOptions } from './strategy-options.js';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.js';

export const STRATEGY_UNKNOWN = 'HELIOS_STRATEGY_UNKNOWN';

/** What `createStrategy` reads: the resolved `strategy:` of helios.yaml. */
export interface StrategySpec {
  readonly name: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface StrategyDeps {
  /** Random source for `random`, `power-of-two` and `ewma` (default `Math.random`). */
  random?: RandomSource;
  /** Clock in ms for `ewma` (default `performance.now`). */
  now?: () => number;
}

type Factory = (options: StrategyOptions, deps: StrategyDeps) => Strategy;

// Keyed by the config's names, so the compiler insists on a factory for every name helios.yaml
// accepts.
const FACTORIES: Readonly<Record<StrategyName, Factory>> = {
  'round-robin': () => new RoundRobinStrategy(),
  'weighted-round-robin': () => new WeightedRoundRobinStrategy(),
  'least-connections': () => new LeastConnectionsStrategy(),
  random: (_options, deps) => new RandomStrategy({ random: deps.random }),
  'power-of-two': (_options, deps) => new PowerOfTwoStrategy({ random: deps.random }),
  ewma: (options, deps) =>
    new EwmaStrategy({
      decay: options.duration('decay', 10_000),
      failurePenalty: options.duration('failurePenalty', 1_000),
      probe: options.number('probe', 0.02, 0, 0.5),
      random: deps.random,
      now: deps.now,
    }),
  'consistent-hash': (options) => {
    const key = options.string('key', 'ip', checkRequestKey) as RequestKeySpec;
    const tableSize = options.number('tableSize', 0, 0, 50_000_000);
    if (tableSize !== 0 && !isPrime(tableSize)) {
      throw new HeliosError(
        'HELIOS_STRATEGY_OPTION_INVALID',
        `strategy "consistent-hash": option "tableSize" must be a prime number (for example 65537 or 655373), got ${tableSize}. Fix it under strategy: in helios.yaml or leave it out.`,
      );
    }
    return new ConsistentHashStrategy({ key, tableSize: tableSize === 0 ? undefined : tableSize });
  },
};

/** Every strategy name `createStrategy` accepts: the names helios.yaml accepts. */
export { STRATEGY_NAMES };

export function createStrategy(config: StrategySpec, deps: StrategyDeps = {}): Strategy {
  const factory = Object.hasOwn(FACTORIES, config.name)
    ? FACTORIES[config.name as StrategyName]
    : undefined;
  if (factory === undefined) {
    const suggestion = closestMatch(String(config.name), STRATEGY_NAMES, STRATEGY_ALIASES);
    throw new HeliosError(
      STRATEGY_UNKNOWN,
      `Unknown load-balancing strategy "${String(config.name)}" in strategy: of helios.yaml.${
        suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`
      } Use one of: ${STRATEGY_NAMES.join(', ')}.`,
    );
  }
  const options = new StrategyOptions(config.name, config.options);
  const strategy = factory(options, deps);
  options.done();
  return strategy;
}

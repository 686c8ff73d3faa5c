/**
 * Builds the strategy named by `strategy:` in helios.yaml, checking its options. This is the
 * only place that knows every name; each strategy is also importable on its own.
 */
import { HeliosError, type Strategy } from '@helios/core';
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

const FACTORIES: Readonly<Record<string, Factory>> = {
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

/** Every strategy name `createStrategy` accepts. */
export const STRATEGY_NAMES: readonly string[] = Object.keys(FACTORIES);

export function createStrategy(config: StrategySpec, deps: StrategyDeps = {}): Strategy {
  const factory = Object.hasOwn(FACTORIES, config.name) ? FACTORIES[config.name] : undefined;
  if (factory === undefined) {
    const suggestion = closestName(String(config.name));
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

/** Names other proxies use, for "did you mean" only: helios.yaml accepts the names above. */
const OTHER_NAMES: Readonly<Record<string, string>> = {
  rr: 'round-robin',
  wrr: 'weighted-round-robin',
  leastconn: 'least-connections',
  'least-conn': 'least-connections',
  'least-request': 'least-connections',
  p2c: 'power-of-two',
  'peak-ewma': 'ewma',
  'least-time': 'ewma',
  hash: 'consistent-hash',
  'ip-hash': 'consistent-hash',
  maglev: 'consistent-hash',
  ketama: 'consistent-hash',
  'ring-hash': 'consistent-hash',
};

/** The known name closest to `name` (an alias or within edit distance 3), for "did you mean". */
function closestName(raw: string): string | undefined {
  const name = raw.toLowerCase().replaceAll('_', '-').replaceAll(' ', '-');
  const alias = Object.hasOwn(OTHER_NAMES, name) ? OTHER_NAMES[name] : undefined;
  if (alias !== undefined) return alias;
  let best: string | undefined;
  let bestDistance = 4;
  for (const candidate of STRATEGY_NAMES) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * Builds the strategy a resolved `strategy:` section of helios.yaml names. The names, options
 * and factories live with each strategy (its descriptor); this only picks the catalog.
 */
import type { Strategy, StrategyCatalog, StrategySpec } from '@helios/core';
import { builtinStrategies } from './builtin-strategies.js';
import type { StrategyDeps } from './strategy-deps.js';

/** Every built-in strategy name, as helios.yaml writes it. */
export const STRATEGY_NAMES: readonly string[] = builtinStrategies.names;

/**
 * Options may be as written in helios.yaml (`'5s'`) or already resolved (ms); they are checked
 * either way. Throws `HeliosError` `HELIOS_STRATEGY_UNKNOWN` or `HELIOS_STRATEGY_OPTION_INVALID`.
 */
export function createStrategy(
  spec: StrategySpec,
  deps: StrategyDeps = {},
  catalog: StrategyCatalog<StrategyDeps> = builtinStrategies,
): Strategy {
  return catalog.create(spec, deps);
}

/**
 * The catalog of the built-in strategies: what `strategy:` in helios.yaml may name when Helios
 * runs from the CLI. Pass it to core's parseConfig / resolveConfig / loadConfig so names and
 * options are checked at their file:line:column, and to `createStrategy` (its default). To add
 * your own, build a catalog from these descriptors and yours with `createStrategyCatalog`.
 */
import { createStrategyCatalog, type StrategyDescriptor } from '@helios/core';
import { consistentHashDescriptor } from './consistent-hash.js';
import { ewmaDescriptor } from './ewma.js';
import { leastConnectionsDescriptor } from './least-connections.js';
import { powerOfTwoDescriptor } from './power-of-two.js';
import { randomDescriptor } from './random.js';
import { roundRobinDescriptor } from './round-robin.js';
import type { StrategyDeps } from './strategy-deps.js';
import { weightedRoundRobinDescriptor } from './weighted-round-robin.js';

/** Every built-in descriptor, in the order messages and docs list them. */
export const BUILTIN_DESCRIPTORS: readonly StrategyDescriptor<
  StrategyDescriptor['options'],
  StrategyDeps
>[] = [
  roundRobinDescriptor,
  weightedRoundRobinDescriptor,
  leastConnectionsDescriptor,
  randomDescriptor,
  powerOfTwoDescriptor,
  ewmaDescriptor,
  consistentHashDescriptor,
];

export const builtinStrategies = createStrategyCatalog<StrategyDeps>(BUILTIN_DESCRIPTORS);

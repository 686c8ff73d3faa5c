/**
 * How many worker processes `workers:` asks for: `auto` is the number of cores this process may
 * use (os.availableParallelism, which honours CPU affinity), a number is taken as is.
 */
import { availableParallelism } from 'node:os';
import type { HeliosConfig } from '@helios/core';

export function resolveWorkerCount(
  workers: HeliosConfig['workers'],
  cores: () => number = availableParallelism,
): number {
  return workers === 'auto' ? Math.max(1, cores()) : workers;
}

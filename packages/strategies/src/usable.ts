/**
 * Slow-path helpers for the randomised strategies when random draws keep hitting backends
 * that are down or excluded: count the usable ones and take the r-th, so survivors are chosen
 * uniformly (scanning forward from a random start would favour the survivor after a run of
 * dead backends). O(n), allocation-free, and only reached when most backends are unusable.
 */
import type { BackendView } from '@helios/core';

export function isUsable(
  backend: BackendView | undefined,
  excludeId: string | undefined,
): backend is BackendView {
  return backend?.available === true && backend.id !== excludeId;
}

export function countUsable(list: readonly BackendView[], excludeId: string | undefined): number {
  let count = 0;
  for (let i = 0; i < list.length; i++) if (isUsable(list[i], excludeId)) count++;
  return count;
}

/** Position of the `rank`-th (0-based) usable backend, or -1. */
export function usableAt(
  list: readonly BackendView[],
  excludeId: string | undefined,
  rank: number,
): number {
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    if (!isUsable(list[i], excludeId)) continue;
    if (seen === rank) return i;
    seen++;
  }
  return -1;
}

/** The excluded backend when it is still available: the answer when nothing else is left. */
export function availableExcluded(
  exclude: BackendView | undefined,
  list: readonly BackendView[],
): BackendView | undefined {
  if (exclude === undefined) return undefined;
  for (let i = 0; i < list.length; i++) {
    const backend = list[i];
    if (backend !== undefined && backend.id === exclude.id) {
      return backend.available ? backend : undefined;
    }
  }
  return undefined;
}

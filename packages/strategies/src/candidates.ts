/**
 * The one rule for which backend a pick may return, applied by every strategy. As in Pingora's
 * `select_with`, the strategy walks its candidates in its own order (a rotation, a table, random
 * draws, a heap) and one rule decides:
 * - a backend that is not `available` is never returned;
 * - the backend a retry is moving away from (`exclude`) is returned only when no other
 *   available backend is left (`lastResort`);
 * - nothing (`undefined`) only when no backend is available.
 * Plain functions, which V8 inlines into the walk, so a pick allocates and writes nothing for
 * them. (A filter object carrying the pick's state cost a round-robin pick about 3 ns, half its
 * price.) `lastResort` looks the excluded backend up again, O(n), only when nothing else is left.
 */
import type { BackendView } from '@helios/core';

/** May `backend` be returned by a pick that avoids the backend with id `excludeId`? */
export function isCandidate(
  backend: BackendView | undefined,
  excludeId: string | undefined,
): backend is BackendView {
  // Written as two tests, not one `&&` chain: V8 compiles this form to the tighter loop.
  if (backend === undefined || !backend.available) return false;
  return backend.id !== excludeId;
}

/** The answer once no candidate is left: the excluded backend, if it is in `list` and available. */
export function lastResort(
  list: readonly BackendView[],
  exclude: BackendView | undefined,
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

/**
 * How many candidates `list` holds. With `candidateAt`, the randomised strategies' slow path:
 * when random draws keep hitting backends that are down or excluded, they draw a rank among the
 * candidates, so survivors are chosen uniformly (scanning on from a random start would favour
 * the survivor after a run of dead backends). O(n), and only then.
 */
export function countCandidates(
  list: readonly BackendView[],
  excludeId: string | undefined,
): number {
  let count = 0;
  for (let i = 0; i < list.length; i++) if (isCandidate(list[i], excludeId)) count++;
  return count;
}

/** The position of the `rank`-th (0-based) candidate of `list`, or -1. */
export function candidateAt(
  list: readonly BackendView[],
  excludeId: string | undefined,
  rank: number,
): number {
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    if (!isCandidate(list[i], excludeId)) continue;
    if (seen === rank) return i;
    seen++;
  }
  return -1;
}

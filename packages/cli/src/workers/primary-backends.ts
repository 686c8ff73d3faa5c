/**
 * The primary's own backend objects: the one place the global state of each backend lives
 * (health as the primary decided it, in-flight summed over every worker), for every pool. The
 * primary forwards no traffic; its health checkers and the admin server read these.
 */
import { Backend, type HeliosConfig } from '@helios/core';

/** Build the list for `config`, keeping the object (and its state) of every backend that stays. */
export function primaryBackends(
  config: HeliosConfig,
  previous: readonly Backend[] = [],
): Backend[] {
  const byKey = new Map(previous.map((b) => [b.key, b]));
  const backends: Backend[] = [];
  for (const pool of Object.values(config.pools)) {
    pool.backends.forEach((b, index) => {
      const kept = byKey.get(`${pool.name} ${b.url.origin}`);
      if (kept === undefined) {
        backends.push(new Backend({ url: b.url, weight: b.weight, index, pool: pool.name }));
        return;
      }
      kept.index = index;
      kept.weight = b.weight;
      backends.push(kept);
    });
  }
  return backends;
}

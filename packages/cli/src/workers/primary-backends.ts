/**
 * The primary's own backend objects: the one place the global state of each backend lives
 * (health as the primary decided it, in-flight summed over every worker). The primary forwards
 * no traffic; its health checker and the admin server read these.
 */
import { Backend, type HeliosConfig } from '@helios/core';

/** Build the list for `config`, keeping the object (and its state) of every backend that stays. */
export function primaryBackends(
  config: HeliosConfig,
  previous: readonly Backend[] = [],
): Backend[] {
  const byId = new Map(previous.map((b) => [b.id, b]));
  return config.backends.map((b, index) => {
    const kept = byId.get(b.url.origin);
    if (kept === undefined) return new Backend({ url: b.url, weight: b.weight, index });
    byId.delete(b.url.origin);
    kept.index = index;
    kept.weight = b.weight;
    return kept;
  });
}

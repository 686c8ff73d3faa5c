/**
 * How the running pools are described in the `listening on` and `config reloaded` lines: for a
 * config with only the top-level `backends`, the strategy and the backends as before pools
 * existed; otherwise one short entry per pool and the number of routes.
 */
import type { HeliosConfig } from '@helios/core';

export interface PoolsSummary {
  /** Put in parentheses after `listening on URL`. */
  text: string;
  /** Structured fields for the JSON log line. */
  fields: Record<string, unknown>;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function summarizePools(config: HeliosConfig): PoolsSummary {
  const pools = Object.values(config.pools);
  const only = pools.length === 1 ? pools[0] : undefined;
  if (only !== undefined && config.routes.length === 1 && config.routes[0]?.match === undefined) {
    const backends = only.backends.map((b) => b.url.origin);
    return {
      text: `${only.strategy.name}, ${plural(backends.length, 'backend')}: ${backends.join(', ')}`,
      fields: { strategy: only.strategy.name, backends },
    };
  }
  const parts = pools.map(
    (p) => `${p.name} ${p.strategy.name} ${plural(p.backends.length, 'backend')}`,
  );
  return {
    text: `${plural(pools.length, 'pool')}: ${parts.join(', ')}; ${plural(config.routes.length, 'route')}`,
    fields: {
      pools: Object.fromEntries(pools.map((p) => [p.name, p.backends.map((b) => b.url.origin)])),
      routes: config.routes.length,
    },
  };
}

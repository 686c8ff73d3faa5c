/**
 * Builds a resolved HeliosConfig for tests through core's own `resolveConfig`, so every default
 * comes from the one schema. Only what tests need to differ from it is given here: loopback on
 * an ephemeral port, health checks off (the data-path tests drive health by hand) and JSON logs.
 */
import { resolveConfig } from '../../src/config/parse.js';
import { resolvePools } from '../../src/config/pools.js';
import type { HeliosConfig } from '../../src/config/types.js';

export interface TestConfigOverrides
  extends Partial<Omit<HeliosConfig, 'backends' | 'timeouts' | 'limits'>> {
  timeouts?: Partial<HeliosConfig['timeouts']>;
  limits?: Partial<HeliosConfig['limits']>;
  maxConnections?: number;
}

/** `overrides` are already in resolved form (milliseconds, bytes), so they apply after the schema. */
export function testConfig(
  urls: readonly string[],
  overrides: TestConfigOverrides = {},
): HeliosConfig {
  const { timeouts, limits, maxConnections, ...rest } = overrides;
  const base = resolveConfig(
    {
      port: 0,
      host: '127.0.0.1',
      backends: urls.map((url) => (maxConnections === undefined ? url : { url, maxConnections })),
      health: { passive: { enabled: false }, active: { enabled: false } },
      logging: { format: 'json' },
    },
    'testConfig',
  );
  const merged = {
    ...base,
    ...rest,
    timeouts: { ...base.timeouts, ...timeouts },
    limits: { ...base.limits, ...limits },
  };
  // The pool `default` inherits the top-level settings: resolve it again from the overrides.
  return { ...merged, pools: resolvePools({ backends: merged.backends }, merged) };
}

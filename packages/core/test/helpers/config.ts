/**
 * Builds a resolved HeliosConfig for tests (every default filled, loopback, ephemeral port),
 * so the data-path tests do not depend on the YAML parser.
 */
import type { BackendConfig, HeliosConfig } from '../../src/config/types.js';

export interface TestConfigOverrides
  extends Partial<Omit<HeliosConfig, 'backends' | 'timeouts' | 'limits'>> {
  timeouts?: Partial<HeliosConfig['timeouts']>;
  limits?: Partial<HeliosConfig['limits']>;
  maxConnections?: number;
}

export function backendConfig(url: string, maxConnections = 128, weight = 1): BackendConfig {
  return { url: new URL(url), weight, maxConnections, health: {} };
}

export function testConfig(
  urls: readonly string[],
  overrides: TestConfigOverrides = {},
): HeliosConfig {
  const { timeouts, limits, maxConnections, ...rest } = overrides;
  return {
    port: 0,
    host: '127.0.0.1',
    strategy: { name: 'round-robin', options: {} },
    backends: urls.map((u) => backendConfig(u, maxConnections)),
    preserveHost: true,
    trustProxy: false,
    retries: 1,
    retryBudget: { percent: 20, minPerSecond: 3 },
    health: {
      passive: {
        enabled: false,
        failureStatuses: [{ from: 500, to: 599 }],
        failureThreshold: 1,
        cooldown: 30_000,
        maxCooldown: 300_000,
        maxEjectedPercent: 50,
      },
      active: {
        enabled: false,
        path: '/health',
        interval: 10_000,
        timeout: 2_000,
        jitter: 0.1,
        expectedStatuses: [{ from: 200, to: 399 }],
        unhealthyThreshold: 3,
        healthyThreshold: 2,
        host: undefined,
      },
      slowStart: 0,
    },
    logging: { level: 'info', format: 'json' },
    accessLog: { enabled: false, output: 'stdout' },
    admin: undefined,
    workers: 1,
    ...rest,
    timeouts: {
      connect: 5_000,
      response: 30_000,
      upstreamIdle: 60_000,
      clientHeader: 10_000,
      clientIdle: 5_000,
      drain: 30_000,
      ...timeouts,
    },
    limits: { maxHeaderSize: 16_384, maxUrlLength: 8_192, maxBodySize: undefined, ...limits },
  };
}

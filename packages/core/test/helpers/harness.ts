/**
 * Starts a proxy in front of given backend URLs on an ephemeral loopback port, and closes
 * everything a test opened. Each test file calls `useHarness()` once.
 */
import { afterEach } from 'vitest';
import type { HeliosConfig } from '../../src/config/types.js';
import type { HealthHooks } from '../../src/health-hooks.js';
import type { Logger } from '../../src/logger.js';
import { createProxy, type HeliosProxy } from '../../src/proxy.js';
import { type TestConfigOverrides, testConfig } from './config.js';
import { TestRoundRobin } from './strategy.js';

export interface Started {
  proxy: HeliosProxy;
  strategy: TestRoundRobin;
  origin: string;
  port: number;
}

export function useHarness(): {
  start(
    urls: readonly string[],
    overrides?: TestConfigOverrides,
    extra?: {
      health?: HealthHooks;
      logger?: Logger;
      /** Changes the built config before the proxy starts (e.g. a TLS listener). */
      configure?: (config: HeliosConfig) => HeliosConfig | Promise<HeliosConfig>;
    },
  ): Promise<Started>;
  cleanup(fn: () => unknown): void;
} {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    while (cleanups.length > 0) {
      const fn = cleanups.pop();
      await fn?.();
    }
  });
  return {
    async start(urls, overrides = {}, extra = {}) {
      const strategy = new TestRoundRobin();
      const config = testConfig(urls, overrides);
      const proxy = createProxy({
        config: extra.configure === undefined ? config : await extra.configure(config),
        strategy,
        health: extra.health,
        logger: extra.logger,
      });
      cleanups.push(() => proxy.close());
      const { port } = await proxy.listen();
      return { proxy, strategy, origin: `http://127.0.0.1:${port}`, port };
    },
    cleanup(fn) {
      cleanups.push(fn);
    },
  };
}

/** Polls `check` until it returns true or the deadline passes. */
export async function waitFor(
  check: () => boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

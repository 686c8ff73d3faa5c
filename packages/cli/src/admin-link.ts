/**
 * The single wiring point between the running proxy and the admin server (@helios/admin:
 * metrics, status API, dashboard). Everything the CLI knows about admin goes through `startAdmin`.
 */
import type { HeliosConfig, HeliosProxy } from '@helios/core';
import { httpUrl } from './listen-address.js';
import type { CliLogger } from './logger.js';
import type { HealthEvents } from './pool-health.js';
import { cliVersion } from './version.js';

export interface AdminHandle {
  /** The URL the admin server listens on, for the start-up log and the demo's instructions. */
  url: string;
  /** Count a config reload in the admin metrics. */
  recordReload(outcome: 'success' | 'failure'): void;
  close(): Promise<void>;
}

export interface AdminContext {
  config: HeliosConfig;
  proxy: HeliosProxy;
  /** Every pool's health transitions. */
  health: HealthEvents;
  logger: CliLogger;
}

/** Start the admin server when `admin:` is configured; undefined when it is not. */
export async function startAdmin(context: AdminContext): Promise<AdminHandle | undefined> {
  const adminConfig = context.config.admin;
  if (adminConfig === undefined) return undefined;
  const { proxy } = context;
  // Loaded only when configured: prom-client and the dashboard cost start-up time otherwise.
  const { createAdminServer } = await import('@helios/admin');
  const server = createAdminServer({
    config: adminConfig,
    proxy,
    health: context.health,
    logger: context.logger,
    info: { version: cliVersion(), strategy: () => proxy.config.strategy.name },
  });
  const address = await server.listen();
  return {
    url: `${httpUrl(address.address, address.port)}/`,
    recordReload: (outcome) => server.recordReload(outcome),
    close: () => server.close(),
  };
}

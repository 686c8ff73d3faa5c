/**
 * Puts a planned config change into effect in a process that runs the proxy (a single process,
 * or a cluster worker). Everything happens synchronously, in one turn of the event loop: the
 * proxy's generation (pools and routes: backends, strategies, health settings, timeouts,
 * limits, retries; core decides per pool what to rebuild), the access log and the log level
 * change together, so no request, event or later reload ever sees half of it. Connections of
 * removed backends close in the background (HeliosProxy.reload).
 */
import type { HeliosConfig } from '@helios/core';
import type { ConfigChange } from './config-change.js';
import type { CliLogger } from './logger.js';

export interface ApplyTargets {
  proxy: { reload(config: HeliosConfig): void };
  accessLog: { configure(config: HeliosConfig['accessLog']): void };
  logger: CliLogger;
  /** --log-level from the command line wins over `logging.level` in every config. */
  logLevelOverride: string | undefined;
}

/** Apply `change`; throws (with the proxy still on its previous generation) if it cannot. */
export function applyConfigChange(targets: ApplyTargets, change: ConfigChange): void {
  const next = change.config;
  targets.proxy.reload(next);
  targets.accessLog.configure(next.accessLog);
  if (targets.logLevelOverride === undefined) targets.logger.level = next.logging.level;
}

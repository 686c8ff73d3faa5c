/**
 * Puts a planned config change into effect in a process that runs the proxy (a single process,
 * or a cluster worker). Everything happens synchronously, in one turn of the event loop: the
 * proxy's generation (backends, strategy, timeouts, limits, retries), the health settings, the
 * access log and the log level change together, so no request, event or later reload ever sees
 * half of it. Pools of removed backends close in the background (HeliosProxy.reload).
 */
import type { HeliosConfig, Strategy } from '@helios/core';
import type { ConfigChange } from './config-change.js';
import type { CliLogger } from './logger.js';

export interface ApplyTargets {
  proxy: { reload(config: HeliosConfig, strategy?: Strategy): void };
  health: { configure(config: HeliosConfig): void };
  accessLog: { configure(config: HeliosConfig['accessLog']): void };
  logger: CliLogger;
  /** --log-level from the command line wins over `logging.level` in every config. */
  logLevelOverride: string | undefined;
  createStrategy(config: HeliosConfig['strategy']): Strategy;
}

/** Apply `change`; throws (with the proxy still on its previous generation) if it cannot. */
export function applyConfigChange(targets: ApplyTargets, change: ConfigChange): void {
  const next = change.config;
  const strategy = change.newStrategy ? targets.createStrategy(next.strategy) : undefined;
  targets.proxy.reload(next, strategy);
  targets.health.configure(next);
  targets.accessLog.configure(next.accessLog);
  if (targets.logLevelOverride === undefined) targets.logger.level = next.logging.level;
}

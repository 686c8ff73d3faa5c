/**
 * Runs Helios as one process from a validated config: strategy, health checker, proxy, access
 * log, admin, reload (SIGHUP, --watch) and graceful shutdown. Shared by `helios start` and
 * `helios demo`. Nothing listens until the whole config has been validated, so a bad config
 * never leaves a half-configured proxy running. Signals are trapped before this runs (run.ts):
 * a stop that arrived during start-up drains at once, with nothing in flight.
 */
import { createProxy, type HeliosConfig, tlsFiles } from '@helios/core';
import { createStrategy } from '@helios/strategies';
import { AccessLog } from './access-log.js';
import { type AdminHandle, startAdmin } from './admin-link.js';
import { applyConfigChange } from './apply-config.js';
import type { ConfigOverrides } from './config-source.js';
import { ExitCode } from './exit-codes.js';
import { httpUrl, listenersText, listenerUrl } from './listen-address.js';
import { describeListenError } from './listen-error.js';
import type { LoggerHandle } from './logger.js';
import { HealthEvents, poolHealthFactory } from './pool-health.js';
import { summarizePools } from './pools-summary.js';
import { Reloader } from './reload.js';
import type { SignalTrap } from './signals.js';
import { type ConfigWatcher, watchConfig } from './watch.js';

export interface ServeOptions {
  config: HeliosConfig;
  log: LoggerHandle;
  signals: SignalTrap;
  /** The file the config came from; reloads read it again. None for the demo. */
  configPath?: string | undefined;
  overrides?: ConfigOverrides;
  watch?: boolean;
  logLevelOverride?: string | undefined;
}

export interface Running {
  /** Where the proxy listens, e.g. http://127.0.0.1:8080. */
  url: string;
  admin: AdminHandle | undefined;
  /** Resolves with the exit code once the proxy has stopped (after SIGTERM/SIGINT). */
  done: Promise<ExitCode>;
}

/** Start serving; resolves once listening, or with `undefined` after logging why it could not. */
export async function serve(options: ServeOptions): Promise<Running | undefined> {
  const { config, log, signals } = options;
  const { logger } = log;
  const health = new HealthEvents();
  const proxy = createProxy({
    config,
    createStrategy: (pool) => createStrategy(pool.strategy),
    createHealth: poolHealthFactory(logger, health),
    logger,
  });
  const accessLog = new AccessLog(proxy, log.stdout, { warnings: logger });
  accessLog.configure(config.accessLog);

  const giveUp = async (admin?: AdminHandle): Promise<undefined> => {
    accessLog.close();
    await admin?.close().catch(() => undefined);
    // Closes every pool's health checker too (nothing is in flight yet).
    await proxy.close().catch(() => undefined);
    return undefined;
  };

  // Admin binds first: a configured admin that cannot listen fails the start, like the proxy.
  let admin: AdminHandle | undefined;
  try {
    admin = await startAdmin({ config, proxy, health, logger });
  } catch (error) {
    const where = config.admin === undefined ? '' : `${config.admin.host}:${config.admin.port}`;
    logger.error({ err: error }, describeListenError(error, where, 'admin.port in helios.yaml'));
    return giveUp();
  }

  let port: number;
  try {
    ({ port } = await proxy.listen());
  } catch (error) {
    // With several listeners, the socket error says which one failed.
    const cause = (error as { cause?: { address?: string; port?: number } }).cause;
    const failed = config.listeners.findIndex(
      (l) => l.port === cause?.port && cause.port !== 0 && l !== config.listeners[0],
    );
    const where = failed > 0 ? `${cause?.address}:${cause?.port}` : `${config.host}:${config.port}`;
    const fix =
      failed > 0 ? `listeners[${failed}].port in helios.yaml` : '--port or port: in helios.yaml';
    logger.error({ err: error }, describeListenError(error, where, fix));
    return giveUp(admin);
  }

  const configPath = options.configPath;
  const reloader =
    configPath === undefined
      ? undefined
      : new Reloader({
          configPath,
          overrides: options.overrides ?? {},
          initial: config,
          workers: 1,
          logger,
          apply: (_generation, change) => {
            applyConfigChange(
              { proxy, accessLog, logger, logLevelOverride: options.logLevelOverride },
              change,
            );
            return { failures: [] };
          },
          onReload: (outcome) => {
            admin?.recordReload(outcome);
            // The certificate files of the config now serving (a rejected reload keeps the old).
            if (reloader !== undefined) watcher?.watchAlso(tlsFiles(reloader.config));
          },
        });
  let watcher: ConfigWatcher | undefined;

  const first = config.listeners[0];
  const url = first === undefined ? httpUrl(config.host, port) : listenerUrl(first, port);
  const done = new Promise<ExitCode>((resolve) => {
    signals.onStop(() => {
      watcher?.close();
      const stop = async (): Promise<ExitCode> => {
        let code: ExitCode = ExitCode.ok;
        await proxy.close().catch((error: unknown) => {
          logger.error({ err: error }, 'error while draining');
          code = ExitCode.runtime;
        });
        await admin?.close().catch(() => undefined);
        accessLog.close();
        logger.info('stopped');
        return code;
      };
      void stop().then(resolve);
    });
  });
  // A stop during start-up is draining already: do not announce a listener that is closing.
  if (signals.stopRequested) return { url, admin, done };

  const summary = summarizePools(config);
  const ports = proxy.addresses().map((a) => a.port);
  logger.info(
    { address: url, port, ports, ...summary.fields },
    `listening on ${listenersText(config.listeners, ports)} (${summary.text})`,
  );
  if (reloader !== undefined && configPath !== undefined) {
    if (options.watch === true) {
      watcher = watchConfig(configPath, () => void reloader.request('watch'), logger);
      watcher.watchAlso(tlsFiles(config));
    }
    // A SIGHUP that arrived during start-up reloads now.
    signals.onReload(() => void reloader.request('SIGHUP'));
  }
  // The same line the cluster primary logs, so scripts and people find the admin URL either way.
  if (admin !== undefined) logger.info({ address: admin.url }, `admin listening on ${admin.url}`);
  return { url, admin, done };
}

/**
 * Runs Helios from a validated config: strategy, health checker, proxy, access log, admin,
 * reload (SIGHUP, --watch) and graceful shutdown. Shared by `helios start` and `helios demo`.
 * Nothing listens until the whole config has been validated, so a bad config never leaves a
 * half-configured proxy running.
 */
import { createProxy, type HeliosConfig } from '@helios/core';
import { createHealthChecker } from '@helios/health';
import { createStrategy } from '@helios/strategies';
import { AccessLog } from './access-log.js';
import { type AdminHandle, startAdmin } from './admin-link.js';
import type { ConfigOverrides } from './config-source.js';
import { ExitCode } from './exit-codes.js';
import { httpUrl } from './listen-address.js';
import type { LoggerHandle } from './logger.js';
import { Reloader } from './reload.js';
import { installSignalHandlers } from './signals.js';
import { type ConfigWatcher, watchConfig } from './watch.js';

export interface ServeOptions {
  config: HeliosConfig;
  log: LoggerHandle;
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

function describeListenError(error: unknown, where: string, fix: string): string {
  // core wraps the socket error (HELIOS_LISTEN_FAILED) and keeps the errno in `cause`.
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return `cannot listen on ${where}: the port is already in use. Stop the other process or choose another port with ${fix}.`;
  }
  if (code === 'EACCES') {
    return `cannot listen on ${where}: permission denied (ports below 1024 need privileges). Choose a port above 1023 with ${fix}.`;
  }
  if (code === 'EADDRNOTAVAIL') {
    return `cannot listen on ${where}: that address is not on this machine. Check the host in helios.yaml.`;
  }
  return `cannot listen on ${where}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Start serving; resolves once listening, or with `undefined` after logging why it could not. */
export async function serve(options: ServeOptions): Promise<Running | undefined> {
  const { config, log } = options;
  const { logger } = log;
  const strategy = createStrategy(config.strategy);
  const health = createHealthChecker({ health: config.health, backends: config.backends, logger });
  const proxy = createProxy({ config, strategy, health, logger });
  const accessLog = new AccessLog(proxy, log.stdout, { warnings: logger });
  accessLog.configure(config.accessLog);

  const giveUp = async (admin?: AdminHandle): Promise<undefined> => {
    accessLog.close();
    await admin?.close().catch(() => undefined);
    await Promise.resolve(health.close()).catch(() => undefined);
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
    const where = `${config.host}:${config.port}`;
    logger.error(
      { err: error },
      describeListenError(error, where, '--port or port: in helios.yaml'),
    );
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
          logLevelOverride: options.logLevelOverride,
          proxy,
          health,
          createStrategy: (s) => createStrategy(s),
          accessLog,
          logger,
          onReload: (outcome) => admin?.recordReload(outcome),
        });
  let watcher: ConfigWatcher | undefined;
  if (reloader !== undefined && configPath !== undefined && options.watch === true) {
    watcher = watchConfig(configPath, () => void reloader.request('watch'), logger);
  }

  const done = new Promise<ExitCode>((resolve) => {
    const uninstall = installSignalHandlers(
      {
        reload: reloader === undefined ? undefined : () => void reloader.request('SIGHUP'),
        flush: log.flush,
        shutdown: () => {
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
            uninstall();
            return code;
          };
          void stop().then(resolve);
        },
      },
      logger,
    );
  });
  // Logged only now that the signal handlers are in: whoever waits for this line may signal at
  // once, and a signal the kernel delivers before a handler exists kills the process.
  const url = httpUrl(config.host, port);
  const backends = config.backends.map((b) => b.url.origin);
  logger.info(
    { address: url, port, strategy: config.strategy.name, backends },
    `listening on ${url} (${config.strategy.name}, ${backends.length} backend${backends.length === 1 ? '' : 's'}: ${backends.join(', ')})`,
  );
  // The same line the cluster primary logs, so scripts and people find the admin URL either way.
  if (admin !== undefined) logger.info({ address: admin.url }, `admin listening on ${admin.url}`);
  return { url, admin, done };
}

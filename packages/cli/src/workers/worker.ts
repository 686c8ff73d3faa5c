/**
 * A cluster worker: runs the proxy with the config the primary sends, applies the primary's
 * health changes and in-flight totals, reports its passive ejections and in-flight counts, and
 * drains when told. It never reads helios.yaml and never handles SIGINT/SIGHUP itself (a
 * Ctrl-C reaches the whole process group; the primary coordinates the stop).
 */
import { createProxy, type HeliosConfig, type HeliosProxy, type Strategy } from '@helios/core';
import { createStrategy } from '@helios/strategies';
import { AccessLog } from '../access-log.js';
import type { LogFormat, LogLevelName } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { createLogger, type LoggerHandle } from '../logger.js';
import { decodeConfig } from './config-wire.js';
import { CountingStrategy } from './counting-strategy.js';
import { InFlightReporter } from './in-flight-reporter.js';
import { type FromWorker, isToWorker, type ToWorker } from './messages.js';
import { WorkerHealth } from './worker-health.js';
import { WorkerTraffic } from './worker-traffic.js';

type StartMessage = Extract<ToWorker, { helios: 'start' }>;

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

function waitForStart(): Promise<StartMessage> {
  return new Promise((resolve) => {
    const onMessage = (message: unknown): void => {
      if (!isToWorker(message) || message.helios !== 'start') return;
      process.off('message', onMessage);
      resolve(message);
    };
    process.on('message', onMessage);
    send({ helios: 'ready' });
  });
}

function sameStrategy(a: HeliosConfig['strategy'], b: HeliosConfig['strategy']): boolean {
  return a.name === b.name && JSON.stringify(a.options) === JSON.stringify(b.options);
}

class Worker {
  readonly #start: StartMessage;
  readonly #log: LoggerHandle;
  readonly #proxy: HeliosProxy;
  readonly #health: WorkerHealth;
  readonly #reporter: InFlightReporter;
  readonly #accessLog: AccessLog;
  readonly #traffic: WorkerTraffic | undefined;
  #config: HeliosConfig;
  #stopping: Promise<ExitCode> | undefined;
  #finish: (code: ExitCode) => void = () => {};
  /** Resolves with the exit code once the worker has drained. */
  readonly done = new Promise<ExitCode>((resolve) => {
    this.#finish = resolve;
  });

  constructor(start: StartMessage, config: HeliosConfig) {
    this.#start = start;
    this.#config = config;
    this.#log = createLogger({
      level: start.logLevel as LogLevelName,
      format: start.logFormat as LogFormat,
    });
    const logger = this.#log.logger.child({ worker: start.worker });
    let proxy: HeliosProxy | undefined;
    const backends = () => proxy?.backends ?? [];
    this.#reporter = new InFlightReporter(
      backends,
      (counts) => send({ helios: 'in-flight', counts }),
      start.reportMs,
    );
    this.#health = new WorkerHealth(config, logger, backends, (change) =>
      send({ helios: 'passive', change }),
    );
    proxy = createProxy({
      config,
      strategy: this.#wrap(createStrategy(config.strategy)),
      health: this.#health.checker,
      logger,
    });
    this.#proxy = proxy;
    this.#accessLog = new AccessLog(proxy, this.#log.stdout);
    this.#accessLog.configure(config.accessLog);
    this.#traffic = start.admin ? new WorkerTraffic(proxy) : undefined;
    for (const change of start.health) this.#health.apply(change);
    this.#reporter.applyOthers(start.inFlight);
  }

  get logger() {
    return this.#log.logger;
  }

  async listen(): Promise<boolean> {
    try {
      const address = await this.#proxy.listen({
        port: this.#start.port,
        reusePort: this.#start.reusePort,
        exclusive: this.#start.reusePort,
      });
      this.#log.logger.debug(
        { worker: this.#start.worker, port: address.port, reusePort: this.#start.reusePort },
        `worker ${this.#start.worker} listening`,
      );
      send({ helios: 'listening', address: address.address, port: address.port });
      return true;
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const code = (cause as NodeJS.ErrnoException).code;
      send({
        helios: 'listen-failed',
        message: error instanceof Error ? error.message : String(error),
        ...(code === undefined ? {} : { code }),
      });
      return false;
    }
  }

  readonly onMessage = (message: unknown): void => {
    if (!isToWorker(message)) return;
    switch (message.helios) {
      case 'health':
        this.#health.apply(message.change);
        return;
      case 'in-flight':
        this.#reporter.applyOthers(message.others);
        return;
      case 'reload':
        void this.#reload(message.id, message.config);
        return;
      case 'report':
        void this.#report(message.id);
        return;
      case 'drain':
        void this.stop();
        return;
      case 'start':
        return;
    }
  };

  stop(): Promise<ExitCode> {
    this.#stopping ??= (async () => {
      let code: ExitCode = ExitCode.ok;
      await this.#proxy.close().catch((error: unknown) => {
        this.#log.logger.error({ err: error }, 'error while draining');
        code = ExitCode.runtime;
      });
      this.#reporter.close();
      this.#traffic?.close();
      this.#accessLog.close();
      await this.#health.close().catch(() => undefined);
      this.#log.flush();
      this.#finish(code);
      return code;
    })();
    return this.#stopping;
  }

  async #reload(id: number, text: string): Promise<void> {
    try {
      const next = decodeConfig(text);
      const strategy = sameStrategy(this.#config.strategy, next.strategy)
        ? undefined
        : this.#wrap(createStrategy(next.strategy));
      await this.#proxy.reload(next, strategy);
      this.#health.configure(next);
      this.#accessLog.configure(next.accessLog);
      if (this.#start.logLevelOverride === undefined) {
        this.#log.logger.level = next.logging.level;
      }
      this.#config = next;
      send({ helios: 'reloaded', id });
    } catch (error) {
      send({
        helios: 'reloaded',
        id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async #report(id: number): Promise<void> {
    if (this.#traffic === undefined) return;
    send({ helios: 'report', id, report: await this.#traffic.report() });
  }

  #wrap(strategy: Strategy): Strategy {
    return new CountingStrategy(strategy, this.#reporter.changed);
  }
}

/** Entry point of a worker process: serve until the primary says drain (or disappears). */
export async function runWorker(): Promise<ExitCode> {
  // The primary coordinates stops and reloads; a group-wide Ctrl-C or SIGHUP is its business.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  const start = await waitForStart();
  const worker = new Worker(start, decodeConfig(start.config));
  process.on('message', worker.onMessage);
  process.on('SIGTERM', () => void worker.stop());
  process.on('uncaughtException', (error) => {
    worker.logger.error({ err: error }, 'uncaught exception (the worker keeps serving)');
  });
  process.on('unhandledRejection', (reason) => {
    worker.logger.error({ err: reason }, 'unhandled promise rejection (the worker keeps serving)');
  });
  if (!(await worker.listen())) return worker.stop().then(() => ExitCode.runtime);
  return worker.done;
}

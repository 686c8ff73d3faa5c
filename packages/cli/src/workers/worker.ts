/**
 * A cluster worker process. It binds no socket: the primary accepts every client connection and
 * passes it here over IPC, and the worker serves it with the ordinary proxy, built from the
 * config generation the primary sends. It applies newer generations atomically and ignores
 * older ones, applies the primary's health verdicts and in-flight totals, reports its request
 * outcomes and in-flight counts, and drains when told to, on its own SIGTERM, or when the
 * primary disappears. It never reads helios.yaml and ignores SIGINT/SIGHUP (a Ctrl-C reaches
 * the whole process group; the primary coordinates the stop).
 *
 * Signals are trapped before this module loads (run.ts). A worker told to stop before it was
 * started exits at once: nothing is in flight, and it will never be started.
 */
import type { Socket } from 'node:net';
import { createProxy, type HeliosConfig, type HeliosProxy, type Strategy } from '@helios/core';
import { createStrategy } from '@helios/strategies';
import { AccessLog } from '../access-log.js';
import { applyConfigChange } from '../apply-config.js';
import type { LogFormat, LogLevelName } from '../args.js';
import { planConfigChange } from '../config-change.js';
import { ExitCode } from '../exit-codes.js';
import { createLogger, type LoggerHandle } from '../logger.js';
import type { SignalTrap } from '../signals.js';
import { decodeConfig } from './config-wire.js';
import { CountingStrategy } from './counting-strategy.js';
import { HandedSockets } from './handed-sockets.js';
import { InFlightReporter } from './in-flight-reporter.js';
import { describeMessage, parseToWorker } from './message-parse.js';
import type { FromWorker, StartMessage, ToWorker } from './messages.js';
import { OutcomeBatch } from './outcome-batch.js';
import { WorkerHealth } from './worker-health.js';
import { WorkerTraffic } from './worker-traffic.js';

/** Longest wait, when a drain begins, for just-handed connections to be read from. */
const SETTLE_MAX_MS = 1_000;

function send(message: FromWorker): void {
  if (process.connected) process.send?.(message);
}

function isSocket(handle: unknown): handle is Socket {
  return (
    typeof handle === 'object' &&
    handle !== null &&
    typeof (handle as Partial<Socket>).destroy === 'function' &&
    typeof (handle as Partial<Socket>).setNoDelay === 'function'
  );
}

/** The serving part of a worker, built from the primary's start message. */
class ServingWorker {
  readonly #start: StartMessage;
  readonly #log: LoggerHandle;
  readonly #proxy: HeliosProxy;
  readonly #health: WorkerHealth;
  readonly #reporter: InFlightReporter;
  readonly #outcomes: OutcomeBatch;
  readonly #accessLog: AccessLog;
  readonly #traffic: WorkerTraffic | undefined;
  readonly #handed = new HandedSockets();
  #config: HeliosConfig;
  #generation: number;
  #stopping: Promise<ExitCode> | undefined;

  constructor(start: StartMessage, log: LoggerHandle) {
    this.#start = start;
    this.#log = log;
    this.#generation = start.generation;
    const config = decodeConfig(start.config);
    this.#config = config;
    const logger = this.logger;
    let proxy: HeliosProxy | undefined;
    const backends = () => proxy?.backends ?? [];
    this.#reporter = new InFlightReporter(
      backends,
      (counts) => send({ helios: 'in-flight', counts }),
      start.reportMs,
    );
    this.#outcomes = new OutcomeBatch((runs) => send({ helios: 'outcomes', runs }), start.reportMs);
    this.#health = new WorkerHealth(logger, backends, this.#outcomes);
    proxy = createProxy({
      config,
      createStrategy: (pool) => this.#wrap(createStrategy(pool.strategy)),
      createHealth: this.#health.forPool,
      logger,
    });
    this.#proxy = proxy;
    proxy.setBoundPorts(start.ports);
    this.#accessLog = new AccessLog(proxy, log.stdout);
    this.#accessLog.configure(config.accessLog);
    this.#traffic = start.admin ? new WorkerTraffic(proxy, () => this.#generation) : undefined;
    for (const change of start.health) this.#health.apply(change);
    this.#reporter.applyOthers(start.inFlight);
  }

  get logger() {
    return this.#log.logger;
  }

  get generation(): number {
    return this.#generation;
  }

  get draining(): boolean {
    return this.#stopping !== undefined;
  }

  /** A client connection from the primary, accepted by listener `listener` (TLS: handshake here). */
  accept(id: number, socket: Socket, listener: number): void {
    send({ helios: 'accepted', id });
    this.#handed.add(socket);
    this.#proxy.accept(socket, listener);
  }

  handle(message: Exclude<ToWorker, { helios: 'start' | 'conn' | 'drain' }>): void {
    switch (message.helios) {
      case 'health':
        this.#health.apply(message.change);
        return;
      case 'in-flight':
        this.#reporter.applyOthers(message.others);
        return;
      case 'reload':
        this.#reload(message.generation, message.config);
        return;
      case 'report':
        void this.#report(message.id);
        return;
    }
  }

  stop(): Promise<ExitCode> {
    this.#stopping ??= (async () => {
      let code: ExitCode = ExitCode.ok;
      // Connections handed over just before the drain: let their first request begin.
      await this.#handed.settle(Math.min(SETTLE_MAX_MS, this.#config.timeouts.clientHeader));
      await this.#proxy.close().catch((error: unknown) => {
        this.logger.error({ err: error }, 'error while draining');
        code = ExitCode.runtime;
      });
      this.#reporter.close();
      this.#outcomes.close();
      this.#traffic?.close();
      this.#accessLog.close();
      this.#log.flush();
      return code;
    })();
    return this.#stopping;
  }

  /**
   * Apply generation `generation` unless this worker already runs it or a newer one: all of it
   * in this turn of the event loop (apply-config.ts), then acknowledge.
   */
  #reload(generation: number, text: string): void {
    if (generation <= this.#generation) {
      send({ helios: 'reloaded', generation });
      return;
    }
    try {
      const change = planConfigChange(this.#config, decodeConfig(text));
      applyConfigChange(
        {
          proxy: this.#proxy,
          accessLog: this.#accessLog,
          logger: this.logger,
          logLevelOverride: this.#start.logLevelOverride,
        },
        change,
      );
      this.#config = change.config;
      this.#generation = generation;
      send({ helios: 'reloaded', generation });
    } catch (error) {
      send({
        helios: 'reloaded',
        generation,
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

/** A worker process from fork to exit: waits for `start`, serves, drains. */
class WorkerProcess {
  readonly #signals: SignalTrap;
  #serving: ServingWorker | undefined;
  /** Told to stop (by the primary, a signal, or the primary's disappearance). */
  #stopped = false;
  #finish: (code: ExitCode) => void = () => {};
  readonly done = new Promise<ExitCode>((resolve) => {
    this.#finish = resolve;
  });

  constructor(signals: SignalTrap) {
    this.#signals = signals;
  }

  run(): Promise<ExitCode> {
    process.on('message', this.#onMessage);
    process.on('disconnect', this.#onDisconnect);
    this.#signals.onStop(() => this.#stop());
    // Only now can the primary's messages be received; it sends nothing before this.
    if (!this.#stopped) send({ helios: 'ready' });
    return this.done;
  }

  readonly #onMessage = (raw: unknown, handle: unknown): void => {
    const message = parseToWorker(raw);
    if (message === undefined) {
      this.#serving?.logger.debug(
        { message: describeMessage(raw) },
        'ignored a malformed or unknown IPC message',
      );
      if (isSocket(handle)) handle.destroy();
      return;
    }
    switch (message.helios) {
      case 'start':
        this.#begin(message);
        return;
      case 'conn':
        this.#connection(message.id, handle, message.listener ?? 0);
        return;
      case 'drain':
        this.#stop();
        return;
      default:
        this.#serving?.handle(message);
    }
  };

  #begin(start: StartMessage): void {
    if (this.#serving !== undefined || this.#stopped) return;
    const log = createLogger({
      level: start.logLevel as LogLevelName,
      format: start.logFormat as LogFormat,
    });
    let serving: ServingWorker;
    try {
      serving = new ServingWorker(start, {
        ...log,
        logger: log.logger.child({ worker: start.worker }),
      });
    } catch (error) {
      send({
        helios: 'start-failed',
        message: error instanceof Error ? error.message : String(error),
      });
      log.logger.error({ err: error }, `worker ${start.worker} could not start`);
      log.flush();
      this.#stopped = true;
      this.#finish(ExitCode.runtime);
      return;
    }
    this.#serving = serving;
    this.#signals.useLogger(serving.logger, log.flush);
    send({ helios: 'serving', generation: serving.generation });
  }

  #connection(id: number, handle: unknown, listener: number): void {
    const serving = this.#serving;
    if (!isSocket(handle)) {
      // The descriptor did not arrive: the primary still holds the connection, and retries it.
      send({ helios: 'returned', id });
      return;
    }
    if (serving === undefined || serving.draining || this.#stopped) {
      // Closing this process's copy only: the primary keeps its own until it hears back.
      handle.destroy();
      send({ helios: 'returned', id });
      return;
    }
    serving.accept(id, handle, listener);
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const serving = this.#serving;
    if (serving === undefined) {
      // Never started: nothing in flight, nothing to drain.
      this.#finish(ExitCode.ok);
      return;
    }
    send({ helios: 'draining' });
    void serving.stop().then((code) => this.#finish(code));
  }

  readonly #onDisconnect = (): void => {
    this.#serving?.logger.warn('the primary process is gone; draining and exiting');
    this.#stop();
  };
}

/** Entry point of a worker process: serve until told to drain. */
export function runWorker(signals: SignalTrap): Promise<ExitCode> {
  return new WorkerProcess(signals).run();
}

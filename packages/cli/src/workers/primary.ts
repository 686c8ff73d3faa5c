/**
 * The cluster primary (`workers:` above 1). Like nginx's master, it holds the listening socket
 * from start to exit; workers come and go behind it and clients never see the port close. It
 * accepts every connection and hands it to a serving worker (connection-dispatcher.ts); while
 * none can take it, the connection waits. It forks the workers and replaces the ones that die
 * or drain (with a growing delay when they keep dying), decides health once for everyone and
 * relays every verdict, sums the workers' in-flight counts, numbers every reload as a generation
 * and waits for each worker's acknowledgement, drains everything on SIGTERM/SIGINT, and runs the
 * admin server over figures gathered from the workers.
 *
 * Workers are plain `child_process.fork()`s of the same command, not `node:cluster` workers:
 * cluster's round-robin handle closes the port when its last worker leaves, and a cluster worker
 * exits at once when its IPC channel drops. Neither fits the promise above.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { AdminServer } from '@helios/admin';
import { type HeliosConfig, tlsFiles } from '@helios/core';
import type { ConfigChange } from '../config-change.js';
import type { ConfigOverrides } from '../config-source.js';
import { ExitCode } from '../exit-codes.js';
import { httpUrl, listenersText, listenerUrl } from '../listen-address.js';
import { describeListenError } from '../listen-error.js';
import type { LoggerHandle } from '../logger.js';
import { summarizePools } from '../pools-summary.js';
import { type ApplyReport, Reloader } from '../reload.js';
import type { SignalTrap } from '../signals.js';
import { type ConfigWatcher, watchConfig } from '../watch.js';
import { createClusterAdmin } from './cluster-admin.js';
import { Coalescer } from './coalescer.js';
import { encodeConfig } from './config-wire.js';
import { ConnectionDispatcher, type DispatcherLimits } from './connection-dispatcher.js';
import { CrashBackoff, type CrashBackoffOptions } from './crash-backoff.js';
import { InFlightTable } from './in-flight-table.js';
import { describeMessage, parseFromWorker } from './message-parse.js';
import type { FromWorker, WorkerReport } from './messages.js';
import { PrimaryHealth } from './primary-health.js';
import { Respawner } from './respawner.js';
import { WorkerHandle } from './worker-handle.js';
import { collectReports, sendGeneration } from './worker-requests.js';

export interface ClusterOptions {
  config: HeliosConfig;
  workers: number;
  log: LoggerHandle;
  signals: SignalTrap;
  logLevel: string;
  logFormat: string;
  configPath?: string | undefined;
  overrides?: ConfigOverrides;
  watch?: boolean;
  logLevelOverride?: string | undefined;
  /** Milliseconds between in-flight and outcome reports, worker to primary and back (5). */
  reportMs?: number;
  backoff?: CrashBackoffOptions;
  /** Bounds of the wait for a worker (connection-dispatcher.ts). */
  queue?: DispatcherLimits;
}

export interface ClusterRunning {
  /** Where the cluster listens; undefined when it stopped before listening. */
  url: string | undefined;
  /** Resolves with the exit code once every worker has exited and the primary stopped. */
  done: Promise<ExitCode>;
}

const REPLY_TIMEOUT_MS = 10_000;
const REPORT_TIMEOUT_MS = 2_000;

/** How the first start of a slot ended. */
type StartOutcome = { ok: true } | { ok: false; reason: string };

export class ClusterPrimary {
  readonly #options: ClusterOptions;
  readonly #log: LoggerHandle;
  /** Every live worker process, by id (a draining one and its replacement share a slot). */
  readonly #workers = new Map<number, WorkerHandle>();
  /** The worker currently filling each slot. */
  readonly #slots = new Map<number, WorkerHandle>();
  readonly #firstStart = new Map<number, (outcome: StartOutcome) => void>();
  readonly #backoff: CrashBackoff;
  readonly #respawner: Respawner;
  readonly #dispatcher: ConnectionDispatcher;
  readonly #inFlight = new InFlightTable();
  readonly #inFlightFlush: Coalescer;
  readonly #sentInFlight = new Map<number, string>();
  readonly #health: PrimaryHealth;
  readonly #events = new EventEmitter();
  #config: HeliosConfig;
  #generation = 0;
  /** One listening socket per listener of the config, in its order. */
  #servers: Server[] = [];
  #address: { address: string; port: number } | undefined;
  #admin: AdminServer | undefined;
  #watcher: ConfigWatcher | undefined;
  #serial = 0;
  #reportId = 0;
  #failed = false;
  #stopping: Promise<ExitCode> | undefined;
  #allExited: (() => void) | undefined;
  #finish: (code: ExitCode) => void = () => {};
  readonly #done = new Promise<ExitCode>((resolve) => {
    this.#finish = resolve;
  });

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#config = options.config;
    this.#backoff = new CrashBackoff(options.backoff);
    this.#respawner = new Respawner(this.#backoff, (slot) => {
      if (this.#stopping === undefined) this.#spawn(slot);
    });
    this.#dispatcher = new ConnectionDispatcher(options.log.logger, options.queue);
    this.#inFlightFlush = new Coalescer(options.reportMs ?? 5, () => this.#shareInFlight());
    this.#health = new PrimaryHealth(options.config, options.log.logger, {
      broadcast: (change) => {
        for (const worker of this.#workers.values()) worker.send({ helios: 'health', change });
      },
      record: (transition) => this.#events.emit('transition', transition),
    });
  }

  /** Listen, fork the workers and serve; resolves once all serve (or it stopped, or failed). */
  async start(): Promise<ClusterRunning> {
    const { signals } = this.#options;
    // First of all: a stop from now on drains whatever has started by then.
    signals.onStop(() => void this.stop());
    signals.onForcedExit(() => {
      for (const worker of this.#workers.values()) worker.process.kill('SIGKILL');
    });
    const logger = this.#log.logger;
    const config = this.#config;
    if (!(await this.#startAdmin())) return this.#giveUp();
    if (this.#stopping !== undefined) return { url: undefined, done: this.#done };
    if (!(await this.#listen())) return this.#giveUp();
    if (this.#stopping !== undefined) return { url: undefined, done: this.#done };

    const starts: Promise<StartOutcome>[] = [];
    for (let slot = 1; slot <= this.#options.workers; slot++) {
      starts.push(new Promise((resolve) => this.#firstStart.set(slot, resolve)));
      this.#spawn(slot);
    }
    const outcomes = await Promise.all(starts);
    const port = this.#address?.port ?? config.port;
    const first = config.listeners[0];
    const url = first === undefined ? httpUrl(config.host, port) : listenerUrl(first, port);
    const ports = this.#servers.map(
      (server) => (server.address() as AddressInfo | null)?.port ?? 0,
    );
    if (this.#stopping !== undefined) return { url, done: this.#done };
    const failed = outcomes.find((o) => !o.ok);
    if (failed !== undefined && !failed.ok) return this.#giveUp(failed.reason);

    const workers = this.#options.workers;
    const summary = summarizePools(config);
    logger.info(
      { address: url, port, ports, ...summary.fields, workers },
      `listening on ${listenersText(config.listeners, ports)} (${summary.text}; ${workers} workers behind the primary's socket)`,
    );
    if (this.#admin !== undefined) {
      const a = this.#admin.address();
      if (a !== null)
        logger.info(
          { address: `${httpUrl(a.address, a.port)}/` },
          `admin listening on ${httpUrl(a.address, a.port)}/`,
        );
    }
    this.#startReloads();
    return { url, done: this.#done };
  }

  /**
   * Drain every worker (each finishes its in-flight requests for up to `timeouts.drain`), then
   * stop the primary. The listening socket closes first; connections already handed to a worker
   * are served by it, those still waiting for a worker (none is serving) are closed.
   */
  stop(): Promise<ExitCode> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<ExitCode> {
    this.#respawner.cancelAll();
    this.#watcher?.close();
    for (const server of this.#servers) server.close();
    this.#dispatcher.stop();
    const allExited = new Promise<void>((resolve) => {
      this.#allExited = resolve;
    });
    if (this.#workers.size === 0) this.#allExited?.();
    for (const worker of this.#workers.values()) this.#tellToStop(worker);
    const grace = this.#config.timeouts.drain + 5_000;
    let timer: NodeJS.Timeout | undefined;
    const forced = await Promise.race([
      allExited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), grace);
      }),
    ]);
    clearTimeout(timer);
    let code: ExitCode = this.#failed ? ExitCode.runtime : ExitCode.ok;
    if (forced) {
      this.#log.logger.error(
        { workers: [...this.#workers.values()].map((w) => w.pid) },
        `workers still running ${grace} ms after the drain began; killing them`,
      );
      for (const worker of this.#workers.values()) worker.process.kill('SIGKILL');
      code = ExitCode.runtime;
    }
    this.#dispatcher.close();
    this.#inFlightFlush.cancel();
    await this.#admin?.close().catch(() => undefined);
    await this.#health.close().catch(() => undefined);
    this.#log.logger.info('stopped');
    this.#finish(code);
    return code;
  }

  #tellToStop(worker: WorkerHandle): void {
    worker.stopRequested = true;
    this.#dispatcher.remove(worker.id);
    if (worker.stage === 'forked') {
      // Still loading: nothing in flight, and it cannot read messages yet. It exits on the
      // signal (its handler, or Node's default if it has none yet); 'ready' gets 'drain' too.
      worker.process.kill('SIGTERM');
      return;
    }
    if (worker.stage !== 'draining') {
      worker.stage = 'draining';
      worker.send({ helios: 'drain' });
    }
  }

  async #listen(): Promise<boolean> {
    const config = this.#config;
    for (const [index, listener] of config.listeners.entries()) {
      // The worker does the TLS handshake on the handed socket; the primary only accepts.
      const server = createServer({ pauseOnConnect: true }, (socket: Socket) =>
        this.#dispatcher.accept(socket, index),
      );
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port: listener.port, host: listener.host }, () => {
            server.off('error', reject);
            resolve();
          });
        });
      } catch (error) {
        this.#log.logger.error(
          { err: error },
          describeListenError(
            error,
            `${listener.host}:${listener.port}`,
            index === 0
              ? '--port or port: in helios.yaml'
              : `listeners[${index}].port in helios.yaml`,
          ),
        );
        for (const opened of this.#servers) opened.close();
        this.#servers = [];
        return false;
      }
      // Accept errors (EMFILE under a connection flood) must not end the process.
      server.on('error', (error) => {
        this.#log.logger.warn({ err: error }, 'error on the listening socket');
      });
      this.#servers.push(server);
    }
    const address = this.#servers[0]?.address();
    if (address !== null && typeof address === 'object') {
      this.#address = { address: address.address, port: address.port };
    }
    return true;
  }

  #spawn(slot: number): void {
    // The same command again, told by HELIOS_WORKER which slot it fills (see worker-env.ts).
    const child: ChildProcess = fork(process.argv[1] ?? '', process.argv.slice(2), {
      env: { ...process.env, HELIOS_WORKER: String(slot) },
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'json',
    });
    const worker = new WorkerHandle(++this.#serial, slot, child, Date.now());
    this.#workers.set(worker.id, worker);
    this.#slots.set(slot, worker);
    this.#log.logger.debug(
      { worker: slot, workerPid: child.pid },
      `worker ${slot} forked (pid ${String(child.pid)})`,
    );
    child.on('message', (raw: unknown, handle: unknown) => this.#onMessage(worker, raw, handle));
    // Not 'disconnect': Node postpones it forever while a handle awaits the dead process's
    // acknowledgement. 'close' comes once the process exited and its channel was read to the
    // end; the messages read last are emitted on the next ticks, so their acknowledgements
    // count before what was not acknowledged goes to another worker.
    child.on('close', () => setImmediate(() => this.#dispatcher.lost(worker.id)));
    child.on('exit', (code, signal) => this.#onExit(worker, code, signal));
    child.on('error', (error) => {
      this.#log.logger.error({ err: error, worker: slot }, `worker ${slot}: ${error.message}`);
      // A fork that never ran emits no 'exit'.
      if (child.pid === undefined) this.#onExit(worker, null, null);
    });
  }

  #onMessage(worker: WorkerHandle, raw: unknown, handle: unknown): void {
    const message = parseFromWorker(raw);
    if (message === undefined) {
      this.#log.logger.debug(
        { worker: worker.slot, workerPid: worker.pid, message: describeMessage(raw) },
        'ignored a malformed or unknown IPC message from a worker',
      );
      if (typeof (handle as { destroy?: unknown } | undefined)?.destroy === 'function') {
        (handle as Socket).destroy();
      }
      return;
    }
    this.#handle(worker, message);
  }

  #handle(worker: WorkerHandle, message: FromWorker): void {
    switch (message.helios) {
      case 'ready':
        this.#sendStart(worker);
        return;
      case 'serving':
        this.#serving(worker, message.generation);
        return;
      case 'start-failed':
        this.#settleFirstStart(worker, {
          ok: false,
          reason: `worker ${worker.slot} could not start: ${message.message}`,
        });
        return;
      case 'accepted':
        this.#dispatcher.accepted(worker.id, message.id);
        return;
      case 'returned':
        this.#dispatcher.returned(worker.id, message.id);
        return;
      case 'draining':
        this.#draining(worker);
        return;
      case 'outcomes':
        this.#health.outcomes(message.runs);
        return;
      case 'in-flight':
        this.#inFlight.report(worker.id, message.counts);
        this.#inFlightFlush.changed();
        return;
      case 'reloaded':
      case 'report':
        worker.answer(message);
        return;
    }
  }

  /** The worker can receive messages: start it with the newest generation, unless stopping. */
  #sendStart(worker: WorkerHandle): void {
    if (worker.stopRequested || this.#stopping !== undefined) {
      worker.stage = 'draining';
      worker.send({ helios: 'drain' });
      return;
    }
    if (worker.stage !== 'forked') return;
    worker.stage = 'starting';
    worker.send({
      helios: 'start',
      worker: worker.slot,
      generation: this.#generation,
      config: encodeConfig(this.#config),
      logLevel: this.#options.logLevel,
      logFormat: this.#options.logFormat,
      logLevelOverride: this.#options.logLevelOverride,
      health: this.#health.snapshot(),
      inFlight: this.#inFlight.totals(),
      reportMs: this.#options.reportMs ?? 5,
      admin: this.#config.admin !== undefined,
      ports: this.#servers.map((server) => (server.address() as AddressInfo | null)?.port ?? 0),
    });
  }

  #serving(worker: WorkerHandle, generation: number): void {
    if (worker.stage !== 'starting') return;
    worker.stage = 'serving';
    worker.served = true;
    worker.generation = generation;
    // Ids above the worker count belong to replacements (the first N are the start-up ones).
    const replaced = worker.id > this.#options.workers;
    this.#log.logger.info(
      { worker: worker.slot, workerPid: worker.pid, port: this.#address?.port, generation },
      replaced
        ? `worker ${worker.slot} replaced: pid ${worker.pid} is serving`
        : `worker ${worker.slot} ready (pid ${worker.pid})`,
    );
    this.#dispatcher.add(worker);
    this.#settleFirstStart(worker, { ok: true });
  }

  /** A worker drains: no more connections for it; if the primary did not ask, replace it now. */
  #draining(worker: WorkerHandle): void {
    this.#dispatcher.remove(worker.id);
    const askedByPrimary = worker.stopRequested;
    worker.stage = 'draining';
    if (askedByPrimary || this.#stopping !== undefined) return;
    if (this.#slots.get(worker.slot) !== worker) return;
    this.#log.logger.info(
      { worker: worker.slot, workerPid: worker.pid },
      `worker ${worker.slot} (pid ${worker.pid}) is draining on its own; starting its replacement`,
    );
    this.#spawn(worker.slot);
  }

  #settleFirstStart(worker: WorkerHandle, outcome: StartOutcome): void {
    const settle = this.#firstStart.get(worker.slot);
    if (settle === undefined) return;
    this.#firstStart.delete(worker.slot);
    settle(outcome);
  }

  #onExit(worker: WorkerHandle, code: number | null, signal: NodeJS.Signals | null): void {
    if (!this.#workers.delete(worker.id)) return;
    this.#dispatcher.remove(worker.id);
    worker.abandon();
    this.#sentInFlight.delete(worker.id);
    this.#inFlight.remove(worker.id);
    this.#inFlightFlush.changed();
    const how = signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
    if (!worker.served) {
      this.#settleFirstStart(worker, {
        ok: false,
        reason: `worker ${worker.slot} exited (${how}) before serving`,
      });
    }
    if (this.#stopping !== undefined) {
      if (this.#workers.size === 0) this.#allExited?.();
      return;
    }
    if (this.#slots.get(worker.slot) !== worker) {
      // It drained on its own and its replacement is in place already.
      this.#log.logger.info(
        { worker: worker.slot, workerPid: worker.pid, code, signal },
        `worker ${worker.slot} (pid ${worker.pid}) finished draining and exited`,
      );
      return;
    }
    const delay = this.#respawner.crashed(worker.slot, Date.now() - worker.startedAt);
    const streak = this.#backoff.streak(worker.slot);
    this.#log.logger.error(
      {
        worker: worker.slot,
        workerPid: worker.pid,
        code,
        signal,
        restartInMs: delay,
        crashes: streak,
      },
      delay === 0
        ? `worker ${worker.slot} (pid ${worker.pid}) died (${how}); replacing it now`
        : `worker ${worker.slot} (pid ${worker.pid}) died (${how}), ${streak} times in a row; replacing it in ${delay} ms`,
    );
  }

  /** Give every worker the in-flight totals of the others (only when they changed). */
  #shareInFlight(): void {
    const totals = this.#inFlight.totals();
    for (const backend of this.#health.backends) {
      backend.externalInFlight = totals[backend.key] ?? 0;
    }
    for (const worker of this.#workers.values()) {
      const others = this.#inFlight.othersOf(worker.id, totals);
      const key = JSON.stringify(others);
      if (this.#sentInFlight.get(worker.id) === key) continue;
      this.#sentInFlight.set(worker.id, key);
      worker.send({ helios: 'in-flight', others });
    }
  }

  #startReloads(): void {
    const configPath = this.#options.configPath;
    if (configPath === undefined) return;
    const logger = this.#log.logger;
    const reloader = new Reloader({
      configPath,
      overrides: this.#options.overrides ?? {},
      initial: this.#config,
      workers: this.#options.workers,
      logger,
      apply: (generation, change) => this.#applyGeneration(generation, change),
      onReload: (outcome) => {
        this.#admin?.recordReload(outcome);
        // The certificate files of the config now serving (a rejected reload keeps the old).
        this.#watcher?.watchAlso(tlsFiles(reloader.config));
      },
    });
    if (this.#options.watch === true) {
      this.#watcher = watchConfig(configPath, () => void reloader.request('watch'), logger);
      this.#watcher.watchAlso(tlsFiles(this.#config));
    }
    // A SIGHUP that arrived during start-up reloads now.
    this.#options.signals.onReload(() => void reloader.request('SIGHUP'));
  }

  /**
   * Generation `generation` goes to every worker that is starting or serving (in order on each
   * channel, after its start message), and becomes what every later worker starts with.
   * Resolves once every worker answered.
   */
  #applyGeneration(generation: number, change: ConfigChange): Promise<ApplyReport> {
    const next = change.config;
    const text = encodeConfig(next);
    this.#config = next;
    this.#generation = generation;
    const live = [...this.#workers.values()].filter(
      (w) => w.stage === 'starting' || w.stage === 'serving',
    );
    const acknowledged = sendGeneration(live, generation, text, REPLY_TIMEOUT_MS);
    // The primary's own health view moves in the same turn, after the messages left.
    this.#health.configure(next);
    return acknowledged;
  }

  #collectReports(): Promise<WorkerReport[]> {
    const serving = [...this.#workers.values()].filter((w) => w.stage === 'serving');
    return collectReports(serving, ++this.#reportId, REPORT_TIMEOUT_MS);
  }

  async #startAdmin(): Promise<boolean> {
    const adminConfig = this.#config.admin;
    if (adminConfig === undefined) return true;
    this.#admin = createClusterAdmin({
      config: adminConfig,
      logger: this.#log.logger,
      health: this.#events,
      backends: () => this.#health.backends,
      strategy: () => this.#config.strategy.name,
      generation: () => this.#generation,
      listener: () =>
        this.#address === undefined
          ? null
          : {
              address: this.#address.address,
              port: this.#address.port,
              family: this.#address.address.includes(':') ? 'IPv6' : 'IPv4',
            },
      collect: () => this.#collectReports(),
    });
    try {
      await this.#admin.listen();
      return true;
    } catch (error) {
      this.#log.logger.error(
        { err: error },
        error instanceof Error
          ? error.message
          : `cannot start the admin listener: ${String(error)}`,
      );
      this.#admin = undefined;
      return false;
    }
  }

  async #giveUp(reason?: string): Promise<ClusterRunning> {
    if (reason !== undefined) this.#log.logger.error({ reason }, `not started: ${reason}`);
    this.#failed = true;
    void this.stop();
    return { url: undefined, done: this.#done };
  }
}

/** Run Helios as a primary with `options.workers` worker processes. */
export function runCluster(options: ClusterOptions): Promise<ClusterRunning> {
  return new ClusterPrimary(options).start();
}

/**
 * The cluster primary (`workers:` above 1). It forwards no traffic: it forks the workers and
 * replaces the ones that die (with a growing delay when they keep dying), probes the backends
 * once for everyone and relays every health change, sums the workers' in-flight counts and
 * hands each worker the others' totals, reloads every worker on SIGHUP/--watch, drains them
 * all on SIGTERM/SIGINT, and runs the admin server over figures gathered from the workers.
 */
import cluster, { type Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import type { Backend, HeliosConfig } from '@helios/core';
import { createHealthChecker, type HealthChecker } from '@helios/health';
import { createStrategy } from '@helios/strategies';
import { AccessLog } from '../access-log.js';
import type { AdminServer, HealthTransition } from '../admin/index.js';
import type { ConfigOverrides } from '../config-source.js';
import { ExitCode } from '../exit-codes.js';
import { httpUrl } from '../listen-address.js';
import type { LoggerHandle } from '../logger.js';
import { Reloader } from '../reload.js';
import { installSignalHandlers } from '../signals.js';
import { type ConfigWatcher, watchConfig } from '../watch.js';
import { createClusterAdmin } from './cluster-admin.js';
import { Coalescer } from './coalescer.js';
import { encodeConfig } from './config-wire.js';
import { CrashBackoff, type CrashBackoffOptions } from './crash-backoff.js';
import { HealthRelay } from './health-relay.js';
import { InFlightTable } from './in-flight-table.js';
import { chooseListenMode, describeListenMode, type ListenMode } from './listen-mode.js';
import { type FromWorker, type HealthChange, isFromWorker, type WorkerReport } from './messages.js';
import { primaryBackends, primaryHealthConfig } from './primary-backends.js';
import { Respawner } from './respawner.js';
import { WorkerSlot } from './worker-slot.js';

export interface ClusterOptions {
  config: HeliosConfig;
  workers: number;
  log: LoggerHandle;
  logLevel: string;
  logFormat: string;
  configPath?: string | undefined;
  overrides?: ConfigOverrides;
  watch?: boolean;
  logLevelOverride?: string | undefined;
  /** Milliseconds between in-flight reports, worker to primary and back (default 5). */
  reportMs?: number;
  backoff?: CrashBackoffOptions;
  /** Force a listen mode (tests); default: reuse-port where this Node supports it. */
  listenMode?: ListenMode;
}

export interface ClusterRunning {
  url: string;
  done: Promise<ExitCode>;
}

const REPLY_TIMEOUT_MS = 10_000;
const REPORT_TIMEOUT_MS = 2_000;

type Outcome = { ok: true; port: number; address: string } | { ok: false; reason: string };

export class ClusterPrimary {
  readonly #options: ClusterOptions;
  readonly #log: LoggerHandle;
  readonly #mode: ListenMode;
  readonly #slots = new Map<number, WorkerSlot>();
  readonly #backoff: CrashBackoff;
  readonly #inFlight = new InFlightTable();
  readonly #inFlightFlush: Coalescer;
  readonly #sentInFlight = new Map<number, string>();
  readonly #relay: HealthRelay;
  readonly #checker: HealthChecker;
  readonly #events = new EventEmitter();
  readonly #respawner: Respawner;
  readonly #startWaiters = new Map<number, (outcome: Outcome) => void>();
  #config: HeliosConfig;
  #backends: Backend[];
  #port: number;
  #address = '';
  #messageId = 0;
  #stopping = false;
  #admin: AdminServer | undefined;
  #onAllExited: (() => void) | undefined;

  constructor(options: ClusterOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#config = options.config;
    this.#port = options.config.port;
    this.#mode = options.listenMode ?? chooseListenMode();
    this.#backoff = new CrashBackoff(options.backoff);
    this.#respawner = new Respawner(this.#backoff, (slot) => {
      if (!this.#stopping) void this.#fork(slot);
    });
    this.#backends = primaryBackends(options.config);
    this.#inFlightFlush = new Coalescer(options.reportMs ?? 5, () => this.#shareInFlight());
    const logger = this.#log.logger;
    this.#relay = new HealthRelay({
      backends: () => this.#backends,
      broadcast: (change, except) => {
        for (const slot of this.#slots.values()) {
          if (slot.slot !== except) slot.send({ helios: 'health', change });
        }
      },
      sendTo: (worker, change) => this.#slots.get(worker)?.send({ helios: 'health', change }),
      record: (transition) => this.#events.emit('transition', transition),
    });
    this.#checker = createHealthChecker({
      health: primaryHealthConfig(options.config.health),
      backends: options.config.backends,
      logger,
    });
    this.#checker.on('transition', (t: HealthTransition) => {
      if (t.source === 'active') this.#relay.active(toChange(t));
    });
    this.#checker.update(this.#backends);
  }

  /** Fork the workers and serve; resolves once all listen, or undefined after logging why not. */
  async start(): Promise<ClusterRunning | undefined> {
    const logger = this.#log.logger;
    const config = this.#config;
    if (!(await this.#startAdmin())) return this.#giveUp();
    cluster.schedulingPolicy = cluster.SCHED_RR;
    cluster.on('message', this.#onMessage);
    cluster.on('exit', this.#onExit);

    // The first worker binds (and, with port 0, picks) the port the others then share.
    const first = await this.#fork(1);
    if (!first.ok) return this.#giveUp(first.reason);
    if (this.#mode === 'reuse-port') this.#port = first.port;
    this.#address = first.address;
    const rest: Promise<Outcome>[] = [];
    for (let slot = 2; slot <= this.#options.workers; slot++) rest.push(this.#fork(slot));
    const failed = (await Promise.all(rest)).find((o) => !o.ok);
    if (failed !== undefined && !failed.ok) return this.#giveUp(failed.reason);

    // Signal handlers go in before the listening line: whoever waits for it may signal at once.
    const done = this.#serveUntilStopped();
    const url = httpUrl(config.host, first.port);
    const backends = config.backends.map((b) => b.url.origin);
    const workers = this.#options.workers;
    logger.info(
      {
        address: url,
        port: first.port,
        strategy: config.strategy.name,
        backends,
        workers,
        listenMode: this.#mode,
      },
      `listening on ${url} (${config.strategy.name}, ${backends.length} backend${backends.length === 1 ? '' : 's'}: ${backends.join(', ')}; ${workers} workers, ${describeListenMode(this.#mode)})`,
    );
    if (this.#admin !== undefined) {
      const a = this.#admin.address();
      if (a !== null)
        logger.info(
          { address: `${httpUrl(a.address, a.port)}/` },
          `admin listening on ${httpUrl(a.address, a.port)}/`,
        );
    }
    return { url, done };
  }

  #serveUntilStopped(): Promise<ExitCode> {
    const logger = this.#log.logger;
    const configPath = this.#options.configPath;
    const reloader =
      configPath === undefined
        ? undefined
        : new Reloader({
            configPath,
            overrides: this.#options.overrides ?? {},
            initial: this.#config,
            logLevelOverride: this.#options.logLevelOverride,
            proxy: { reload: (next) => this.#reloadWorkers(next) },
            health: {
              configure: (health, backends) =>
                this.#checker.configure(primaryHealthConfig(health), backends),
            },
            createStrategy: (s) => createStrategy(s),
            // The primary serves no requests; the workers keep the access log.
            accessLog: new AccessLog(new EventEmitter(), this.#log.stdout),
            logger,
            onReload: (outcome) => this.#admin?.recordReload(outcome),
          });
    let watcher: ConfigWatcher | undefined;
    if (reloader !== undefined && configPath !== undefined && this.#options.watch === true) {
      watcher = watchConfig(configPath, () => void reloader.request('watch'), logger);
    }
    return new Promise<ExitCode>((resolve) => {
      const uninstall = installSignalHandlers(
        {
          reload: reloader === undefined ? undefined : () => void reloader.request('SIGHUP'),
          flush: this.#log.flush,
          shutdown: () => {
            watcher?.close();
            void this.stop().then((code) => {
              uninstall();
              resolve(code);
            });
          },
        },
        logger,
      );
    });
  }

  /** Drain every worker (each finishes its in-flight requests), then stop the primary. */
  async stop(): Promise<ExitCode> {
    this.#stopping = true;
    this.#respawner.cancelAll();
    const allExited = new Promise<void>((resolve) => {
      this.#onAllExited = resolve;
      if (this.#slots.size === 0) resolve();
    });
    for (const slot of this.#slots.values()) slot.send({ helios: 'drain' });
    const grace = this.#config.timeouts.drain + 5_000;
    let timer: NodeJS.Timeout | undefined;
    const forced = await Promise.race([
      allExited.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), grace);
      }),
    ]);
    clearTimeout(timer);
    let code: ExitCode = ExitCode.ok;
    if (forced) {
      this.#log.logger.error(
        { workers: [...this.#slots.values()].map((s) => s.pid) },
        `workers still running ${grace} ms after the drain began; killing them`,
      );
      for (const slot of this.#slots.values()) slot.process.kill('SIGKILL');
      code = ExitCode.runtime;
    }
    this.#inFlightFlush.cancel();
    cluster.off('message', this.#onMessage);
    cluster.off('exit', this.#onExit);
    await this.#admin?.close().catch(() => undefined);
    await this.#checker.close().catch(() => undefined);
    this.#log.logger.info('stopped');
    return code;
  }

  /** Workers currently running, by slot (for status pages and tests). */
  pids(): Map<number, number | undefined> {
    return new Map([...this.#slots].map(([slot, w]) => [slot, w.pid]));
  }

  #fork(slot: number): Promise<Outcome> {
    const worker = cluster.fork({ HELIOS_WORKER: String(slot) });
    const entry = new WorkerSlot(slot, worker, Date.now());
    this.#slots.set(slot, entry);
    const outcome = new Promise<Outcome>((resolve) => this.#startWaiters.set(slot, resolve));
    entry.onReady = () => {
      entry.started = true;
      entry.send({
        helios: 'start',
        worker: slot,
        config: encodeConfig(this.#config),
        port: this.#port,
        reusePort: this.#mode === 'reuse-port',
        logLevel: this.#options.logLevel,
        logFormat: this.#options.logFormat,
        logLevelOverride: this.#options.logLevelOverride,
        health: this.#relay.snapshot(),
        inFlight: this.#inFlight.totals(),
        reportMs: this.#options.reportMs ?? 5,
        admin: this.#config.admin !== undefined,
      });
    };
    return outcome;
  }

  readonly #onMessage = (worker: Worker, message: unknown): void => {
    if (!isFromWorker(message)) return;
    const entry = this.#slotOf(worker);
    if (entry === undefined) return;
    this.#handle(entry, message);
  };

  #handle(entry: WorkerSlot, message: FromWorker): void {
    const logger = this.#log.logger;
    switch (message.helios) {
      case 'ready':
        entry.onReady();
        return;
      case 'listening': {
        entry.listening = true;
        const replaced = this.#backoff.streak(entry.slot) > 0;
        logger.info(
          { worker: entry.slot, workerPid: entry.pid, port: message.port },
          replaced
            ? `worker ${entry.slot} replaced: pid ${entry.pid} is serving`
            : `worker ${entry.slot} ready (pid ${entry.pid})`,
        );
        this.#settle(entry.slot, { ok: true, port: message.port, address: message.address });
        return;
      }
      case 'listen-failed':
        this.#settle(entry.slot, { ok: false, reason: message.message });
        return;
      case 'passive':
        this.#relay.passive(entry.slot, message.change);
        return;
      case 'in-flight':
        this.#inFlight.report(entry.slot, message.counts);
        this.#inFlightFlush.changed();
        return;
      case 'reloaded':
      case 'report':
        entry.answer(message);
        return;
    }
  }

  #settle(slot: number, outcome: Outcome): void {
    const waiter = this.#startWaiters.get(slot);
    if (waiter === undefined) return;
    this.#startWaiters.delete(slot);
    waiter(outcome);
  }

  readonly #onExit = (worker: Worker, code: number | null, signal: string | null): void => {
    const entry = this.#slotOf(worker);
    if (entry === undefined) return;
    this.#slots.delete(entry.slot);
    this.#sentInFlight.delete(entry.slot);
    entry.abandon();
    this.#inFlight.remove(entry.slot);
    this.#inFlightFlush.changed();
    this.#relay.workerGone(entry.slot);
    const how = signal !== null ? `signal ${signal}` : `exit code ${String(code)}`;
    if (!entry.listening) {
      this.#settle(entry.slot, {
        ok: false,
        reason: `worker ${entry.slot} exited (${how}) before listening`,
      });
    }
    if (this.#stopping) {
      if (this.#slots.size === 0) this.#onAllExited?.();
      return;
    }
    const delay = this.#respawner.crashed(entry.slot, Date.now() - entry.startedAt);
    const streak = this.#backoff.streak(entry.slot);
    this.#log.logger.error(
      {
        worker: entry.slot,
        workerPid: entry.pid,
        code,
        signal,
        restartInMs: delay,
        crashes: streak,
      },
      delay === 0
        ? `worker ${entry.slot} (pid ${entry.pid}) died (${how}); replacing it now`
        : `worker ${entry.slot} (pid ${entry.pid}) died (${how}), ${streak} times in a row; replacing it in ${delay} ms`,
    );
  };

  #slotOf(worker: Worker): WorkerSlot | undefined {
    for (const entry of this.#slots.values()) if (entry.process === worker) return entry;
    return undefined;
  }

  /** Give every worker the in-flight totals of the others (only when they changed). */
  #shareInFlight(): void {
    const totals = this.#inFlight.totals();
    for (const backend of this.#backends) backend.externalInFlight = totals[backend.id] ?? 0;
    for (const entry of this.#slots.values()) {
      const others = this.#inFlight.othersOf(entry.slot, totals);
      const key = JSON.stringify(others);
      if (this.#sentInFlight.get(entry.slot) === key) continue;
      this.#sentInFlight.set(entry.slot, key);
      entry.send({ helios: 'in-flight', others });
    }
  }

  /** Reload: every worker swaps config (no request dropped), then the primary's own view. */
  async #reloadWorkers(next: HeliosConfig): Promise<void> {
    if (next.workers !== this.#config.workers) {
      this.#log.logger.warn(
        { from: this.#config.workers, to: next.workers },
        `changing workers needs a restart; keeping ${this.#options.workers} worker processes`,
      );
    }
    const id = ++this.#messageId;
    const text = encodeConfig(next);
    // Workers not started yet will get the new config in their start message.
    this.#config = next;
    const live = [...this.#slots.values()].filter((entry) => entry.started);
    const replies = await Promise.all(
      live.map((entry) =>
        entry.ask({ helios: 'reload', id, config: text }, 'reloaded', REPLY_TIMEOUT_MS),
      ),
    );
    this.#backends = primaryBackends(next, this.#backends);
    this.#relay.retain(new Set(this.#backends.map((b) => b.id)));
    this.#checker.update(this.#backends);
    const failures = replies
      .map((reply, i) => {
        const slot = live[i]?.slot;
        if (reply === undefined) return `worker ${slot} did not answer`;
        return reply.error === undefined ? undefined : `worker ${slot}: ${reply.error}`;
      })
      .filter((f): f is string => f !== undefined);
    if (failures.length > 0) throw new Error(`reload failed in ${failures.join('; ')}`);
  }

  async #collectReports(): Promise<WorkerReport[]> {
    const id = ++this.#messageId;
    const replies = await Promise.all(
      [...this.#slots.values()].map((entry) =>
        entry.ask({ helios: 'report', id }, 'report', REPORT_TIMEOUT_MS),
      ),
    );
    return replies.flatMap((reply) => (reply === undefined ? [] : [reply.report]));
  }

  async #startAdmin(): Promise<boolean> {
    const adminConfig = this.#config.admin;
    if (adminConfig === undefined) return true;
    this.#admin = createClusterAdmin({
      config: adminConfig,
      logger: this.#log.logger,
      health: this.#events,
      backends: () => this.#backends,
      strategy: () => this.#config.strategy.name,
      listener: () =>
        this.#address === ''
          ? null
          : {
              address: this.#address,
              port: this.#port,
              family: this.#address.includes(':') ? 'IPv6' : 'IPv4',
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

  async #giveUp(reason?: string): Promise<undefined> {
    if (reason !== undefined) this.#log.logger.error({ reason }, `not started: ${reason}`);
    await this.stop();
    return undefined;
  }
}

function toChange(t: HealthTransition): HealthChange {
  return {
    backend: t.backend,
    source: t.source,
    healthy: t.healthy,
    reason: t.reason,
    downForMs: t.downForMs,
  };
}

/** Run Helios as a primary with `options.workers` worker processes. */
export function runCluster(options: ClusterOptions): Promise<ClusterRunning | undefined> {
  return new ClusterPrimary(options).start();
}

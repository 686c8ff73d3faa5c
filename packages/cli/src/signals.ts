/**
 * Process signals of a running Helios, trapped from the first instant of `helios start` (see
 * run.ts): a signal that arrives before the code that acts on it exists is remembered, never
 * fatal. A SIGTERM/SIGINT during start-up stops the process as soon as there is something to
 * stop, gracefully; a SIGHUP during start-up reloads once start-up is done; a second
 * SIGTERM/SIGINT exits at once (the usual "press Ctrl-C twice").
 *
 * A cluster worker traps the same way but ignores SIGINT and SIGHUP: a Ctrl-C in a terminal
 * reaches the whole process group, and the primary coordinates stops and reloads.
 *
 * Uncaught errors are logged and the process keeps serving: one bad code path must not take
 * every in-flight request down with it.
 */
import { ExitCode } from './exit-codes.js';
import type { CliLogger } from './logger.js';

/** `server`: a single process or a cluster primary. `worker`: a cluster worker. */
export type SignalRole = 'server' | 'worker';

function ignore(): void {}

export class SignalTrap {
  readonly #role: SignalRole;
  #stopSignal: NodeJS.Signals | undefined;
  #stopHandler: ((signal: NodeJS.Signals) => void) | undefined;
  #stopFired = false;
  #reloadPending = false;
  #reloadHandler: (() => void) | undefined;
  #beforeForcedExit: () => void = ignore;
  #logger: CliLogger | undefined;
  #flush: () => void = ignore;

  constructor(role: SignalRole) {
    this.#role = role;
    process.on('SIGTERM', this.#onStop);
    if (role === 'worker') {
      process.on('SIGINT', ignore);
      process.on('SIGHUP', ignore);
    } else {
      process.on('SIGINT', this.#onStop);
      process.on('SIGHUP', this.#onHup);
    }
  }

  /** A SIGTERM/SIGINT has arrived (the process is stopping, or will as soon as it can). */
  get stopRequested(): boolean {
    return this.#stopSignal !== undefined;
  }

  /** Run `handler` on the first SIGTERM/SIGINT; at once if one already arrived. */
  onStop(handler: (signal: NodeJS.Signals) => void): void {
    this.#stopHandler = handler;
    if (this.#stopSignal !== undefined) this.#fireStop(this.#stopSignal);
  }

  /** Run `handler` on SIGHUP; a SIGHUP that arrived before is handled now, once. */
  onReload(handler: () => void): void {
    this.#reloadHandler = handler;
    if (this.#reloadPending && this.#stopSignal === undefined) {
      this.#reloadPending = false;
      this.#hup();
    }
  }

  /** What to do right before a second stop signal exits the process (kill the workers). */
  onForcedExit(handler: () => void): void {
    this.#beforeForcedExit = handler;
  }

  /** Log from now on, and log uncaught errors instead of dying of them. */
  useLogger(logger: CliLogger, flush: () => void): void {
    const first = this.#logger === undefined;
    this.#logger = logger;
    this.#flush = flush;
    if (!first) return;
    const who = this.#role === 'worker' ? 'the worker' : 'Helios';
    process.on('uncaughtException', (error) => {
      this.#logger?.error({ err: error }, `uncaught exception (${who} keeps serving)`);
    });
    process.on('unhandledRejection', (reason) => {
      this.#logger?.error({ err: reason }, `unhandled promise rejection (${who} keeps serving)`);
    });
  }

  readonly #onStop = (signal: NodeJS.Signals): void => {
    if (this.#stopSignal !== undefined) {
      this.#logger?.warn({ signal }, 'second stop signal: exiting without waiting for the drain');
      this.#beforeForcedExit();
      this.#flush();
      process.exit(ExitCode.runtime);
    }
    this.#stopSignal = signal;
    if (this.#stopHandler !== undefined) this.#fireStop(signal);
  };

  #fireStop(signal: NodeJS.Signals): void {
    if (this.#stopFired) return;
    this.#stopFired = true;
    this.#logger?.info({ signal }, 'stopping: no new connections, draining in-flight requests');
    this.#stopHandler?.(signal);
  }

  readonly #onHup = (): void => {
    if (this.#stopSignal !== undefined) return;
    if (this.#reloadHandler === undefined) {
      this.#reloadPending = true;
      return;
    }
    this.#hup();
  };

  #hup(): void {
    this.#logger?.info({ signal: 'SIGHUP' }, 'reloading the config');
    this.#reloadHandler?.();
  }
}

/** Trap the signals of `role` now; call before loading anything slow. */
export function trapSignals(role: SignalRole): SignalTrap {
  return new SignalTrap(role);
}

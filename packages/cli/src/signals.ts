/**
 * Process signals and last-resort error handling for a running proxy. SIGHUP reloads;
 * SIGTERM/SIGINT start a graceful shutdown and a second one exits at once (the usual "press
 * Ctrl-C twice"). Uncaught errors are logged and the process keeps serving: one bad code path
 * must not take every in-flight request down with it.
 */
import { ExitCode } from './exit-codes.js';
import type { CliLogger } from './logger.js';

export interface SignalHandlers {
  reload?(): void;
  shutdown(signal: NodeJS.Signals): void;
  /** Called right before a forced exit, to flush logs. */
  flush(): void;
}

export function installSignalHandlers(handlers: SignalHandlers, logger: CliLogger): () => void {
  let stopping = false;
  const onStop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second stop signal: exiting without waiting for the drain');
      handlers.flush();
      process.exit(ExitCode.runtime);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, draining in-flight requests');
    handlers.shutdown(signal);
  };
  const onHup = (): void => {
    if (stopping) return;
    logger.info({ signal: 'SIGHUP' }, 'reloading the config');
    handlers.reload?.();
  };
  const onUncaught = (error: unknown): void => {
    logger.error({ err: error }, 'uncaught exception (Helios keeps serving)');
  };
  const onRejection = (reason: unknown): void => {
    logger.error({ err: reason }, 'unhandled promise rejection (Helios keeps serving)');
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  if (handlers.reload !== undefined) process.on('SIGHUP', onHup);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onHup);
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
  };
}

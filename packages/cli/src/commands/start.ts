/**
 * `helios [start]`: validate the whole config first (exit 2 with every issue if it is wrong),
 * then serve until SIGTERM/SIGINT, as one process or as a cluster primary with workers. The
 * signals are trapped by the caller before this module loads; a stop that arrives before
 * anything listens ends the command at once with exit code 0.
 */
import type { Invocation } from '../args.js';
import { logConfigWarnings, readConfig } from '../config-source.js';
import { ExitCode } from '../exit-codes.js';
import { createLogger } from '../logger.js';
import { serve } from '../serve.js';
import type { SignalTrap } from '../signals.js';
import { resolveWorkerCount } from '../workers/worker-count.js';
import { isHeliosWorker } from '../workers/worker-env.js';

type StartInvocation = Extract<Invocation, { command: 'start' }>;

export async function startCommand(
  invocation: StartInvocation,
  signals: SignalTrap,
): Promise<ExitCode> {
  // A worker forked by a cluster primary gets its config over IPC (src/workers/).
  if (isHeliosWorker()) return (await import('../workers/index.js')).runWorker(signals);
  const overrides = { port: invocation.port };
  const result = await readConfig(invocation.config, overrides);
  if (!result.ok) {
    process.stderr.write(`${result.report}\nhelios: not started (configuration error).\n`);
    return ExitCode.usage;
  }
  // Stopped while reading the config: nothing was started, nothing to drain.
  if (signals.stopRequested) return ExitCode.ok;
  const { config } = result;
  const log = createLogger({
    level: invocation.logLevel ?? config.logging.level,
    format: invocation.logFormat ?? config.logging.format,
  });
  signals.useLogger(log.logger, log.flush);
  logConfigWarnings(log.logger, result.warnings);
  const workers = resolveWorkerCount(invocation.workers ?? config.workers);
  if (workers > 1) {
    const cluster = await (await import('../workers/index.js')).runCluster({
      config,
      workers,
      log,
      signals,
      logLevel: invocation.logLevel ?? config.logging.level,
      logFormat: invocation.logFormat ?? config.logging.format,
      configPath: invocation.config,
      overrides,
      watch: invocation.watch,
      logLevelOverride: invocation.logLevel,
    });
    const code = await cluster.done;
    log.flush();
    return code;
  }
  const running = await serve({
    config,
    log,
    signals,
    configPath: invocation.config,
    overrides,
    watch: invocation.watch,
    logLevelOverride: invocation.logLevel,
  });
  const code = running === undefined ? ExitCode.runtime : await running.done;
  log.flush();
  return code;
}

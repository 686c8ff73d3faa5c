/**
 * `helios [start]`: validate the whole config first (exit 2 with every issue if it is wrong),
 * then serve until SIGTERM/SIGINT.
 */
import type { Invocation } from '../args.js';
import { readConfig } from '../config-source.js';
import { ExitCode } from '../exit-codes.js';
import { createLogger } from '../logger.js';
import { serve } from '../serve.js';
import { resolveWorkerCount } from '../workers/worker-count.js';
import { isHeliosWorker } from '../workers/worker-env.js';

type StartInvocation = Extract<Invocation, { command: 'start' }>;

export async function startCommand(invocation: StartInvocation): Promise<ExitCode> {
  // A worker forked by a cluster primary gets its config over IPC (src/workers/).
  if (isHeliosWorker()) return (await import('../workers/index.js')).runWorker();
  const overrides = { port: invocation.port };
  const result = await readConfig(invocation.config, overrides);
  if (!result.ok) {
    process.stderr.write(`${result.report}\nhelios: not started (configuration error).\n`);
    return ExitCode.usage;
  }
  const { config } = result;
  const log = createLogger({
    level: invocation.logLevel ?? config.logging.level,
    format: invocation.logFormat ?? config.logging.format,
  });
  const workers = resolveWorkerCount(invocation.workers ?? config.workers);
  if (workers > 1) {
    const cluster = await (await import('../workers/index.js')).runCluster({
      config,
      workers,
      log,
      logLevel: invocation.logLevel ?? config.logging.level,
      logFormat: invocation.logFormat ?? config.logging.format,
      configPath: invocation.config,
      overrides,
      watch: invocation.watch,
      logLevelOverride: invocation.logLevel,
    });
    const code = cluster === undefined ? ExitCode.runtime : await cluster.done;
    log.flush();
    return code;
  }
  const running = await serve({
    config,
    log,
    configPath: invocation.config,
    overrides,
    watch: invocation.watch,
    logLevelOverride: invocation.logLevel,
  });
  const code = running === undefined ? ExitCode.runtime : await running.done;
  log.flush();
  return code;
}

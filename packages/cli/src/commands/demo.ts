/**
 * `helios demo`: three fake backends answering "Halo dari Server N" (from @helios/test-backends)
 * and Helios in front of them on 127.0.0.1, with the access log on so every request shows up.
 * Prints how to watch the balancing and stops everything cleanly on Ctrl-C.
 *
 * @helios/test-backends (and its `ws`) is an optional dependency, loaded only here: `npx
 * @helios/cli demo` works out of the box, and a production install can leave it out with
 * `npm install --omit=optional`; then this command says how to get it.
 */
import { resolveConfig } from '@helios/core';
import { builtinStrategies } from '@helios/strategies';
import type { Invocation } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { createLogger } from '../logger.js';
import { serve } from '../serve.js';
import type { SignalTrap } from '../signals.js';

type DemoInvocation = Extract<Invocation, { command: 'demo' }>;

const backendCount = 3;

/** The demo's config: loopback only, health checks every 2 s, access log and admin on. */
function demoConfig(port: number, urls: readonly string[]) {
  return resolveConfig(
    {
      port,
      host: '127.0.0.1',
      strategy: 'round-robin',
      backends: urls,
      health: { active: { interval: '2s' } },
      accessLog: true,
      // Any free port: the demo prints the URL, and a fixed one could collide.
      admin: { port: 0, host: '127.0.0.1' },
    },
    'helios demo',
    { strategies: builtinStrategies },
  );
}

function instructions(url: string, backendUrls: readonly string[], adminUrl?: string): string {
  const lines = [
    '',
    `Helios demo: ${url} balances round-robin over ${backendUrls.length} backends`,
    ...backendUrls.map((b, i) => `  Server ${i + 1}  ${b}`),
    '',
    'Watch it (in another terminal):',
    `  while true; do curl -s ${url}/; echo; sleep 0.5; done`,
  ];
  if (adminUrl !== undefined) lines.push(`Dashboard and metrics: ${adminUrl}`);
  lines.push('Press Ctrl-C to stop.', '', '');
  return lines.join('\n');
}

type TestBackends = typeof import('@helios/test-backends');

/** The fake backends, or undefined when the optional package is not installed. */
async function loadTestBackends(): Promise<TestBackends | undefined> {
  try {
    return await import('@helios/test-backends');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String((error as Error).message).includes('@helios/test-backends');
    if (missing) return undefined;
    throw error;
  }
}

export async function demoCommand(
  invocation: DemoInvocation,
  signals: SignalTrap,
): Promise<ExitCode> {
  const testBackends = await loadTestBackends();
  if (testBackends === undefined) {
    process.stderr.write(
      'helios demo needs @helios/test-backends, an optional dependency of @helios/cli that this ' +
        'installation left out (npm --omit=optional, or a production-only install).\n' +
        'Install it next to @helios/cli to run the demo: npm install @helios/test-backends\n',
    );
    return ExitCode.runtime;
  }
  const fleet = await testBackends.startBackends({
    count: backendCount,
    host: '127.0.0.1',
    keepProcessAlive: true,
  });
  const urls = fleet.backends.map((b) => b.url);
  const config = demoConfig(invocation.port, urls);
  const log = createLogger({
    level: invocation.logLevel ?? 'info',
    format: invocation.logFormat ?? 'auto',
  });
  signals.useLogger(log.logger, log.flush);
  const running = await serve({ config, log, signals });
  if (running === undefined) {
    await fleet.close();
    log.flush();
    return ExitCode.runtime;
  }
  process.stdout.write(instructions(running.url, urls, running.admin?.url));
  const code = await running.done;
  await fleet.close();
  log.flush();
  return code;
}

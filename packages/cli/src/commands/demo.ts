/**
 * `helios demo`: three fake backends answering "Halo dari Server N" (from @helios/test-backends)
 * and Helios in front of them on 127.0.0.1, with the access log on so every request shows up.
 * Prints how to watch the balancing and stops everything cleanly on Ctrl-C.
 */
import { resolveConfig } from '@helios/core';
import { startBackends } from '@helios/test-backends';
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

export async function demoCommand(
  invocation: DemoInvocation,
  signals: SignalTrap,
): Promise<ExitCode> {
  const fleet = await startBackends({
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

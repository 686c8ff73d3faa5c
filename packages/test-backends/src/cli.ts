/**
 * The helios-test-backends command: starts the fleet in the foreground, prints where it
 * listens, and closes everything on SIGINT/SIGTERM (a second signal exits at once).
 */

import type { Writable } from 'node:stream';
import { type CliOptions, parseCliArgs, usage } from './cli-args.js';
import { renderRequestLine, renderTable } from './cli-table.js';
import { TestBackendError } from './errors.js';
import { startBackends } from './fleet.js';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Runs until a stop signal; resolves with the process exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`helios-test-backends: ${errorMessage(error)}\n\n${usage}`);
    return EXIT_USAGE;
  }
  if (options.help) {
    io.stdout.write(usage);
    return EXIT_OK;
  }
  let fleet: Awaited<ReturnType<typeof startBackends>>;
  try {
    fleet = await startBackends({
      count: options.count,
      basePort: options.port,
      host: options.host,
      behaviour: options.behaviour,
      keepProcessAlive: true,
      onRequestEnd: options.log ? (event) => io.stdout.write(renderRequestLine(event)) : undefined,
    });
    for (const [index, patch] of options.perBackend) await fleet.backend(index).set(patch);
  } catch (error) {
    io.stderr.write(`helios-test-backends: ${errorMessage(error)}\n`);
    return EXIT_FAILURE;
  }
  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // Second Ctrl-C: the user does not want to wait for the drain.
        process.exit(EXIT_FAILURE);
      }
      stopping = true;
      io.stderr.write(
        `helios-test-backends: ${signal}, closing ${fleet.backends.length} backends\n`,
      );
      fleet.close().then(
        () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve(EXIT_OK);
        },
        (error: unknown) => {
          io.stderr.write(`helios-test-backends: close failed: ${errorMessage(error)}\n`);
          resolve(EXIT_FAILURE);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  // Printed once the handlers are in: whoever waits for the table may signal at once.
  printStartup(io.stdout, fleet.backends, options.json);
  return stopped;
}

function printStartup(
  out: Writable,
  backends: Awaited<ReturnType<typeof startBackends>>['backends'],
  json: boolean,
): void {
  if (json) {
    const list = backends.map((b) => ({ index: b.index, url: b.url, port: b.port }));
    out.write(`${JSON.stringify({ backends: list })}\n`);
    return;
  }
  const first = backends[0];
  out.write(`helios-test-backends: ${backends.length} backends listening\n\n`);
  out.write(renderTable(backends));
  if (first !== undefined) {
    out.write(
      `\nControl: curl -X POST ${first.url}/__control -d '{"healthStatus":503}'\n` +
        `Inspect: curl ${first.url}/__control\n`,
    );
  }
  out.write('Press Ctrl-C to stop.\n');
}

function errorMessage(error: unknown): string {
  if (error instanceof TestBackendError) return `${error.message} [${error.code}]`;
  return error instanceof Error ? error.message : String(error);
}

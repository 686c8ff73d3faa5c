/**
 * The `helios` program: parse argv, dispatch to a command, map every failure to a documented
 * exit code. Usage and config mistakes are printed as one readable message (exit 2); anything
 * unexpected is printed with its stack (exit 1). Commands are loaded on demand so `--help` and
 * `--version` answer without loading the proxy.
 */
import { parseInvocation } from './args.js';
import { ExitCode } from './exit-codes.js';
import { helpText } from './help.js';
import { trapSignals } from './signals.js';
import { UsageError } from './usage-error.js';
import { cliVersion } from './version.js';
import { isHeliosWorker } from './workers/worker-env.js';

async function dispatch(argv: readonly string[]): Promise<ExitCode> {
  const invocation = parseInvocation(argv);
  switch (invocation.command) {
    case 'help':
      process.stdout.write(`${helpText(invocation.topic)}\n`);
      return ExitCode.ok;
    case 'version':
      process.stdout.write(`${cliVersion()}\n`);
      return ExitCode.ok;
    case 'start': {
      // Before anything slow loads: from here on no signal can kill the process unhandled.
      const signals = trapSignals(isHeliosWorker() ? 'worker' : 'server');
      return (await import('./commands/start.js')).startCommand(invocation, signals);
    }
    case 'validate':
      return (await import('./commands/validate.js')).validateCommand(invocation);
    case 'init':
      return (await import('./commands/init.js')).initCommand(invocation);
    case 'demo': {
      const signals = trapSignals('server');
      return (await import('./commands/demo.js')).demoCommand(invocation, signals);
    }
  }
}

/** Run the CLI with the arguments after `helios`; resolves with the process exit code. */
export async function run(argv: readonly string[]): Promise<ExitCode> {
  try {
    return await dispatch(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`helios: ${error.message}\nRun 'helios --help' for usage.\n`);
      return ExitCode.usage;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`helios: unexpected error: ${detail}\n`);
    return ExitCode.runtime;
  }
}

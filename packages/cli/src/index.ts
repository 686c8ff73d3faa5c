/**
 * Public face of @helios/cli: run the `helios` command in-process (for embedding and tests) and
 * its exit codes. The command itself is dist/bin.js.
 */

export { formatAccessJson, formatAccessLine } from './access-log.js';
export { type CommandName, type Invocation, parseInvocation } from './args.js';
export { ExitCode } from './exit-codes.js';
export { run } from './run.js';

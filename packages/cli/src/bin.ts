#!/usr/bin/env node
/**
 * Entry point of the `helios` command (package.json `bin`). Only sets the exit code: every
 * decision lives in run.ts. Servers may leave keep-alive sockets and timers behind after a
 * graceful stop, so the process exits explicitly rather than waiting for the loop to empty.
 */
import { run } from './run.js';

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // validate/init/help finish on their own; a stopped server may hold idle handles.
    setImmediate(() => process.exit(code)).unref();
  },
  (error: unknown) => {
    process.stderr.write(`helios: ${String(error)}\n`);
    process.exit(1);
  },
);

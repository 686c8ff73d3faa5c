#!/usr/bin/env node
/** Executable entry of helios-test-backends; all logic lives in cli.ts. */
import { runCli } from './cli.js';

process.exitCode = await runCli(process.argv.slice(2));

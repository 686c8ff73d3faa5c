/**
 * `helios init`: write the commented starter helios.yaml. Never overwrites an existing file
 * unless --force is given; the check and the write are one atomic open ('wx'), so a file created
 * in between is not clobbered either.
 */
import { writeFile } from 'node:fs/promises';
import { starterConfig } from '@helios/core';
import type { Invocation } from '../args.js';
import { ExitCode } from '../exit-codes.js';
import { UsageError } from '../usage-error.js';

type InitInvocation = Extract<Invocation, { command: 'init' }>;

export async function initCommand(invocation: InitInvocation): Promise<ExitCode> {
  const path = invocation.config;
  try {
    await writeFile(path, starterConfig, { flag: invocation.force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new UsageError(`${path} already exists; pass --force to overwrite it`);
    }
    if (code === 'ENOENT') throw new UsageError(`cannot write ${path}: its folder does not exist`);
    throw error;
  }
  process.stdout.write(
    `Wrote ${path}. Next:\n  helios validate --config ${path}\n  helios start --config ${path}\n`,
  );
  return ExitCode.ok;
}

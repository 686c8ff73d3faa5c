/**
 * Turns argv into one typed invocation of a command. Parsing is strict: an unknown command,
 * unknown flag or malformed value is a UsageError (exit 2) that names the mistake and, for a
 * typo, the nearest valid spelling.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { closestMatch } from '@helios/core';
import { UsageError } from './usage-error.js';

export const commandNames = ['start', 'validate', 'init', 'demo'] as const;
export type CommandName = (typeof commandNames)[number];

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevelName = (typeof logLevels)[number];

export const logFormats = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof logFormats)[number];

export const defaultConfigPath = 'helios.yaml';
export const defaultDemoPort = 8080;

export interface LogFlags {
  logLevel: LogLevelName | undefined;
  logFormat: LogFormat | undefined;
}

export type Invocation =
  | { command: 'help'; topic: CommandName | undefined }
  | { command: 'version' }
  | ({
      command: 'start';
      config: string;
      port: number | undefined;
      watch: boolean;
      /** --workers: wins over `workers:` in helios.yaml. */
      workers?: number | 'auto' | undefined;
    } & LogFlags)
  | { command: 'validate'; config: string }
  | { command: 'init'; config: string; force: boolean }
  | ({ command: 'demo'; port: number } & LogFlags);

type Options = NonNullable<ParseArgsConfig['options']>;

const common: Options = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};
const config: Options = { config: { type: 'string', short: 'c' } };
const logging: Options = {
  'log-level': { type: 'string', short: 'l' },
  'log-format': { type: 'string' },
};

const optionsByCommand: Record<CommandName, Options> = {
  start: {
    ...common,
    ...config,
    ...logging,
    port: { type: 'string', short: 'p' },
    watch: { type: 'boolean', short: 'w' },
    workers: { type: 'string' },
  },
  validate: { ...common, ...config },
  init: { ...common, ...config, force: { type: 'boolean', short: 'f' } },
  demo: { ...common, ...logging, port: { type: 'string', short: 'p' } },
};

function isCommand(word: string): word is CommandName {
  return (commandNames as readonly string[]).includes(word);
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const hint = closestMatch(value, allowed);
  throw new UsageError(
    `--${flag} must be one of ${allowed.join(', ')}; got '${value}'${hint ? ` (did you mean '${hint}'?)` : ''}`,
  );
}

/** A TCP port from the command line; 0 asks the OS for a free one (handy for tests). */
function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535; got '${value}'`);
  }
  return n;
}

/** --workers: `auto` or a process count, like `workers:` in helios.yaml. */
function workerCount(value: string | undefined): number | 'auto' | undefined {
  if (value === undefined || value === 'auto') return value;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 1024) {
    throw new UsageError(
      `--workers must be 'auto' or a whole number from 1 to 1024; got '${value}'`,
    );
  }
  return n;
}

function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function parseFlags(command: CommandName, args: string[]) {
  const options = optionsByCommand[command];
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const flag = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
    const known = Object.keys(options).map((name) => `--${name}`);
    const hint = flag?.startsWith('--') ? closestMatch(flag, known) : undefined;
    const what = flag ? `unknown or malformed option '${flag}' for 'helios ${command}'` : message;
    throw new UsageError(`${what}${hint ? ` (did you mean '${hint}'?)` : ''}`);
  }
}

/** Parse the arguments after `helios` (process.argv.slice(2)). */
export function parseInvocation(argv: readonly string[]): Invocation {
  const args = [...argv];
  let command: CommandName = 'start';
  const first = args[0];
  if (first === 'help') {
    const topic = args[1];
    return { command: 'help', topic: topic !== undefined && isCommand(topic) ? topic : undefined };
  }
  if (first !== undefined && !first.startsWith('-')) {
    if (!isCommand(first)) {
      const hint = closestMatch(first, commandNames);
      throw new UsageError(
        `unknown command '${first}'${hint ? ` (did you mean '${hint}'?)` : ''}; commands are ${commandNames.join(', ')}`,
      );
    }
    command = first;
    args.shift();
  }
  // --help and --version win over every other flag, even malformed ones, so they always answer.
  if (args.includes('--help') || args.includes('-h')) {
    return {
      command: 'help',
      topic: first !== undefined && isCommand(first) ? command : undefined,
    };
  }
  if (args.includes('--version') || args.includes('-v')) return { command: 'version' };

  const { values } = parseFlags(command, args);
  const configPath = str(values, 'config') ?? defaultConfigPath;
  const logFlags: LogFlags = {
    logLevel: oneOf('log-level', str(values, 'log-level'), logLevels),
    logFormat: oneOf('log-format', str(values, 'log-format'), logFormats),
  };
  switch (command) {
    case 'start':
      return {
        command,
        config: configPath,
        port: port(str(values, 'port')),
        watch: values.watch === true,
        workers: workerCount(str(values, 'workers')),
        ...logFlags,
      };
    case 'validate':
      return { command, config: configPath };
    case 'init':
      return { command, config: configPath, force: values.force === true };
    case 'demo':
      return { command, port: port(str(values, 'port')) ?? defaultDemoPort, ...logFlags };
  }
}

/** Reads helios.yaml from disk and parses it; a missing file is its own, clearly worded error. */
import { readFile } from 'node:fs/promises';
import { ConfigError } from './config-error.js';
import type { Env } from './env.js';
import { type ConfigParseOptions, type ParsedConfig, parseConfigDetailed } from './parse.js';
import type { HeliosConfig } from './types.js';

export async function loadConfig(
  path: string,
  env: Env = process.env,
  options: ConfigParseOptions = {},
): Promise<HeliosConfig> {
  return (await loadConfigDetailed(path, env, options)).config;
}

/** `loadConfig`, with the warnings about the config (see `parseConfigDetailed`). */
export async function loadConfigDetailed(
  path: string,
  env: Env = process.env,
  options: ConfigParseOptions = {},
): Promise<ParsedConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(
        'HELIOS_CONFIG_NOT_FOUND',
        path,
        [],
        `Config file not found: ${path}. Create one with \`helios init\` or pass --config FILE.`,
        { cause: error },
      );
    }
    throw new ConfigError(
      'HELIOS_CONFIG_UNREADABLE',
      path,
      [],
      `Cannot read config file ${path}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return parseConfigDetailed(text, path, env, options);
}

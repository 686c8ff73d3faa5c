/**
 * Reads helios.yaml from disk and parses it, then reads the certificate files it names (`tls`
 * and `upstreamTls`, relative to its directory); a missing config file is its own, clearly worded error, and a
 * bad certificate is an issue at the key that names it, like any other.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadTlsMaterial } from '../tls/load-material.js';
import { ConfigError } from './config-error.js';
import type { Env } from './env.js';
import {
  type ConfigParseOptions,
  type ParsedConfig,
  parseConfigSource,
  positioned,
} from './parse.js';
import type { HeliosConfig } from './types.js';
import { readUpstreamTlsFiles } from './upstream-tls-files.js';

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
  const { config, warnings, source } = parseConfigSource(text, path, env, options);
  // Certificate and key files, the listener's and the backends' (`upstreamTls`), are read on
  // every load (start, validate, reload), so a renewed file is picked up by a reload.
  const [loaded, upstreamIssues] = await Promise.all([
    loadTlsMaterial(config, dirname(path)),
    readUpstreamTlsFiles(config, dirname(path)),
  ]);
  const fileIssues = [...loaded.issues, ...upstreamIssues];
  if (fileIssues.length > 0) {
    const issues = positioned(fileIssues, path, source).sort(
      (a, b) => a.line - b.line || a.column - b.column,
    );
    throw new ConfigError('HELIOS_CONFIG_INVALID', path, issues);
  }
  return { config: loaded.config, warnings };
}

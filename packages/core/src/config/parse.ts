/**
 * From text (or a plain object) to a resolved `HeliosConfig`, or a `ConfigError` listing every
 * problem at once. Pipeline: YAML with positions → `${VAR}` substitution → the one schema, with
 * the caller's strategy catalog in effect for the `strategy:` sections.
 */
import type { z } from 'zod';
import type { StrategyCatalog } from '../strategy-catalog.js';
import { ConfigError } from './config-error.js';
import type { ConfigIssue } from './config-issue.js';
import { applyEnv, type Env } from './env.js';
import { type ConfigWarning, routeWarnings } from './route-warnings.js';
import { heliosConfigSchema } from './schema.js';
import { catalogStrategySchema, isStrategySchema, withStrategyCatalog } from './strategy-schema.js';
import type { HeliosConfig } from './types.js';
import { upstreamWarnings } from './upstream-warnings.js';
import { formatPath, locate, parseYaml, positionOf, type YamlSource } from './yaml-source.js';
import { expectedPhrase, toConfigIssues } from './zod-issues.js';

/** YAML aliases allowed in one file: plenty for sharing blocks, far too few for a bomb. */
const MAX_ALIAS_COUNT = 100;

function aliasIssue(file: string, error: unknown): ConfigIssue {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    file,
    line: 1,
    column: 1,
    path: '',
    message: `the document expands YAML aliases (*name) too many times (${detail}); write the repeated parts out or use fewer aliases (at most ${MAX_ALIAS_COUNT} expansions)`,
  };
}

/** A valid config, and what in it is probably a mistake (a route that can never match...). */
export interface ParsedConfig {
  config: HeliosConfig;
  warnings: ConfigIssue[];
}

export interface ConfigParseOptions {
  /**
   * The strategies `strategy:` may name (`builtinStrategies` of @helios/strategies, or your own
   * catalog). With one, names and options are checked here, positioned in the file, and options
   * come out resolved; without one, only the shape is checked and options stay as written for
   * the strategy's factory to check.
   */
  strategies?: StrategyCatalog | undefined;
}

type Validated<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

/**
 * Checks `data` against `schema` with the caller's strategy catalog in effect, turning every
 * problem into a positioned `ConfigIssue`. The one place issues are made; `schema` is the whole
 * config except in tests of sections the top level does not use yet.
 */
export function validateAgainst<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  source: YamlSource | undefined,
  { strategies }: ConfigParseOptions,
): Validated<z.output<S>> {
  return withStrategyCatalog(strategies, () => {
    const result = schema.safeParse(data, { error: expectedPhrase, reportInput: true });
    if (result.success) return { ok: true, value: result.data };
    const issues = toConfigIssues(result.error.issues, {
      file,
      source,
      data,
      schema,
      aliases: strategies?.aliases,
      substitute: (node) =>
        strategies !== undefined && isStrategySchema(node)
          ? catalogStrategySchema(strategies)
          : undefined,
    });
    return { ok: false, issues };
  });
}

function validate(
  data: unknown,
  file: string,
  source: YamlSource | undefined,
  options: ConfigParseOptions,
): Validated<HeliosConfig> {
  return validateAgainst(heliosConfigSchema, data, file, source, options);
}

/** An issue under a key whose `${VAR}` already failed is noise: the env issue says it all. */
function isUnder(issue: ConfigIssue, envIssues: readonly ConfigIssue[]): boolean {
  return envIssues.some(
    (env) =>
      issue.path === env.path ||
      issue.path.startsWith(`${env.path}.`) ||
      issue.path.startsWith(`${env.path}[`),
  );
}

/**
 * Parses helios.yaml text, and also returns the warnings about it (positioned like issues).
 * Throws `ConfigError` (`HELIOS_CONFIG_INVALID`) with every issue when it is invalid. Files the
 * config names (`tls`, `upstreamTls`) are not read here: `loadConfig` reads them.
 */
export function parseConfigDetailed(
  text: string,
  file: string,
  env: Env = process.env,
  options: ConfigParseOptions = {},
): ParsedConfig {
  const { config, warnings } = parseConfigSource(text, file, env, options);
  return { config, warnings };
}

/** `parseConfigDetailed`, and the parsed YAML for positioning later checks (certificates). */
export function parseConfigSource(
  text: string,
  file: string,
  env: Env,
  options: ConfigParseOptions,
): ParsedConfig & { source: YamlSource } {
  const { source, issues: syntaxIssues } = parseYaml(text, file);
  // A broken document has no reliable structure to validate, so stop at syntax errors.
  if (syntaxIssues.length > 0) throw new ConfigError('HELIOS_CONFIG_INVALID', file, syntaxIssues);
  const envIssues = applyEnv(source, env);
  let data: unknown;
  try {
    data = source.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml library stops an alias bomb ("billion laughs") with a ReferenceError; report it
    // as what it is, a config that cannot be accepted, not as a crash.
    throw new ConfigError('HELIOS_CONFIG_INVALID', file, [aliasIssue(file, error)]);
  }
  const result = validate(data, file, source, options);
  if (result.ok && envIssues.length === 0) {
    const warnings = [...routeWarnings(result.value), ...upstreamWarnings(result.value)];
    return { config: result.value, warnings: positioned(warnings, file, source), source };
  }
  const schemaIssues = result.ok ? [] : result.issues.filter((issue) => !isUnder(issue, envIssues));
  const issues = [...envIssues, ...schemaIssues].sort(
    (a, b) => a.line - b.line || a.column - b.column,
  );
  throw new ConfigError('HELIOS_CONFIG_INVALID', file, issues);
}

/**
 * Parses helios.yaml text. `file` is only used in messages. Throws `ConfigError`
 * (`HELIOS_CONFIG_INVALID`) with every issue, each positioned at file:line:column.
 */
export function parseConfig(
  text: string,
  file: string,
  env: Env = process.env,
  options: ConfigParseOptions = {},
): HeliosConfig {
  return parseConfigDetailed(text, file, env, options).config;
}

/** Warnings (or later checks' issues) with the position of what they are about. */
export function positioned(
  warnings: readonly ConfigWarning[],
  file: string,
  source: YamlSource | undefined,
): ConfigIssue[] {
  if (source === undefined) {
    return warnings.map((w) => ({
      file,
      line: 0,
      column: 0,
      path: formatPath(w.path),
      message: w.message,
    }));
  }
  return warnings.map((w) => {
    const { line, column } = positionOf(source, locate(source, w.path));
    return { file, line, column, path: formatPath(w.path), message: w.message };
  });
}

/**
 * Resolves a config given as a plain object (for embedding Helios without a file): the same
 * schema and defaults. Issues carry key paths but no line/column.
 */
export function resolveConfig(
  input: unknown,
  name = '<config object>',
  options: ConfigParseOptions = {},
): HeliosConfig {
  const result = validate(input, name, undefined, options);
  if (result.ok) return result.value;
  throw new ConfigError('HELIOS_CONFIG_INVALID', name, result.issues);
}

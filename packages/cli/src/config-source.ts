/**
 * Reads helios.yaml for `start`, `validate` and every reload, and turns each way it can fail into
 * the one report the user sees: every config issue at once (file:line:column key: found ...,
 * expected ..., did you mean ...), or core's sentence for a file that is missing or unreadable.
 */
import {
  ConfigError,
  type ConfigIssue,
  DEFAULT_POOL_NAME,
  formatConfigIssue,
  formatConfigIssues,
  type HeliosConfig,
  HeliosError,
  type Logger,
  loadConfigDetailed,
} from '@helios/core';
import { createStrategy } from '@helios/strategies';

/** Command-line values that win over the file (kept across reloads). */
export interface ConfigOverrides {
  port?: number | undefined;
}

export type ConfigResult =
  | {
      ok: true;
      config: HeliosConfig;
      /** Probably mistakes, not errors (a route that can never match, an unused pool). */
      warnings: ConfigIssue[];
    }
  | { ok: false; report: string; issueCount: number };

export function applyOverrides(config: HeliosConfig, overrides: ConfigOverrides): HeliosConfig {
  return overrides.port === undefined ? config : { ...config, port: overrides.port };
}

/**
 * Strategy options are checked by the strategy itself, not by the schema: build it once here so
 * `validate` rejects exactly what `start` would.
 */
function strategyProblem(path: string, config: HeliosConfig): string | undefined {
  for (const pool of Object.values(config.pools)) {
    try {
      createStrategy(pool.strategy);
    } catch (error) {
      if (!(error instanceof HeliosError)) throw error;
      const fromPools = !(pool.name === DEFAULT_POOL_NAME && config.backends !== undefined);
      return `${path}: ${fromPools ? `pools.${pool.name}.` : ''}strategy: ${error.message}`;
    }
  }
  return undefined;
}

function configErrorResult(error: ConfigError): ConfigResult {
  // Not found / unreadable carry no issues; their message already says what to do.
  if (error.issues.length === 0) return { ok: false, report: error.message, issueCount: 1 };
  return { ok: false, report: formatConfigIssues(error.issues), issueCount: error.issues.length };
}

export async function readConfig(
  path: string,
  overrides: ConfigOverrides = {},
): Promise<ConfigResult> {
  let loaded: Awaited<ReturnType<typeof loadConfigDetailed>>;
  try {
    loaded = await loadConfigDetailed(path);
  } catch (error) {
    if (error instanceof ConfigError) return configErrorResult(error);
    throw error;
  }
  const problem = strategyProblem(path, loaded.config);
  if (problem !== undefined) return { ok: false, report: problem, issueCount: 1 };
  return {
    ok: true,
    config: applyOverrides(loaded.config, overrides),
    warnings: loaded.warnings,
  };
}

/** Log each warning about a config that is valid but probably not what was meant. */
export function logConfigWarnings(logger: Logger, warnings: readonly ConfigIssue[]): void {
  for (const warning of warnings) {
    logger.warn(
      { file: warning.file, line: warning.line, column: warning.column, path: warning.path },
      `config warning: ${formatConfigIssue(warning)}`,
    );
  }
}

/**
 * Reads helios.yaml for `start`, `validate` and every reload, and turns each way it can fail into
 * the one report the user sees: every config issue at once (file:line:column key: found ...,
 * expected ..., did you mean ...), or core's sentence for a file that is missing or unreadable.
 */
import {
  ConfigError,
  type ConfigIssue,
  formatConfigIssue,
  formatConfigIssues,
  type HeliosConfig,
  type Logger,
  loadConfigDetailed,
} from '@helios/core';
import { builtinStrategies } from '@helios/strategies';

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

/** `--port` replaces the port of the first listener (the only one, without `listeners`). */
export function applyOverrides(config: HeliosConfig, overrides: ConfigOverrides): HeliosConfig {
  const port = overrides.port;
  if (port === undefined) return config;
  const listeners = config.listeners.map((listener, index) =>
    index === 0 ? { ...listener, port } : listener,
  );
  return { ...config, port, listeners };
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
    // The built-in strategies' names and options are checked with the rest of the file, so
    // `validate` rejects exactly what `start` would, at the offending line.
    loaded = await loadConfigDetailed(path, process.env, { strategies: builtinStrategies });
  } catch (error) {
    if (error instanceof ConfigError) return configErrorResult(error);
    throw error;
  }
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

/** Parses YAML text that must be invalid and returns its issues (fails the test otherwise). */
import { ConfigError } from '../../src/config/config-error.js';
import type { ConfigIssue } from '../../src/config/config-issue.js';
import type { Env } from '../../src/config/env.js';
import { type ConfigParseOptions, parseConfig } from '../../src/config/parse.js';

export function configIssues(
  text: string,
  env: Env = {},
  options: ConfigParseOptions = {},
): readonly ConfigIssue[] {
  try {
    parseConfig(text, 'helios.yaml', env, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the config to be rejected, but it parsed');
}

/** `line:column path` of each issue, the compact form most assertions compare. */
export function where(issues: readonly ConfigIssue[]): string[] {
  return issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`);
}

/**
 * One problem found in a config, and the one way issues are printed (by `ConfigError`, by
 * `helios validate` and by reloads), so every surface shows the same `file:line:column` lines.
 */

export interface ConfigIssue {
  /** The config file as given (or `<config object>` for programmatic input). */
  file: string;
  /** 1-based line; 0 when there is no source text (programmatic input). */
  line: number;
  /** 1-based column; 0 when there is no source text. */
  column: number;
  /** Key path such as `backends[1].url`; empty for the file as a whole. */
  path: string;
  /** What is wrong, as one sentence that includes what was found and what is expected. */
  message: string;
  expected?: string;
  found?: string;
  /** A likely fix, e.g. "did you mean `least-connections`?". */
  suggestion?: string;
}

/** `file:line:column key: message — suggestion` */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  const key = issue.path === '' ? '' : ` ${issue.path}:`;
  const hint = issue.suggestion === undefined ? '' : ` — ${issue.suggestion}`;
  return `${where}${key} ${issue.message}${hint}`;
}

/** One line per issue, in file order. */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatConfigIssue).join('\n');
}

/**
 * Errors thrown while loading helios.yaml. `HELIOS_CONFIG_INVALID` carries every issue found
 * (not only the first), so one run of `helios validate` shows everything to fix.
 */
import { HeliosError } from '../errors.js';
import { type ConfigIssue, formatConfigIssues } from './config-issue.js';

export type ConfigErrorCode =
  | 'HELIOS_CONFIG_INVALID'
  | 'HELIOS_CONFIG_NOT_FOUND'
  | 'HELIOS_CONFIG_UNREADABLE';

export class ConfigError extends HeliosError {
  override readonly code: ConfigErrorCode;
  /** Every problem found; empty for NOT_FOUND / UNREADABLE. */
  readonly issues: readonly ConfigIssue[];
  readonly file: string;

  constructor(
    code: ConfigErrorCode,
    file: string,
    issues: readonly ConfigIssue[],
    message?: string,
    options?: { cause?: unknown },
  ) {
    super(code, message ?? ConfigError.describe(file, issues), options);
    this.name = 'ConfigError';
    this.code = code;
    this.file = file;
    this.issues = issues;
  }

  private static describe(file: string, issues: readonly ConfigIssue[]): string {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    return `Invalid Helios config ${file} (${count}):\n${formatConfigIssues(issues)}`;
  }
}

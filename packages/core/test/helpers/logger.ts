/** A Logger that records entries so tests can assert what was logged. */
import type { Logger, LogLevel } from '../../src/logger.js';

export interface LogEntry {
  level: LogLevel;
  obj: Record<string, unknown>;
  msg: string | undefined;
}

export function captureLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogLevel) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, obj: obj as Record<string, unknown>, msg });
    };
  return {
    entries,
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    isLevelEnabled: () => true,
  };
}

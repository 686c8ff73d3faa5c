/**
 * The logging contract core writes to. It is the subset of pino's API Helios uses, so the CLI can
 * pass a pino logger straight in and an embedding application can pass its own. Callers check
 * `isLevelEnabled` before building anything costly, so a quiet logger costs nothing per request.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

type LogFn = (obj: object, msg?: string) => void;

export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  isLevelEnabled(level: LogLevel): boolean;
}

function noop(): void {}

/** A logger that drops everything: the default when none is given. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  isLevelEnabled: () => false,
};

/**
 * A logger that can be silenced for a moment. A worker applies health changes the primary
 * already logged through the health checker (for slow start and state), and mutes its logger
 * meanwhile so each change is logged once, by the primary, not once per worker.
 */
import type { Logger, LogLevel } from '@helios/core';

export class MutedLogger implements Logger {
  readonly #inner: Logger;
  muted = false;

  constructor(inner: Logger) {
    this.#inner = inner;
  }

  isLevelEnabled(level: LogLevel): boolean {
    return !this.muted && this.#inner.isLevelEnabled(level);
  }

  trace(obj: object, msg?: string): void {
    if (!this.muted) this.#inner.trace(obj, msg);
  }
  debug(obj: object, msg?: string): void {
    if (!this.muted) this.#inner.debug(obj, msg);
  }
  info(obj: object, msg?: string): void {
    if (!this.muted) this.#inner.info(obj, msg);
  }
  warn(obj: object, msg?: string): void {
    if (!this.muted) this.#inner.warn(obj, msg);
  }
  error(obj: object, msg?: string): void {
    if (!this.muted) this.#inner.error(obj, msg);
  }
  fatal(obj: object, msg?: string): void {
    if (!this.muted) this.#inner.fatal(obj, msg);
  }
}

/**
 * Reads the `strategy:` options of helios.yaml as written (`decay: 10s`, `key: header:x-user`),
 * checks them, and reports mistakes with the strategy, the option and the fix. Unknown options
 * are errors too: a misspelt option silently ignored is a balancing surprise in production.
 */
import { HeliosError } from '@helios/core';

export const OPTION_INVALID = 'HELIOS_STRATEGY_OPTION_INVALID';

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export class StrategyOptions {
  readonly #strategy: string;
  readonly #raw: Readonly<Record<string, unknown>>;
  readonly #seen = new Set<string>();

  constructor(strategy: string, raw: Readonly<Record<string, unknown>> | undefined) {
    this.#strategy = strategy;
    this.#raw = raw ?? {};
  }

  /** A duration in ms: a number of milliseconds or a string such as `500ms`, `10s`, `1m`. */
  duration(key: string, fallback: number): number {
    const value = this.#take(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
    if (typeof value === 'string') {
      const match = DURATION.exec(value.trim());
      if (match) {
        const ms = Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1);
        if (ms > 0) return ms;
      }
    }
    throw this.#invalid(key, value, 'a positive duration such as "500ms", "10s" or "1m"');
  }

  /** A number within [min, max]. */
  number(key: string, fallback: number, min: number, max: number): number {
    const value = this.#take(key);
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) {
      return value;
    }
    throw this.#invalid(key, value, `a number from ${min} to ${max}`);
  }

  /** A string; `check` returns an explanation of what is expected when the value is wrong. */
  string(key: string, fallback: string, check?: (value: string) => string | undefined): string {
    const value = this.#take(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'string') throw this.#invalid(key, value, 'a string');
    const problem = check?.(value);
    if (problem !== undefined) throw this.#invalid(key, value, problem);
    return value;
  }

  /** Throws if the user wrote an option this strategy does not have. */
  done(): void {
    for (const key of Object.keys(this.#raw)) {
      // A key present with the value undefined is an option left unset (as resolved configs do).
      if (this.#seen.has(key) || this.#raw[key] === undefined) continue;
      const known = [...this.#seen];
      const hint =
        known.length === 0
          ? `"${this.#strategy}" takes no options; remove it`
          : `known options are ${known.map((k) => `"${k}"`).join(', ')}`;
      throw new HeliosError(
        OPTION_INVALID,
        `strategy "${this.#strategy}": unknown option "${key}" under strategy: in helios.yaml; ${hint}.`,
      );
    }
  }

  #take(key: string): unknown {
    this.#seen.add(key);
    return this.#raw[key];
  }

  #invalid(key: string, value: unknown, expected: string): HeliosError {
    return new HeliosError(
      OPTION_INVALID,
      `strategy "${this.#strategy}": option "${key}" must be ${expected}, got ${JSON.stringify(value)}. Fix it under strategy: in helios.yaml.`,
    );
  }
}

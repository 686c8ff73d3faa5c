/**
 * Remembers recent backend health changes for the dashboard and counts ejections for
 * `/metrics`. Memory is bounded: the log keeps the newest LOG_SIZE entries, and ejection
 * reasons (free text with counts, durations, error messages) are folded to a short label, with
 * at most MAX_REASONS distinct labels (then `other`) so the metric's series stay bounded.
 */
import type { HealthSource } from '@helios/core';
import type { HealthTransition } from './types.js';

const LOG_SIZE = 50;
const MAX_REASONS = 32;
const MAX_REASON_LENGTH = 48;

export interface LoggedTransition extends HealthTransition {
  /** The backend's pool (resolved by `transitionPool` when the event did not say). */
  readonly pool: string;
  /** Wall-clock time of the change, ms since the epoch. */
  readonly at: number;
}

export interface EjectionCount {
  readonly pool: string;
  readonly backend: string;
  readonly source: HealthSource;
  readonly reason: string;
  readonly count: number;
}

export class TransitionLog {
  readonly #entries: LoggedTransition[] = [];
  readonly #ejections = new Map<string, EjectionCount>();
  readonly #reasons = new Set<string>();

  add(transition: HealthTransition & { readonly pool: string }, at: number = Date.now()): void {
    this.#entries.push({ ...transition, at });
    if (this.#entries.length > LOG_SIZE) this.#entries.shift();
    if (transition.healthy) return;
    const reason = this.#reasonLabel(transition.reason);
    const key = `${transition.pool}\n${transition.backend}\n${transition.source}\n${reason}`;
    const previous = this.#ejections.get(key);
    this.#ejections.set(key, {
      pool: transition.pool,
      backend: transition.backend,
      source: transition.source,
      reason,
      count: (previous?.count ?? 0) + 1,
    });
  }

  /** Newest first. */
  recent(): LoggedTransition[] {
    return this.#entries.slice().reverse();
  }

  ejections(): IterableIterator<EjectionCount> {
    return this.#ejections.values();
  }

  #reasonLabel(reason: string): string {
    // Keep the headline and fold numbers, so "GET /health answered 503 (3 consecutive
    // failures)" and "... answered 502 (4 ...)" share the label "GET /health answered 5xx".
    const head = reason.split(/[(:;]/, 1)[0] ?? '';
    const label =
      head
        .replace(/\d+(\s*ms\b)?/g, foldNumber)
        .replace(COUNTED_NOUN, pluralAfterCount)
        .replace(/[^A-Za-z0-9 /_.-]/g, '')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, MAX_REASON_LENGTH) || 'unknown';
    if (this.#reasons.has(label)) return label;
    if (this.#reasons.size >= MAX_REASONS) return 'other';
    this.#reasons.add(label);
    return label;
  }
}

/**
 * A noun counted by a folded number ("N consecutive failure", "N failed probes"). The count is
 * gone from the label, so its singular or plural must go too: "1 consecutive failure" and
 * "3 consecutive failures" are one reason, one label value.
 */
const COUNTED_NOUN = /\bN((?: [a-z]+)?) (failure|error|probe|attempt|request|timeout)s?\b/g;

function pluralAfterCount(_match: string, between: string, noun: string): string {
  return `N${between} ${noun}s`;
}

/** "503" -> "5xx" (a status), "150 ms" -> "N ms", any other number -> "N". */
function foldNumber(match: string, unit: string | undefined): string {
  if (unit !== undefined) return `N${unit}`;
  return match.length === 3 && match >= '100' && match <= '599' ? `${match[0]}xx` : 'N';
}

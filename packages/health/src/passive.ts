/**
 * Passive health checking (outlier detection). Every finished upstream request is classified as a
 * success or a failure; `failureThreshold` consecutive failures eject the backend for a cooldown
 * that doubles on each ejection that is not followed by a success, capped at `maxCooldown`.
 * When the cooldown ends the backend is tried again; one success clears its record.
 *
 * `maxEjectedPercent` keeps a burst of errors from emptying the pool: ejection is refused while
 * that share of the pool is already ejected (one backend is always ejectable). Backends held
 * down by active checks do not use up the cap, since they are out for a different reason.
 *
 * `record` runs once per upstream request and must not allocate on its common paths.
 */
import type { FailureKind, HealthTarget, Logger, PassiveHealthConfig } from '@helios/core';
import type { Clock, TimerHandle } from './clock.js';
import { StatusSet } from './status-set.js';
import type { TransitionSink } from './transition.js';

interface PassiveState {
  target: HealthTarget;
  /** Consecutive failures since the last success or the last return from ejection. */
  failures: number;
  /** Ejections in a row without a success in between; drives the exponential cooldown. */
  ejections: number;
  ejected: boolean;
  ejectedAt: number;
  cooldownMs: number;
  timer: TimerHandle | undefined;
  /** The cap refused an ejection and that was logged; cleared by the next success. */
  capLogged: boolean;
  lastStatus: number;
  lastFailure: FailureKind | undefined;
}

/** Cooldown of the n-th ejection in a row (n >= 1): cooldown × 2^(n-1), capped at maxCooldown. */
export function ejectionCooldown(config: PassiveHealthConfig, ejections: number): number {
  const cap = Math.max(config.cooldown, config.maxCooldown);
  // Past 2^30 the product only matters as "over the cap"; keep the exponent bounded.
  const factor = 2 ** Math.min(Math.max(ejections - 1, 0), 30);
  return Math.min(config.cooldown * factor, cap);
}

/** How many backends of a pool of `size` passive checks may hold ejected at once (at least 1). */
export function maxEjectable(size: number, percent: number): number {
  return Math.max(1, Math.floor((size * percent) / 100));
}

export class PassiveDetector {
  #config: PassiveHealthConfig;
  #failureStatuses: StatusSet;
  readonly #sink: TransitionSink;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** Keyed by the object core hands to `onRequestEnd`, for an allocation-free lookup. */
  #byTarget = new Map<HealthTarget, PassiveState>();
  #byId = new Map<string, PassiveState>();

  constructor(config: PassiveHealthConfig, sink: TransitionSink, clock: Clock, logger: Logger) {
    this.#config = config;
    this.#failureStatuses = new StatusSet(config.failureStatuses);
    this.#sink = sink;
    this.#clock = clock;
    this.#logger = logger;
  }

  configure(config: PassiveHealthConfig): void {
    const wasEnabled = this.#config.enabled;
    this.#config = config;
    this.#failureStatuses = new StatusSet(config.failureStatuses);
    if (wasEnabled && !config.enabled) {
      for (const state of this.#byId.values()) {
        this.#release(state, 'passive health checks disabled');
        state.failures = 0;
        state.ejections = 0;
      }
    }
  }

  /** The backend set changed: keep the record of backends that stay (matched by id). */
  update(targets: readonly HealthTarget[]): void {
    const byTarget = new Map<HealthTarget, PassiveState>();
    const byId = new Map<string, PassiveState>();
    for (const target of targets) {
      let state = this.#byId.get(target.id);
      if (state === undefined) {
        state = {
          target,
          failures: 0,
          ejections: 0,
          ejected: false,
          ejectedAt: 0,
          cooldownMs: 0,
          timer: undefined,
          capLogged: false,
          lastStatus: 0,
          lastFailure: undefined,
        };
      } else if (state.target !== target) {
        // Core built a new object for a backend we know: carry the ejection over.
        state.target = target;
        if (state.ejected) target.markDown('passive', this.#reason(state));
      }
      byTarget.set(target, state);
      byId.set(target.id, state);
    }
    for (const [id, state] of this.#byId) {
      if (!byId.has(id) && state.timer !== undefined) {
        this.#clock.clearTimeout(state.timer);
        state.timer = undefined;
      }
    }
    this.#byTarget = byTarget;
    this.#byId = byId;
  }

  /** One finished upstream request. `status` is 0 when no response arrived. */
  record(target: HealthTarget, status: number, failure: FailureKind | undefined): void {
    if (!this.#config.enabled) return;
    const state = this.#byTarget.get(target);
    // Requests that were in flight when the backend was ejected say nothing new about it.
    if (state === undefined || state.ejected) return;
    if (failure === undefined && !this.#failureStatuses.has(status)) {
      // Status 0 without a failure kind is a request the client abandoned: no verdict.
      if (status === 0) return;
      state.failures = 0;
      state.ejections = 0;
      state.capLogged = false;
      return;
    }
    state.failures++;
    state.lastStatus = status;
    state.lastFailure = failure;
    if (state.failures >= this.#config.failureThreshold) this.#eject(state);
  }

  /** Is this backend currently ejected by passive checks? (For status pages and tests.) */
  isEjected(id: string): boolean {
    return this.#byId.get(id)?.ejected ?? false;
  }

  close(): void {
    for (const state of this.#byId.values()) {
      if (state.timer !== undefined) this.#clock.clearTimeout(state.timer);
      state.timer = undefined;
    }
  }

  #eject(state: PassiveState): void {
    const limit = maxEjectable(this.#byId.size, this.#config.maxEjectedPercent);
    if (this.#countEjected() >= limit) {
      if (!state.capLogged && this.#logger.isLevelEnabled('warn')) {
        this.#logger.warn(
          { backend: state.target.id, source: 'passive', maxEjectedPercent: limit },
          `backend ${state.target.id} kept in service: ${this.#config.maxEjectedPercent}% of the pool (${limit} of ${this.#byId.size}) is already ejected`,
        );
      }
      state.capLogged = true;
      return;
    }
    state.ejections++;
    state.ejected = true;
    state.ejectedAt = this.#clock.now();
    state.cooldownMs = ejectionCooldown(this.#config, state.ejections);
    state.timer = this.#clock.setTimeout(() => this.#return(state), state.cooldownMs);
    this.#sink.down(state.target, 'passive', this.#reason(state));
  }

  #return(state: PassiveState): void {
    state.timer = undefined;
    if (!state.ejected) return;
    // Probation: one more streak of `failureThreshold` failures ejects it again, for longer.
    state.failures = 0;
    this.#release(state, `cooldown of ${state.cooldownMs} ms elapsed`);
  }

  #release(state: PassiveState, reason: string): void {
    if (state.timer !== undefined) this.#clock.clearTimeout(state.timer);
    state.timer = undefined;
    if (!state.ejected) return;
    state.ejected = false;
    this.#sink.up(state.target, 'passive', reason, this.#clock.now() - state.ejectedAt);
  }

  #countEjected(): number {
    let count = 0;
    for (const state of this.#byId.values()) {
      if (state.ejected && !state.target.isDown('active')) count++;
    }
    return count;
  }

  #reason(state: PassiveState): string {
    const last =
      state.lastFailure !== undefined
        ? `${state.lastFailure} error`
        : `status ${String(state.lastStatus)}`;
    const plural = state.failures === 1 ? 'failure' : 'failures';
    return `${state.failures} consecutive ${plural} (last: ${last}); ejected for ${state.cooldownMs} ms (ejection ${state.ejections} in a row)`;
  }
}

/**
 * Slow start: a backend that returns to service takes a growing share of traffic instead of a
 * full share at once. Its weight factor rises linearly with the time since it came back, from
 * `MIN_FACTOR` to 1 over the `health.slowStart` window, updated in small steps; weighted
 * strategies read the result as `effectiveWeight`. Backends present at start-up do not ramp.
 */
import type { HealthTarget } from '@helios/core';
import type { Clock, TimerHandle } from './clock.js';

/** Share of its weight a returning backend gets at once (Envoy's default minimum is 10% too). */
export const MIN_FACTOR = 0.1;

/** Steps per window, bounded so short windows stay smooth and long ones stay cheap. */
const STEPS = 20;
const MIN_STEP_MS = 25;
const MAX_STEP_MS = 1_000;

/** Weight factor `elapsed` ms into a ramp of `window` ms. */
export function rampFactor(elapsed: number, window: number): number {
  if (window <= 0 || elapsed >= window) return 1;
  return Math.max(MIN_FACTOR, elapsed / window);
}

interface Ramp {
  target: HealthTarget;
  startedAt: number;
  timer: TimerHandle | undefined;
}

export class SlowStart {
  #window: number;
  readonly #clock: Clock;
  readonly #ramps = new Map<string, Ramp>();

  constructor(window: number, clock: Clock) {
    this.#window = window;
    this.#clock = clock;
  }

  configure(window: number): void {
    this.#window = window;
    if (window <= 0) {
      for (const id of [...this.#ramps.keys()]) this.finish(id);
    }
  }

  /** Start (or restart) the ramp of a backend that just returned to service. */
  begin(target: HealthTarget): void {
    this.cancel(target.id);
    if (this.#window <= 0) {
      target.setWeightFactor(1);
      return;
    }
    const ramp: Ramp = { target, startedAt: this.#clock.now(), timer: undefined };
    this.#ramps.set(target.id, ramp);
    target.setWeightFactor(MIN_FACTOR);
    this.#schedule(ramp);
  }

  /** Stop ramping (the backend went down again or left the pool); its factor stays as is. */
  cancel(id: string): void {
    const ramp = this.#ramps.get(id);
    if (ramp === undefined) return;
    if (ramp.timer !== undefined) this.#clock.clearTimeout(ramp.timer);
    this.#ramps.delete(id);
  }

  /** End a ramp at full weight. */
  finish(id: string): void {
    const ramp = this.#ramps.get(id);
    if (ramp === undefined) return;
    this.cancel(id);
    ramp.target.setWeightFactor(1);
  }

  /** Point a running ramp at a new object for the same backend, drop ramps of removed ones. */
  update(targets: readonly HealthTarget[]): void {
    const present = new Set<string>();
    for (const target of targets) {
      present.add(target.id);
      const ramp = this.#ramps.get(target.id);
      if (ramp !== undefined && ramp.target !== target) {
        ramp.target = target;
        target.setWeightFactor(rampFactor(this.#clock.now() - ramp.startedAt, this.#window));
      }
    }
    for (const id of [...this.#ramps.keys()]) {
      if (!present.has(id)) this.cancel(id);
    }
  }

  isRamping(id: string): boolean {
    return this.#ramps.has(id);
  }

  close(): void {
    for (const id of [...this.#ramps.keys()]) this.cancel(id);
  }

  #schedule(ramp: Ramp): void {
    const step = Math.min(MAX_STEP_MS, Math.max(MIN_STEP_MS, this.#window / STEPS));
    ramp.timer = this.#clock.setTimeout(() => {
      ramp.timer = undefined;
      const factor = rampFactor(this.#clock.now() - ramp.startedAt, this.#window);
      ramp.target.setWeightFactor(factor);
      if (factor >= 1) this.#ramps.delete(ramp.target.id);
      else this.#schedule(ramp);
    }, step);
  }
}

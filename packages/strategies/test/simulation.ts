/**
 * A discrete-event load simulation on a fake clock: one request every `interval` ms, each
 * finishing after its backend's current latency. It drives `inFlight` the way the core does
 * and reports to the strategy, so latency-aware strategies can be tested over minutes of
 * simulated time in milliseconds of real time.
 */
import type { Backend, Strategy } from '@helios/core';
import { request } from './helpers.js';

export interface Behaviour {
  latency: number;
  status: number;
}

interface Pending {
  at: number;
  backend: Backend;
  startedAt: number;
  status: number;
}

/** The fake clock: strategies read `clock.now`, the simulation advances it. */
export interface FakeClock {
  now: number;
}

export class Simulation {
  readonly #pending: Pending[] = [];
  readonly #request = request();

  constructor(
    readonly clock: FakeClock,
    readonly strategy: Strategy,
    readonly backends: readonly Backend[],
    readonly behaviour: Behaviour[],
    readonly interval = 1,
  ) {}

  /** Runs until `until` (ms) and returns how many requests each backend received. */
  runUntil(until: number): number[] {
    const received = this.backends.map(() => 0);
    while (this.clock.now < until) {
      this.#finishDue();
      const chosen = this.strategy.pick(this.#request);
      if (chosen !== undefined) {
        const i = this.backends.findIndex((b) => b.id === chosen.id);
        const backend = this.backends[i];
        const behaviour = this.behaviour[i];
        if (backend !== undefined && behaviour !== undefined) {
          received[i] = (received[i] ?? 0) + 1;
          backend.localInFlight++;
          this.strategy.onRequestStart?.(backend);
          this.#pending.push({
            at: this.clock.now + behaviour.latency,
            backend,
            startedAt: this.clock.now,
            status: behaviour.status,
          });
        }
      }
      this.clock.now += this.interval;
    }
    return received;
  }

  #finishDue(): void {
    this.#pending.sort((x, y) => x.at - y.at);
    while (
      this.#pending.length > 0 &&
      (this.#pending[0]?.at ?? Number.POSITIVE_INFINITY) <= this.clock.now
    ) {
      const done = this.#pending.shift();
      if (done === undefined) break;
      done.backend.localInFlight--;
      this.strategy.onRequestEnd?.(
        done.backend,
        this.clock.now - done.startedAt,
        done.status,
        undefined,
      );
    }
  }
}

export function share(received: number[], i: number): number {
  const total = received.reduce((sum, n) => sum + n, 0);
  return total === 0 ? 0 : (received[i] ?? 0) / total;
}

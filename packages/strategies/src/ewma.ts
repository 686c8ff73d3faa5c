/**
 * `ewma`: latency-aware balancing in the style of Finagle/Linkerd. Each backend carries a
 * peak-sensitive, time-decayed average of its response time; the load of a backend is that
 * average times (inFlight + 1), compared between two random candidates.
 *
 * - A slower answer than the average replaces it at once (the "peak"), so a backend that turns
 *   slow loses traffic after its first slow answers; faster answers pull it down with a time
 *   constant of `decay` (default 10 s).
 * - A backend with no answers yet gets one trial request; while that is outstanding it costs a
 *   large penalty, so a new backend is not flooded before we know its speed.
 * - A failure (no response, or a 5xx) counts as at least `failurePenalty` (default 1 s), so a
 *   backend that fails fast does not look fast and attract traffic.
 * - A share `probe` of picks (default 2%) skips the comparison and takes a random candidate, so
 *   a backend that was slow keeps receiving a trickle and its average can recover.
 */
import {
  type BackendView,
  durationSchema,
  type FailureKind,
  type StrategyDescriptor,
} from '@helios/core';
import { z } from 'zod';
import type { StrategyDeps } from './strategy-deps.js';
import { TwoChoicesStrategy } from './two-choices.js';

/** Above any real latency × in-flight product, yet small enough that `+ inFlight` still counts. */
const NO_HISTORY_PENALTY = 1e12;

const PROBE_EXPECTED = 'a number from 0 to 0.5';

/** `strategy: { name: ewma, ... }` in helios.yaml; resolves durations to ms. */
export const ewmaOptionsSchema = z.strictObject({
  decay: durationSchema({
    min: 1,
    description: 'How fast old latency samples fade (peak-EWMA time constant).',
  }).prefault('10s'),
  failurePenalty: durationSchema({
    min: 1,
    description:
      'A failed request counts as at least this latency, so a backend that fails fast does not attract traffic.',
  }).prefault('1s'),
  probe: z
    .number({ error: PROBE_EXPECTED })
    .min(0, { error: PROBE_EXPECTED })
    .max(0.5, { error: PROBE_EXPECTED })
    .default(0.02)
    .describe('Share of picks that probe a random candidate, so a recovered backend is seen.'),
});

/**
 * Options in code: `decay` and `failurePenalty` in ms (defaults 10 000 and 1 000), `probe` a
 * share of picks (default 0.02); `random` and `now` (a clock in ms) for tests.
 */
export type EwmaOptions = Partial<z.output<typeof ewmaOptionsSchema>> & StrategyDeps;

export class EwmaStrategy extends TwoChoicesStrategy {
  readonly name = 'ewma';
  readonly #decay: number;
  readonly #failurePenalty: number;
  readonly #probeEvery: number;
  readonly #now: () => number;
  #picksSinceProbe = 0;
  #byId = new Map<string, number>();
  /** Latency estimate (ms), time of the last answer, and whether there was one, by position. */
  #cost = new Float64Array(0);
  #stamp = new Float64Array(0);
  #seen = new Uint8Array(0);

  constructor(options: EwmaOptions = {}) {
    super(options.random);
    this.#decay = options.decay ?? 10_000;
    this.#failurePenalty = options.failurePenalty ?? 1_000;
    const probe = options.probe ?? 0.02;
    this.#probeEvery = probe > 0 ? Math.max(1, Math.round(1 / probe)) : Number.POSITIVE_INFINITY;
    this.#now = options.now ?? (() => performance.now());
  }

  override update(backends: readonly BackendView[]): void {
    const oldIndex = this.#byId;
    const oldCost = this.#cost;
    const oldStamp = this.#stamp;
    const oldSeen = this.#seen;
    super.update(backends);
    const n = this.backends.length;
    this.#byId = new Map();
    this.#cost = new Float64Array(n);
    this.#stamp = new Float64Array(n);
    this.#seen = new Uint8Array(n);
    // Backends that survive a reload keep what we learnt about them.
    this.backends.forEach((backend, i) => {
      this.#byId.set(backend.id, i);
      const old = oldIndex.get(backend.id);
      if (old === undefined) return;
      this.#cost[i] = oldCost[old] ?? 0;
      this.#stamp[i] = oldStamp[old] ?? 0;
      this.#seen[i] = oldSeen[old] ?? 0;
    });
  }

  protected load(backend: BackendView, index: number): number {
    const inFlight = backend.inFlight;
    if (this.#seen[index] !== 1) return inFlight === 0 ? 0 : NO_HISTORY_PENALTY + inFlight;
    return (this.#cost[index] ?? 0) * (inFlight + 1);
  }

  protected override choose(a: BackendView, i: number, b: BackendView, j: number): BackendView {
    if (++this.#picksSinceProbe >= this.#probeEvery) {
      this.#picksSinceProbe = 0;
      return a;
    }
    return super.choose(a, i, b, j);
  }

  onRequestEnd(
    backend: BackendView,
    latencyMs: number,
    status: number,
    failure: FailureKind | undefined,
  ): void {
    const i = this.#position(backend);
    if (i < 0) return;
    const failed = failure !== undefined || status >= 500;
    const rtt = failed ? Math.max(latencyMs, this.#failurePenalty) : Math.max(0, latencyMs);
    const now = this.#now();
    const cost = this.#cost[i] ?? 0;
    if (this.#seen[i] !== 1 || rtt > cost) {
      this.#cost[i] = rtt;
    } else {
      // Weight by the time since the last answer, not by the number of answers, so the
      // estimate means the same at 10 and at 10 000 requests per second.
      const keep = Math.exp(-Math.max(0, now - (this.#stamp[i] ?? now)) / this.#decay);
      this.#cost[i] = cost * keep + rtt * (1 - keep);
    }
    this.#stamp[i] = now;
    this.#seen[i] = 1;
  }

  /** The latency estimate in ms for `backend`, undefined before its first answer. */
  estimate(backend: BackendView): number | undefined {
    const i = this.#position(backend);
    return i >= 0 && this.#seen[i] === 1 ? this.#cost[i] : undefined;
  }

  #position(backend: BackendView): number {
    const i = backend.index;
    // `index` is the core's position; the map catches requests that began before a reload.
    if (this.backends[i]?.id === backend.id) return i;
    return this.#byId.get(backend.id) ?? -1;
  }
}

export const ewmaDescriptor: StrategyDescriptor<typeof ewmaOptionsSchema, StrategyDeps> = {
  name: 'ewma',
  aliases: ['peakewma', 'leasttime', 'latency'],
  description: 'Latency-aware: peak-EWMA of response time times (in-flight + 1).',
  options: ewmaOptionsSchema,
  create: (options, deps) => new EwmaStrategy({ ...options, random: deps?.random, now: deps?.now }),
};

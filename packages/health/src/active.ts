/**
 * Active health checking: one probe loop per backend. Each loop sends a probe, waits for it to
 * settle (or for `timeout`, which aborts it), then waits `interval` ± `jitter` before the next,
 * so probes for one backend never overlap and backends are not hit in lockstep.
 *
 * Rise/fall (HAProxy style): a serving backend leaves after `unhealthyThreshold` failed probes
 * in a row and comes back after `healthyThreshold` passes in a row. A backend that has never
 * passed a probe yet is "new": a single pass brings it in and a single failure keeps it out.
 *
 * Start-up: every backend is probed at once. Backends present at start-up (or added while no
 * known backend is serving) stay in service until their first probe answers, so the proxy does
 * not turn requests away during the first few milliseconds; one failed first probe removes them.
 * Backends added by a reload to a pool that is serving start out of service ("awaiting first
 * health check") and join as soon as their first probe passes: they never see traffic unchecked.
 */
import type { ActiveHealthConfig, BackendConfig, HealthTarget } from '@helios/core';
import type { Clock, TimerHandle } from './clock.js';
import type { Probe, ProbeRequest, ProbeResult } from './probe.js';
import { StatusSet } from './status-set.js';
import type { TransitionSink } from './transition.js';

/** A backend's own `health:` settings, which override the active check's path and host. */
export type BackendHealthOverrides = Readonly<BackendConfig['health']>;

interface LoopState {
  target: HealthTarget;
  request: ProbeRequest;
  /** As active checks see it; the target may still be held down by passive checks. */
  healthy: boolean;
  /** Has a probe ever passed? Until then one result decides. */
  seenHealthy: boolean;
  passes: number;
  fails: number;
  downSince: number;
  lastReason: string;
  timer: TimerHandle | undefined;
  /** The in-flight probe's controller; set exactly while a probe is in flight. */
  controller: AbortController | undefined;
  stopped: boolean;
}

/** Delay before the next probe: `interval` scaled by a uniform factor in [1 - jitter, 1 + jitter]. */
export function jitteredInterval(interval: number, jitter: number, random: number): number {
  const spread = Math.min(Math.max(jitter, 0), 1);
  return Math.max(1, Math.round(interval * (1 + spread * (2 * random - 1))));
}

export class ActiveChecker {
  #config: ActiveHealthConfig;
  #expected: StatusSet;
  #overrides: ReadonlyMap<string, BackendHealthOverrides>;
  readonly #probe: Probe;
  readonly #sink: TransitionSink;
  readonly #clock: Clock;
  #loops = new Map<string, LoopState>();
  #closed = false;

  constructor(
    config: ActiveHealthConfig,
    overrides: ReadonlyMap<string, BackendHealthOverrides>,
    probe: Probe,
    sink: TransitionSink,
    clock: Clock,
  ) {
    this.#config = config;
    this.#expected = new StatusSet(config.expectedStatuses);
    this.#overrides = overrides;
    this.#probe = probe;
    this.#sink = sink;
    this.#clock = clock;
  }

  configure(
    config: ActiveHealthConfig,
    overrides: ReadonlyMap<string, BackendHealthOverrides>,
  ): void {
    const wasEnabled = this.#config.enabled;
    const intervalChanged =
      config.interval !== this.#config.interval || config.jitter !== this.#config.jitter;
    this.#config = config;
    this.#expected = new StatusSet(config.expectedStatuses);
    this.#overrides = overrides;
    if (wasEnabled && !config.enabled) {
      for (const loop of this.#loops.values()) {
        this.#stop(loop);
        this.#bringUp(loop, 'active health checks disabled');
      }
      this.#loops.clear();
      return;
    }
    for (const loop of this.#loops.values()) {
      loop.request = this.#requestFor(loop.target);
      // A pending wait on the old interval could be far longer than the new one.
      if (intervalChanged && loop.timer !== undefined) {
        this.#clock.clearTimeout(loop.timer);
        this.#schedule(loop);
      }
    }
  }

  /** The backend set changed: probe new backends at once, stop probing removed ones. */
  update(targets: readonly HealthTarget[]): void {
    if (this.#closed || !this.#config.enabled) return;
    let anyServing = false;
    for (const target of targets) {
      if (this.#loops.has(target.id) && target.available) anyServing = true;
    }
    const next = new Map<string, LoopState>();
    const started: LoopState[] = [];
    for (const target of targets) {
      const known = this.#loops.get(target.id);
      if (known !== undefined) {
        if (known.target !== target) {
          known.target = target;
          if (!known.healthy) target.markDown('active', known.lastReason);
        }
        next.set(target.id, known);
        continue;
      }
      const loop: LoopState = {
        target,
        request: this.#requestFor(target),
        healthy: true,
        seenHealthy: false,
        passes: 0,
        fails: 0,
        downSince: 0,
        lastReason: '',
        timer: undefined,
        controller: undefined,
        stopped: false,
      };
      if (anyServing) {
        loop.healthy = false;
        loop.downSince = this.#clock.now();
        loop.lastReason = 'awaiting first health check';
        this.#sink.down(target, 'active', loop.lastReason);
      }
      next.set(target.id, loop);
      started.push(loop);
    }
    for (const [id, loop] of this.#loops) {
      if (!next.has(id)) this.#stop(loop);
    }
    this.#loops = next;
    for (const loop of started) this.#run(loop);
  }

  /** Is this backend held down by active checks? (For status pages and tests.) */
  isHealthy(id: string): boolean | undefined {
    return this.#loops.get(id)?.healthy;
  }

  close(): void {
    this.#closed = true;
    for (const loop of this.#loops.values()) this.#stop(loop);
    this.#loops.clear();
  }

  #requestFor(target: HealthTarget): ProbeRequest {
    const override = this.#overrides.get(target.id);
    // Appended to the origin, never resolved against it: a path such as `//other.host/x` must
    // stay a path on this backend (the schema refuses it too; embedders may skip the schema).
    return {
      url: new URL(`${target.url.origin}${override?.path ?? this.#config.path}`),
      host: override?.host ?? this.#config.host,
    };
  }

  #stop(loop: LoopState): void {
    loop.stopped = true;
    if (loop.timer !== undefined) this.#clock.clearTimeout(loop.timer);
    loop.timer = undefined;
    loop.controller?.abort();
    loop.controller = undefined;
  }

  #schedule(loop: LoopState): void {
    const delay = jitteredInterval(
      this.#config.interval,
      this.#config.jitter,
      this.#clock.random(),
    );
    loop.timer = this.#clock.setTimeout(() => {
      loop.timer = undefined;
      this.#run(loop);
    }, delay);
  }

  #run(loop: LoopState): void {
    if (loop.stopped || loop.controller !== undefined) return;
    const controller = new AbortController();
    loop.controller = controller;
    let timedOut = false;
    const timeout = this.#config.timeout;
    const timer = this.#clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    this.#probe(loop.request, controller.signal).then(
      (result) => this.#settle(loop, controller, timer, timedOut ? undefined : result, timeout),
      (error: unknown) =>
        this.#settle(loop, controller, timer, { status: 0, error: String(error) }, timeout),
    );
  }

  #settle(
    loop: LoopState,
    controller: AbortController,
    timer: TimerHandle,
    result: ProbeResult | undefined,
    timeout: number,
  ): void {
    this.#clock.clearTimeout(timer);
    if (loop.controller !== controller) return; // stopped meanwhile
    loop.controller = undefined;
    if (loop.stopped) return;
    const path = loop.request.url.pathname;
    if (result === undefined) {
      this.#fail(loop, `GET ${path} timed out after ${timeout} ms`);
    } else if (result.error !== undefined) {
      this.#fail(loop, `GET ${path} failed: ${result.error}`);
    } else if (this.#expected.has(result.status)) {
      this.#pass(loop, `GET ${path} answered ${result.status}`);
    } else {
      this.#fail(loop, `GET ${path} answered ${result.status}`);
    }
    if (!loop.stopped) this.#schedule(loop);
  }

  #pass(loop: LoopState, detail: string): void {
    loop.passes++;
    loop.fails = 0;
    if (loop.healthy) {
      loop.seenHealthy = true;
      return;
    }
    const needed = loop.seenHealthy ? this.#config.healthyThreshold : 1;
    if (loop.passes < needed) return;
    const first = !loop.seenHealthy;
    loop.healthy = true;
    loop.seenHealthy = true;
    this.#bringUp(
      loop,
      first ? `${detail} (first check passed)` : `${detail} (${loop.passes} consecutive passes)`,
    );
  }

  #fail(loop: LoopState, detail: string): void {
    loop.fails++;
    loop.passes = 0;
    loop.lastReason = detail;
    if (!loop.healthy) return;
    const needed = loop.seenHealthy ? this.#config.unhealthyThreshold : 1;
    if (loop.fails < needed) return;
    loop.healthy = false;
    loop.downSince = this.#clock.now();
    loop.lastReason = loop.seenHealthy
      ? `${detail} (${loop.fails} consecutive failures)`
      : `${detail} (first check failed)`;
    this.#sink.down(loop.target, 'active', loop.lastReason);
  }

  #bringUp(loop: LoopState, reason: string): void {
    if (!loop.target.isDown('active')) return;
    this.#sink.up(loop.target, 'active', reason, this.#clock.now() - loop.downSince);
  }
}

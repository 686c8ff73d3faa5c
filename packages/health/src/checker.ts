/**
 * The health checker Helios runs: passive outlier detection and active probes over one backend
 * set, combined through the backends' own per-source down flags (a backend serves only when
 * neither source holds it down). Every transition is logged once and emitted as a `transition`
 * event; a backend that returns to service ramps up through slow start.
 */
import { EventEmitter } from 'node:events';
import type {
  BackendConfig,
  FailureKind,
  HealthConfig,
  HealthHooks,
  HealthSource,
  HealthTarget,
  Logger,
  UpstreamTransport,
} from '@helios/core';
import { silentLogger } from '@helios/core';
import { ActiveChecker, type BackendHealthOverrides } from './active.js';
import { type Clock, systemClock } from './clock.js';
import { PassiveDetector } from './passive.js';
import { createHttpProber, type HttpProber, type Probe } from './probe.js';
import { SlowStart } from './slow-start.js';
import type { HealthTransition, TransitionSink } from './transition.js';

export interface HealthCheckerOptions {
  health: HealthConfig;
  /** The configured backends; only their per-backend `health` overrides are read here. */
  backends: readonly BackendConfig[];
  logger?: Logger;
  /** Time source and randomness (tests pass one driven by fake timers). */
  clock?: Clock;
  /** Replaces the HTTP probe (tests). */
  probe?: Probe;
  /**
   * How the pool dials `https://` backends (`upstreamTransport(pool)` of @helios/core): probes
   * use the same CA, server name and client certificate. Default: Node's TLS defaults.
   */
  transport?: UpstreamTransport;
}

export interface HealthCheckerEvents {
  transition: [HealthTransition];
}

function overridesOf(backends: readonly BackendConfig[]): Map<string, BackendHealthOverrides> {
  const overrides = new Map<string, BackendHealthOverrides>();
  for (const backend of backends) {
    overrides.set(new URL(String(backend.url)).origin, backend.health);
  }
  return overrides;
}

export class HealthChecker extends EventEmitter<HealthCheckerEvents> implements HealthHooks {
  readonly #logger: Logger;
  /** How the state machines reach back here; private so only they can move a backend. */
  readonly #sink: TransitionSink = {
    down: (target, source, reason) => this.#down(target, source, reason),
    up: (target, source, reason, downForMs) => this.#up(target, source, reason, downForMs),
  };
  readonly #slowStart: SlowStart;
  readonly #passive: PassiveDetector;
  readonly #active: ActiveChecker;
  /** The HTTP prober, unless the options replaced the probe; swapped when TLS settings change. */
  #prober: HttpProber | undefined;
  #targets: readonly HealthTarget[] = [];
  #closed: Promise<void> | undefined;

  constructor(options: HealthCheckerOptions) {
    super();
    const clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? silentLogger;
    let probe = options.probe;
    if (probe === undefined) {
      this.#prober = createHttpProber(options.transport);
      // Through the field, so a reload's new TLS settings reach the probe loops at once.
      probe = (request, signal) => (this.#prober as HttpProber).probe(request, signal);
    }
    this.#slowStart = new SlowStart(options.health.slowStart, clock);
    this.#passive = new PassiveDetector(options.health.passive, this.#sink, clock, this.#logger);
    this.#active = new ActiveChecker(
      options.health.active,
      overridesOf(options.backends),
      probe,
      this.#sink,
      clock,
    );
  }

  /** Start-up or reload: start checking new backends, stop checking removed ones. */
  update(backends: readonly HealthTarget[]): void {
    if (this.#closed !== undefined) return;
    this.#targets = backends;
    this.#slowStart.update(backends);
    this.#passive.update(backends);
    this.#active.update(backends);
  }

  /** Hot path: one finished upstream request. Bound so core may call it detached. */
  readonly onRequestEnd = (
    backend: HealthTarget,
    status: number,
    failure: FailureKind | undefined,
  ): void => {
    this.#passive.record(backend, status, failure);
  };

  /**
   * Reload: the pool's `upstreamTls`/`upstreamHttp2` changed. Later probes dial with the new
   * settings; probes in flight finish on the old agent, which is closed in the background.
   */
  configureTransport(transport: UpstreamTransport): void {
    if (this.#closed !== undefined || this.#prober === undefined) return;
    const old = this.#prober;
    this.#prober = createHttpProber(transport);
    void old.retire().catch(() => undefined);
  }

  /** Reload: apply a new `health` section and per-backend overrides, keeping learned state. */
  configure(health: HealthConfig, backends: readonly BackendConfig[]): void {
    if (this.#closed !== undefined) return;
    this.#slowStart.configure(health.slowStart);
    this.#passive.configure(health.passive);
    this.#active.configure(health.active, overridesOf(backends));
    // Re-enabled active checks need the current backends to start probing them.
    this.#active.update(this.#targets);
  }

  /**
   * Move a backend on another process's word (a cluster primary's probe, another worker's
   * ejection): the same effect as this checker's own verdict, slow start included.
   */
  apply(
    target: HealthTarget,
    source: HealthSource,
    healthy: boolean,
    reason: string,
    downForMs?: number,
  ): void {
    if (healthy) this.#up(target, source, reason, downForMs);
    else this.#down(target, source, reason);
  }

  /** Is the backend held down by passive ejection? */
  isEjected(id: string): boolean {
    return this.#passive.isEjected(id);
  }

  /** Active verdict for the backend; undefined when it is not probed. */
  isHealthy(id: string): boolean | undefined {
    return this.#active.isHealthy(id);
  }

  /** Stop every timer and probe; later calls return the same promise. */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.#active.close();
      this.#passive.close();
      this.#slowStart.close();
      this.#closed = this.#prober?.close() ?? Promise.resolve();
    }
    return this.#closed;
  }

  /** A checker takes a backend out of service. */
  #down(target: HealthTarget, source: HealthSource, reason: string): void {
    const wasAvailable = target.available;
    target.markDown(source, reason);
    if (wasAvailable) this.#slowStart.cancel(target.id);
    if (this.#logger.isLevelEnabled('warn')) {
      this.#logger.warn(
        { backend: target.id, source, healthy: false, reason, available: false },
        `backend ${target.id} taken out of service by ${source} health check: ${reason}`,
      );
    }
    this.emit('transition', { backend: target.id, source, healthy: false, reason });
  }

  /** A checker releases a backend (the other may still hold it down). */
  #up(
    target: HealthTarget,
    source: HealthSource,
    reason: string,
    downForMs: number | undefined,
  ): void {
    const wasAvailable = target.available;
    target.markUp(source, reason);
    const available = target.available;
    if (!wasAvailable && available) this.#slowStart.begin(target);
    const down = downForMs === undefined ? undefined : Math.round(downForMs);
    if (this.#logger.isLevelEnabled('info')) {
      const tail = available ? 'back in service' : `still held down: ${target.downReason ?? ''}`;
      this.#logger.info(
        { backend: target.id, source, healthy: true, reason, downForMs: down, available },
        `backend ${target.id} cleared by ${source} health check after ${String(down)} ms (${reason}); ${tail}`,
      );
    }
    const event: HealthTransition = { backend: target.id, source, healthy: true, reason };
    if (down !== undefined) event.downForMs = down;
    this.emit('transition', event);
  }
}

export function createHealthChecker(options: HealthCheckerOptions): HealthChecker {
  return new HealthChecker(options);
}

/**
 * The state every request handler reads: the current generation (config, strategy, upstreams:
 * swapped as one object on reload, so a request never sees half a reload), plus the pieces that
 * live across reloads (health hooks, logger, retry budget, request counting and events).
 */
import type { EventEmitter } from 'node:events';
import type { Backend, BackendView } from './backend.js';
import type { HeliosConfig } from './config/types.js';
import type { ForwardingOptions } from './forwarded-headers.js';
import type { HealthHooks } from './health-hooks.js';
import type { Logger } from './logger.js';
import type { RequestRecord } from './request-record.js';
import type { RetryBudget } from './retry-budget.js';
import type { FailureKind, PickRequest, Strategy } from './strategy.js';
import type { Upstream } from './upstream.js';

export interface Generation {
  readonly config: HeliosConfig;
  readonly strategy: Strategy;
  /** Indexed by `Backend.index`. */
  readonly upstreams: readonly Upstream[];
  /** The same backends, for `proxy.backends` (built once per generation). */
  readonly backends: readonly Backend[];
  /** Header rules compiled from the config (trusted proxies, Host, size limit). */
  readonly forwarding: ForwardingOptions;
}

/** The upstream of a backend a strategy picked (O(1) by index, a scan only if it is stale). */
export function upstreamFor(generation: Generation, view: BackendView): Upstream | undefined {
  const byIndex = generation.upstreams[view.index];
  if (byIndex !== undefined && byIndex.backend === view) return byIndex;
  for (const upstream of generation.upstreams) {
    if (upstream.backend.id === view.id) return upstream;
  }
  return undefined;
}

export class Runtime {
  current: Generation;
  readonly health: HealthHooks | undefined;
  readonly logger: Logger;
  readonly budget: RetryBudget;
  readonly #events: EventEmitter;
  /** Requests (including upgrade handshakes) that have not finished. */
  active = 0;
  draining = false;
  emitStart = false;
  emitEnd = false;
  /** Called when `active` drops to zero while draining. */
  onIdle: (() => void) | undefined;

  constructor(
    generation: Generation,
    health: HealthHooks | undefined,
    logger: Logger,
    budget: RetryBudget,
    events: EventEmitter,
  ) {
    this.current = generation;
    this.health = health;
    this.logger = logger;
    this.budget = budget;
    this.#events = events;
  }

  requestStarted(record: RequestRecord): void {
    this.active++;
    this.budget.recordRequest();
    if (this.emitStart) this.#emit('request:start', record);
  }

  requestEnded(record: RequestRecord): void {
    this.active--;
    if (this.emitEnd) this.#emit('request:end', record);
    if (this.active === 0 && this.draining) this.onIdle?.();
  }

  /** Start of an attempt: count it, then tell the strategy. A throwing strategy is logged. */
  attemptStarted(strategy: Strategy, upstream: Upstream): void {
    const backend = upstream.backend;
    backend.localInFlight++;
    try {
      strategy.onRequestStart?.(backend);
    } catch (err) {
      this.#hookFailed(err, 'strategy.onRequestStart');
    }
  }

  /**
   * End of an attempt: uncount it, then tell the strategy and the health hooks. They must not
   * throw; if one does, the request still finishes (a lost finish would stall the drain).
   * `status` 0 with no `failure` is an attempt the client abandoned (or Helios stopped for the
   * client's sake): it says nothing about the backend.
   */
  attemptEnded(
    strategy: Strategy | undefined,
    upstream: Upstream,
    latencyMs: number,
    status: number,
    failure: FailureKind | undefined,
  ): void {
    const backend = upstream.backend;
    backend.localInFlight--;
    try {
      strategy?.onRequestEnd?.(backend, latencyMs, status, failure);
    } catch (err) {
      this.#hookFailed(err, 'strategy.onRequestEnd');
    }
    try {
      this.health?.onRequestEnd?.(backend, status, failure);
    } catch (err) {
      this.#hookFailed(err, 'health.onRequestEnd');
    }
    // Last: a waiter admitted here starts its own attempt on the freed connection.
    upstream.release();
  }

  /** The strategy's choice; a throwing `pick` counts as "no backend" (503), and is logged. */
  pick(
    generation: Generation,
    request: PickRequest,
    exclude: BackendView | undefined,
  ): Upstream | undefined {
    let view: BackendView | undefined;
    try {
      view = generation.strategy.pick(request, exclude);
    } catch (err) {
      this.#hookFailed(err, 'strategy.pick');
      return undefined;
    }
    return view === undefined ? undefined : upstreamFor(generation, view);
  }

  #hookFailed(err: unknown, hook: string): void {
    this.logger.error({ err, hook }, 'a strategy or health hook threw; the request goes on');
  }

  emit(event: string, payload: unknown): void {
    this.#emit(event, payload);
  }

  /** A throwing listener must not break the request it observes. */
  #emit(event: string, payload: unknown): void {
    try {
      this.#events.emit(event, payload);
    } catch (err) {
      this.logger.error({ err, event }, 'a Helios event listener threw; the request goes on');
    }
  }
}

/**
 * The state every request handler reads: the current generation (config, pools, routes: swapped
 * as one object on reload, so a request never sees half a reload), plus what lives across
 * reloads (logger, request counting and events), and the calls into strategies and health hooks,
 * which must never break the request that makes them.
 */
import type { EventEmitter } from 'node:events';
import type { BackendView } from './backend.js';
import type { Generation, PoolRuntime } from './generation.js';
import type { Logger } from './logger.js';
import type { RequestRecord } from './request-record.js';
import type { FailureKind, PickRequest } from './strategy.js';
import type { Upstream } from './upstream.js';

/** The upstream of a backend a strategy picked (O(1) by index, a scan only if it is stale). */
export function upstreamFor(pool: PoolRuntime, view: BackendView): Upstream | undefined {
  const byIndex = pool.upstreams[view.index];
  if (byIndex !== undefined && byIndex.backend === view) return byIndex;
  for (const upstream of pool.upstreams) {
    if (upstream.backend.id === view.id) return upstream;
  }
  return undefined;
}

export class Runtime {
  current: Generation;
  readonly logger: Logger;
  readonly #events: EventEmitter;
  /** Requests (including upgrade handshakes) that have not finished. */
  active = 0;
  draining = false;
  emitStart = false;
  emitEnd = false;
  /** Called when `active` drops to zero while draining. */
  onIdle: (() => void) | undefined;

  constructor(generation: Generation, logger: Logger, events: EventEmitter) {
    this.current = generation;
    this.logger = logger;
    this.#events = events;
  }

  requestStarted(record: RequestRecord): void {
    this.active++;
    if (this.emitStart) this.#emit('request:start', record);
  }

  requestEnded(record: RequestRecord): void {
    this.active--;
    if (this.emitEnd) this.#emit('request:end', record);
    if (this.active === 0 && this.draining) this.onIdle?.();
  }

  /** Start of an attempt: count it, then tell the strategy. A throwing strategy is logged. */
  attemptStarted(pool: PoolRuntime, upstream: Upstream): void {
    const backend = upstream.backend;
    backend.localInFlight++;
    try {
      pool.strategy.onRequestStart?.(backend);
    } catch (err) {
      this.#hookFailed(err, 'strategy.onRequestStart');
    }
  }

  /**
   * End of an attempt: uncount it, then tell the strategy and the health hooks of the pool it
   * started in. They must not throw; if one does, the request still finishes (a lost finish
   * would stall the drain). `status` 0 with no `failure` is an attempt the client abandoned (or
   * Helios stopped for the client's sake): it says nothing about the backend.
   */
  attemptEnded(
    pool: PoolRuntime,
    upstream: Upstream,
    latencyMs: number,
    status: number,
    failure: FailureKind | undefined,
  ): void {
    const backend = upstream.backend;
    backend.localInFlight--;
    try {
      pool.strategy.onRequestEnd?.(backend, latencyMs, status, failure);
    } catch (err) {
      this.#hookFailed(err, 'strategy.onRequestEnd');
    }
    try {
      pool.health?.onRequestEnd?.(backend, status, failure);
    } catch (err) {
      this.#hookFailed(err, 'health.onRequestEnd');
    }
    // Last: a waiter admitted here starts its own attempt on the freed connection.
    upstream.release();
  }

  /** The strategy's choice; a throwing `pick` counts as "no backend" (503), and is logged. */
  pick(
    pool: PoolRuntime,
    request: PickRequest,
    exclude: BackendView | undefined,
  ): Upstream | undefined {
    let view: BackendView | undefined;
    try {
      view = pool.strategy.pick(request, exclude);
    } catch (err) {
      this.#hookFailed(err, 'strategy.pick');
      return undefined;
    }
    return view === undefined ? undefined : upstreamFor(pool, view);
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

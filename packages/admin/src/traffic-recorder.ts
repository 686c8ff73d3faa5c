/**
 * Listens to the proxy's `request:end` events and adds each finished request to the counters
 * of its backend (per pool: the same origin in two pools is two backends) and route. This is
 * the only admin code on the request path: a WeakMap lookup by the backend object, a Map lookup
 * by the route name (config strings, whose hash V8 caches), a few array increments, no
 * allocation once a backend and route have been seen.
 */
import { performance } from 'node:perf_hooks';
import { BackendTraffic } from './backend-traffic.js';
import { NONE } from './label-values.js';
import { isFailure, methodClass, STATUS_CLASSES, statusClass } from './request-classes.js';
import type { AdminBackend, FinishedRequest } from './types.js';

/** The pseudo-backend for requests that never reached one (e.g. 503 with none available). */
export const NO_BACKEND = NONE;

/** One key per backend of a pool; `\n` appears in neither an origin nor a config name. */
function trafficKey(pool: string, id: string): string {
  return `${pool}\n${id}`;
}

export class TrafficRecorder {
  /** Everything recorded, by pool and backend id: what survives a reload's new objects. */
  readonly #byKey = new Map<string, BackendTraffic>();
  /** A cache of #byKey by backend object, so the request path builds no key string. */
  #byBackend = new WeakMap<object, BackendTraffic>();
  /** Requests no backend took, by the pool they were meant for (`none`: refused earlier). */
  readonly #unrouted = new Map<string, BackendTraffic>();

  /** Arrow property so it can be passed to `proxy.on` and removed again. */
  readonly record = (request: FinishedRequest): void => {
    const backend = request.backend;
    const traffic =
      backend === undefined
        ? (this.#unrouted.get(request.pool ?? NONE) ?? this.#addUnrouted(request.pool ?? NONE))
        : (this.#byBackend.get(backend) ?? this.#adopt(backend.pool, backend.id, backend));
    const status = request.status;
    const route = traffic.route(request.route ?? NONE);
    const cell = methodClass(request.method) * STATUS_CLASSES.length + statusClass(status);
    route.requests[cell] = (route.requests[cell] ?? 0) + 1;
    route.duration.observe(request.durationMs);
    traffic.bytesIn += request.bytesIn;
    traffic.bytesOut += request.bytesOut;
    traffic.retries += request.retries;
    if (backend !== undefined && request.upstreamMs >= 0) {
      traffic.upstream.observe(request.upstreamMs);
    }
    const failed = isFailure(status);
    if (request.errorCode !== undefined) {
      traffic.errors.set(request.errorCode, (traffic.errors.get(request.errorCode) ?? 0) + 1);
    }
    // The end time from the record itself: no clock read per request.
    const endSecond = Math.floor((request.startTime + request.durationMs) / 1000);
    traffic.window.record(endSecond, request.durationMs, failed);
  };

  /** The counters of one backend of one pool, if it has served anything. */
  get(pool: string, id: string): BackendTraffic | undefined {
    return this.#byKey.get(trafficKey(pool, id));
  }

  /** The requests no backend of `pool` took (`none`: no pool was chosen). */
  unrouted(pool: string): BackendTraffic | undefined {
    return this.#unrouted.get(pool);
  }

  /** Every backend's counters, then the unrouted ones. */
  *all(): Generator<BackendTraffic> {
    yield* this.#byKey.values();
    yield* this.#unrouted.values();
  }

  /** Every pool's unrouted counters. */
  allUnrouted(): IterableIterator<BackendTraffic> {
    return this.#unrouted.values();
  }

  /**
   * Forget backends and pools no longer configured (after a reload), so their series leave
   * `/metrics`; requests refused before a pool was chosen stay.
   */
  prune(current: readonly AdminBackend[]): void {
    const keys = new Set<string>();
    const pools = new Set<string>([NONE]);
    for (const backend of current) {
      keys.add(trafficKey(backend.pool, backend.id));
      pools.add(backend.pool);
    }
    let removed = false;
    for (const key of this.#byKey.keys()) {
      if (!keys.has(key)) {
        this.#byKey.delete(key);
        removed = true;
      }
    }
    for (const pool of this.#unrouted.keys()) {
      if (!pools.has(pool)) this.#unrouted.delete(pool);
    }
    // A backend object still finishing a request must not count into a forgotten entry.
    if (removed) this.#byBackend = new WeakMap();
  }

  #adopt(pool: string, id: string, backend: object): BackendTraffic {
    const key = trafficKey(pool, id);
    let traffic = this.#byKey.get(key);
    if (traffic === undefined) {
      traffic = new BackendTraffic(pool, id);
      this.#byKey.set(key, traffic);
    }
    this.#byBackend.set(backend, traffic);
    return traffic;
  }

  #addUnrouted(pool: string): BackendTraffic {
    const traffic = new BackendTraffic(pool, NO_BACKEND);
    this.#unrouted.set(pool, traffic);
    return traffic;
  }
}

/** Seconds on the monotonic clock (`performance.now`, like `startTime`): the windows' time axis. */
export function currentSecond(): number {
  return Math.floor(performance.now() / 1000);
}

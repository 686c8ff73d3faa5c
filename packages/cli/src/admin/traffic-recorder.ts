/**
 * Listens to the proxy's `request:end` events and adds each finished request to its backend's
 * counters. This is the only admin code on the request path: one Map lookup by the backend's
 * id string (whose hash V8 caches), a few array increments, no allocation.
 */
import { performance } from 'node:perf_hooks';
import { BackendTraffic } from './backend-traffic.js';
import { isFailure, methodClass, STATUS_CLASSES, statusClass } from './request-classes.js';
import type { FinishedRequest } from './types.js';

/** The pseudo-backend for requests that never reached one (e.g. 503 with none available). */
export const NO_BACKEND = 'none';

export class TrafficRecorder {
  readonly #byBackend = new Map<string, BackendTraffic>();

  /** Arrow property so it can be passed to `proxy.on` and removed again. */
  readonly record = (request: FinishedRequest): void => {
    const id = request.backend === undefined ? NO_BACKEND : request.backend.id;
    let traffic = this.#byBackend.get(id);
    if (traffic === undefined) {
      traffic = new BackendTraffic(id);
      this.#byBackend.set(id, traffic);
    }
    const status = request.status;
    const cell = methodClass(request.method) * STATUS_CLASSES.length + statusClass(status);
    traffic.requests[cell] = (traffic.requests[cell] ?? 0) + 1;
    traffic.bytesIn += request.bytesIn;
    traffic.bytesOut += request.bytesOut;
    traffic.retries += request.retries;
    traffic.duration.observe(request.durationMs);
    if (request.backend !== undefined && request.upstreamMs >= 0) {
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

  get(id: string): BackendTraffic | undefined {
    return this.#byBackend.get(id);
  }

  all(): IterableIterator<BackendTraffic> {
    return this.#byBackend.values();
  }

  /** Forget backends no longer configured (after a reload), keeping `none`. */
  prune(current: ReadonlySet<string>): void {
    for (const id of this.#byBackend.keys()) {
      if (id !== NO_BACKEND && !current.has(id)) this.#byBackend.delete(id);
    }
  }
}

/** Seconds on the monotonic clock (`performance.now`, like `startTime`): the windows' time axis. */
export function currentSecond(): number {
  return Math.floor(performance.now() / 1000);
}

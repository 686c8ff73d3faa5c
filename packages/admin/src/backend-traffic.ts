/**
 * Plain counters for one backend of one pool, written per request and read only when
 * `/metrics` or `/api/status` is asked for. Keeping them as numbers and typed arrays (instead of
 * calling the Prometheus client per request) keeps label hashing and validation off the
 * request path.
 */
import { MAX_ROUTE_LABELS, OTHER_ROUTES } from './label-values.js';
import { METHOD_CLASSES, STATUS_CLASSES } from './request-classes.js';
import { RollingWindow } from './rolling-window.js';

/** Upper bounds (seconds) of the Prometheus duration histograms. */
export const DURATION_BUCKETS_SECONDS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;

const DURATION_BOUNDS_MS = DURATION_BUCKETS_SECONDS.map((seconds) => seconds * 1000);

/** Counts of one duration histogram; the last counter is the +Inf overflow. */
export class DurationHistogram {
  readonly counts = new Float64Array(DURATION_BOUNDS_MS.length + 1);
  sumSeconds = 0;
  count = 0;

  observe(ms: number): void {
    let i = 0;
    while (i < DURATION_BOUNDS_MS.length && ms > (DURATION_BOUNDS_MS[i] ?? 0)) i++;
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.sumSeconds += ms / 1000;
    this.count++;
  }
}

/** The figures labelled by route as well: request counts and total durations. */
export class RouteTraffic {
  readonly route: string;
  /** Requests by method class × status class, flattened. */
  readonly requests = new Float64Array(METHOD_CLASSES.length * STATUS_CLASSES.length);
  readonly duration = new DurationHistogram();

  constructor(route: string) {
    this.route = route;
  }
}

export class BackendTraffic {
  /** Backend id, or `none` for requests no backend was chosen for. */
  readonly id: string;
  /** The backend's pool; for `none`, the pool that had no backend to offer (or `none`). */
  readonly pool: string;
  /** By route name; few (names come from the config), and capped at MAX_ROUTE_LABELS. */
  readonly routes = new Map<string, RouteTraffic>();
  readonly upstream = new DurationHistogram();
  readonly window = new RollingWindow();
  bytesIn = 0;
  bytesOut = 0;
  retries = 0;
  /** Failures by Helios error code; rare, so a Map is fine. */
  readonly errors = new Map<string, number>();

  constructor(pool: string, id: string) {
    this.pool = pool;
    this.id = id;
  }

  /** The counters of `route` on this backend: one Map lookup, allocation only the first time. */
  route(name: string): RouteTraffic {
    const known = this.routes.get(name);
    if (known !== undefined) return known;
    const label = this.routes.size < MAX_ROUTE_LABELS ? name : OTHER_ROUTES;
    let traffic = this.routes.get(label);
    if (traffic === undefined) {
      traffic = new RouteTraffic(label);
      this.routes.set(label, traffic);
    }
    return traffic;
  }
}

/**
 * Builds the `/api/status` document: what the dashboard shows, and what scripts can poll.
 * The shape is documented in docs/observability.md; it only grows, fields are never renamed
 * (`pool`, `pools` and the transitions' `pool` came with pools and routes).
 */
import type { AddressInfo } from 'node:net';
import { quantileMs } from './latency-buckets.js';
import { WINDOW_SECONDS } from './rolling-window.js';
import { round, roundOrNull } from './rounding.js';
import { currentSecond, type TrafficRecorder } from './traffic-recorder.js';
import type { LoggedTransition } from './transition-log.js';
import type { AdminBackend } from './types.js';

export type BackendState = 'healthy' | 'unhealthy' | 'ramping';

export interface BackendStatus {
  id: string;
  /** The pool it serves in; `id` is unique within a pool, an origin may serve in several. */
  pool: string;
  url: string;
  weight: number;
  effectiveWeight: number;
  state: BackendState;
  /** Why the backend is out of service; null while it is in service. */
  reason: string | null;
  inFlight: number;
  /** Figures over the last minute (or since start, if sooner). */
  requests: number;
  rps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Share (0..1) of requests answered 5xx or not at all. */
  errorRate: number;
  /** Per second, oldest first, WINDOW_SECONDS entries: the dashboard's chart. */
  series: { rps: number[]; p99Ms: (number | null)[] };
}

/** One pool's backends and figures; the backends' own figures are in `StatusReport.backends`. */
export interface PoolStatus {
  name: string;
  /** Ids of its backends, in order (find them in `backends` by `pool` and `id`). */
  backends: string[];
  totals: PoolTotals;
}

export interface PoolTotals {
  /** Backends in service (healthy or ramping). */
  backendsUp: number;
  /** Requests finished in the window, those no backend of the pool could take included. */
  requests: number;
  rps: number;
  /** Share (0..1) of those requests answered 5xx or not at all. */
  errorRate: number;
  inFlight: number;
  /** Requests in the window routed to this pool that found no backend to take them. */
  unroutedRequests: number;
}

export interface TransitionStatus {
  at: string;
  backend: string;
  pool: string;
  source: string;
  healthy: boolean;
  reason: string;
  downForMs: number | null;
}

export interface StatusReport {
  version: string;
  strategy: string;
  listener: { address: string; port: number } | null;
  uptimeSeconds: number;
  windowSeconds: number;
  connections: { client: number; upgraded: number };
  totals: { rps: number; errorRate: number; inFlight: number; unroutedRequests: number };
  /** Every backend of every pool, in the proxy's order. */
  backends: BackendStatus[];
  /** The same backends grouped by pool, pools in order of first appearance. */
  pools: PoolStatus[];
  transitions: TransitionStatus[];
}

export interface StatusSources {
  readonly traffic: TrafficRecorder;
  readonly version: string;
  readonly startedSecond: number;
  readonly startedAt: number;
  backends(): readonly AdminBackend[];
  strategy(): string;
  listener(): AddressInfo | null;
  activeConnections(): number;
  upgradedConnections(): number;
  transitions(): LoggedTransition[];
}

export function buildStatusReport(sources: StatusSources): StatusReport {
  const now = currentSecond();
  // Until a minute has passed, rates are over the time since start, not diluted by empty slots.
  const span = Math.min(WINDOW_SECONDS, Math.max(1, now - sources.startedSecond + 1));
  const backends: BackendStatus[] = [];
  const pools = new Map<string, PoolTally>();
  const all = new PoolTally();
  const current = sources.backends();
  sources.traffic.prune(current);
  for (const backend of current) {
    const summary = sources.traffic.get(backend.pool, backend.id)?.window.summarise(now);
    const requests = summary?.requests ?? 0;
    const failures = summary?.failures ?? 0;
    const state: BackendState = !backend.available
      ? 'unhealthy'
      : backend.effectiveWeight < backend.weight
        ? 'ramping'
        : 'healthy';
    let pool = pools.get(backend.pool);
    if (pool === undefined) {
      pool = new PoolTally();
      pools.set(backend.pool, pool);
    }
    for (const tally of [pool, all]) tally.add(requests, failures, backend.inFlight, state);
    pool.ids.push(backend.id);
    backends.push({
      id: backend.id,
      pool: backend.pool,
      url: backend.url.href,
      weight: backend.weight,
      effectiveWeight: round(backend.effectiveWeight, 3),
      state,
      reason: backend.available ? null : (backend.downReason ?? 'out of service'),
      inFlight: backend.inFlight,
      requests,
      rps: round(requests / span, 2),
      p50Ms: summary ? roundOrNull(quantileMs(summary.latency, requests, 0.5)) : null,
      p99Ms: summary ? roundOrNull(quantileMs(summary.latency, requests, 0.99)) : null,
      errorRate: requests === 0 ? 0 : round(failures / requests, 4),
      series: {
        rps: summary?.perSecond ?? new Array<number>(WINDOW_SECONDS).fill(0),
        p99Ms: summary?.p99PerSecond.map(roundOrNull) ?? new Array<null>(WINDOW_SECONDS).fill(null),
      },
    });
  }
  for (const unrouted of sources.traffic.allUnrouted()) {
    const summary = unrouted.window.summarise(now);
    pools.get(unrouted.pool)?.addUnrouted(summary.requests, summary.failures);
    all.addUnrouted(summary.requests, summary.failures);
  }
  const listener = sources.listener();
  const allTotals = all.totals(span);
  return {
    version: sources.version,
    strategy: sources.strategy(),
    listener: listener ? { address: listener.address, port: listener.port } : null,
    uptimeSeconds: Math.round((Date.now() - sources.startedAt) / 1000),
    windowSeconds: WINDOW_SECONDS,
    connections: { client: sources.activeConnections(), upgraded: sources.upgradedConnections() },
    totals: {
      rps: allTotals.rps,
      errorRate: allTotals.errorRate,
      inFlight: allTotals.inFlight,
      unroutedRequests: allTotals.unroutedRequests,
    },
    backends,
    pools: [...pools].map(([name, tally]) => ({
      name,
      backends: tally.ids,
      totals: tally.totals(span),
    })),
    transitions: sources.transitions().map((t) => ({
      at: new Date(t.at).toISOString(),
      backend: t.backend,
      pool: t.pool,
      source: t.source,
      healthy: t.healthy,
      reason: t.reason,
      downForMs: t.downForMs ?? null,
    })),
  };
}

/** Adds up one pool's (or all pools') figures while the report is built. */
class PoolTally {
  readonly ids: string[] = [];
  requests = 0;
  failures = 0;
  inFlight = 0;
  up = 0;
  unrouted = 0;

  add(requests: number, failures: number, inFlight: number, state: BackendState): void {
    this.requests += requests;
    this.failures += failures;
    this.inFlight += inFlight;
    if (state !== 'unhealthy') this.up++;
  }

  addUnrouted(requests: number, failures: number): void {
    this.requests += requests;
    this.failures += failures;
    this.unrouted += requests;
  }

  totals(span: number): PoolTotals {
    return {
      backendsUp: this.up,
      requests: this.requests,
      rps: round(this.requests / span, 2),
      errorRate: this.requests === 0 ? 0 : round(this.failures / this.requests, 4),
      inFlight: this.inFlight,
      unroutedRequests: this.unrouted,
    };
  }
}

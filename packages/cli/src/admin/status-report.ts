/**
 * Builds the `/api/status` document: what the dashboard shows, and what scripts can poll.
 * The shape is documented in docs/observability.md; it only grows, fields are never renamed.
 */
import type { AddressInfo } from 'node:net';
import { quantileMs } from './latency-buckets.js';
import { WINDOW_SECONDS } from './rolling-window.js';
import { currentSecond, NO_BACKEND, type TrafficRecorder } from './traffic-recorder.js';
import type { LoggedTransition } from './transition-log.js';
import type { AdminBackend } from './types.js';

export type BackendState = 'healthy' | 'unhealthy' | 'ramping';

export interface BackendStatus {
  id: string;
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

export interface StatusReport {
  version: string;
  strategy: string;
  listener: { address: string; port: number } | null;
  uptimeSeconds: number;
  windowSeconds: number;
  connections: { client: number; upgraded: number };
  totals: { rps: number; errorRate: number; inFlight: number; unroutedRequests: number };
  backends: BackendStatus[];
  transitions: {
    at: string;
    backend: string;
    source: string;
    healthy: boolean;
    reason: string;
    downForMs: number | null;
  }[];
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
  let totalRequests = 0;
  let totalFailures = 0;
  let totalInFlight = 0;
  for (const backend of sources.backends()) {
    const summary = sources.traffic.get(backend.id)?.window.summarise(now);
    const requests = summary?.requests ?? 0;
    const failures = summary?.failures ?? 0;
    totalRequests += requests;
    totalFailures += failures;
    totalInFlight += backend.inFlight;
    const state: BackendState = !backend.available
      ? 'unhealthy'
      : backend.effectiveWeight < backend.weight
        ? 'ramping'
        : 'healthy';
    backends.push({
      id: backend.id,
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
  const unrouted = sources.traffic.get(NO_BACKEND)?.window.summarise(now);
  totalRequests += unrouted?.requests ?? 0;
  totalFailures += unrouted?.failures ?? 0;
  const listener = sources.listener();
  return {
    version: sources.version,
    strategy: sources.strategy(),
    listener: listener ? { address: listener.address, port: listener.port } : null,
    uptimeSeconds: Math.round((Date.now() - sources.startedAt) / 1000),
    windowSeconds: WINDOW_SECONDS,
    connections: { client: sources.activeConnections(), upgraded: sources.upgradedConnections() },
    totals: {
      rps: round(totalRequests / span, 2),
      errorRate: totalRequests === 0 ? 0 : round(totalFailures / totalRequests, 4),
      inFlight: totalInFlight,
      unroutedRequests: unrouted?.requests ?? 0,
    },
    backends,
    transitions: sources.transitions().map((t) => ({
      at: new Date(t.at).toISOString(),
      backend: t.backend,
      source: t.source,
      healthy: t.healthy,
      reason: t.reason,
      downForMs: t.downForMs ?? null,
    })),
  };
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

function roundOrNull(value: number | null | undefined): number | null {
  return value === undefined || value === null ? null : round(value, 2);
}

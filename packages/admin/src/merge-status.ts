/**
 * One `/api/status` document for several processes that serve the same config (a cluster's
 * workers). Traffic figures (requests, rates, latencies, connections) are kept by each process
 * and added up here; health, weights and in-flight counts come from `base`, the report of the
 * process that holds the global view (adding those up would count every backend once per
 * process). Backends are matched by pool and id.
 *
 * Percentiles cannot be added: a backend's p50 is the request-weighted mean of the parts' p50s
 * and its p99 the largest part's p99 (an upper bound); see docs/workers.md.
 */
import { round } from './rounding.js';
import type { BackendStatus, PoolStatus, PoolTotals, StatusReport } from './status-report.js';

export function mergeStatusReports(
  base: StatusReport,
  parts: readonly StatusReport[],
): StatusReport {
  const byBackend = parts.map(
    (part) => new Map(part.backends.map((b) => [backendKey(b.pool, b.id), b] as const)),
  );
  const backends = base.backends.map((b) =>
    mergeBackend(
      b,
      byBackend.map((found) => found.get(backendKey(b.pool, b.id))),
    ),
  );
  let requests = 0;
  let failures = 0;
  let rps = 0;
  let unrouted = 0;
  let client = 0;
  let upgraded = 0;
  for (const s of parts) {
    rps += s.totals.rps;
    unrouted += s.totals.unroutedRequests;
    client += s.connections.client;
    upgraded += s.connections.upgraded;
    const partRequests = s.backends.reduce((n, b) => n + b.requests, 0) + s.totals.unroutedRequests;
    requests += partRequests;
    failures += s.totals.errorRate * partRequests;
  }
  return {
    ...base,
    connections: { client, upgraded },
    totals: {
      rps: round(rps, 2),
      errorRate: requests === 0 ? 0 : round(failures / requests, 4),
      inFlight: base.totals.inFlight,
      unroutedRequests: unrouted,
    },
    backends,
    pools: base.pools.map((pool) =>
      mergePool(
        pool,
        parts.map((part) => part.pools.find((p) => p.name === pool.name)),
      ),
    ),
  };
}

function backendKey(pool: string, id: string): string {
  return `${pool}\n${id}`;
}

function mergePool(base: PoolStatus, parts: readonly (PoolStatus | undefined)[]): PoolStatus {
  let requests = 0;
  let failures = 0;
  let rps = 0;
  let unrouted = 0;
  for (const part of parts) {
    if (part === undefined) continue;
    requests += part.totals.requests;
    failures += part.totals.errorRate * part.totals.requests;
    rps += part.totals.rps;
    unrouted += part.totals.unroutedRequests;
  }
  const totals: PoolTotals = {
    backendsUp: base.totals.backendsUp,
    requests,
    rps: round(rps, 2),
    errorRate: requests === 0 ? 0 : round(failures / requests, 4),
    inFlight: base.totals.inFlight,
    unroutedRequests: unrouted,
  };
  return { ...base, totals };
}

function mergeBackend(
  base: BackendStatus,
  parts: readonly (BackendStatus | undefined)[],
): BackendStatus {
  const present = parts.filter((p): p is BackendStatus => p !== undefined);
  const requests = present.reduce((n, p) => n + p.requests, 0);
  const weighted = (pick: (p: BackendStatus) => number | null): number | null => {
    let sum = 0;
    let weight = 0;
    for (const p of present) {
      const value = pick(p);
      if (value === null || p.requests === 0) continue;
      sum += value * p.requests;
      weight += p.requests;
    }
    return weight === 0 ? null : round(sum / weight, 2);
  };
  const slots = base.series.rps.length;
  const rpsSeries = new Array<number>(slots).fill(0);
  const p99Series = new Array<number | null>(slots).fill(null);
  for (const p of present) {
    for (let i = 0; i < slots; i++) {
      rpsSeries[i] = (rpsSeries[i] ?? 0) + (p.series.rps[i] ?? 0);
      p99Series[i] = largest([p99Series[i] ?? null, p.series.p99Ms[i] ?? null]);
    }
  }
  return {
    ...base,
    requests,
    rps: round(
      present.reduce((n, p) => n + p.rps, 0),
      2,
    ),
    p50Ms: weighted((p) => p.p50Ms),
    p99Ms: largest(present.map((p) => p.p99Ms)),
    errorRate: weighted((p) => p.errorRate) ?? 0,
    series: { rps: rpsSeries, p99Ms: p99Series },
  };
}

function largest(values: readonly (number | null)[]): number | null {
  let max: number | null = null;
  for (const v of values) if (v !== null && (max === null || v > max)) max = v;
  return max;
}

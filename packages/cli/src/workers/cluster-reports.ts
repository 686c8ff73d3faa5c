/**
 * `/metrics` and `/api/status` of a cluster, served by the primary's admin server. Traffic
 * figures (requests, latencies, bytes, connections) are kept by each worker and added up here;
 * health and in-flight come from the primary's own backend objects, which hold the global view
 * (adding those up per worker would count every backend once per worker).
 *
 * Percentiles cannot be added: a backend's p50 is the request-weighted mean of the workers'
 * p50s and its p99 the largest worker p99 (an upper bound); see docs/workers.md.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { AdminReports, BackendStatus, StatusReport } from '../admin/index.js';
import type { WorkerReport } from './messages.js';

/** Series the primary answers for itself: the state every worker shares. */
const PRIMARY_SERIES = new Set([
  'helios_info',
  'helios_backend_in_flight',
  'helios_backend_up',
  'helios_backend_weight',
  'helios_backend_ejections_total',
  'helios_config_reloads_total',
]);

/** One worker in `/api/status` of a cluster. */
export interface WorkerStatus {
  pid: number;
  /** The config generation it runs (the primary's `generation` once a reload reached it). */
  generation: number;
  /** Open client connections of this worker. */
  connections: number;
  /** Requests it finished in the status window. */
  requests: number;
  /** Backends in its current config (every worker shows the same number after a reload). */
  backends: number;
}

/** `/api/status` of a cluster: the single-process document plus one entry per worker. */
export interface ClusterStatusReport extends StatusReport {
  /** The config generation: 0 for the config read at start, one more per reload. */
  generation: number;
  workers: WorkerStatus[];
}

export interface ClusterReportSources {
  /** Every live worker's report (workers that do not answer in time are left out). */
  collect(): Promise<WorkerReport[]>;
  /** The primary's status: backends' health and global in-flight, transitions, listener. */
  baseStatus(): StatusReport;
  /** The config generation the primary runs. */
  generation(): number;
}

export function clusterReports(sources: ClusterReportSources): AdminReports {
  return {
    async metrics(local: Registry): Promise<string> {
      const reports = await sources.collect();
      const own = (await local.getMetricsAsJSON()).filter((m) => PRIMARY_SERIES.has(m.name));
      const perWorker = reports.map((r) =>
        (r.metrics as { name: string }[]).filter((m) => !PRIMARY_SERIES.has(m.name)),
      );
      return AggregatorRegistry.aggregate([own, ...perWorker]).metrics();
    },
    async status(): Promise<StatusReport> {
      return mergeStatus(sources.baseStatus(), await sources.collect(), sources.generation());
    },
  };
}

/** The primary's status with the workers' traffic figures added in. */
export function mergeStatus(
  base: StatusReport,
  reports: readonly WorkerReport[],
  generation: number,
): ClusterStatusReport {
  const backends = base.backends.map((b) =>
    mergeBackend(
      b,
      reports.map((r) => r.status.backends.find((w) => w.id === b.id)),
    ),
  );
  let requests = 0;
  let failures = 0;
  let rps = 0;
  let unrouted = 0;
  let client = 0;
  let upgraded = 0;
  for (const r of reports) {
    const s = r.status;
    rps += s.totals.rps;
    unrouted += s.totals.unroutedRequests;
    client += s.connections.client;
    upgraded += s.connections.upgraded;
    const workerRequests = s.backends.reduce((n, b) => n + b.requests, 0);
    requests += workerRequests;
    failures += s.totals.errorRate * (workerRequests + s.totals.unroutedRequests);
    requests += s.totals.unroutedRequests;
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
    generation,
    workers: reports.map((r) => ({
      pid: r.pid,
      generation: r.generation,
      connections: r.status.connections.client,
      requests: r.status.backends.reduce((n, b) => n + b.requests, 0),
      backends: r.status.backends.length,
    })),
  };
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
  const largest = (values: readonly (number | null)[]): number | null => {
    let max: number | null = null;
    for (const v of values) if (v !== null && (max === null || v > max)) max = v;
    return max;
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

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

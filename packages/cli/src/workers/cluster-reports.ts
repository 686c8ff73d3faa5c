/**
 * `/metrics` and `/api/status` of a cluster, served by the primary's admin server. The workers
 * count traffic; the primary holds the global view (health, weights, in-flight) and answers
 * for it. @helios/admin merges the two (`mergeMetrics`, `mergeStatusReports`: traffic added
 * up per pool and backend, shared state from the primary); this file adds what only a cluster
 * has, the config generation and one entry per worker.
 */
import {
  type AdminReports,
  mergeMetrics,
  mergeStatusReports,
  type StatusReport,
} from '@helios/admin';
import type { WorkerReport } from './messages.js';

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
  /** The config generation the primary runs. */
  generation(): number;
}

export function clusterReports(sources: ClusterReportSources): AdminReports {
  return {
    async metrics(local) {
      const reports = await sources.collect();
      return mergeMetrics(
        local,
        reports.map((r) => r.metrics),
      );
    },
    async status(local) {
      return clusterStatus(local, await sources.collect(), sources.generation());
    },
  };
}

/** The primary's status with the workers' traffic figures added in, and the workers listed. */
export function clusterStatus(
  base: StatusReport,
  reports: readonly WorkerReport[],
  generation: number,
): ClusterStatusReport {
  return {
    ...mergeStatusReports(
      base,
      reports.map((r) => r.status),
    ),
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

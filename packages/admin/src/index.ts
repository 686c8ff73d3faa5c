/**
 * Public face of @helios/admin: the admin listener (Prometheus `/metrics`, `/api/status`, the
 * live dashboard, `/healthz`) for a proxy built with @helios/core, and the pieces a
 * multi-process deployment needs to serve one listener for all its processes.
 */
export {
  type AdminCollector,
  createAdminCollector,
  type ProcessReport,
} from './admin-collector.js';
export { type AdminServer, createAdminServer } from './admin-server.js';
export { type MetricJson, mergeMetrics, SHARED_SERIES } from './merge-metrics.js';
export { mergeStatusReports } from './merge-status.js';
export type {
  BackendState,
  BackendStatus,
  PoolStatus,
  PoolTotals,
  StatusReport,
  TransitionStatus,
} from './status-report.js';
export type {
  AdminBackend,
  AdminCollectorOptions,
  AdminHealthEvents,
  AdminInfo,
  AdminProxy,
  AdminReports,
  AdminServerOptions,
  FinishedRequest,
  HealthTransition,
  ReloadOutcome,
} from './types.js';

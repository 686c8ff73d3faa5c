/** Public face of the admin listener: metrics, status API and live dashboard. */
export type { AdminServer } from './admin-server.js';
export { createAdminServer } from './admin-server.js';
export type { BackendState, BackendStatus, StatusReport } from './status-report.js';
export type {
  AdminBackend,
  AdminHealthEvents,
  AdminInfo,
  AdminProxy,
  AdminReports,
  AdminServerOptions,
  FinishedRequest,
  HealthTransition,
  ReloadOutcome,
} from './types.js';

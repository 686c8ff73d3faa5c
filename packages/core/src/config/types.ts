/**
 * DRAFT contract of the resolved helios.yaml (all defaults applied, durations in ms).
 * The config work replaces this file with types inferred from the one schema; the shape below
 * is what the rest of Helios codes against, so keep names and meanings when doing so.
 */

/** Inclusive range of HTTP statuses, e.g. 500-599. */
export interface StatusRange {
  from: number;
  to: number;
}

export interface BackendConfig {
  /** Origin only: http(s)://host:port, no path other than `/`. */
  url: URL;
  weight: number; // default 1
  maxConnections: number; // default 128
  /** Per-backend overrides for active health checks. */
  health: { path?: string; host?: string };
}

export type StrategyName =
  | 'round-robin'
  | 'weighted-round-robin'
  | 'least-connections'
  | 'random'
  | 'power-of-two'
  | 'ewma'
  | 'consistent-hash';

export interface StrategyConfig {
  name: StrategyName;
  /** Strategy options as written (e.g. `key: header:x-user` for consistent-hash, `decay: 10s`). */
  options: Record<string, unknown>;
}

export interface TimeoutsConfig {
  connect: number; // default 5_000
  response: number; // no response headers within → 504; default 30_000
  /** Idle time between body chunks from the backend; 0 disables (SSE). default 60_000 */
  upstreamIdle: number;
  /** Client must send complete headers within this (slowloris). default 10_000 */
  clientHeader: number;
  /** Idle keep-alive connection from a client is closed after this. default 5_000 */
  clientIdle: number;
  /** Graceful shutdown: in-flight requests get this long. default 30_000 */
  drain: number;
}

export interface RetryBudgetConfig {
  /** Retries may add at most this percentage of recent requests. default 20 */
  percent: number;
  /** ...but at least this many retries per second are always allowed. default 3 */
  minPerSecond: number;
}

export interface LimitsConfig {
  maxHeaderSize: number; // bytes, default 16_384 → 431
  maxUrlLength: number; // default 8_192 → 414
  maxBodySize: number | undefined; // bytes, default unlimited → 413
}

export interface PassiveHealthConfig {
  enabled: boolean; // default true
  failureStatuses: StatusRange[]; // default [{500,599}]
  failureThreshold: number; // default 1
  cooldown: number; // default 30_000
  maxCooldown: number; // default 300_000 (cap of exponential ejection)
  maxEjectedPercent: number; // default 50
}

export interface ActiveHealthConfig {
  enabled: boolean; // default true
  path: string; // default /health
  interval: number; // default 10_000
  timeout: number; // default 2_000
  jitter: number; // fraction of interval, default 0.1
  expectedStatuses: StatusRange[]; // default [{200,399}]
  unhealthyThreshold: number; // default 3
  healthyThreshold: number; // default 2
  host: string | undefined;
}

export interface HealthConfig {
  passive: PassiveHealthConfig;
  active: ActiveHealthConfig;
  slowStart: number; // ms, 0 = off (default)
}

export interface LoggingConfig {
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent'; // default info
  format: 'auto' | 'json' | 'pretty'; // default auto (pretty on a TTY)
}

export interface AccessLogConfig {
  enabled: boolean; // default false
  /** `stdout` (default) or a file path. */
  output: string;
}

export interface AdminConfig {
  port: number;
  host: string; // default 127.0.0.1
  token: string | undefined;
}

export interface HeliosConfig {
  port: number;
  host: string; // default 0.0.0.0
  strategy: StrategyConfig; // default round-robin
  backends: BackendConfig[];
  /** Send the client's Host to backends (default true); false sends the backend's host. */
  preserveHost: boolean;
  /** Trust incoming X-Forwarded-* (default false). */
  trustProxy: boolean;
  timeouts: TimeoutsConfig;
  retries: number; // default 1
  retryBudget: RetryBudgetConfig;
  limits: LimitsConfig;
  health: HealthConfig;
  logging: LoggingConfig;
  accessLog: AccessLogConfig;
  admin: AdminConfig | undefined; // off unless configured
  /** Worker processes: a count, or 'auto' for the available cores. default 1 */
  workers: number | 'auto';
}

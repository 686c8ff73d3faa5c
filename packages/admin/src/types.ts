/**
 * The shapes the admin listener reads from the rest of Helios. They are structural on purpose:
 * the admin code needs only a few fields of the proxy, its backends and the health checker, so
 * any object with these members (the real proxy, an embedding application's wrapper, a cluster
 * primary's view of its workers) fits. Only `@helios/core`'s small interfaces are imported.
 */
import type { AddressInfo } from 'node:net';
import type { AdminConfig, BackendView, HealthSource, Logger, RequestRecord } from '@helios/core';
import type { Registry } from 'prom-client';
import type { StatusReport } from './status-report.js';

/**
 * One health state change. `@helios/health`'s `HealthTransition` (the checker's `transition`
 * event) fits this shape without the admin package depending on it.
 */
export interface HealthTransition {
  /** The backend's id (its origin, e.g. `http://127.0.0.1:9001`). */
  readonly backend: string;
  /**
   * The backend's pool. When the event does not say, the admin listener looks the id up among
   * the proxy's current backends (see `transitionPool`).
   */
  readonly pool?: string | undefined;
  readonly source: HealthSource;
  /** The new state as this source sees it. */
  readonly healthy: boolean;
  readonly reason: string;
  /** On the way back up: how long this source held the backend down. */
  readonly downForMs?: number | undefined;
}

/** A backend as the admin listener sees it: core's `Backend` satisfies this. */
export interface AdminBackend extends BackendView {
  /** The last reason a health checker gave for holding it down (core's `HealthTarget`). */
  readonly downReason?: string | undefined;
  isDown?(source: HealthSource): boolean;
}

/** The fields of core's `RequestRecord` that metrics read, emitted on `request:end`. */
export type FinishedRequest = Pick<
  RequestRecord,
  | 'method'
  | 'backend'
  | 'route'
  | 'pool'
  | 'status'
  | 'bytesIn'
  | 'bytesOut'
  | 'startTime'
  | 'durationMs'
  | 'upstreamMs'
  | 'retries'
  | 'errorCode'
>;

/** The part of core's proxy the admin listener reads: `HeliosProxy` satisfies this. */
export interface AdminProxy {
  /** Every backend of every pool. */
  readonly backends: readonly AdminBackend[];
  /** Open client connections, upgraded ones included. */
  readonly activeConnections: number;
  /** Live upgraded (WebSocket) tunnels, when the proxy tracks them. */
  readonly activeUpgrades?: number;
  address(): AddressInfo | null;
  on(event: 'request:end', listener: (request: FinishedRequest) => void): unknown;
  off(event: 'request:end', listener: (request: FinishedRequest) => void): unknown;
}

/** The part of a health checker the admin listener reads: `@helios/health`'s checker fits. */
export interface AdminHealthEvents {
  on(event: 'transition', listener: (transition: HealthTransition) => void): unknown;
  off(event: 'transition', listener: (transition: HealthTransition) => void): unknown;
}

export interface AdminInfo {
  /** Helios version (or your application's), shown on the dashboard and in `helios_info`. */
  readonly version: string;
  /** Strategy name; pass a function when reloads may change it. */
  readonly strategy: string | (() => string);
}

export type ReloadOutcome = 'success' | 'failure';

/** What a collector needs: the proxy, where health changes come from, and what to call itself. */
export interface AdminCollectorOptions {
  readonly proxy: AdminProxy;
  /**
   * Health changes for the transition log and `helios_backend_ejections_total`. Without it,
   * they are found by watching `backend.available` once a second.
   */
  readonly health?: AdminHealthEvents | undefined;
  readonly info: AdminInfo;
}

export interface AdminServerOptions extends AdminCollectorOptions {
  /** `admin:` of helios.yaml: port (0 picks a free one), host (default 127.0.0.1), token. */
  readonly config: AdminConfig;
  readonly logger?: Logger | undefined;
  /** Where `/metrics` and `/api/status` come from when not from this process alone. */
  readonly reports?: AdminReports | undefined;
}

/**
 * Replaces what `/metrics` and `/api/status` serve with figures gathered elsewhere, e.g. a
 * cluster primary answering with its workers' numbers added up (`mergeMetrics`,
 * `mergeStatusReports`). Each method gets what this process would have answered by itself.
 */
export interface AdminReports {
  /** The Prometheus text exposition. `local` is this admin server's own registry. */
  metrics(local: Registry): Promise<string>;
  /** The status document. `local` is this process' own report (backends, health, listener). */
  status(local: StatusReport): Promise<StatusReport>;
}

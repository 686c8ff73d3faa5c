/**
 * The shapes the admin listener reads from the rest of Helios. They are structural on purpose:
 * the admin code needs only a few fields of the proxy, its backends and the health checker, so
 * any object with these members (the real proxy, an embedding application's wrapper) fits.
 */
import type { AddressInfo } from 'node:net';
import type { AdminConfig, BackendView, HealthSource, Logger, RequestRecord } from '@helios/core';
import type { HealthTransition } from '@helios/health';
import type { Registry } from 'prom-client';
import type { StatusReport } from './status-report.js';

/** One health state change, as `@helios/health` emits it on `transition`. */
export type { HealthTransition };

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
  | 'status'
  | 'bytesIn'
  | 'bytesOut'
  | 'startTime'
  | 'durationMs'
  | 'upstreamMs'
  | 'retries'
  | 'errorCode'
>;

/** The part of core's proxy the admin listener reads. */
export interface AdminProxy {
  readonly backends: readonly AdminBackend[];
  /** Open client connections, upgraded ones included. */
  readonly activeConnections: number;
  /** Live upgraded (WebSocket) tunnels, when the proxy tracks them. */
  readonly activeUpgrades?: number;
  address(): AddressInfo | null;
  on(event: 'request:end', listener: (request: FinishedRequest) => void): unknown;
  off(event: 'request:end', listener: (request: FinishedRequest) => void): unknown;
}

/** The part of the health checker the admin listener reads. */
export interface AdminHealthEvents {
  on(event: 'transition', listener: (transition: HealthTransition) => void): unknown;
  off(event: 'transition', listener: (transition: HealthTransition) => void): unknown;
}

export interface AdminInfo {
  /** Helios version, shown on the dashboard and in `helios_info`. */
  readonly version: string;
  /** Strategy name; pass a function when reloads may change it. */
  readonly strategy: string | (() => string);
}

export interface AdminServerOptions {
  readonly config: AdminConfig;
  readonly proxy: AdminProxy;
  /** Without it, health changes are found by watching `backend.available` once a second. */
  readonly health?: AdminHealthEvents | undefined;
  readonly logger?: Logger | undefined;
  readonly info: AdminInfo;
  /** Where `/metrics` and `/api/status` come from when not from this process alone. */
  readonly reports?: AdminReports | undefined;
}

export type ReloadOutcome = 'success' | 'failure';

/**
 * Replaces what `/metrics` and `/api/status` serve with figures gathered elsewhere: a cluster
 * primary answers with its workers' numbers added up (src/workers/cluster-reports.ts).
 */
export interface AdminReports {
  /** The Prometheus text exposition. `local` is this admin server's own registry. */
  metrics(local: Registry): Promise<string>;
  status(): Promise<StatusReport>;
}

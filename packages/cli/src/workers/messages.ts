/**
 * The IPC vocabulary between the cluster primary and its workers. Every message carries a
 * `helios` tag so other users of the channel (prom-client, Node's own cluster messages) are
 * told apart; everything is plain JSON.
 */
import type { HealthSource } from '@helios/core';
import type { StatusReport } from '../admin/index.js';

/** A health change, as relayed between processes. */
export interface HealthChange {
  backend: string;
  source: HealthSource;
  healthy: boolean;
  reason: string;
  downForMs?: number | undefined;
}

/** In-flight requests by backend id. */
export type InFlightCounts = Record<string, number>;

export type ToWorker =
  | {
      helios: 'start';
      worker: number;
      config: string;
      /** Port to bind (the resolved one in reuse-port mode, the configured one otherwise). */
      port: number;
      reusePort: boolean;
      logLevel: string;
      logFormat: string;
      /** Levels the CLI forces over `logging.level` (--log-level), kept across reloads. */
      logLevelOverride: string | undefined;
      /** Health changes in effect when the worker starts (applied before it listens). */
      health: HealthChange[];
      inFlight: InFlightCounts;
      /** Milliseconds between in-flight reports (coalescing window). */
      reportMs: number;
      admin: boolean;
    }
  | { helios: 'reload'; id: number; config: string }
  | { helios: 'health'; change: HealthChange }
  | { helios: 'in-flight'; others: InFlightCounts }
  | { helios: 'report'; id: number }
  | { helios: 'drain' };

/** What a worker says about its own traffic when the admin server asks. */
export interface WorkerReport {
  pid: number;
  /** `/metrics` series of this worker (prom-client's JSON form). */
  metrics: unknown[];
  status: StatusReport;
}

export type FromWorker =
  /** The worker's code is loaded and listening for `start` (earlier messages would be lost). */
  | { helios: 'ready' }
  | { helios: 'listening'; address: string; port: number }
  | { helios: 'listen-failed'; message: string; code?: string }
  | { helios: 'reloaded'; id: number; error?: string | undefined }
  | { helios: 'passive'; change: HealthChange }
  | { helios: 'in-flight'; counts: InFlightCounts }
  | { helios: 'report'; id: number; report: WorkerReport };

function tagged(message: unknown): message is { helios: string } {
  return (
    message !== null &&
    typeof message === 'object' &&
    typeof (message as { helios?: unknown }).helios === 'string'
  );
}

export function isToWorker(message: unknown): message is ToWorker {
  return tagged(message);
}

export function isFromWorker(message: unknown): message is FromWorker {
  return tagged(message);
}

/**
 * The IPC vocabulary between the cluster primary and its workers, by direction. Every message
 * is plain JSON with a `helios` tag; a client connection travels as the handle of a `conn`
 * message. What arrives is checked by message-parse.ts before anything acts on it.
 */
import type { MetricJson, StatusReport } from '@helios/admin';
import type { HealthTransition } from '@helios/health';

/** In-flight requests by backend key (`<pool> <origin>`). */
export type InFlightCounts = Record<string, number>;

/**
 * A run of identical outcomes of finished upstream requests, in the order they finished:
 * [backend key (`<pool> <origin>`), status (0: no response), failure kind ('' for none), how many].
 */
export type OutcomeRun = [string, number, string, number];

export interface StartMessage {
  helios: 'start';
  /** The worker's slot (1..N), for logs. */
  worker: number;
  /** The config generation `config` is (0 at start, one more per reload). */
  generation: number;
  config: string;
  logLevel: string;
  logFormat: string;
  /** Levels the CLI forces over `logging.level` (--log-level), kept across reloads. */
  logLevelOverride: string | undefined;
  /** Health verdicts in effect when the worker starts (applied before it serves). */
  health: HealthTransition[];
  inFlight: InFlightCounts;
  /** Milliseconds between in-flight and outcome reports (coalescing window). */
  reportMs: number;
  admin: boolean;
  /** The port each listener is bound to, in config order (a redirect listener points at one). */
  ports: number[];
}

export type ToWorker =
  | StartMessage
  | { helios: 'reload'; generation: number; config: string }
  /**
   * A client connection; the socket is the message's handle. `listener`: the index in the
   * config's `listeners` of the one that accepted it (absent: the first).
   */
  | { helios: 'conn'; id: number; listener?: number }
  | { helios: 'health'; change: HealthTransition }
  | { helios: 'in-flight'; others: InFlightCounts }
  | { helios: 'report'; id: number }
  | { helios: 'drain' };

/** What a worker says about its own traffic when the admin server asks. */
export interface WorkerReport {
  pid: number;
  /** The config generation the worker runs. */
  generation: number;
  /** `/metrics` series of this worker (prom-client's JSON form, for `mergeMetrics`). */
  metrics: MetricJson[];
  status: StatusReport;
}

export type FromWorker =
  /** The worker's code is loaded and listening for `start` (earlier messages would be lost). */
  | { helios: 'ready' }
  /** It runs `generation` and takes connections. */
  | { helios: 'serving'; generation: number }
  | { helios: 'start-failed'; message: string }
  /** It owns connection `id` now: the primary may close its copy of the socket. */
  | { helios: 'accepted'; id: number }
  /** It will not serve connection `id` (it is draining, or the socket did not arrive). */
  | { helios: 'returned'; id: number }
  /** It is draining (told to, or on its own SIGTERM): no more connections. */
  | { helios: 'draining' }
  | { helios: 'reloaded'; generation: number; error?: string | undefined }
  | { helios: 'outcomes'; runs: OutcomeRun[] }
  | { helios: 'in-flight'; counts: InFlightCounts }
  | { helios: 'report'; id: number; report: WorkerReport };

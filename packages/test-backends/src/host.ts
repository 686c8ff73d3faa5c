/**
 * What request, control and WebSocket handlers need from the backend that owns them. Keeping
 * it an interface lets those handlers live in their own files without reaching into the
 * server's private state.
 */

import type { Behaviour } from './behaviour.js';
import type { BackendStats, StatsCounters } from './stats.js';

export interface BackendHost {
  readonly index: number;
  readonly behaviour: Readonly<Behaviour>;
  readonly counters: StatsCounters;
  readonly stats: BackendStats;
  /** True while `refuse` is on: requests on surviving connections get their socket destroyed. */
  readonly refusing: boolean;
  /** Whether timers and sockets may keep the process alive (the CLI) or not (tests). */
  readonly keepProcessAlive: boolean;
  set(patch: Partial<Behaviour>): Promise<void>;
  reset(): Promise<void>;
  resetStats(): void;
  /** Restores the default behaviour after `ms` (replaces any earlier schedule). */
  restoreAfter(ms: number): void;
  /** Optional observer called when each request's response is over (CLI `--log`). */
  readonly onRequestEnd: ((event: RequestEndEvent) => void) | undefined;
}

export interface RequestEndEvent {
  backend: number;
  method: string;
  /** Request target as received. */
  url: string;
  /** Status sent, or 0 when the connection was reset, cut or abandoned before an answer. */
  status: number;
  durationMs: number;
  /** False when the response did not complete (reset, hang, client gone). */
  completed: boolean;
}

export const greeting = (index: number): string => `Halo dari Server ${index}`;

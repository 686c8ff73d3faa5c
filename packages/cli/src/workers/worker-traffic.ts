/**
 * A worker's own traffic figures, kept only when the admin server is configured: an
 * @helios/admin collector without an HTTP listener. The primary asks for a report when
 * `/metrics` or `/api/status` is requested and merges the workers' (cluster-reports.ts).
 */
import { type AdminCollector, type AdminHealthEvents, createAdminCollector } from '@helios/admin';
import type { HeliosProxy } from '@helios/core';
import { cliVersion } from '../version.js';
import type { WorkerReport } from './messages.js';

/**
 * Health changes are the primary's to report (its transition log and ejection counter are the
 * ones served); a worker's collector listens to none rather than watching its backends.
 */
const PRIMARY_REPORTS_HEALTH: AdminHealthEvents = { on: () => undefined, off: () => undefined };

export class WorkerTraffic {
  readonly #collector: AdminCollector;
  readonly #generation: () => number;

  constructor(proxy: HeliosProxy, generation: () => number) {
    this.#generation = generation;
    this.#collector = createAdminCollector({
      proxy,
      health: PRIMARY_REPORTS_HEALTH,
      info: { version: cliVersion(), strategy: () => proxy.config.strategy.name },
    });
    this.#collector.start();
  }

  async report(): Promise<WorkerReport> {
    const { metrics, status } = await this.#collector.report();
    return { pid: process.pid, generation: this.#generation(), metrics, status };
  }

  close(): void {
    this.#collector.stop();
  }
}

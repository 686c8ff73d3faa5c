/**
 * A worker's own traffic figures, kept only when the admin server is configured: the same
 * recorder and registry the single-process admin server uses, without an HTTP listener. The
 * primary asks for a snapshot when `/metrics` or `/api/status` is requested.
 */
import type { HeliosProxy } from '@helios/core';
import { createHeliosMetrics, type HeliosMetrics } from '../admin/prometheus-metrics.js';
import { buildStatusReport, type StatusSources } from '../admin/status-report.js';
import { currentSecond, TrafficRecorder } from '../admin/traffic-recorder.js';
import { TransitionLog } from '../admin/transition-log.js';
import { cliVersion } from '../version.js';
import type { WorkerReport } from './messages.js';

export class WorkerTraffic {
  readonly #proxy: HeliosProxy;
  readonly #traffic = new TrafficRecorder();
  readonly #metrics: HeliosMetrics;
  readonly #status: StatusSources;
  readonly #generation: () => number;

  constructor(proxy: HeliosProxy, generation: () => number) {
    this.#proxy = proxy;
    this.#generation = generation;
    const version = cliVersion();
    const strategy = () => proxy.config.strategy.name;
    const activeConnections = () => proxy.activeConnections;
    const upgradedConnections = () => proxy.activeUpgrades;
    const backends = () => proxy.backends;
    this.#metrics = createHeliosMetrics({
      traffic: this.#traffic,
      transitions: new TransitionLog(),
      backends,
      activeConnections,
      upgradedConnections,
      version,
      strategy,
    });
    this.#status = {
      traffic: this.#traffic,
      version,
      startedSecond: currentSecond(),
      startedAt: Date.now(),
      backends,
      strategy,
      listener: () => proxy.address(),
      activeConnections,
      upgradedConnections,
      transitions: () => [],
    };
    proxy.on('request:end', this.#traffic.record);
  }

  async report(): Promise<WorkerReport> {
    return {
      pid: process.pid,
      generation: this.#generation(),
      metrics: await this.#metrics.registry.getMetricsAsJSON(),
      status: buildStatusReport(this.#status),
    };
  }

  close(): void {
    this.#proxy.off('request:end', this.#traffic.record);
  }
}

/**
 * Everything the admin listener knows, without the listener: it counts the proxy's finished
 * requests, logs health changes, and answers with the Prometheus registry and the status
 * document. `createAdminServer` serves one over HTTP; a process of a multi-process deployment
 * (a cluster worker) uses one alone and hands `report()` to the process that serves `/metrics`.
 */
import type { Registry } from 'prom-client';
import { AvailabilityWatcher } from './availability-watcher.js';
import type { MetricJson } from './merge-metrics.js';
import { createHeliosMetrics } from './prometheus-metrics.js';
import { buildStatusReport, type StatusReport, type StatusSources } from './status-report.js';
import { currentSecond, TrafficRecorder } from './traffic-recorder.js';
import { TransitionLog } from './transition-log.js';
import { transitionPool } from './transition-pool.js';
import type { AdminCollectorOptions, HealthTransition, ReloadOutcome } from './types.js';

/** How often backends are compared for changes when no health checker reports them. */
const WATCH_INTERVAL_MS = 1_000;

/** What one process knows, in a form that crosses a process boundary as JSON. */
export interface ProcessReport {
  /** `registry.getMetricsAsJSON()`: hand it to `mergeMetrics`. */
  metrics: MetricJson[];
  status: StatusReport;
}

export interface AdminCollector {
  /** The Prometheus registry behind `/metrics`, for embedding applications to add to. */
  readonly registry: Registry;
  /** Start counting: listen to `request:end` and to health changes. Idempotent. */
  start(): void;
  /** Stop counting and detach from the proxy and the health checker. Idempotent. */
  stop(): void;
  /** The `/api/status` document of this process, now. */
  status(): StatusReport;
  /** Metrics and status together, for another process to merge. */
  report(): Promise<ProcessReport>;
  /** Count a configuration reload in `helios_config_reloads_total`. */
  recordReload(outcome: ReloadOutcome): void;
}

export function createAdminCollector(options: AdminCollectorOptions): AdminCollector {
  const { proxy, health, info } = options;
  const strategySetting = info.strategy;
  const strategy = typeof strategySetting === 'function' ? strategySetting : () => strategySetting;
  const traffic = new TrafficRecorder();
  const transitions = new TransitionLog();
  const upgraded = () => proxy.activeUpgrades ?? 0;
  const onTransition = (transition: HealthTransition): void => {
    transitions.add({ ...transition, pool: transitionPool(transition, proxy.backends) });
  };
  const backends = () => proxy.backends;
  const watcher =
    health === undefined ? new AvailabilityWatcher(() => proxy.backends, onTransition) : undefined;

  const metrics = createHeliosMetrics({
    traffic,
    transitions,
    backends,
    activeConnections: () => proxy.activeConnections,
    upgradedConnections: upgraded,
    version: info.version,
    strategy,
  });

  const statusSources: StatusSources = {
    traffic,
    version: info.version,
    startedSecond: currentSecond(),
    startedAt: Date.now(),
    backends,
    strategy,
    listener: () => proxy.address(),
    activeConnections: () => proxy.activeConnections,
    upgradedConnections: upgraded,
    transitions: () => transitions.recent(),
  };

  let counting = false;
  const status = (): StatusReport => buildStatusReport(statusSources);
  return {
    registry: metrics.registry,
    recordReload: metrics.recordReload,
    status,
    async report() {
      return { metrics: await metrics.registry.getMetricsAsJSON(), status: status() };
    },
    start() {
      if (counting) return;
      counting = true;
      proxy.on('request:end', traffic.record);
      health?.on('transition', onTransition);
      watcher?.start(WATCH_INTERVAL_MS);
    },
    stop() {
      if (!counting) return;
      counting = false;
      watcher?.stop();
      proxy.off('request:end', traffic.record);
      health?.off('transition', onTransition);
    },
  };
}

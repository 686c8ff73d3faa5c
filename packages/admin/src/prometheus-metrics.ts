/**
 * The `/metrics` registry. Every series is computed at scrape time from the counters the
 * request path keeps (`TrafficRecorder`), the live backend objects and the transition log, so
 * scraping costs work proportional to the number of backends (times routes, for the series
 * labelled by route) and serving requests costs none. Labels are bounded: backend ids, pool
 * and route names come from the config, methods and statuses are folded into classes.
 * Metric names and labels are documented in docs/observability.md; keep the two in step.
 */
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { BackendTraffic } from './backend-traffic.js';
import { METHOD_CLASSES, STATUS_CLASSES } from './request-classes.js';
import { SnapshotHistogram } from './snapshot-histogram.js';
import type { TrafficRecorder } from './traffic-recorder.js';
import type { TransitionLog } from './transition-log.js';
import type { AdminBackend, ReloadOutcome } from './types.js';

export interface MetricsSources {
  readonly traffic: TrafficRecorder;
  readonly transitions: TransitionLog;
  backends(): readonly AdminBackend[];
  activeConnections(): number;
  upgradedConnections(): number;
  version: string;
  strategy(): string;
}

export interface HeliosMetrics {
  readonly registry: Registry;
  recordReload(outcome: ReloadOutcome): void;
}

export function createHeliosMetrics(sources: MetricsSources): HeliosMetrics {
  const registry = new Registry();
  const registers = [registry];
  const { transitions } = sources;
  // Every series reading traffic forgets backends a reload removed first, whichever is
  // collected first in a scrape.
  const traffic = {
    all(): Iterable<BackendTraffic> {
      sources.traffic.prune(sources.backends());
      return sources.traffic.all();
    },
  };

  new Gauge({
    name: 'helios_info',
    help: 'Always 1; labels carry the Helios version and the current strategy.',
    labelNames: ['version', 'strategy'] as const,
    registers,
    collect() {
      this.reset();
      this.set({ version: sources.version, strategy: sources.strategy() }, 1);
    },
  });

  new Counter({
    name: 'helios_requests_total',
    help: 'Finished client requests by route, pool, backend, method class and status class (error: no response).',
    labelNames: ['route', 'pool', 'backend', 'method', 'status_class'] as const,
    registers,
    collect() {
      this.reset();
      for (const t of traffic.all()) {
        for (const r of t.routes.values()) {
          for (let m = 0; m < METHOD_CLASSES.length; m++) {
            for (let s = 0; s < STATUS_CLASSES.length; s++) {
              const value = r.requests[m * STATUS_CLASSES.length + s] ?? 0;
              if (value === 0) continue;
              const labels = {
                route: r.route,
                pool: t.pool,
                backend: t.id,
                method: METHOD_CLASSES[m],
                status_class: STATUS_CLASSES[s],
              };
              this.inc(labels, value);
            }
          }
        }
      }
    },
  });

  new SnapshotHistogram(
    'helios_request_duration_seconds',
    'Time from receiving a request to finishing its response, by route, pool and backend.',
    function* () {
      for (const t of traffic.all()) {
        for (const r of t.routes.values()) {
          yield [{ route: r.route, pool: t.pool, backend: t.id }, r.duration] as const;
        }
      }
    },
  ).register(registry);

  new SnapshotHistogram(
    'helios_upstream_duration_seconds',
    'Time spent waiting on the backend for a request (upstream part of the total), by pool and backend.',
    function* () {
      for (const t of traffic.all()) yield [{ pool: t.pool, backend: t.id }, t.upstream] as const;
    },
  ).register(registry);

  const perBackendCounter = (name: string, help: string, read: (t: BackendTraffic) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['pool', 'backend'] as const,
      registers,
      collect() {
        this.reset();
        for (const t of traffic.all()) this.inc({ pool: t.pool, backend: t.id }, read(t));
      },
    });
  perBackendCounter(
    'helios_request_bytes_total',
    'Request body bytes received from clients, by pool and backend.',
    (t) => t.bytesIn,
  );
  perBackendCounter(
    'helios_response_bytes_total',
    'Response body bytes sent to clients, by pool and backend.',
    (t) => t.bytesOut,
  );
  perBackendCounter(
    'helios_retries_total',
    'Requests retried on another backend, by the pool and backend that finally served them.',
    (t) => t.retries,
  );

  new Counter({
    name: 'helios_request_errors_total',
    help: 'Requests that failed inside Helios (connect, timeout, reset...), by pool, backend and error code.',
    labelNames: ['pool', 'backend', 'code'] as const,
    registers,
    collect() {
      this.reset();
      for (const t of traffic.all()) {
        for (const [code, count] of t.errors)
          this.inc({ pool: t.pool, backend: t.id, code }, count);
      }
    },
  });

  const perBackendGauge = (name: string, help: string, read: (b: AdminBackend) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['pool', 'backend'] as const,
      registers,
      collect() {
        this.reset();
        for (const backend of sources.backends()) {
          this.set({ pool: backend.pool, backend: backend.id }, read(backend));
        }
      },
    });
  perBackendGauge(
    'helios_backend_in_flight',
    'Requests sent to the backend and not finished yet.',
    (b) => b.inFlight,
  );
  perBackendGauge(
    'helios_backend_up',
    '1 when the backend is in service, 0 when health checks hold it down.',
    (b) => (b.available ? 1 : 0),
  );
  perBackendGauge(
    'helios_backend_weight',
    'Effective weight (configured weight scaled by slow start).',
    (b) => b.effectiveWeight,
  );

  new Counter({
    name: 'helios_backend_ejections_total',
    help: 'Times a backend was taken out of service, by health source and reason.',
    labelNames: ['pool', 'backend', 'source', 'reason'] as const,
    registers,
    collect() {
      this.reset();
      for (const e of transitions.ejections()) {
        const labels = { pool: e.pool, backend: e.backend, source: e.source, reason: e.reason };
        this.inc(labels, e.count);
      }
    },
  });

  new Gauge({
    name: 'helios_client_connections',
    help: 'Open client connections to the proxy listener.',
    registers,
    collect() {
      this.set(sources.activeConnections());
    },
  });

  new Gauge({
    name: 'helios_upgraded_connections',
    help: 'Open upgraded (WebSocket) connections being relayed.',
    registers,
    collect() {
      this.set(sources.upgradedConnections());
    },
  });

  const reloads = new Counter({
    name: 'helios_config_reloads_total',
    help: 'Configuration reloads by outcome.',
    labelNames: ['outcome'] as const,
    registers,
  });
  reloads.inc({ outcome: 'success' }, 0);
  reloads.inc({ outcome: 'failure' }, 0);

  collectDefaultMetrics({ register: registry });

  return {
    registry,
    recordReload(outcome) {
      reloads.inc({ outcome });
    },
  };
}

/**
 * What a config change means. This is the one place that decides it, for a single process, a
 * cluster primary and its workers alike (reload.ts and workers/ call it, never their own rules).
 *
 * Settings bound when the process starts need a restart: the listeners (ports, addresses, TLS
 * on or off, HTTP/2, redirects; a TLS listener's certificates and TLS settings do reload), the header size
 * limit (fixed when the HTTP server is created), the admin listener and the number of worker
 * processes. The planned config keeps their running values, and each such change is reported
 * so the caller can log it. What a change means inside the data path (which pool keeps its
 * strategy, its health checker, its connections) core decides, per pool (generation.ts).
 */
import type { HeliosConfig } from '@helios/core';

export interface RestartNotice {
  /** The setting, as in helios.yaml. */
  setting: 'listen address' | 'listeners' | 'limits.maxHeaderSize' | 'admin' | 'workers';
  /** One sentence for the log. */
  message: string;
  from?: unknown;
  to?: unknown;
}

export interface ConfigChange {
  /** The config to run: the new one, with every restart-only setting kept as it runs now. */
  config: HeliosConfig;
  /** Changes ignored until a restart. */
  restart: RestartNotice[];
}

export interface PlanContext {
  /** Worker processes running now (1 for a single process). */
  workers: number;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type Listeners = HeliosConfig['listeners'];

/** What of the listeners is bound at start: everything but a TLS listener's certificates. */
function listenerShape(listeners: Listeners): string {
  return JSON.stringify(
    listeners.map((l) => [l.port, l.host, l.tls !== undefined, l.http2, l.redirectToHttps]),
  );
}

/**
 * The running listeners, each TLS one with the new config's certificates and TLS settings
 * when the new config has a TLS listener there too (certificates always reload).
 */
function keepListeners(current: Listeners, next: Listeners): Listeners {
  return current.map((listener, index) => {
    const tls = next[index]?.tls;
    return listener.tls === undefined || tls === undefined ? listener : { ...listener, tls };
  });
}

/** Plan the move from the running `current` config to a validated `next` one. */
export function planConfigChange(
  current: HeliosConfig,
  next: HeliosConfig,
  context: PlanContext = { workers: 1 },
): ConfigChange {
  const restart: RestartNotice[] = [];
  let config = next;
  if (next.port !== current.port || next.host !== current.host) {
    restart.push({
      setting: 'listen address',
      message: 'changing the listen address needs a restart; keeping the current one',
      from: `${current.host}:${current.port}`,
      to: `${next.host}:${next.port}`,
    });
    config = {
      ...config,
      port: current.port,
      host: current.host,
      listeners: keepListeners(current.listeners, next.listeners),
    };
  } else if (listenerShape(next.listeners) !== listenerShape(current.listeners)) {
    restart.push({
      setting: 'listeners',
      message:
        'changing listeners (ports, hosts, TLS on or off, http2, redirectToHttps) needs a restart; keeping the current ones (certificates do reload)',
    });
    config = { ...config, listeners: keepListeners(current.listeners, next.listeners) };
  }
  if (next.limits.maxHeaderSize !== current.limits.maxHeaderSize) {
    restart.push({
      setting: 'limits.maxHeaderSize',
      message: 'changing limits.maxHeaderSize needs a restart; keeping the current value',
      from: current.limits.maxHeaderSize,
      to: next.limits.maxHeaderSize,
    });
    config = {
      ...config,
      limits: { ...config.limits, maxHeaderSize: current.limits.maxHeaderSize },
    };
  }
  if (!sameJson(next.admin, current.admin)) {
    restart.push({
      setting: 'admin',
      message: 'changing admin settings needs a restart; keeping the current ones',
    });
    config = { ...config, admin: current.admin };
  }
  if (next.workers !== current.workers) {
    const n = context.workers;
    restart.push({
      setting: 'workers',
      message: `changing workers needs a restart; keeping ${n} worker process${n === 1 ? '' : 'es'}`,
      from: current.workers,
      to: next.workers,
    });
    config = { ...config, workers: current.workers };
  }
  return { config, restart };
}

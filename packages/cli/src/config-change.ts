/**
 * What a config change means. This is the one place that decides it, for a single process, a
 * cluster primary and its workers alike (reload.ts and workers/ call it, never their own rules).
 *
 * Settings bound when the process starts need a restart: the listen address, the header size
 * limit (fixed when the HTTP server is created), the admin listener and the number of worker
 * processes. The planned config keeps their running values, and each such change is reported
 * so the caller can log it. What a change means inside the data path (which pool keeps its
 * strategy, its health checker, its connections) core decides, per pool (generation.ts).
 */
import type { HeliosConfig } from '@helios/core';

export interface RestartNotice {
  /** The setting, as in helios.yaml. */
  setting: 'listen address' | 'limits.maxHeaderSize' | 'admin' | 'workers';
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
    config = { ...config, port: current.port, host: current.host };
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

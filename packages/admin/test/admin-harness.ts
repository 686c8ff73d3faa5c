/**
 * Shared set-up for the admin listener tests: a real fleet of test backends, a real Helios
 * proxy in front of them (round-robin, optional active health checks) and the admin listener,
 * all on 127.0.0.1 ephemeral ports. Also a small Prometheus text reader and a poll helper.
 */
import { createProxy, type HeliosProxy, resolveConfig } from '@helios/core';
import { createHealthChecker, type HealthChecker } from '@helios/health';
import { createStrategy } from '@helios/strategies';
import { type Fleet, startBackends } from '@helios/test-backends';
import { type AdminServer, createAdminServer } from '../src/index.js';

export interface Stack {
  fleet: Fleet;
  proxy: HeliosProxy;
  admin: AdminServer;
  health: HealthChecker | undefined;
  proxyUrl: string;
  adminUrl: string;
  close(): Promise<void>;
}

export interface StackOptions {
  backends: number;
  /**
   * Active health checks, one failure to go down and one pass to come back; `true` probes
   * every 300 ms with a 250 ms timeout (generous: the machine may be busy).
   */
  activeHealth?: boolean | { interval: string; timeout: string };
  token?: string;
  retries?: number;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const fleet = await startBackends({ count: options.backends });
  const config = resolveConfig({
    port: 0,
    host: '127.0.0.1',
    backends: fleet.urls.map((url) => ({ url })),
    retries: options.retries ?? 0,
    health: {
      passive: { enabled: false },
      active: options.activeHealth
        ? {
            enabled: true,
            interval: '300ms',
            timeout: '250ms',
            ...(typeof options.activeHealth === 'object' ? options.activeHealth : {}),
            unhealthyThreshold: 1,
            healthyThreshold: 1,
            jitter: 0,
          }
        : { enabled: false },
    },
    logging: { level: 'silent' },
  });
  const health = options.activeHealth
    ? createHealthChecker({ health: config.health, backends: config.backends ?? [] })
    : undefined;
  const proxy = createProxy({ config, strategy: createStrategy(config.strategy), health });
  const listening = await proxy.listen();
  const admin = createAdminServer({
    config: { port: 0, host: '127.0.0.1', token: options.token, allowUnauthenticated: false },
    proxy,
    health,
    info: { version: '0.0.0-test', strategy: config.strategy.name },
  });
  const adminAddress = await admin.listen();
  return {
    fleet,
    proxy,
    admin,
    health,
    proxyUrl: `http://127.0.0.1:${listening.port}`,
    adminUrl: `http://127.0.0.1:${adminAddress.port}`,
    async close() {
      await admin.close();
      await proxy.close();
      await fleet.close();
    },
  };
}

/** The value of one sample in Prometheus text, matched on name and exact label set. */
export function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = (match[2] ?? '')
      .split(/,(?=[a-zA-Z_]+=")/)
      .filter((part) => part !== '')
      .sort()
      .join(',');
    if (have === wanted) return Number(match[3]);
  }
  return undefined;
}

/**
 * The sum of every sample of `name` whose labels include `labels` (other labels may have any
 * value): e.g. requests of one backend over all its routes.
 */
export function total(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line === '') continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = new Set((match[2] ?? '').split(/,(?=[a-zA-Z_]+=")/));
    if (Object.entries(labels).every(([k, v]) => have.has(`${k}="${v}"`))) sum += Number(match[3]);
  }
  return sum;
}

/** Every value label `label` takes in the samples of `name`. */
export function labelValues(text: string, name: string, label: string): string[] {
  const values = new Set<string>();
  const pattern = new RegExp(`[{,]${label}="([^"]*)"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const found = pattern.exec(line);
    if (found?.[1] !== undefined) values.add(found[1]);
  }
  return [...values].sort();
}

/** Poll `check` until it returns a value other than undefined, or fail after `timeoutMs`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Send `count` requests through the proxy one after another, reading each body. */
export async function sendRequests(
  url: string,
  count: number,
  init: RequestInit = {},
): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await fetch(url, init);
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

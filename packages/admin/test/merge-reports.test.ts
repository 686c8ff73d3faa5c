/**
 * One listener for several processes: each "worker" counts its own traffic with a collector and
 * sends `report()` as JSON; the "primary" (which holds health and in-flight for all) merges.
 * Traffic adds up per pool and backend (one origin in two pools stays two backends); shared
 * state is the primary's, counted once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AdminCollector,
  createAdminCollector,
  mergeMetrics,
  mergeStatusReports,
  type ProcessReport,
} from '../src/index.js';
import { sample, total } from './admin-harness.js';
import { type PoolBackend, PoolProxy } from './support/pool-proxy.js';

const SHARED = 'http://127.0.0.1:9301';
const API_ONLY = 'http://127.0.0.1:9302';
const WEB_ONLY = 'http://127.0.0.1:9303';
const shared = new URL(SHARED).origin;
const CONFIG: PoolBackend[] = [
  { url: SHARED, pool: 'api' },
  { url: API_ONLY, pool: 'api' },
  { url: SHARED, pool: 'web' },
  { url: WEB_ONLY, pool: 'web' },
];
const silent = { on: () => undefined, off: () => undefined };
const info = { version: '0.0.0-test', strategy: 'round-robin' };
const started: AdminCollector[] = [];

afterEach(() => {
  for (const collector of started.splice(0)) collector.stop();
});

function startProcess(): { proxy: PoolProxy; collector: AdminCollector } {
  const proxy = new PoolProxy(CONFIG);
  const collector = createAdminCollector({ proxy, health: silent, info });
  collector.start();
  started.push(collector);
  return { proxy, collector };
}

/** What crosses the IPC channel: plain JSON. */
async function overTheWire(collector: AdminCollector): Promise<ProcessReport> {
  return JSON.parse(JSON.stringify(await collector.report())) as ProcessReport;
}

describe('merging the reports of several processes', () => {
  it('adds traffic up per pool and backend and keeps the primary’s health and in-flight', async () => {
    const primary = startProcess();
    primary.proxy.backend('web', SHARED).markDown('active', 'GET /health answered 503');
    primary.proxy.backend('api', SHARED).externalInFlight = 6;
    const one = startProcess();
    const two = startProcess();
    one.proxy.activeConnections = 3;
    two.proxy.activeConnections = 4;
    one.proxy.finishMany(3, { backend: one.proxy.backend('api', SHARED), route: 'api' });
    two.proxy.finishMany(2, { backend: two.proxy.backend('api', SHARED), route: 'api' });
    two.proxy.finish({ backend: two.proxy.backend('web', SHARED), route: 'web', status: 502 });
    one.proxy.finish({ pool: 'api', route: 'api', status: 503 });
    two.proxy.finish({ status: 400 });
    const reports = [await overTheWire(one.collector), await overTheWire(two.collector)];

    const merged = mergeStatusReports(
      primary.collector.status(),
      reports.map((r) => r.status),
    );
    expect(merged.backends.map((b) => [b.pool, b.id, b.requests, b.state, b.inFlight])).toEqual([
      ['api', shared, 5, 'healthy', 6],
      ['api', new URL(API_ONLY).origin, 0, 'healthy', 0],
      ['web', shared, 1, 'unhealthy', 0],
      ['web', new URL(WEB_ONLY).origin, 0, 'healthy', 0],
    ]);
    expect(merged.backends[2]?.errorRate).toBe(1);
    expect(merged.connections).toEqual({ client: 7, upgraded: 0 });
    expect(merged.totals).toMatchObject({ inFlight: 6, unroutedRequests: 2 });
    // 5 + 1 + 1 (api, no backend) + 1 (refused) = 8 requests, 2 failed (502, 503).
    expect(merged.totals.errorRate).toBe(0.25);
    expect(merged.pools.map((p) => [p.name, p.totals.backendsUp, p.totals.requests])).toEqual([
      ['api', 2, 6],
      ['web', 1, 1],
    ]);
    expect(merged.pools[0]?.totals).toMatchObject({
      inFlight: 6,
      unroutedRequests: 1,
      errorRate: round(1 / 6),
    });
    expect(merged.pools[1]?.totals.errorRate).toBe(1);

    const text = await mergeMetrics(
      primary.collector.registry,
      reports.map((r) => r.metrics),
    );
    expect(
      sample(text, 'helios_requests_total', {
        route: 'api',
        pool: 'api',
        backend: shared,
        method: 'GET',
        status_class: '2xx',
      }),
    ).toBe(5);
    expect(
      sample(text, 'helios_requests_total', {
        route: 'web',
        pool: 'web',
        backend: shared,
        method: 'GET',
        status_class: '5xx',
      }),
    ).toBe(1);
    expect(total(text, 'helios_requests_total')).toBe(8);
    expect(total(text, 'helios_request_duration_seconds_count', { pool: 'api' })).toBe(6);
    // Shared state once, from the primary: not summed over the workers.
    expect(sample(text, 'helios_backend_up', { pool: 'web', backend: shared })).toBe(0);
    expect(sample(text, 'helios_backend_up', { pool: 'api', backend: shared })).toBe(1);
    expect(total(text, 'helios_backend_up')).toBe(3);
    expect(sample(text, 'helios_backend_in_flight', { pool: 'api', backend: shared })).toBe(6);
    expect(total(text, 'helios_info')).toBe(1);
  });
});

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

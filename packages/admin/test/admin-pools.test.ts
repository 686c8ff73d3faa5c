/**
 * Pools and routes through the admin listener, over real sockets: backends in two pools (one
 * origin serving in both), requests finished on named and indexed routes, requests no backend
 * took and requests refused before routing. `/metrics` labels every per-backend series with
 * `pool` and request counts and durations with `route`, never with a path or host;
 * `/api/status` adds `pool` to each backend and groups them under `pools`.
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AdminHealthEvents,
  type AdminServer,
  createAdminServer,
  type HealthTransition,
  type StatusReport,
} from '../src/index.js';
import { labelValues, sample, total, until } from './admin-harness.js';
import { PoolProxy } from './support/pool-proxy.js';

const SHARED = 'http://127.0.0.1:9101';
const API_ONLY = 'http://127.0.0.1:9102';
const WEB_ONLY = 'http://127.0.0.1:9103';
const shared = new URL(SHARED).origin;
const apiOnly = new URL(API_ONLY).origin;
const webOnly = new URL(WEB_ONLY).origin;

let admin: AdminServer | undefined;

afterEach(async () => {
  await admin?.close();
  admin = undefined;
});

function twoPools(): PoolProxy {
  return new PoolProxy([
    { url: SHARED, pool: 'api', weight: 2 },
    { url: API_ONLY, pool: 'api' },
    { url: SHARED, pool: 'web' },
    { url: WEB_ONLY, pool: 'web' },
  ]);
}

async function serve(
  proxy: PoolProxy,
  health?: AdminHealthEvents,
): Promise<{ url: string; admin: AdminServer }> {
  admin = createAdminServer({
    config: { port: 0, host: '127.0.0.1', token: undefined, allowUnauthenticated: false },
    proxy,
    health,
    info: { version: '0.0.0-test', strategy: 'round-robin' },
  });
  const address = await admin.listen();
  return { url: `http://127.0.0.1:${address.port}`, admin };
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function status(url: string): Promise<StatusReport> {
  const response = await fetch(`${url}/api/status`);
  expect(response.status).toBe(200);
  return (await response.json()) as StatusReport;
}

/** Traffic on both pools: what each test below starts from. */
function sendTraffic(proxy: PoolProxy): void {
  const apiShared = proxy.backend('api', SHARED);
  const apiOwn = proxy.backend('api', API_ONLY);
  const webShared = proxy.backend('web', SHARED);
  const webOwn = proxy.backend('web', WEB_ONLY);
  proxy.finishMany(3, {
    backend: apiShared,
    route: 'api',
    path: '/api/users/12345?token=abc',
    bytesIn: 10,
    bytesOut: 100,
  });
  proxy.finish({ backend: apiOwn, route: 'api', method: 'POST', status: 503, bytesIn: 7 });
  proxy.finishMany(2, { backend: webShared, route: 'web', path: '/index.html', bytesOut: 50 });
  proxy.finish({ backend: webOwn, route: '#2', status: 404, path: '/missing' });
  // Routed to `api`, but no backend of it could take the request.
  proxy.finish({ route: 'api', pool: 'api', status: 503, errorCode: 'HELIOS_NO_BACKEND' });
  // A malformed request: refused before any route was chosen.
  proxy.finish({ status: 400, host: 'evil.example' });
}

describe('pool and route labels in /metrics', () => {
  it('labels requests by route, pool and backend, and keeps one origin in two pools apart', async () => {
    const proxy = twoPools();
    const { url } = await serve(proxy);
    sendTraffic(proxy);
    const text = await scrape(url);

    const requests = (labels: Record<string, string>) =>
      sample(text, 'helios_requests_total', labels);
    expect(
      requests({ route: 'api', pool: 'api', backend: shared, method: 'GET', status_class: '2xx' }),
    ).toBe(3);
    expect(
      requests({ route: 'web', pool: 'web', backend: shared, method: 'GET', status_class: '2xx' }),
    ).toBe(2);
    expect(
      requests({
        route: 'api',
        pool: 'api',
        backend: apiOnly,
        method: 'POST',
        status_class: '5xx',
      }),
    ).toBe(1);
    expect(
      requests({ route: '#2', pool: 'web', backend: webOnly, method: 'GET', status_class: '4xx' }),
    ).toBe(1);
    expect(
      requests({ route: 'api', pool: 'api', backend: 'none', method: 'GET', status_class: '5xx' }),
    ).toBe(1);
    expect(
      requests({
        route: 'none',
        pool: 'none',
        backend: 'none',
        method: 'GET',
        status_class: '4xx',
      }),
    ).toBe(1);
    expect(total(text, 'helios_requests_total')).toBe(9);

    const duration = (labels: Record<string, string>) =>
      sample(text, 'helios_request_duration_seconds_count', labels);
    expect(duration({ route: 'api', pool: 'api', backend: shared })).toBe(3);
    expect(duration({ route: 'web', pool: 'web', backend: shared })).toBe(2);
    expect(duration({ route: 'none', pool: 'none', backend: 'none' })).toBe(1);
    expect(
      sample(text, 'helios_request_duration_seconds_bucket', {
        route: 'api',
        pool: 'api',
        backend: shared,
        le: '+Inf',
      }),
    ).toBe(3);

    // Per-backend series carry pool and backend, not route.
    expect(
      sample(text, 'helios_upstream_duration_seconds_count', { pool: 'api', backend: shared }),
    ).toBe(3);
    expect(
      sample(text, 'helios_upstream_duration_seconds_count', { pool: 'web', backend: shared }),
    ).toBe(2);
    expect(sample(text, 'helios_request_bytes_total', { pool: 'api', backend: shared })).toBe(30);
    expect(sample(text, 'helios_request_bytes_total', { pool: 'api', backend: apiOnly })).toBe(7);
    expect(sample(text, 'helios_response_bytes_total', { pool: 'api', backend: shared })).toBe(300);
    expect(sample(text, 'helios_response_bytes_total', { pool: 'web', backend: shared })).toBe(100);
    expect(
      sample(text, 'helios_request_errors_total', {
        pool: 'api',
        backend: 'none',
        code: 'HELIOS_NO_BACKEND',
      }),
    ).toBe(1);
    for (const name of ['helios_backend_up', 'helios_backend_in_flight', 'helios_backend_weight']) {
      expect(labelValues(text, name, 'pool')).toEqual(['api', 'web']);
    }
    expect(sample(text, 'helios_backend_weight', { pool: 'api', backend: shared })).toBe(2);
    expect(sample(text, 'helios_backend_weight', { pool: 'web', backend: shared })).toBe(1);

    // Bounded labels: routes and pools from the config, never what the client sent.
    expect(labelValues(text, 'helios_requests_total', 'route')).toEqual([
      '#2',
      'api',
      'none',
      'web',
    ]);
    expect(labelValues(text, 'helios_requests_total', 'pool')).toEqual(['api', 'none', 'web']);
    for (const clientValue of [
      '/api/users',
      'token=abc',
      'index.html',
      'evil.example',
      'shop.example',
    ]) {
      expect(text).not.toContain(clientValue);
    }
  });

  it('reads health and in-flight per pool: one origin down in one pool stays up in the other', async () => {
    const proxy = twoPools();
    const { url } = await serve(proxy);
    proxy.backend('web', SHARED).markDown('passive', '5 consecutive failures');
    proxy.backend('api', SHARED).localInFlight = 4;

    const text = await until('the ejection to be counted', async () => {
      const scraped = await scrape(url);
      return total(scraped, 'helios_backend_ejections_total') === 1 ? scraped : undefined;
    });
    expect(sample(text, 'helios_backend_up', { pool: 'web', backend: shared })).toBe(0);
    expect(sample(text, 'helios_backend_up', { pool: 'api', backend: shared })).toBe(1);
    expect(sample(text, 'helios_backend_in_flight', { pool: 'api', backend: shared })).toBe(4);
    expect(sample(text, 'helios_backend_in_flight', { pool: 'web', backend: shared })).toBe(0);
    expect(
      sample(text, 'helios_backend_ejections_total', {
        pool: 'web',
        backend: shared,
        source: 'passive',
        reason: 'N consecutive failures',
      }),
    ).toBe(1);
  });

  it('puts a health event without a pool in the pool whose backend it describes', async () => {
    const proxy = twoPools();
    const health = new EventEmitter();
    const { url } = await serve(proxy, health);
    // `@helios/health` reports origins only; the origin serves in both pools, held down in
    // `web` (the second of the two, so a first-match guess would be wrong).
    proxy.backend('web', SHARED).markDown('active', 'GET /health answered 503');
    const event: HealthTransition = {
      backend: shared,
      source: 'active',
      healthy: false,
      reason: 'GET /health answered 503 (1 consecutive failure)',
    };
    health.emit('transition', event);
    // A checker that knows the pool says so, and is believed.
    health.emit('transition', { ...event, pool: 'api', reason: 'timed out after 250 ms' });

    const report = await status(url);
    expect(report.transitions.map((t) => [t.pool, t.backend, t.reason])).toEqual([
      ['api', shared, 'timed out after 250 ms'],
      ['web', shared, 'GET /health answered 503 (1 consecutive failure)'],
    ]);
    const text = await scrape(url);
    expect(
      sample(text, 'helios_backend_ejections_total', {
        pool: 'web',
        backend: shared,
        source: 'active',
        reason: 'GET /health answered 5xx',
      }),
    ).toBe(1);
    expect(
      sample(text, 'helios_backend_ejections_total', {
        pool: 'api',
        backend: shared,
        source: 'active',
        reason: 'timed out after N ms',
      }),
    ).toBe(1);
  });

  it('drops the series of a pool and a backend a reload removed', async () => {
    const proxy = twoPools();
    const { url } = await serve(proxy);
    sendTraffic(proxy);
    expect(labelValues(await scrape(url), 'helios_request_bytes_total', 'pool')).toEqual([
      'api',
      'none',
      'web',
    ]);

    // The reload keeps `api` (with new Backend objects) and removes `web`.
    const reloaded = new PoolProxy([
      { url: SHARED, pool: 'api', weight: 2 },
      { url: API_ONLY, pool: 'api' },
    ]);
    proxy.backends = reloaded.backends;
    proxy.finish({ backend: proxy.backend('api', SHARED), route: 'api' });

    const text = await scrape(url);
    expect(labelValues(text, 'helios_request_bytes_total', 'pool')).toEqual(['api', 'none']);
    expect(labelValues(text, 'helios_backend_up', 'pool')).toEqual(['api']);
    expect(text).not.toContain(webOnly);
    // The kept backend's counters carry on across its new object.
    expect(
      sample(text, 'helios_requests_total', {
        route: 'api',
        pool: 'api',
        backend: shared,
        method: 'GET',
        status_class: '2xx',
      }),
    ).toBe(4);
  });
});

describe('pools in /api/status', () => {
  it('gives each backend its pool and groups them, with totals per pool', async () => {
    const proxy = twoPools();
    const { url } = await serve(proxy);
    proxy.backend('web', WEB_ONLY).markDown('active', 'connect refused');
    proxy.backend('api', API_ONLY).localInFlight = 2;
    sendTraffic(proxy);
    const report = await status(url);

    expect(report.backends.map((b) => [b.pool, b.id, b.requests, b.state])).toEqual([
      ['api', shared, 3, 'healthy'],
      ['api', apiOnly, 1, 'healthy'],
      ['web', shared, 2, 'healthy'],
      ['web', webOnly, 1, 'unhealthy'],
    ]);
    expect(report.pools.map((p) => [p.name, p.backends])).toEqual([
      ['api', [shared, apiOnly]],
      ['web', [shared, webOnly]],
    ]);
    const [api, web] = report.pools;
    // api: 3 ok + 1 answered 503 by its backend + 1 no backend could take = 5, 2 failed.
    expect(api?.totals).toMatchObject({
      backendsUp: 2,
      requests: 5,
      errorRate: 0.4,
      inFlight: 2,
      unroutedRequests: 1,
    });
    expect(api?.totals.rps).toBeGreaterThan(0);
    // web: 2 ok + a 404, which is the client's error, not a failure.
    expect(web?.totals).toMatchObject({
      backendsUp: 1,
      requests: 3,
      errorRate: 0,
      inFlight: 0,
      unroutedRequests: 0,
    });
    // All of it, the request refused before routing included.
    expect(report.totals.unroutedRequests).toBe(2);
    expect(report.totals.inFlight).toBe(2);
    expect(report.totals.errorRate).toBeCloseTo(2 / 9, 4);
  });

  it('reports the default pool for a config without pools', async () => {
    const proxy = new PoolProxy([
      { url: SHARED, pool: 'default' },
      { url: API_ONLY, pool: 'default' },
    ]);
    const { url } = await serve(proxy);
    const report = await status(url);
    expect(report.backends.map((b) => b.pool)).toEqual(['default', 'default']);
    expect(report.pools).toEqual([
      {
        name: 'default',
        backends: [shared, apiOnly],
        totals: {
          backendsUp: 2,
          requests: 0,
          rps: 0,
          errorRate: 0,
          inFlight: 0,
          unroutedRequests: 0,
        },
      },
    ]);
  });
});

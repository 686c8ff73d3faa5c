import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  labelValues,
  type Stack,
  sample,
  sendRequests,
  startStack,
  total,
  until,
} from './admin-harness.js';

const GREETING_BYTES = 'Halo dari Server 1'.length;

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function scrape(s: Stack): Promise<string> {
  const response = await fetch(`${s.adminUrl}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** The `route` and `pool` labels the proxy's own records call for (`none` when unset). */
function recordLabels(s: Stack): { routes: Set<string>; pools: Set<string> } {
  const seen = { routes: new Set<string>(), pools: new Set<string>() };
  s.proxy.on('request:end', (record) => {
    seen.routes.add(record.route ?? 'none');
    seen.pools.add(record.pool ?? 'none');
  });
  return seen;
}

describe('admin /metrics', () => {
  it('counts each request by route, pool, backend, method class and status class, with bytes and durations', async () => {
    stack = await startStack({ backends: 3 });
    const s = stack;
    const seen = recordLabels(s);
    await sendRequests(`${s.proxyUrl}/`, 6);
    await sendRequests(`${s.proxyUrl}/form`, 3, { method: 'POST', body: 'hello' });
    await sendRequests(`${s.proxyUrl}/item`, 3, { method: 'PATCH', body: '' });
    await s.fleet.backend(2).set({ status: 404 });
    await sendRequests(`${s.proxyUrl}/`, 3, { method: 'HEAD' });

    const text = await scrape(s);
    for (const [i, url] of s.fleet.urls.entries()) {
      const backend = new URL(url).origin;
      // A config without pools: every backend is in `default`.
      const pool = 'default';
      const count = (method: string, statusClass: string) =>
        total(text, 'helios_requests_total', { pool, backend, method, status_class: statusClass });
      expect(count('GET', '2xx')).toBe(2);
      expect(count('POST', '2xx')).toBe(1);
      expect(count('OTHER', '2xx')).toBe(1);
      expect(count('HEAD', i === 1 ? '4xx' : '2xx')).toBe(1);
      expect(count('HEAD', i === 1 ? '2xx' : '4xx')).toBe(0);
      expect(total(text, 'helios_request_duration_seconds_count', { pool, backend })).toBe(5);
      expect(
        total(text, 'helios_request_duration_seconds_bucket', { pool, backend, le: '+Inf' }),
      ).toBe(5);
      expect(sample(text, 'helios_upstream_duration_seconds_count', { pool, backend })).toBe(5);
      expect(sample(text, 'helios_request_bytes_total', { pool, backend })).toBe(5);
      expect(sample(text, 'helios_response_bytes_total', { pool, backend })).toBe(
        4 * GREETING_BYTES,
      );
      expect(sample(text, 'helios_retries_total', { pool, backend })).toBe(0);
      expect(sample(text, 'helios_backend_up', { pool, backend })).toBe(1);
      expect(sample(text, 'helios_backend_in_flight', { pool, backend })).toBe(0);
    }
    // Requests carry the route the proxy's records name, and nothing else.
    expect(labelValues(text, 'helios_requests_total', 'route')).toEqual([...seen.routes].sort());
    expect(labelValues(text, 'helios_request_duration_seconds_bucket', 'route')).toEqual(
      [...seen.routes].sort(),
    );
    expect(labelValues(text, 'helios_requests_total', 'pool')).toEqual(['default']);
    expect(total(text, 'helios_requests_total')).toBe(15);
    expect(sample(text, 'helios_info', { version: '0.0.0-test', strategy: 'round-robin' })).toBe(1);
    expect(text).toContain('# TYPE helios_request_duration_seconds histogram');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('counts requests no backend could take under backend="none"', async () => {
    stack = await startStack({ backends: 2 });
    const seen = recordLabels(stack);
    for (const backend of stack.proxy.backends) backend.markDown('active', 'test holds it down');
    const statuses = await sendRequests(`${stack.proxyUrl}/`, 2);
    expect(statuses).toEqual([503, 503]);

    const text = await scrape(stack);
    // The pool the request was meant for, when the proxy got that far (`none` before routing).
    expect([...seen.pools]).toHaveLength(1);
    const pool = [...seen.pools][0] ?? '';
    expect(
      total(text, 'helios_requests_total', {
        pool,
        backend: 'none',
        method: 'GET',
        status_class: '5xx',
      }),
    ).toBe(2);
    for (const url of stack.fleet.urls) {
      const backend = new URL(url).origin;
      expect(sample(text, 'helios_backend_up', { pool: 'default', backend })).toBe(0);
    }
  });

  it('counts retries and the error codes of failed requests', async () => {
    stack = await startStack({ backends: 2, retries: 1 });
    const [first, second] = stack.fleet.urls.map((url) => new URL(url).origin);
    let retried = 0;
    stack.proxy.on('request:end', (record: { retries: number }) => {
      retried += record.retries;
    });
    await stack.fleet.backend(2).set({ refuse: true });
    const statuses = await sendRequests(`${stack.proxyUrl}/`, 4);
    expect(statuses).toEqual([200, 200, 200, 200]);

    let text = await scrape(stack);
    const pool = 'default';
    expect(
      total(text, 'helios_requests_total', {
        pool,
        backend: first ?? '',
        method: 'GET',
        status_class: '2xx',
      }),
    ).toBe(4);
    // Which requests meet the refusing backend depends on the strategy; at least one does.
    expect(retried).toBeGreaterThan(0);
    expect(sample(text, 'helios_retries_total', { pool, backend: first ?? '' })).toBe(retried);
    expect(
      total(text, 'helios_requests_total', {
        pool,
        backend: second ?? '',
        method: 'GET',
        status_class: '2xx',
      }),
    ).toBe(0);

    await stack.fleet.backend(1).set({ refuse: true });
    const failed = await sendRequests(`${stack.proxyUrl}/`, 1);
    expect(failed[0]).toBeGreaterThanOrEqual(500);
    text = await scrape(stack);
    const errorLines = text
      .split('\n')
      .filter((line) => line.startsWith('helios_request_errors_total{'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/pool="default".*code="HELIOS_[A-Z_]+"} 1$/);
  });

  it('reads in-flight requests and client connections at scrape time', async () => {
    stack = await startStack({ backends: 1 });
    const s = stack;
    const backend = new URL(s.fleet.urls[0] ?? '').origin;
    await s.fleet.backend(1).set({ hang: true });
    const pending = request(`${s.proxyUrl}/slow`);
    pending.on('error', () => {});
    pending.end();

    const pool = 'default';
    const during = await until('one request in flight', async () => {
      const text = await scrape(s);
      return sample(text, 'helios_backend_in_flight', { pool, backend }) === 1 ? text : undefined;
    });
    expect(sample(during, 'helios_client_connections')).toBe(1);

    pending.destroy();
    await until('the aborted request to leave', async () => {
      const text = await scrape(s);
      return sample(text, 'helios_backend_in_flight', { pool, backend }) === 0 &&
        sample(text, 'helios_client_connections') === 0
        ? true
        : undefined;
    });
  });

  it('counts configuration reloads by outcome', async () => {
    stack = await startStack({ backends: 1 });
    let text = await scrape(stack);
    expect(sample(text, 'helios_config_reloads_total', { outcome: 'success' })).toBe(0);
    expect(sample(text, 'helios_config_reloads_total', { outcome: 'failure' })).toBe(0);
    stack.admin.recordReload('success');
    stack.admin.recordReload('success');
    stack.admin.recordReload('failure');
    text = await scrape(stack);
    expect(sample(text, 'helios_config_reloads_total', { outcome: 'success' })).toBe(2);
    expect(sample(text, 'helios_config_reloads_total', { outcome: 'failure' })).toBe(1);
  });
});

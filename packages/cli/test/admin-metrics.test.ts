import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, sample, sendRequests, startStack, until } from './admin-harness.js';

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

describe('admin /metrics', () => {
  it('counts each request by backend, method class and status class, with bytes and durations', async () => {
    stack = await startStack({ backends: 3 });
    const s = stack;
    await sendRequests(`${s.proxyUrl}/`, 6);
    await sendRequests(`${s.proxyUrl}/form`, 3, { method: 'POST', body: 'hello' });
    await sendRequests(`${s.proxyUrl}/item`, 3, { method: 'PATCH', body: '' });
    await s.fleet.backend(2).set({ status: 404 });
    await sendRequests(`${s.proxyUrl}/`, 3, { method: 'HEAD' });

    const text = await scrape(s);
    for (const [i, url] of s.fleet.urls.entries()) {
      const backend = new URL(url).origin;
      const count = (method: string, statusClass: string) =>
        sample(text, 'helios_requests_total', { backend, method, status_class: statusClass });
      expect(count('GET', '2xx')).toBe(2);
      expect(count('POST', '2xx')).toBe(1);
      expect(count('OTHER', '2xx')).toBe(1);
      expect(count('HEAD', i === 1 ? '4xx' : '2xx')).toBe(1);
      expect(count('HEAD', i === 1 ? '2xx' : '4xx')).toBeUndefined();
      expect(sample(text, 'helios_request_duration_seconds_count', { backend })).toBe(5);
      expect(sample(text, 'helios_request_duration_seconds_bucket', { backend, le: '+Inf' })).toBe(
        5,
      );
      expect(sample(text, 'helios_upstream_duration_seconds_count', { backend })).toBe(5);
      expect(sample(text, 'helios_request_bytes_total', { backend })).toBe(5);
      expect(sample(text, 'helios_response_bytes_total', { backend })).toBe(4 * GREETING_BYTES);
      expect(sample(text, 'helios_retries_total', { backend })).toBe(0);
      expect(sample(text, 'helios_backend_up', { backend })).toBe(1);
      expect(sample(text, 'helios_backend_in_flight', { backend })).toBe(0);
    }
    expect(sample(text, 'helios_info', { version: '0.0.0-test', strategy: 'round-robin' })).toBe(1);
    expect(text).toContain('# TYPE helios_request_duration_seconds histogram');
    expect(text).toContain('process_cpu_seconds_total');
  });

  it('counts requests no backend could take under backend="none"', async () => {
    stack = await startStack({ backends: 2 });
    for (const backend of stack.proxy.backends) backend.markDown('active', 'test holds it down');
    const statuses = await sendRequests(`${stack.proxyUrl}/`, 2);
    expect(statuses).toEqual([503, 503]);

    const text = await scrape(stack);
    expect(
      sample(text, 'helios_requests_total', {
        backend: 'none',
        method: 'GET',
        status_class: '5xx',
      }),
    ).toBe(2);
    for (const url of stack.fleet.urls) {
      expect(sample(text, 'helios_backend_up', { backend: new URL(url).origin })).toBe(0);
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
    expect(
      sample(text, 'helios_requests_total', {
        backend: first ?? '',
        method: 'GET',
        status_class: '2xx',
      }),
    ).toBe(4);
    // Which requests meet the refusing backend depends on the strategy; at least one does.
    expect(retried).toBeGreaterThan(0);
    expect(sample(text, 'helios_retries_total', { backend: first ?? '' })).toBe(retried);
    expect(
      sample(text, 'helios_requests_total', {
        backend: second ?? '',
        method: 'GET',
        status_class: '2xx',
      }),
    ).toBeUndefined();

    await stack.fleet.backend(1).set({ refuse: true });
    const failed = await sendRequests(`${stack.proxyUrl}/`, 1);
    expect(failed[0]).toBeGreaterThanOrEqual(500);
    text = await scrape(stack);
    const errorLines = text
      .split('\n')
      .filter((line) => line.startsWith('helios_request_errors_total{'));
    expect(errorLines).toHaveLength(1);
    expect(errorLines[0]).toMatch(/code="HELIOS_[A-Z_]+"} 1$/);
  });

  it('reads in-flight requests and client connections at scrape time', async () => {
    stack = await startStack({ backends: 1 });
    const s = stack;
    const backend = new URL(s.fleet.urls[0] ?? '').origin;
    await s.fleet.backend(1).set({ hang: true });
    const pending = request(`${s.proxyUrl}/slow`);
    pending.on('error', () => {});
    pending.end();

    const during = await until('one request in flight', async () => {
      const text = await scrape(s);
      return sample(text, 'helios_backend_in_flight', { backend }) === 1 ? text : undefined;
    });
    expect(sample(during, 'helios_client_connections')).toBe(1);

    pending.destroy();
    await until('the aborted request to leave', async () => {
      const text = await scrape(s);
      return sample(text, 'helios_backend_in_flight', { backend }) === 0 &&
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

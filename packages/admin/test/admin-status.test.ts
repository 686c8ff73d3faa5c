import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStatus, StatusReport } from '../src/index.js';
import { type Stack, sample, sendRequests, startStack, until } from './admin-harness.js';

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function status(s: Stack): Promise<StatusReport> {
  const response = await fetch(`${s.adminUrl}/api/status`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  return (await response.json()) as StatusReport;
}

function backendOf(report: StatusReport, id: string): BackendStatus {
  const found = report.backends.find((b) => b.id === id);
  if (!found) throw new Error(`backend ${id} missing from status`);
  return found;
}

describe('admin /api/status', () => {
  it('describes the listener, strategy and each backend’s traffic over the last minute', async () => {
    stack = await startStack({ backends: 3 });
    await stack.fleet.backend(3).set({ status: 500 });
    await sendRequests(`${stack.proxyUrl}/`, 30);

    const report = await status(stack);
    expect(report.version).toBe('0.0.0-test');
    expect(report.strategy).toBe('round-robin');
    expect(report.listener).toEqual({
      address: '127.0.0.1',
      port: Number(new URL(stack.proxyUrl).port),
    });
    expect(report.windowSeconds).toBe(60);
    expect(report.backends.map((b) => b.url)).toEqual(stack.fleet.urls.map((u) => new URL(u).href));
    for (const [i, b] of report.backends.entries()) {
      expect(b.state).toBe('healthy');
      expect(b.reason).toBeNull();
      expect(b.weight).toBe(1);
      expect(b.inFlight).toBe(0);
      expect(b.requests).toBe(10);
      expect(b.rps).toBeGreaterThan(0);
      expect(b.p50Ms).toBeGreaterThan(0);
      expect(b.p99Ms).toBeGreaterThanOrEqual(b.p50Ms ?? 0);
      expect(b.errorRate).toBe(i === 2 ? 1 : 0);
      expect(b.series.rps).toHaveLength(60);
      expect(b.series.rps.reduce((sum, n) => sum + n, 0)).toBe(10);
      expect(b.series.p99Ms).toHaveLength(60);
    }
    expect(report.totals.errorRate).toBeCloseTo(1 / 3, 3);
    expect(report.transitions).toEqual([]);
    // A config without pools: one pool, `default`, holding every backend.
    expect(report.backends.map((b) => b.pool)).toEqual(['default', 'default', 'default']);
    expect(report.pools).toHaveLength(1);
    expect(report.pools[0]?.name).toBe('default');
    expect(report.pools[0]?.backends).toEqual(report.backends.map((b) => b.id));
    expect(report.pools[0]?.totals).toMatchObject({
      backendsUp: 3,
      requests: 30,
      errorRate: 0.3333,
      inFlight: 0,
      unroutedRequests: 0,
    });
    expect(report.pools[0]?.totals.rps).toBe(report.totals.rps);
  });

  it('shows a backend going down and coming back, with the health checker’s reasons', async () => {
    stack = await startStack({ backends: 3, activeHealth: true });
    const s = stack;
    const id = new URL(s.fleet.urls[1] ?? '').origin;
    await until('every backend to pass its first check', async () =>
      (await status(s)).backends.every((b) => b.state === 'healthy') ? true : undefined,
    );

    await s.fleet.backend(2).set({ healthStatus: 503 });
    // The others may still be settling their first probe, so wait for the whole picture.
    const down = await until('backend 2 down on a 503, the other two healthy', async () => {
      const report = await status(s);
      const failing = /503/.test(backendOf(report, id).reason ?? '');
      const others = report.backends.filter((b) => b.id !== id && b.state === 'healthy');
      return failing && others.length === 2 ? report : undefined;
    });
    expect(backendOf(down, id).state).toBe('unhealthy');
    // Newest first; on a busy machine other backends may flap too, so look for this one's.
    const latestOf = (report: StatusReport) => report.transitions.find((t) => t.backend === id);
    expect(latestOf(down)).toMatchObject({ healthy: false, source: 'active', pool: 'default' });
    expect(latestOf(down)?.reason).toMatch(/503/);

    await s.fleet.backend(2).set({ healthStatus: 200 });
    const up = await until('backend 2 to come back', async () => {
      const report = await status(s);
      return backendOf(report, id).state !== 'unhealthy' ? report : undefined;
    });
    expect(backendOf(up, id).reason).toBeNull();
    expect(latestOf(up)).toMatchObject({ healthy: true, source: 'active' });
    expect(latestOf(up)?.downForMs).toBeGreaterThan(0);

    expect(down.pools[0]?.totals.backendsUp).toBe(2);
    const metrics = await (await fetch(`${s.adminUrl}/metrics`)).text();
    expect(
      sample(metrics, 'helios_backend_ejections_total', {
        pool: 'default',
        backend: id,
        source: 'active',
        reason: 'GET /health answered 5xx',
      }),
    ).toBe(1);
  });

  it('notices backends marked down by hand when no health checker reports', async () => {
    stack = await startStack({ backends: 2 });
    const s = stack;
    const [backend] = s.proxy.backends;
    if (!backend) throw new Error('no backend');
    backend.markDown('passive', 'operator drained it');
    const down = await until('the manual change to show', async () => {
      const report = await status(s);
      return report.transitions.length > 0 ? report : undefined;
    });
    expect(backendOf(down, backend.id)).toMatchObject({
      state: 'unhealthy',
      reason: 'operator drained it',
    });
    expect(down.transitions[0]).toMatchObject({
      backend: backend.id,
      pool: 'default',
      healthy: false,
      source: 'passive',
      reason: 'operator drained it',
    });

    backend.markUp('passive', 'back');
    const up = await until('the backend to come back', async () => {
      const report = await status(s);
      return report.transitions.length > 1 ? report : undefined;
    });
    expect(backendOf(up, backend.id).state).toBe('healthy');
    expect(up.transitions[0]).toMatchObject({ backend: backend.id, healthy: true });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Backend } from '@helios/core';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealthChecker, type HealthChecker } from '../src/checker.js';
import type { HealthTransition } from '../src/transition.js';
import { type HealthOverrides, healthConfig } from './helpers.js';
import { waitFor } from './wait-for.js';

const INTERVAL = 25;
const TIMEOUT = 300;

let fleet: Fleet | undefined;
let checker: HealthChecker | undefined;
let server: Server | undefined;

afterEach(async () => {
  await checker?.close();
  await fleet?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  checker = undefined;
  fleet = undefined;
  server = undefined;
});

function backendsOf(urls: readonly string[]): Backend[] {
  return urls.map((url, index) => new Backend({ url: new URL(url), weight: 1, index }));
}

async function setup(active: HealthOverrides['active'] = {}) {
  fleet = await startBackends({ count: 3 });
  const backends = backendsOf(fleet.urls);
  const events: HealthTransition[] = [];
  checker = createHealthChecker({
    health: healthConfig({
      passive: { enabled: false },
      active: { interval: INTERVAL, timeout: TIMEOUT, jitter: 0.2, ...active },
    }),
    backends: backends.map((b) => ({ url: b.url, weight: 1, maxConnections: 8, health: {} })),
  });
  checker.on('transition', (e) => events.push({ ...e }));
  checker.update(backends);
  return { fleet, backends, events, checker };
}

describe('active checks against real backends', () => {
  it('probes each backend right away and keeps probing, with no transitions while healthy', async () => {
    const { fleet, backends, events } = await setup();
    await waitFor(
      () => fleet.backends.every((b) => b.stats.healthChecks >= 3),
      'three probes each',
    );
    expect(backends.every((b) => b.available)).toBe(true);
    expect(events).toEqual([]);
    expect(fleet.backends.every((b) => b.stats.requests === 0)).toBe(true); // only /health
  });

  it('removes a backend whose /health answers 503 within interval × threshold, and returns it', async () => {
    const { fleet, backends, events } = await setup({ unhealthyThreshold: 3, healthyThreshold: 2 });
    const sick = backends[1]!;
    await waitFor(() => fleet.backend(2).stats.healthChecks >= 1, 'first probe');
    const probesAtFlip = fleet.backend(2).stats.healthChecks;
    await fleet.backend(2).set({ healthStatus: 503 });
    await waitFor(() => !sick.available, 'backend 2 out of service');
    // Exactly three failed probes take it out (one more may have been in flight at the flip),
    // so it leaves within interval × threshold; wall-clock time is not asserted here because
    // a busy shared machine can stall the event loop (the e2e test bounds it loosely).
    const probes = fleet.backend(2).stats.healthChecks - probesAtFlip;
    expect(probes).toBeGreaterThanOrEqual(3);
    expect(probes).toBeLessThanOrEqual(4);
    expect(sick.downReason).toMatch(/^GET \/health .* \(3 consecutive failures\)$/);
    expect(backends[0]!.available && backends[2]!.available).toBe(true);

    await fleet.backend(2).set({ healthStatus: 200 });
    await waitFor(() => sick.available, 'backend 2 back in service');
    const back = events.at(-1);
    expect(back).toMatchObject({ backend: sick.id, source: 'active', healthy: true });
    expect(back?.reason).toBe('GET /health answered 200 (2 consecutive passes)');
    expect(back?.downForMs).toBeGreaterThan(0);
  });

  it('removes a backend that refuses connections and brings it back when it listens again', async () => {
    const { fleet, backends } = await setup({ unhealthyThreshold: 2 });
    await waitFor(() => fleet.backend(3).stats.healthChecks >= 1, 'first probe');
    await fleet.backend(3).set({ refuse: true });
    await waitFor(() => !backends[2]!.available, 'backend 3 out of service');
    expect(backends[2]!.downReason).toContain('ECONNREFUSED');
    await fleet.backend(3).set({ refuse: false });
    await waitFor(() => backends[2]!.available, 'backend 3 back in service');
  });

  it('times out a hanging health check and never runs two probes at once', async () => {
    const { fleet, backends } = await setup({ unhealthyThreshold: 1, timeout: 100 });
    await waitFor(() => fleet.backend(1).stats.healthChecks >= 1, 'first probe');
    await fleet.backend(1).set({ hang: true });
    const before = fleet.backend(1).stats.healthChecks;
    const since = performance.now();
    await waitFor(() => !backends[0]!.available, 'backend 1 out of service');
    expect(backends[0]!.downReason).toMatch(/timed out after 100 ms/);
    await waitFor(() => fleet.backend(1).stats.healthChecks >= before + 4, 'four hanging probes');
    const elapsed = performance.now() - since;
    const probes = fleet.backend(1).stats.healthChecks - before;
    // Overlapping probes would start every ~25 ms; sequential ones wait 100 ms + the interval.
    expect(probes).toBeLessThanOrEqual(Math.ceil(elapsed / (100 + INTERVAL * 0.8)) + 1);
    expect(fleet.backend(1).stats.inFlight).toBeLessThanOrEqual(1);
  });

  it('stops probing and leaves no connection open after close', async () => {
    const { fleet, checker } = await setup();
    await waitFor(() => fleet.backends.every((b) => b.stats.healthChecks >= 2), 'two probes each');
    await checker.close();
    await waitFor(
      () => fleet.backends.every((b) => b.stats.connections === 0),
      'probe sockets closed',
    );
    const counts = fleet.backends.map((b) => b.stats.healthChecks);
    // Absence can only be shown over time: ten intervals without a single probe.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL * 10));
    expect(fleet.backends.map((b) => b.stats.healthChecks)).toEqual(counts);
  });

  it('sends the per-backend path and Host header to the configured backend only', async () => {
    const seen: {
      url: string | undefined;
      host: string | undefined;
      connection: string | undefined;
    }[] = [];
    server = createServer((req, res) => {
      seen.push({ url: req.url, host: req.headers.host, connection: req.headers.connection });
      res.end('ok');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const backend = new Backend({ url: new URL(`http://127.0.0.1:${port}`), weight: 1, index: 0 });
    checker = createHealthChecker({
      health: healthConfig({ passive: { enabled: false }, active: { interval: INTERVAL } }),
      backends: [
        {
          url: backend.url,
          weight: 1,
          maxConnections: 8,
          health: { path: '/ready', host: 'svc.internal' },
        },
      ],
    });
    checker.update([backend]);
    await waitFor(() => seen.length >= 2, 'two probes');
    // A fresh connection per probe: a dead listener cannot hide behind a kept-alive socket.
    expect(seen[0]).toEqual({ url: '/ready', host: 'svc.internal', connection: 'close' });
  });
});

import { Readable } from 'node:stream';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthTarget } from '../src/backend.js';
import type { HealthHooks } from '../src/health-hooks.js';
import type { RequestRecord } from '../src/request-record.js';
import type { FailureKind } from '../src/strategy.js';
import { send } from './helpers/client.js';
import { useHarness, waitFor } from './helpers/harness.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

class RecordingHealth implements HealthHooks {
  updates: (readonly HealthTarget[])[] = [];
  ends: { backend: string; status: number; failure: FailureKind | undefined }[] = [];
  closed = false;
  update(backends: readonly HealthTarget[]): void {
    this.updates.push(backends);
  }
  onRequestEnd(backend: HealthTarget, status: number, failure: FailureKind | undefined): void {
    this.ends.push({ backend: backend.id, status, failure });
  }
  close(): void {
    this.closed = true;
  }
}

describe('events and hooks', () => {
  it('emits request:start and request:end with a complete record', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port, proxy } = await h.start(fleet.urls);
    const starts: RequestRecord[] = [];
    const ends: RequestRecord[] = [];
    proxy.on('request:start', (r: RequestRecord) => starts.push({ ...r }));
    proxy.on('request:end', (r: RequestRecord) => ends.push({ ...r }));
    const res = await send(port, { method: 'POST', path: '/rec?q=1', body: 'abcdef' });
    await waitFor(() => ends.length === 1, 3_000, 'request:end');
    expect(starts).toHaveLength(1);
    expect(starts[0]?.id).toBe(res.headers['x-request-id']);
    expect(starts[0]?.clientAddress).toBe('127.0.0.1');
    const end = ends[0] as RequestRecord;
    expect(end.id).toBe(res.headers['x-request-id']);
    expect(end.method).toBe('POST');
    expect(end.path).toBe('/rec?q=1');
    expect(end.clientAddress).toBe('127.0.0.1');
    expect(end.backend?.id).toBe(new URL(fleet.urls[0] ?? '').origin);
    expect(end.status).toBe(200);
    expect(end.bytesIn).toBe(6);
    expect(end.bytesOut).toBe(res.body.length);
    expect(end.durationMs).toBeGreaterThan(0);
    expect(end.upstreamMs).toBeGreaterThan(0);
    expect(end.upstreamMs).toBeLessThanOrEqual(end.durationMs);
    expect(end.retries).toBe(0);
    expect(end.errorCode).toBeUndefined();
  });

  it('counts the bytes of a chunked request body', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port, proxy } = await h.start(fleet.urls);
    const ends: RequestRecord[] = [];
    proxy.on('request:end', (r: RequestRecord) => ends.push({ ...r }));
    const body = Readable.from([Buffer.alloc(1000), Buffer.alloc(234)]);
    await send(port, { method: 'PUT', body, headers: { 'transfer-encoding': 'chunked' } });
    await waitFor(() => ends.length === 1, 3_000, 'request:end');
    expect(ends[0]?.bytesIn).toBe(1234);
  });

  it('records Helios errors in errorCode and status', async () => {
    fleet = await startBackends({ count: 1, behaviour: { refuse: true } });
    const { port, proxy } = await h.start(fleet.urls);
    const ends: RequestRecord[] = [];
    proxy.on('request:end', (r: RequestRecord) => ends.push({ ...r }));
    await send(port);
    await waitFor(() => ends.length === 1, 3_000, 'request:end');
    expect(ends[0]?.status).toBe(502);
    expect(ends[0]?.errorCode).toBe('HELIOS_UPSTREAM_CONNECT');
  });

  it('calls strategy and health hooks once per attempt and keeps inFlight exact', async () => {
    fleet = await startBackends({ count: 2, behaviour: { latency: 100 } });
    const health = new RecordingHealth();
    const { port, proxy, strategy } = await h.start(fleet.urls, {}, { health });
    expect(health.updates).toHaveLength(1);
    expect(strategy.updates).toBe(1);
    const pending = [send(port), send(port), send(port)];
    await waitFor(
      () => proxy.backends.reduce((n, b) => n + b.inFlight, 0) === 3,
      3_000,
      'three in flight',
    );
    await Promise.all(pending);
    expect(proxy.backends.map((b) => b.inFlight)).toEqual([0, 0]);
    expect(strategy.calls.filter((c) => c.kind === 'start')).toHaveLength(3);
    expect(strategy.calls.filter((c) => c.kind === 'end').every((c) => c.status === 200)).toBe(
      true,
    );
    expect(health.ends).toHaveLength(3);
    await proxy.close();
    expect(health.closed).toBe(true);
  });

  it('reports connect failures to health hooks with status 0', async () => {
    fleet = await startBackends({ count: 1, behaviour: { refuse: true } });
    const health = new RecordingHealth();
    const { port } = await h.start(fleet.urls, { retries: 0 }, { health });
    await send(port);
    expect(health.ends).toEqual([
      { backend: new URL(fleet.urls[0] ?? '').origin, status: 0, failure: 'connect' },
    ]);
  });

  it('a throwing event listener does not break the request', async () => {
    fleet = await startBackends({ count: 1 });
    const { port, proxy } = await h.start(fleet.urls);
    proxy.on('request:start', () => {
      throw new Error('listener bug');
    });
    expect((await send(port)).status).toBe(200);
  });

  it('survives a strategy whose pick and hooks throw: 503, and the proxy keeps serving', async () => {
    fleet = await startBackends({ count: 1 });
    const { port, strategy } = await h.start(fleet.urls);
    const realPick = strategy.pick.bind(strategy);
    strategy.pick = () => {
      throw new Error('strategy bug');
    };
    expect((await send(port)).status).toBe(503);
    strategy.pick = realPick;
    strategy.onRequestEnd = () => {
      throw new Error('hook bug');
    };
    expect((await send(port)).status).toBe(200);
    expect((await send(port)).status).toBe(200);
  });
});

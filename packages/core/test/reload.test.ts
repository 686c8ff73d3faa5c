import { request } from 'node:http';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from './helpers/client.js';
import { testConfig } from './helpers/config.js';
import { useHarness, waitFor } from './helpers/harness.js';
import { TestRoundRobin } from './helpers/strategy.js';
import { openWebSocket } from './helpers/websocket.js';

const h = useHarness();
const fleets: Fleet[] = [];
afterEach(async () => {
  await Promise.all(fleets.splice(0).map((f) => f.close()));
});

async function fleetOf(count: number, behaviour = {}): Promise<Fleet> {
  const fleet = await startBackends({ count, behaviour });
  fleets.push(fleet);
  return fleet;
}

describe('reload', () => {
  it('swaps the backend set without failing in-flight or new requests', async () => {
    const oldFleet = await fleetOf(1, { latency: 300 });
    const newFleet = await fleetOf(1);
    const { port, proxy } = await h.start(oldFleet.urls);
    const slow = send(port);
    await waitFor(() => oldFleet.backend(1).stats.inFlight === 1, 3_000, 'old backend busy');
    await proxy.reload(testConfig(newFleet.urls));
    const fresh = await send(port);
    expect(fresh.status).toBe(200);
    expect(newFleet.backend(1).stats.requests).toBe(1);
    const old = await slow;
    expect(old.status).toBe(200);
    expect(old.text).toBe('Halo dari Server 1');
    expect(proxy.backends.map((b) => b.id)).toEqual([new URL(newFleet.urls[0] ?? '').origin]);
  });

  it('reuses backend objects (and their pools) for backends that stay', async () => {
    const fleet = await fleetOf(3);
    const { proxy } = await h.start(fleet.urls.slice(0, 2));
    const [first, second] = proxy.backends;
    first?.markDown('passive', 'kept across reload');
    await proxy.reload(testConfig([fleet.urls[1] ?? '', fleet.urls[2] ?? '', fleet.urls[0] ?? '']));
    const after = proxy.backends;
    expect(after[0]).toBe(second);
    expect(after[2]).toBe(first);
    expect(after[2]?.available).toBe(false);
    expect(after.map((b) => b.index)).toEqual([0, 1, 2]);
  });

  it('keeps the keep-alive connections of a backend that stays (same pool)', async () => {
    const fleet = await fleetOf(1, { echo: true });
    const { port, proxy } = await h.start(fleet.urls);
    const before = JSON.parse((await send(port)).text).remotePort;
    await proxy.reload(testConfig(fleet.urls, { retries: 2 }));
    const after = JSON.parse((await send(port)).text).remotePort;
    // The same upstream socket (same source port) served both requests.
    expect(after).toBe(before);
  });

  it('applies a new strategy and new timeouts', async () => {
    // undici checks response timeouts on a ~0.5 s tick, so the latency is well past it.
    const fleet = await fleetOf(2, { latency: 2_000 });
    const { port, proxy } = await h.start(fleet.urls);
    const next = new TestRoundRobin();
    await proxy.reload(testConfig(fleet.urls, { timeouts: { response: 100 } }), next);
    const res = await send(port);
    expect(res.status).toBe(504);
    expect(next.calls.length).toBeGreaterThan(0);
    expect(next.updates).toBe(1);
  });

  it('keeps upgraded connections open across a reload that removes their backend', async () => {
    const oldFleet = await fleetOf(1);
    const newFleet = await fleetOf(1);
    const { port, proxy } = await h.start(oldFleet.urls);
    const ws = await openWebSocket(port);
    ws.send('before');
    expect(await ws.next()).toBe('before');
    await proxy.reload(testConfig(newFleet.urls));
    ws.send('after');
    expect(await ws.next()).toBe('after');
    ws.socket.destroy();
  });

  it('finishes a long download from a removed backend after the reload', async () => {
    const oldFleet = await fleetOf(1, {
      streamBytes: 8 * 1024 * 1024,
      streamRate: 16 * 1024 * 1024,
    });
    const newFleet = await fleetOf(1);
    const { port, proxy } = await h.start(oldFleet.urls);
    const done = new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, agent: false }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => {
          n += c.length;
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
    await waitFor(() => oldFleet.backend(1).stats.inFlight === 1, 3_000, 'download started');
    // Awaited as embedders do: the call must not wait for the removed backend's pool to close.
    await proxy.reload(testConfig(newFleet.urls));
    expect(oldFleet.backend(1).stats.inFlight).toBe(1);
    expect((await send(port)).text).toContain('Halo dari Server 1');
    expect(newFleet.backend(1).stats.requests).toBe(1);
    expect(await done).toBe(8 * 1024 * 1024);
  });
});

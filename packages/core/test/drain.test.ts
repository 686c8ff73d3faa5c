import { request } from 'node:http';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from './helpers/client.js';
import { useHarness, waitFor } from './helpers/harness.js';
import { openSocket } from './helpers/raw-http.js';
import { openWebSocket, readUntilClose } from './helpers/websocket.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('graceful close', () => {
  it('lets in-flight requests finish, refuses new connections, closes idle keep-alives', async () => {
    fleet = await startBackends({ count: 1, behaviour: { latency: 300 } });
    const { port, proxy } = await h.start(fleet.urls);
    const idle = await openSocket(port);
    idle.resume();
    const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    const inFlight = send(port);
    await waitFor(() => proxy.inFlightRequests === 1, 3_000, 'request in flight');
    const closing = proxy.close();
    await idleClosed;
    await expect(send(port)).rejects.toThrow(/ECONNREFUSED/);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');
    await closing;
    expect(proxy.activeConnections).toBe(0);
  });

  it('cuts what is still running after timeouts.drain, including upgraded tunnels', async () => {
    fleet = await startBackends({ count: 1 });
    const { port, proxy } = await h.start(fleet.urls, { timeouts: { drain: 200 } });
    const ws = await openWebSocket(port);
    expect(ws.head).toMatch(/^HTTP\/1\.1 101/);
    await fleet.backend(1).set({ hang: true });
    const outcome = new Promise<string>((resolve) => {
      request({ host: '127.0.0.1', port, agent: false }, () => resolve('response'))
        .on('error', () => resolve('cut'))
        .end();
    });
    await waitFor(() => proxy.inFlightRequests === 1, 3_000, 'request in flight');
    const started = Date.now();
    await proxy.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await outcome).toBe('cut');
    await readUntilClose(ws);
    expect(ws.socket.destroyed).toBe(true);
  });
});

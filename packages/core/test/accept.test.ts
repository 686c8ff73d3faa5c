/**
 * `proxy.accept(socket)`: connections accepted by another server (a cluster primary passes
 * them to workers) are served exactly like the proxy's own, limits and drain included. The
 * sockets here come from a `pauseOnConnect` server, as in the cluster, so nothing has read
 * from them before the proxy gets them.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxy, type HeliosProxy } from '../src/proxy.js';
import { send } from './helpers/client.js';
import { type TestConfigOverrides, testConfig } from './helpers/config.js';
import { openSocket } from './helpers/raw-http.js';
import { TestRoundRobin } from './helpers/strategy.js';

let fleet: Fleet | undefined;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await fleet?.close();
  fleet = undefined;
});

/** A proxy that never listens, fed by a paused front server on an ephemeral port. */
async function handedOff(
  overrides: TestConfigOverrides = {},
): Promise<{ proxy: HeliosProxy; port: number; accepted: Socket[] }> {
  fleet = await startBackends({ count: 1, behaviour: { latency: 0 } });
  const proxy = createProxy({
    config: testConfig(fleet.urls, overrides),
    strategy: new TestRoundRobin(),
  });
  const accepted: Socket[] = [];
  const front: Server = createServer({ pauseOnConnect: true }, (socket) => {
    accepted.push(socket);
    proxy.accept(socket);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  closers.push(
    () => proxy.close(),
    () => new Promise((resolve) => front.close(resolve)),
  );
  const address = front.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { proxy, port: address.port, accepted };
}

describe('proxy.accept(socket)', () => {
  it('serves requests on a connection accepted elsewhere', async () => {
    const { proxy, port, accepted } = await handedOff();
    const answer = await send(port);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Halo dari Server 1');
    expect(proxy.address()).toBeNull();
    expect(accepted).toHaveLength(1);
  });

  it('enforces timeouts.clientHeader on handed-over connections (408)', async () => {
    const { port } = await handedOff({ timeouts: { clientHeader: 200 } });
    const socket = await openSocket(port);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 408/);
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });

  it('closes idle handed-over keep-alive connections when it drains', async () => {
    const { proxy, port } = await handedOff();
    const socket = await openSocket(port);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    // Idle keep-alive now: close() must not wait for timeouts.clientIdle to drop it.
    await proxy.close();
    await closed;
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1\.1 200/);
  });

  it('closes a socket handed over after close() began instead of serving it', async () => {
    const { proxy, port } = await handedOff();
    await proxy.close();
    const socket = await openSocket(port);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.on('close', () => resolve()));
    expect(Buffer.concat(chunks).length).toBe(0);
    expect(fleet?.backend(1).stats.requests).toBe(0);
  });
});

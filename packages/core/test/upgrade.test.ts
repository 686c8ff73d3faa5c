import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import { useHarness, waitFor } from './helpers/harness.js';
import { openWebSocket, readUntilClose } from './helpers/websocket.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('WebSocket and Upgrade', () => {
  it('relays the 101 and pipes frames both ways until a side closes', async () => {
    fleet = await startBackends({ count: 1 });
    const { port, proxy } = await h.start(fleet.urls);
    const events: string[] = [];
    proxy.on('upgrade:open', () => events.push('open'));
    proxy.on('upgrade:close', () => events.push('close'));
    const ws = await openWebSocket(port);
    expect(ws.head).toMatch(/^HTTP\/1\.1 101/);
    expect(ws.head.toLowerCase()).toContain('sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=');
    expect(ws.head).toContain('X-Backend: 1');
    ws.send('hello through helios');
    expect(await ws.next()).toBe('hello through helios');
    ws.send('second');
    expect(await ws.next()).toBe('second');
    expect(proxy.activeUpgrades).toBe(1);
    ws.socket.destroy();
    await waitFor(() => proxy.activeUpgrades === 0, 3_000, 'tunnel to close');
    expect(events).toEqual(['open', 'close']);
  });

  it('closes the client side when the backend goes away', async () => {
    fleet = await startBackends({ count: 1 });
    const { port } = await h.start(fleet.urls);
    const ws = await openWebSocket(port);
    ws.send('ping');
    expect(await ws.next()).toBe('ping');
    const closed = readUntilClose(ws);
    await fleet.close();
    fleet = undefined;
    await closed;
    expect(ws.socket.destroyed).toBe(true);
  });

  it('returns the backend answer when it refuses the upgrade', async () => {
    fleet = await startBackends({ count: 1, behaviour: { status: 403 } });
    const { port } = await h.start(fleet.urls);
    const ws = await openWebSocket(port);
    expect(ws.head).toMatch(/^HTTP\/1\.1 403/);
    expect(ws.head).toContain('X-Backend: 1');
    const body = await readUntilClose(ws);
    expect(body).toBe('Server 1 rejects the upgrade with 403');
  });

  it('answers 502 when no backend accepts the connection', async () => {
    fleet = await startBackends({ count: 1, behaviour: { refuse: true } });
    const { port } = await h.start(fleet.urls);
    const ws = await openWebSocket(port);
    expect(ws.head).toMatch(/^HTTP\/1\.1 502/);
  });
});

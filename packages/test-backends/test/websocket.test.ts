import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Fleet, startBackends } from '../src/index.js';
import { waitFor } from './support.js';

let fleet: Fleet | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await fleet?.close();
  fleet = undefined;
});

function open(url: string): Promise<{ ws: WebSocket; backendHeader: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'));
    sockets.push(ws);
    let backendHeader: string | undefined;
    ws.once('upgrade', (res) => {
      const value = res.headers['x-backend'];
      backendHeader = Array.isArray(value) ? value[0] : value;
    });
    ws.once('open', () => resolve({ ws, backendHeader }));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) => {
    ws.once('message', (data: Buffer, isBinary: boolean) => resolve({ data, isBinary }));
  });
}

describe('WebSocket echo', () => {
  it('echoes text and binary messages on any path and names the backend', async () => {
    fleet = await startBackends({ count: 2 });
    const { ws, backendHeader } = await open(`${fleet.urls[1]}/chat/room?x=1`);
    expect(backendHeader).toBe('2');
    const text = nextMessage(ws);
    ws.send('halo');
    expect(await text).toEqual({ data: Buffer.from('halo'), isBinary: false });
    const binary = nextMessage(ws);
    ws.send(Buffer.from([0, 1, 2, 255]));
    expect(await binary).toEqual({ data: Buffer.from([0, 1, 2, 255]), isBinary: true });
    expect(fleet.backend(2).stats.upgrades).toBe(1);
  });

  it('rejects the upgrade with a fixed status >= 400', async () => {
    fleet = await startBackends({ count: 1, behaviour: { status: 503 } });
    await expect(open(fleet.urls[0] as string)).rejects.toThrow('status 503');
  });

  it('close() terminates open WebSockets', async () => {
    fleet = await startBackends({ count: 1 });
    const { ws } = await open(fleet.urls[0] as string);
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    await fleet.close();
    expect(await closed).toBeGreaterThan(0);
  });

  it('counts an open WebSocket as a connection until it closes', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    const { ws } = await open(backend.url);
    expect(backend.stats.connections).toBe(1);
    ws.close();
    await waitFor(() => backend.stats.connections === 0);
  });
});

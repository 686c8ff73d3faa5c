import { request } from 'node:http';
import { type Fleet, startBackends } from '@helios/test-backends';
import { afterEach, describe, expect, it } from 'vitest';
import type { RequestRecord } from '../src/request-record.js';
import { send } from './helpers/client.js';
import { useHarness, waitFor } from './helpers/harness.js';

const h = useHarness();
let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('connections that die', () => {
  it('a client that disconnects aborts the upstream request (no orphan)', async () => {
    fleet = await startBackends({ count: 1, behaviour: { hang: true } });
    const { port, proxy } = await h.start(fleet.urls);
    const ended: RequestRecord[] = [];
    proxy.on('request:end', (r) => ended.push({ ...r }));
    const req = request({ host: '127.0.0.1', port, path: '/slow', agent: false });
    req.on('error', () => undefined);
    req.end();
    const backend = fleet.backend(1);
    await waitFor(() => backend.stats.inFlight === 1, 3_000, 'backend to receive the request');
    req.destroy();
    await waitFor(() => backend.stats.inFlight === 0, 3_000, 'backend request to be aborted');
    await waitFor(() => ended.length === 1, 3_000, 'request:end');
    expect(ended[0]?.errorCode).toBe('HELIOS_CLIENT_ABORTED');
    expect(proxy.backends[0]?.inFlight).toBe(0);
  });

  it('a backend that dies mid-body cuts the client connection instead of ending it cleanly', async () => {
    fleet = await startBackends({
      count: 1,
      behaviour: { streamBytes: 4 * 1024 * 1024, reset: 'mid-response' },
    });
    const { port } = await h.start(fleet.urls, { retries: 0 });
    const outcome = await new Promise<string>((resolve) => {
      request({ host: '127.0.0.1', port, agent: false }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('clean end'));
        res.on('error', () => resolve('error'));
        res.on('aborted', () => resolve('aborted'));
      })
        .on('error', () => resolve('error'))
        .end();
    });
    expect(outcome).not.toBe('clean end');
  });

  it('a client that aborts mid-upload ends the upstream request and nothing crashes', async () => {
    fleet = await startBackends({ count: 1, behaviour: { echo: true } });
    const { port, proxy } = await h.start(fleet.urls);
    const ended: RequestRecord[] = [];
    proxy.on('request:end', (r) => ended.push({ ...r }));
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      agent: false,
      headers: { 'content-length': '1000000' },
    });
    req.on('error', () => undefined);
    req.write(Buffer.alloc(64 * 1024));
    const backend = fleet.backend(1);
    await waitFor(() => backend.stats.inFlight === 1, 3_000, 'upload to reach the backend');
    req.destroy();
    await waitFor(() => ended.length === 1, 3_000, 'request:end');
    await waitFor(() => backend.stats.inFlight === 0, 3_000, 'backend request to end');
    expect(ended[0]?.errorCode).toBe('HELIOS_CLIENT_ABORTED');
    expect((await send(port, { method: 'POST', body: 'still fine' })).status).toBe(200);
  });

  it('keeps working for the next request after failures', async () => {
    fleet = await startBackends({ count: 1, behaviour: { reset: 'before-response' } });
    const { port } = await h.start(fleet.urls, { retries: 0 });
    expect((await send(port)).status).toBe(502);
    await fleet.backend(1).reset();
    expect((await send(port)).status).toBe(200);
  });
});

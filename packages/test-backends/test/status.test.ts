import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { send } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('status and healthStatus', () => {
  it('status makes every request answer with that code and the usual body', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    await backend.set({ status: 503 });
    const reply = await send(`${backend.url}/x`);
    expect(reply.status).toBe(503);
    expect(reply.body.toString()).toBe('Halo dari Server 1');
    await backend.set({ status: undefined });
    expect((await send(backend.url)).status).toBe(200);
  });

  it('status 204 answers without a body', async () => {
    fleet = await startBackends({ count: 1, behaviour: { status: 204 } });
    const reply = await send(fleet.urls[0] as string);
    expect(reply.status).toBe(204);
    expect(reply.body.length).toBe(0);
  });

  it('healthStatus 503 fails /health while normal requests still succeed', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    await backend.set({ healthStatus: 503 });
    expect((await send(`${backend.url}/health`)).status).toBe(503);
    expect((await send(backend.url)).status).toBe(200);
    await backend.reset();
    expect((await send(`${backend.url}/health`)).status).toBe(200);
  });

  it('status does not change GET /health', async () => {
    fleet = await startBackends({ count: 1, behaviour: { status: 500 } });
    expect((await send(`${fleet.urls[0]}/health`)).status).toBe(200);
  });
});

import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { errorCode, send, waitFor } from './support.js';

let fleet: Fleet | undefined;
const agents: Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await fleet?.close();
  fleet = undefined;
});

function refusal(url: string): Promise<string | undefined> {
  return send(url).then(
    () => 'answered',
    (error: unknown) => errorCode(error),
  );
}

describe('refuse', () => {
  it('refuse: true makes new connections fail with ECONNREFUSED', async () => {
    fleet = await startBackends({ count: 2 });
    await fleet.backend(1).set({ refuse: true });
    expect(await refusal(fleet.urls[0] as string)).toBe('ECONNREFUSED');
    expect((await send(fleet.urls[1] as string)).status).toBe(200);
  });

  it('refuse: false listens again on the same port', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    const port = backend.port;
    await backend.set({ refuse: true });
    expect(await refusal(backend.url)).toBe('ECONNREFUSED');
    await backend.set({ refuse: false });
    expect(backend.port).toBe(port);
    expect((await send(backend.url)).body.toString()).toBe('Halo dari Server 1');
  });

  it('closes idle keep-alive connections so pooled clients cannot sneak past', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    await send(backend.url, { agent });
    expect(backend.stats.connections).toBe(1);
    await backend.set({ refuse: true });
    await waitFor(() => backend.stats.connections === 0);
    const outcome = await send(backend.url, { agent }).then(
      () => 'answered',
      (error: unknown) => errorCode(error),
    );
    expect(outcome).not.toBe('answered');
  });

  it('can start refusing and reset() brings it back', async () => {
    fleet = await startBackends({ count: 1, behaviour: { refuse: true } });
    const backend = fleet.backend(1);
    expect(backend.port).toBeGreaterThan(0);
    expect(await refusal(backend.url)).toBe('ECONNREFUSED');
    await backend.reset();
    expect((await send(backend.url)).status).toBe(200);
  });

  it('rapid toggles apply in order', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    void backend.set({ refuse: true });
    void backend.set({ refuse: false });
    await backend.set({ refuse: true });
    expect(await refusal(backend.url)).toBe('ECONNREFUSED');
  });

  it('reports a taken port on re-listen and retries on the next set()', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    await backend.set({ refuse: true });
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(backend.port, '127.0.0.1', resolve));
    try {
      await expect(backend.set({ refuse: false })).rejects.toMatchObject({
        code: 'HELIOS_TEST_BACKENDS_LISTEN_FAILED',
      });
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    await backend.set({ refuse: false });
    expect((await send(backend.url)).status).toBe(200);
  });
});

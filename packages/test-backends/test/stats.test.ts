import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { send, waitFor } from './support.js';

let fleet: Fleet | undefined;
const agents: Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  await fleet?.close();
  fleet = undefined;
});

describe('stats', () => {
  it('counts requests, in-flight requests and open connections', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    for (let i = 0; i < 5; i++) await send(backend.url, { agent });
    expect(backend.stats.requests).toBe(5);
    expect(backend.stats.connections).toBe(1);
    expect(backend.stats.totalConnections).toBe(1);

    await backend.set({ hang: true });
    const pending = send(backend.url).catch(() => undefined);
    await waitFor(() => backend.stats.inFlight === 1);
    await backend.reset();
    expect(backend.stats.inFlight).toBe(1);
    await fleet.close();
    await pending;
    await waitFor(() => backend.stats.inFlight === 0);
  });

  it('resetStats zeroes the cumulative counters', async () => {
    fleet = await startBackends({ count: 2 });
    await send(fleet.urls[0] as string);
    await send(fleet.urls[1] as string);
    fleet.resetStats();
    expect(fleet.backends.map((b) => b.stats.requests)).toEqual([0, 0]);
  });
});

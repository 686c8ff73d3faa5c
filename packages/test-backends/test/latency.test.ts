import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { send, waitFor } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await fleet?.close();
  fleet = undefined;
});

async function timed(url: string): Promise<number> {
  const started = performance.now();
  await send(url);
  return performance.now() - started;
}

describe('latency', () => {
  it('a fixed latency delays every answer by at least that many ms', async () => {
    fleet = await startBackends({ count: 1, behaviour: { latency: 60 } });
    expect(await timed(fleet.urls[0] as string)).toBeGreaterThanOrEqual(58);
  });

  it('a [min, max] range picks uniformly: the low end and the high end are reachable', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    await backend.set({ latency: [20, 120] });
    vi.spyOn(Math, 'random').mockReturnValue(0);
    const low = await timed(backend.url);
    expect(low).toBeGreaterThanOrEqual(18);
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const high = await timed(backend.url);
    expect(high).toBeGreaterThanOrEqual(115);
  });

  it('set() changes latency for later requests only', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    await backend.set({ latency: 80 });
    const slow = timed(backend.url);
    await waitFor(() => backend.stats.inFlight === 1);
    await backend.set({ latency: 0 });
    expect(await slow).toBeGreaterThanOrEqual(78);
    expect(backend.behaviour.latency).toBe(0);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { send } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await fleet?.close();
  fleet = undefined;
});

describe('errorRate', () => {
  it('errorRate 1 answers every request with 500, still tagged with X-Backend', async () => {
    fleet = await startBackends({ count: 2, behaviour: { errorRate: 1 } });
    for (let i = 0; i < 5; i++) {
      const reply = await send(fleet.urls[1] as string);
      expect(reply.status).toBe(500);
      expect(reply.headers['x-backend']).toBe('2');
    }
  });

  it('a request fails when the random draw falls under the rate', async () => {
    fleet = await startBackends({ count: 1, behaviour: { errorRate: 0.3 } });
    const url = fleet.urls[0] as string;
    vi.spyOn(Math, 'random').mockReturnValue(0.29);
    expect((await send(url)).status).toBe(500);
    vi.spyOn(Math, 'random').mockReturnValue(0.3);
    expect((await send(url)).status).toBe(200);
  });

  it('a share of 0.5 fails roughly half of 200 requests', async () => {
    fleet = await startBackends({ count: 1, behaviour: { errorRate: 0.5 } });
    let failures = 0;
    for (let i = 0; i < 200; i++) {
      if ((await send(fleet.urls[0] as string)).status === 500) failures++;
    }
    // Binomial(200, 0.5): outside 60..140 has probability far below 1e-8.
    expect(failures).toBeGreaterThan(60);
    expect(failures).toBeLessThan(140);
  });

  it('does not affect GET /health', async () => {
    fleet = await startBackends({ count: 1, behaviour: { errorRate: 1 } });
    expect((await send(`${fleet.urls[0]}/health`)).status).toBe(200);
  });
});

import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fleet, startBackends } from '../src/index.js';
import { send, text } from './support.js';

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.close();
  fleet = undefined;
});

describe('default answers', () => {
  it('backend N answers "Halo dari Server N" with X-Backend: N on any path', async () => {
    fleet = await startBackends({ count: 3 });
    expect(new Set(fleet.urls).size).toBe(3);
    for (const backend of fleet.backends) {
      const reply = await send(`${backend.url}/any/path?x=1`);
      expect(reply.status).toBe(200);
      expect(reply.headers['x-backend']).toBe(String(backend.index));
      expect(reply.headers['content-type']).toMatch(/^text\/plain/);
      expect(reply.body.toString()).toBe(`Halo dari Server ${backend.index}`);
    }
  });

  it('listens on 127.0.0.1 ephemeral ports and exposes url and port', async () => {
    fleet = await startBackends({ count: 2 });
    for (const backend of fleet.backends) {
      expect(backend.port).toBeGreaterThan(0);
      expect(backend.url).toBe(`http://127.0.0.1:${backend.port}`);
    }
    expect(fleet.urls).toEqual(fleet.backends.map((b) => b.url));
  });

  it('GET /health answers 200 and counts as a health check, not a request', async () => {
    fleet = await startBackends({ count: 1 });
    const backend = fleet.backend(1);
    const reply = await send(`${backend.url}/health`);
    expect(reply.status).toBe(200);
    expect(reply.headers['x-backend']).toBe('1');
    await text(backend.url);
    expect(backend.stats.healthChecks).toBe(1);
    expect(backend.stats.requests).toBe(1);
  });

  it('HEAD gets the headers without a body', async () => {
    fleet = await startBackends({ count: 1 });
    const reply = await send(fleet.urls[0] as string, { method: 'HEAD' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String('Halo dari Server 1'.length));
    expect(reply.body.length).toBe(0);
  });

  it('basePort numbers the ports from the given one', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    fleet = await startBackends({ count: 1, basePort: port });
    expect(fleet.backend(1).port).toBe(port);
  });
});
